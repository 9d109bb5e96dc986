package index

import (
	"slices"
	"testing"

	"fabrique/data"
)

func TestFoldTermMatchesDataFold(t *testing.T) {
	for _, s := range []string{"Décolletage", "ÉBÉNISTERIE", "œuvre", "Œuvre", "Æsop", "garçon", "naïve", "Ørsted",
		"straße", "façade", "ŽUPA", "crème brûlée", "İstanbul", "ǅ", "plain"} {
		if got, want := string(foldTerm([]byte(s))), data.Fold(s); got != want {
			t.Errorf("foldTerm(%q) = %q, data.Fold gives %q", s, got, want)
		}
	}
}

func FuzzFoldTerm(f *testing.F) {
	for _, s := range []string{"Décolletage", "œ", "\xff", "ÀÉÎÕÜ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8Valid(s) {
			return
		}
		if got, want := string(foldTerm([]byte(s))), data.Fold(s); got != want {
			t.Fatalf("foldTerm(%q) = %q, data.Fold gives %q", s, got, want)
		}
	})
}

func utf8Valid(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' {
			return false
		}
	}
	return true
}

func TestAnalyzerTrades(t *testing.T) {
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	stems := func(s string) []string {
		var out []string
		for _, tok := range ix.text.Analyze([]byte(s)) {
			out = append(out, string(tok.Term))
		}
		return out
	}
	same := [][2]string{
		{"ébénisterie", "EBENISTERIE"}, {"décolletage", "decolletage"}, {"l'ébéniste", "ébéniste"},
		{"l’ébéniste", "ebeniste"}, {"horlogère", "horloger"}, {"fonderies", "fonderie"}, {"ébénistes", "ébéniste"},
	}
	for _, p := range same {
		if a, b := stems(p[0]), stems(p[1]); len(a) != 1 || len(b) != 1 || a[0] != b[0] {
			t.Errorf("%q → %v and %q → %v: want the same single stem", p[0], a, p[1], b)
		}
	}
	apart := [][2]string{{"fonderie", "fondée"}, {"sellerie", "sel"}, {"verrerie", "vers"}, {"brasserie", "bras"},
		{"classique", "classe"}, {"classiques", "classes"}}
	for _, p := range apart {
		if a, b := stems(p[0]), stems(p[1]); len(a) == 1 && len(b) == 1 && a[0] == b[0] {
			t.Errorf("%q and %q share the stem %q: the override is lost", p[0], p[1], a[0])
		}
	}
	joined := [][2]string{{"menuisier", "menuiserie"}, {"ferronnier", "ferronnerie"}, {"tapissier", "tapisserie"},
		{"décolleteur", "décolletage"}, {"vitrail", "vitraux"}, {"restaurateur", "restauration"},
		{"impression", "imprimerie"}} // the buyers' word, and the printers' NAF label
	for _, p := range joined {
		a, b := stems(p[0]), stems(p[1])
		if len(a) != 1 || len(b) != 1 {
			t.Fatalf("%q → %v, %q → %v", p[0], a, p[1], b)
		}
		if a[0] != b[0] && !slices.Contains(ix.trades.alternatives(a[0]), b[0]) {
			t.Errorf("%q (%s) and %q (%s) are not joined by the trade table", p[0], a[0], p[1], b[0])
		}
	}
	if got := stems("le la les de du des et pour"); len(got) != 0 {
		t.Errorf("stop words kept: %v", got)
	}
}
