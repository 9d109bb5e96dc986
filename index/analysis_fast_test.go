package index

import (
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/index/synth"
)

// fastTerms gives the terms of text as a flat field of the analyzer named
// an gets them: through its fast path, or the analyzer itself where the
// fast path declines; fast reports which.
func fastTerms(t testing.TB, ix *Index, an, text string) (terms string, fast bool) {
	t.Helper()
	a := ix.docs.fields[fDescription].fast
	if an == nameAnalyzer {
		a = ix.docs.fields[fNameExact].fast
	}
	buf, ends, ok := a.appendTerms([]byte("prefix"), []int{6}, []byte(text))
	if !ok {
		if string(buf) != "prefix" || len(ends) != 1 {
			t.Fatalf("%s %q: the fast path declined but left %q %v", an, text, buf, ends)
		}
		return analyzerTerms(t, ix, an, text), false
	}
	var out []string
	start := 6
	for _, end := range ends[1:] {
		out = append(out, string(buf[start:end]))
		start = end
	}
	return strings.Join(out, "|"), true
}

// analyzerTerms gives the terms of text through the mapping's analyzer.
func analyzerTerms(t testing.TB, ix *Index, an, text string) string {
	t.Helper()
	var out []string
	for _, tok := range ix.mapping.AnalyzerNamed(an).Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return strings.Join(out, "|")
}

func checkFastAnalysis(t testing.TB, ix *Index, text string) (fast int) {
	t.Helper()
	for _, an := range []string{textAnalyzer, nameAnalyzer} {
		got, ok := fastTerms(t, ix, an, text)
		if want := analyzerTerms(t, ix, an, text); got != want {
			t.Fatalf("%s %q (fast path %v):\n got  %s\n want %s", an, text, ok, got, want)
		}
		if ok {
			fast++
		}
	}
	return fast
}

// TestFastAnalysisAgrees checks that the fast path of the analyzers gives
// the terms the analyzers give, in the same order, on edge cases, on the
// text of a synthetic directory and on every NAF and CPV label, and that
// it does take nearly all of that text.
func TestFastAnalysisAgrees(t *testing.T) {
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	cases := []struct{ name, text string }{
		{"empty", ""},
		{"elision", "l'ébéniste d'art, L’Atelier qu'il jusqu'à aujourd'hui l'l'x D'ART c'est ç'a"},
		{"stop words and feminine", "Le la les de des et horlogère bouchère ère père sur mesure"},
		{"stem overrides", "Fonderie fonderies SELLERIE Verreries verre brasseurs"},
		{"numbers", "25.71Z 1,000.50 3.14 10:30 1'000 2024-01-02 4x4 a1b2"},
		{"mid characters", "'a a' .b b. ,1 1, a.1 1.a a:1 1:a a..b 1,,2 a:b:c"},
		{"punctuation", "Menuiserie (bois/alu) & co. — « devis » – 12 € ; 50 % !?"},
		{"french letters", "ŒUVRE œuvre Ÿ ÿ ÇÀÉÈÊËÎÏÔÖÙÛÜ àâäéèêëîïôöùûüç ñ ø å Æ æ"},
		{"letters without a latin1 fold", "Øresund ðe þorn Ýr ßtraße Ÿvonne"},
		{"apostrophe kept in a word", "o’clock aujourd’hui rock'n'roll"},
		{"other scripts", "Ελλάδα 東京 e\u0301 a\u00adb 🙂"},
		{"invalid utf-8", "a\xffb \xc3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkFastAnalysis(t, ix, c.text) })
	}
	t.Run("directory and nomenclatures", func(t *testing.T) {
		texts := 0
		fast := 0
		for _, s := range synth.Suppliers(2000, 7) {
			for _, v := range append([]string{s.Name, s.NAFLabel, s.Description}, append(s.Products, s.Activities...)...) {
				fast += checkFastAnalysis(t, ix, v)
				texts += 2
			}
		}
		for _, n := range data.NAFCodes("") {
			fast += checkFastAnalysis(t, ix, n.Label)
			texts += 2
		}
		for _, c := range data.CPVCodes() {
			fast += checkFastAnalysis(t, ix, c.LabelFR)
			texts += 2
		}
		if fast < texts*95/100 {
			t.Errorf("the fast path took %d of %d texts", fast, texts)
		}
		t.Logf("fast path: %d of %d texts", fast, texts)
	})
}

func FuzzFastAnalysis(f *testing.F) {
	for _, s := range []string{"l'ébéniste", "25.71Z", "Horlogère", "qu’il", "Fonderies", "Œuvre — « a »", "Øre"} {
		f.Add(s)
	}
	ix, err := Open("", Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	f.Fuzz(func(t *testing.T, text string) { checkFastAnalysis(t, ix, text) })
}
