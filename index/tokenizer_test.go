package index

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"fabrique/data"
	"fabrique/index/synth"
)

// describeTokens lists what the analysis after the tokenizer reads.
func describeTokens(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%q@%d[%d:%d]t%d ", t.Term, t.Position, t.Start, t.End, t.Type)
	}
	return b.String()
}

func checkWordsTokenizer(t *testing.T, text string) {
	t.Helper()
	fast := wordsTokenizer{fallback: unicode.NewUnicodeTokenizer()}
	got := describeTokens(fast.Tokenize([]byte(text)))
	want := describeTokens(unicode.NewUnicodeTokenizer().Tokenize([]byte(text)))
	if got != want {
		t.Errorf("%q:\n got  %s\n want %s", text, got, want)
	}
}

// The fast tokenizer gives bleve's Unicode tokens on every text of a
// synthetic directory, on the nomenclatures' labels and on the cases its
// rules single out.
func TestWordsTokenizerAgrees(t *testing.T) {
	cases := []struct{ name, text string }{
		{"empty", ""},
		{"elision", "l'ébéniste d'art, L’Atelier"},
		{"numbers", "25.71Z 1,000.50 3.14 10:30 1'000 2024-01-02 4x4 a1b2"},
		{"mid characters at the edges", "'a a' .b b. ,1 1, a.1 1.a a:1 1:a a..b 1,,2 a:b:c"},
		{"punctuation", "Menuiserie (bois/alu) & co. — « devis » – 12 € ; 50 % !?"},
		{"whitespace", "a\tb\nc\r\nd  e\u00a0f"},
		{"french letters", "ŒUVRE œuvre Ÿ ÿ ÇÀÉÈÊËÎÏÔÖÙÛÜ àâäéèêëîïôöùûüç ñ ø å"},
		{"multiplication sign", "3×4 a÷b"},
		{"fallback: underscore", "a_b _c d_ 1_2"},
		{"fallback: other scripts", "Ελλάδα 東京 שָׁלוֹם e\u0301 a\u00adb 🙂"},
		{"fallback: control", "a\x00b\x7f"},
		{"invalid utf-8", "a\xffb \xc3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkWordsTokenizer(t, c.text) })
	}
	t.Run("directory", func(t *testing.T) {
		for _, s := range synth.Suppliers(2000, 7) {
			for _, v := range append([]string{s.Name, s.NAFLabel, s.Description}, append(s.Products, s.Activities...)...) {
				checkWordsTokenizer(t, v)
			}
		}
		for _, n := range data.NAFCodes("") {
			checkWordsTokenizer(t, n.Label)
		}
	})
}

func FuzzWordsTokenizer(f *testing.F) {
	for _, s := range []string{"l'ébéniste", "25.71Z", "1,000.50", "a.b:c", "x'y’z", "Œuvre — « a »"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { checkWordsTokenizer(t, text) })
}

// The stem cache changes nothing: the French analysis of a directory gives
// the same terms with the cache (warm, read back) as without it.
func TestStemCacheAgrees(t *testing.T) {
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	light := stemFilter{light: fr.NewFrenchLightStemmerFilter(), cache: newStemCache()}
	uncached := stemFilter{light: fr.NewFrenchLightStemmerFilter(), cache: newStemCache()}
	uncached.cache.size.Store(maxStemCache) // full: never stores, never finds
	analyze := func(f stemFilter, text string) string {
		ts := wordsTokenizer{fallback: unicode.NewUnicodeTokenizer()}.Tokenize([]byte(text))
		for _, tf := range []analysis.TokenFilter{lowercase.NewLowerCaseFilter(), foldFilter{}, feminineFilter{}, f} {
			ts = tf.Filter(ts)
		}
		return describeTokens(ts)
	}
	hits := 0
	for pass := range 2 {
		for _, s := range synth.Suppliers(300, 11) {
			for _, text := range append([]string{s.Name, s.Description, "Fonderies, verreries et SELLERIE"}, s.Products...) {
				if got, want := analyze(light, text), analyze(uncached, text); got != want {
					t.Fatalf("pass %d, %q:\n cached   %s\n uncached %s", pass, text, got, want)
				}
			}
		}
		if pass == 0 {
			hits = int(light.cache.size.Load())
		}
	}
	if hits == 0 {
		t.Fatal("the cache stored no stem: the cached path is not tested")
	}
}
