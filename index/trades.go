package index

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"

	"fabrique/data"
)

// tradeGroups join a trade, its tradesman and its product, which the
// French light stemmer keeps apart ("menuisier" → menuisi, "menuiserie" →
// menuis). Each group is a set of words that should find each other; the
// words are analysed like the text, so the table holds stems. Curated for
// the crafts and industries of the EPV and OFG directories.
var tradeGroups = [][]string{
	{"menuisier", "menuiserie"},
	{"ébéniste", "ébénisterie"},
	{"marqueteur", "marqueterie"},
	{"ferronnier", "ferronnerie"},
	{"serrurier", "serrurerie"},
	{"métallier", "métallerie"},
	{"chaudronnier", "chaudronnerie"},
	{"forgeron", "forge"},
	{"fondeur", "fonderie"},
	{"tapissier", "tapisserie"},
	{"décolleteur", "décolletage"},
	{"cristallier", "cristallerie", "cristal"},
	{"verrier", "verrerie", "verre"},
	{"vitrailliste", "vitrail", "vitraux"},
	{"miroitier", "miroiterie"},
	{"tailleur", "taille"},
	{"marbrier", "marbrerie"},
	{"restaurateur", "restauration"},
	{"orfèvre", "orfèvrerie"},
	{"horloger", "horlogerie"},
	{"bijoutier", "bijouterie", "bijou"},
	{"joaillier", "joaillerie"},
	{"maroquinier", "maroquinerie"},
	{"sellier", "sellerie", "selle"},
	{"malletier", "malleterie"},
	{"tanneur", "tannerie"},
	{"mégissier", "mégisserie"},
	{"fourreur", "fourrure"},
	{"coutelier", "coutellerie", "couteau"},
	{"armurier", "armurerie"},
	{"tisserand", "tissage", "tissu"},
	{"filateur", "filature"},
	{"teinturier", "teinture"},
	{"brodeur", "broderie"},
	{"dentellier", "dentellière", "dentelle"},
	{"passementier", "passementerie"},
	{"chapelier", "chapellerie", "chapeau"},
	{"plumassier", "plumasserie"},
	{"gantier", "ganterie", "gant"},
	{"bottier", "botterie"},
	{"cordonnier", "cordonnerie"},
	{"céramiste", "céramique"},
	{"potier", "poterie"},
	{"faïencier", "faïencerie", "faïence"},
	{"porcelainier", "porcelaine"},
	{"émailleur", "émaillage", "émail"},
	{"charpentier", "charpente"},
	{"couvreur", "couverture"},
	{"zingueur", "zinguerie"},
	{"maçon", "maçonnerie"},
	{"plâtrier", "plâtrerie"},
	{"staffeur", "staff"},
	{"mosaïste", "mosaïque"},
	{"doreur", "dorure"},
	{"laqueur", "laque"},
	{"sculpteur", "sculpture"},
	{"graveur", "gravure"},
	{"ciseleur", "ciselure"},
	{"tourneur", "tournage"},
	{"luthier", "lutherie"},
	{"relieur", "reliure"},
	{"imprimeur", "imprimerie", "impression"},
	{"papetier", "papeterie"},
	{"encadreur", "encadrement"},
	{"tonnelier", "tonnellerie", "tonneau", "barrique"},
	{"vannier", "vannerie", "panier"},
	{"parfumeur", "parfumerie"},
	{"chocolatier", "chocolaterie", "chocolat"},
	{"confiseur", "confiserie"},
	{"distillateur", "distillerie"},
	{"brasseur", "brasserie"},
	{"fromager", "fromagerie"},
	{"charcutier", "charcuterie"},
	{"pâtissier", "pâtisserie"},
	{"boulanger", "boulangerie"},
	{"lunetier", "lunetterie"},
	{"chemisier", "chemiserie"},
	{"bonnetier", "bonneterie"},
	{"couturier", "couture"},
	{"mobilier", "meuble", "meubles"},
	{"signalétique", "signalisation", "enseigne"},
}

// searchTradeGroups join, for the supplier search only, words a buyer
// types to the words the directory's names and NAF labels hold, where the
// light stemmer keeps them apart and tradeGroups do not join them. They are
// apart from tradeGroups because the tender matcher and the CPV picker read
// those: a word here changes what a buyer's search finds, nothing else.
// Each group was checked against the EPV companies (index/testdata/
// search_review.md): its words either name the same trade or one names the
// other's material or product, and the word a buyer types is in no company's
// name or label in another sense.
var searchTradeGroups = [][]string{
	// roofing: lauzes (stone slabs) and zinc are laid by the couvreurs,
	// whose NAF label says « couverture » (43.91B)
	{"couvreur", "couverture", "zingueur", "zinguerie", "lauze", "lauzier", "toiture"},
	// the light fittings of the NAF label « appareils d'éclairage » (27.40Z)
	{"luminaire", "lustre", "lustrerie", "lustrier", "éclairage", "lampe"},
	// candles: the ciergeries make them
	{"bougie", "cierge", "ciergerie", "chandelle"},
	// gilding: « bois doré » is the doreur's work
	{"doreur", "dorure", "doré"},
	// stucco is the staffeurs' trade too (« staffeur-stucateur »)
	{"stuc", "stucateur", "staff", "staffeur"},
	{"osier", "vannier", "vannerie"},
	{"soie", "soierie", "soyeux"},
	{"savonnier", "savonnerie", "savon"},
	{"miroir", "miroitier", "miroiterie"},
	{"montre", "horlogerie"},
	{"fauteuil", "siège"},
	{"peintre", "peinture"},
	{"liqueur", "distillerie", "distillateur"},
	// the NAF labels say « outillages » (25.73B), « vitrerie » (43.34Z),
	// « carreaux » (23.31Z), « articles chaussants » (14.31Z)
	{"outil", "outillage", "outilleur"},
	{"vitrier", "vitrerie"},
	{"carrelage", "carreleur", "carreau"},
	{"chaussette", "chaussant"},
	{"dinandier", "dinanderie", "cuivre"},
	// tableware: two groups, so that « vaisselle » finds both and
	// « porcelaine » does not find the faïence
	{"vaisselle", "porcelaine"},
	{"vaisselle", "faïence"},
}

// tradeTitles are the titles of craft: before a trade word they qualify
// the craftsman (« maître verrier », « compagnon charpentier ») and name
// no trade of their own, as the « Maîtres robinetiers », who make
// valves, show. In a need, a title followed by a trade word is dropped.
var tradeTitles = []string{"maître", "maîtres", "maîtresse", "compagnon", "compagnons"}

// tradePhrases are trades that a title and a word name together, more
// precisely than the word alone: a « maître verrier » makes stained-glass
// windows, and works in glass art (verrerie d'art), not in bottles. The
// word's term then also finds the phrase's trades.
var tradePhrases = []struct {
	title, word string
	means       []string
}{
	{"maître", "verrier", []string{"vitrail", "vitraux", "vitrailliste"}},
	{"maîtres", "verriers", []string{"vitrail", "vitraux", "vitrailliste"}},
	{"maître", "vitrailliste", []string{"vitrail", "vitraux", "verrier"}},
}

// tradeTable maps a stem to the other stems of its groups, and knows the
// titles of craft and the phrases they form, as stems.
type tradeTable struct {
	alts map[string][]string
	// searchAlts are alts with searchTradeGroups: the supplier search's.
	searchAlts map[string][]string
	titles     map[string]bool
	phrases    map[[2]string][]string // (title, word) → the stems it also means
}

func newTradeTable(a analysis.Analyzer) tradeTable {
	stemsOf := func(w string) []string {
		var out []string
		for _, t := range a.Analyze([]byte(w)) {
			out = append(out, string(t.Term))
		}
		return out
	}
	t := tradeTable{alts: newTradeAlternatives(a, tradeGroups),
		searchAlts: newTradeAlternatives(a, slices.Concat(tradeGroups, searchTradeGroups)), titles: map[string]bool{}, phrases: map[[2]string][]string{}}
	for _, w := range tradeTitles {
		for _, s := range stemsOf(w) {
			t.titles[s] = true
		}
	}
	for _, p := range tradePhrases {
		title, word := stemsOf(p.title), stemsOf(p.word)
		if len(title) != 1 || len(word) != 1 {
			continue // a stop word: the phrase cannot be met
		}
		key := [2]string{title[0], word[0]}
		for _, m := range p.means {
			t.phrases[key] = appendUnique(t.phrases[key], strings.Join(stemsOf(m), " "))
		}
	}
	return t
}

// isTitle reports whether stem is a title of craft.
func (t tradeTable) isTitle(stem string) bool { return t.titles[stem] }

// phraseAlternatives returns the stems a title and a word mean together.
func (t tradeTable) phraseAlternatives(title, word string) []string {
	return t.phrases[[2]string{title, word}]
}

func newTradeAlternatives(a analysis.Analyzer, groups [][]string) map[string][]string {
	sets := map[string]map[string]bool{}
	for _, group := range groups {
		var stems []string
		for _, w := range group {
			for _, t := range a.Analyze([]byte(w)) {
				stems = append(stems, string(t.Term))
			}
		}
		for _, s := range stems {
			for _, o := range stems {
				if s == o {
					continue
				}
				if sets[s] == nil {
					sets[s] = map[string]bool{}
				}
				sets[s][o] = true
			}
		}
	}
	t := make(map[string][]string, len(sets))
	for s, others := range sets {
		list := make([]string, 0, len(others))
		for o := range others {
			list = append(list, o)
		}
		sort.Strings(list)
		t[s] = list
	}
	return t
}

// alternatives returns the stems that stand for the same trade as stem.
func (t tradeTable) alternatives(stem string) []string { return t.alts[stem] }

// searchAlternatives returns the stems that the supplier search joins to
// stem: alternatives and those of searchTradeGroups.
func (t tradeTable) searchAlternatives(stem string) []string { return t.searchAlts[stem] }

// searchVocabulary is the set of folded words of searchTradeGroups, which
// namedWord and the places read besides tradeVocabulary.
var searchVocabulary = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, g := range searchTradeGroups {
		for _, w := range g {
			for _, f := range data.Words(w) {
				out[f] = true
			}
		}
	}
	return out
})

// tradeWords maps each folded word of tradeGroups (data.Words) to the
// other words of its groups.
var tradeWords = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, group := range tradeGroups {
		var folded []string
		for _, w := range group {
			folded = append(folded, data.Words(w)...)
		}
		for _, w := range folded {
			for _, o := range folded {
				if o != w && !slices.Contains(m[w], o) {
					m[w] = append(m[w], o)
				}
			}
		}
	}
	return m
})

// TradeWords returns the words that stand for the same trade as a folded
// word (data.Words), as the search joins them: « décolleteur » →
// « décolletage », « tourneur » → « tournage ». For readers of unstemmed
// words, such as the CPV picker.
func TradeWords(word string) []string { return tradeWords()[word] }
