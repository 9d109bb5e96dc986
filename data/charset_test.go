package data

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func TestRepairText(t *testing.T) {
	tests := []struct {
		name, in, want string
		defect         TextDefect
	}{
		{"clean French", "Fourniture de matériels électriques", "Fourniture de matériels électriques", TextClean},
		{"empty", "", "", TextClean},
		{"e acute read as Latin-1", "Fourniture de matÃ©riels Ã©lectriques", "Fourniture de matériels électriques", TextRepaired},
		{"a grave and no-break space", "travaux Ã\u00a0 Lyon", "travaux à Lyon", TextRepaired},
		{"Windows-1252 quote and oe", "lâ€™Å“uvre de lâ€™Ã‰tat", "l’œuvre de l’État", TextRepaired},
		{"a grave whose no-break space was collapsed", "travaux Ã Lyon et lÃ oÃ¹", "travaux à Lyon et là où", TextRepaired},
		{"encoded twice", "matÃƒÂ©riels", "matériels", TextRepaired},
		{"mis-decoded replacement character", "matï¿½riels", "matériels", TextRestored},
		{"replacement character of a known word", "mat\uFFFDriels", "matériels", TextRestored},
		{"replacement character of an unknown word", "mat\uFFFDriels xyz\uFFFDq", "matériels xyz\uFFFDq", TextReplacement},
		{"mojibake mixed with a rune outside Windows-1252", "matÃ©riels → Lyon", "matÃ©riels → Lyon", TextMojibake},
		{"mojibake beside proper accents", "électricité et matÃ©riels", "électricité et matÃ©riels", TextMojibake},
		{"capital A circumflex is text", "Âge d'or, São Paulo, Ãgua", "Âge d'or, São Paulo, Ãgua", TextClean},
		{"truncated sequence does not round-trip", "matÃ©riel Ã", "matÃ©riel Ã", TextMojibake},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, d := RepairText(tc.in)
			if got != tc.want || d != tc.defect {
				t.Errorf("RepairText(%q) = %q, %q; want %q, %q", tc.in, got, d, tc.want, tc.defect)
			}
			if d != TextClean && d.French() == "" {
				t.Errorf("defect %q has no French description", d)
			}
		})
	}
}

// FuzzRepairText checks that repairing never breaks good text: clean UTF-8
// text double-encoded through Windows-1252 comes back whole, and the
// result is always valid UTF-8 that a second repair leaves alone.
func FuzzRepairText(f *testing.F) {
	for _, s := range []string{"matériels", "Ã©", "lâ€™Ã‰tat", "mat\uFFFDriels", "São Paulo", "€ 12,50", "", "\xff\xfe",
		"matï¿½riels", "travaux Ã Lyon"} {
		f.Add(s)
	}
	enc := charmap.Windows1252.NewDecoder()
	f.Fuzz(func(t *testing.T, s string) {
		got, d := RepairText(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("RepairText(%q) = %q: invalid UTF-8", s, got)
		}
		if got != s {
			if again, d2 := RepairText(got); again != got || d2 == TextRepaired {
				t.Fatalf("RepairText(%q) = %q, repaired again to %q", s, got, again)
			}
		}
		// Only a repair changes the text: double encoding undone, or
		// letters lost to U+FFFD put back (all of them, or some with the
		// loss still reported).
		if got != s && d != TextRepaired && d != TextRestored && (d != TextReplacement || !strings.ContainsRune(got, utf8.RuneError)) {
			t.Fatalf("RepairText(%q) changed the text to %q with defect %q", s, got, d)
		}
		// Double-encode a clean text: the repair must give it back.
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) || looksMojibake(s) {
			return
		}
		garbled, err := enc.String(s)
		if err != nil || garbled == s || strings.ContainsRune(garbled, utf8.RuneError) {
			return
		}
		if back, d := RepairText(garbled); back != s || d != TextRepaired {
			t.Fatalf("RepairText(%q) (from %q) = %q, %q", garbled, s, back, d)
		}
	})
}
