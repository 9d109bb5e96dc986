package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/registry"

	"fabrique/data"
)

// foldFilterName is the token filter that removes accents and ligatures
// ("Décolletage" → "decolletage", "œuvre" → "oeuvre") with data.Fold.
//
// It is a token filter, not bleve's asciifolding char filter, on purpose: a
// char filter shortens the text before tokenisation, so token offsets no
// longer point into the original text and highlights would land on the
// wrong letters.
const foldFilterName = "fabrique_fold"

// bleve finds analysis components by name in its process-wide registry,
// which is the only way an index reopened from disk can rebuild its
// analyzers: registering at init is the library's own convention.
func init() {
	registry.RegisterTokenFilter(foldFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
	registry.RegisterTokenFilter(feminineFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return feminineFilter{}, nil
	})
	registry.RegisterTokenFilter(stemFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return stemFilter{light: fr.NewFrenchLightStemmerFilter(), cache: newStemCache()}, nil
	})
}

// stemFilterName is bleve's French light stemmer with overrides: a few
// trade words that it cuts down to a common word ("fonderie" → "fond",
// like "fondée"; "sellerie" → "sel"; "verrerie" → "ver"; "brasserie" →
// "bras"; "botterie" → "bot"; "classique" → "class", like "classe") keep a
// stem of their own.
const stemFilterName = "fabrique_fr_stem"

// stemOverrides maps folded words (singular) to their stem.
var stemOverrides = map[string]string{
	"fonderie": "fonderi", "fondeur": "fondeur",
	"sellerie": "selleri", "sellier": "sellier",
	"verrerie": "verreri", "verrier": "verrier", "verre": "verre",
	"poterie": "poteri", "potier": "potier",
	"tannerie": "tanneri", "tanneur": "tanneur",
	"vannerie": "vanneri", "vannier": "vannier",
	"brasserie": "brasseri", "brasseur": "brasseur",
	"chapellerie": "chapelleri", "chapelier": "chapelier",
	"tapisserie": "tapisseri", "tapissier": "tapissier",
	// « botterie » would be « bot », the surname of two EPV companies
	// (SOC JEAN MARIE BOT ET FILS, a jeweller): « bottier » found them
	"botterie": "botteri", "bottier": "bottier",
	// « classique » (AUTO CLASSIQUE TOURAINE, a classic-car restorer) is
	// not « classe » (« détection en classe A des réseaux »)
	"classique": "classiqu",
	// the light stemmer splits the genders (« francai », « francais »):
	// one stem, so that the name word is learned from all its names
	"francais": "francais", "francaise": "francais",
}

type stemFilter struct {
	light analysis.TokenFilter
	cache *stemCache
}

func (f stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var rest analysis.TokenStream
	var words []string // the unstemmed words of rest, to cache their stems
	for _, t := range input {
		if s, ok := f.cache.getBytes(t.Term); ok {
			setTerm(t, s)
			continue
		}
		if s, ok := stemOverride(t.Term); ok {
			setTerm(t, s)
			continue
		}
		rest = append(rest, t)
		words = append(words, string(t.Term))
	}
	if len(rest) == 0 {
		return input
	}
	f.light.Filter(rest) // stems the tokens in place
	for i, t := range rest {
		f.cache.put(words[i], string(t.Term))
	}
	return input
}

// setTerm gives t the term s, in place when it fits: stems are never
// longer than their word, and a token's bytes are its own (bleve's
// lower-case filter writes in them too).
func setTerm(t *analysis.Token, s string) {
	if len(s) <= len(t.Term) {
		t.Term = t.Term[:copy(t.Term, s)]
		return
	}
	t.Term = []byte(s)
}

// stemCache remembers the stems of the words met: the French light
// stemmer decodes every word to runes and tries a dozen suffixes, while a
// directory's vocabulary is small and repeats (the same NAF and CPV
// labels, products and trades in thousands of companies). Looking a word
// up costs a fraction of stemming it again; a rebuild of 100 000
// suppliers stems about five million words. The cache stops growing at
// maxStemCache words (a few MiB); words past that are stemmed each time.
type stemCache = memo[string]

const maxStemCache = 1 << 18

func newStemCache() *stemCache { return newMemo[string](maxStemCache) }

func stemOverride(term []byte) (string, bool) {
	if s, ok := stemOverrides[string(term)]; ok {
		return s, true
	}
	if n := len(term); n > 3 && (term[n-1] == 's' || term[n-1] == 'x') {
		s, ok := stemOverrides[string(term[:n-1])]
		return s, ok
	}
	return "", false
}

// feminineFilterName is the token filter that turns the folded feminine
// "-ere" into "-er" ("horlogère" → "horloger"), before stemming. The light
// stemmer strips "-er" but only knows "-ère" with its accent, which the
// folding has removed: without this, "horlogère" would not find
// "horloger".
const feminineFilterName = "fabrique_fr_feminine"

type feminineFilter struct{}

func (feminineFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if n := len(t.Term); n > 5 && string(t.Term[n-3:]) == "ere" {
			t.Term = t.Term[:n-1]
		}
	}
	return input
}

type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if isASCIILower(t.Term) {
			continue
		}
		t.Term = foldTerm(t.Term)
	}
	return input
}

// latin1Fold folds the accented letters of French without the Unicode
// normalisation that data.Fold does: the fast path of indexing. Other
// letters go through data.Fold.
var latin1Fold = map[rune]string{
	'à': "a", 'â': "a", 'ä': "a", 'á': "a", 'ã': "a", 'å': "a",
	'ç': "c", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'î': "i", 'ï': "i", 'í': "i", 'ì': "i",
	'ô': "o", 'ö': "o", 'ó': "o", 'ò': "o", 'õ': "o",
	'ù': "u", 'û': "u", 'ü': "u", 'ú': "u", 'ÿ': "y", 'ñ': "n",
	'œ': "oe", 'æ': "ae",
}

// foldTerm lower-cases and folds a term the way data.Fold does.
func foldTerm(term []byte) []byte {
	out := make([]byte, 0, len(term))
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		i += n
		switch {
		case r < utf8.RuneSelf:
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			out = append(out, byte(r))
		case latin1Fold[unicode.ToLower(r)] != "":
			out = append(out, latin1Fold[unicode.ToLower(r)]...)
		default:
			out = append(out, data.Fold(string(r))...)
		}
	}
	return out
}

func isASCIILower(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// foldedStopWords returns bleve's French stop list folded like the text,
// plus the lone letters left by elisions typed with a space ("D ART").
func foldedStopWords() []any {
	m := analysis.NewTokenMap()
	_ = m.LoadBytes(fr.FrenchStopWords) // a constant of the library: cannot fail
	seen := map[string]bool{}
	var out []any
	add := func(w string) {
		w = data.Fold(w)
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for w := range m {
		add(w)
	}
	for _, w := range []string{"l", "d", "j", "m", "n", "s", "t", "c", "qu"} {
		add(w)
	}
	return out
}

// sentenceCase upper-cases the first letter and lower-cases the rest:
// "Mode et Beauté" → "Mode et beauté".
func sentenceCase(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + strings.ToLower(s[n:])
}
