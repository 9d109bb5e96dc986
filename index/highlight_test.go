package index

import (
	"html"
	"strings"
	"testing"
)

func FuzzHighlightEscapes(f *testing.F) {
	ix, err := Open("", Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	f.Add("Ébénisterie <b>d'art</b> & fils", "ébénisterie art")
	f.Add(`<script>alert("x")</script>`, "script")
	f.Add(strings.Repeat("menuiserie ", 60), "menuisier")
	f.Add("l’orfèvrerie \"Dupont\"", "orfevrerie dupond")
	f.Fuzz(func(t *testing.T, text, q string) {
		terms := ix.analyseText(q)
		for i := range terms {
			terms[i].typo = true // exercise the fuzzy name marks too
		}
		h := ix.newHighlighter(terms)
		for _, isName := range []bool{false, true} {
			frag, ok := h.fragment(text, isName)
			if !ok {
				continue
			}
			plain := strings.ReplaceAll(strings.ReplaceAll(frag, "<mark>", ""), "</mark>", "")
			if strings.ContainsAny(plain, "<>\"'") {
				t.Fatalf("fragment %q of %q has unescaped markup", frag, text)
			}
			un := strings.TrimSuffix(strings.TrimPrefix(html.UnescapeString(plain), "…"), "…")
			if !strings.Contains(text, un) {
				t.Fatalf("fragment %q is not a piece of %q", frag, text)
			}
			if strings.Count(frag, "<mark>") != strings.Count(frag, "</mark>") || strings.Count(frag, "<mark>") == 0 {
				t.Fatalf("fragment %q: unbalanced or missing marks", frag)
			}
		}
	})
}
