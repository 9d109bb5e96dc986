package index

import (
	"sort"

	"github.com/blevesearch/bleve/v2/analysis"
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
	{"bijoutier", "bijouterie"},
	{"joaillier", "joaillerie"},
	{"maroquinier", "maroquinerie"},
	{"sellier", "sellerie"},
	{"malletier", "malleterie"},
	{"tanneur", "tannerie"},
	{"mégissier", "mégisserie"},
	{"fourreur", "fourrure"},
	{"coutelier", "coutellerie"},
	{"armurier", "armurerie"},
	{"tisserand", "tissage"},
	{"filateur", "filature"},
	{"teinturier", "teinture"},
	{"brodeur", "broderie"},
	{"dentellier", "dentellière", "dentelle"},
	{"passementier", "passementerie"},
	{"chapelier", "chapellerie"},
	{"plumassier", "plumasserie"},
	{"gantier", "ganterie"},
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
	{"imprimeur", "imprimerie"},
	{"papetier", "papeterie"},
	{"encadreur", "encadrement"},
	{"tonnelier", "tonnellerie"},
	{"vannier", "vannerie"},
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
}

// tradeTable maps a stem to the other stems of its groups.
type tradeTable map[string][]string

func newTradeTable(a analysis.Analyzer) tradeTable {
	sets := map[string]map[string]bool{}
	for _, group := range tradeGroups {
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
	t := make(tradeTable, len(sets))
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
func (t tradeTable) alternatives(stem string) []string { return t[stem] }
