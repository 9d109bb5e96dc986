package index

import "testing"

// TestUniversOfRemembersTheSameAnswers: universOf answers what
// canonicalUnivers and isEPVUnivers answer, the first time and from its
// memo.
func TestUniversOfRemembersTheSameAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, text, canonical string
		epv                   bool
	}{
		{"EPV spelling", "Mode et beauté", "Mode et beauté", true},
		{"other case and no accents", "MODE ET BEAUTE", "Mode et beauté", true},
		{"spaces and punctuation", "  Équipements industriels,médicaux, mécaniques ", "Équipements industriels, médicaux, mécaniques", true},
		{"an activity", "menuiserie  d'agencement", "Menuiserie d'agencement", false},
		{"empty", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for pass := range 2 {
				u := universOf(tc.text)
				if u.canonical != tc.canonical || u.epv != tc.epv {
					t.Errorf("pass %d: universOf(%q) = %q, %t; want %q, %t", pass, tc.text, u.canonical, u.epv, tc.canonical, tc.epv)
				}
				if u.canonical != canonicalUnivers(tc.text) || u.epv != isEPVUnivers(tc.text) {
					t.Errorf("pass %d: universOf(%q) disagrees with canonicalUnivers and isEPVUnivers", pass, tc.text)
				}
			}
		})
	}
}
