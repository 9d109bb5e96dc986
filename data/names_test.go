package data_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fabrique/data"
)

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"accents and case", "Décolletage", "decolletage"},
		{"upper-case accents", "ÉCOLE À L'ÎLE", "ecole a l'ile"},
		{"cedilla", "FAÇONNAGE", "faconnage"},
		{"oe ligature", "Œuvre", "oeuvre"},
		{"ae ligature", "Lætitia", "laetitia"},
		{"sharp s", "Straße", "strasse"},
		{"capital sharp s", "STRASSE ẞ", "strasse ss"},
		{"decomposed input", "Cre\u0301ation", "creation"},
		{"punctuation kept", "Dupont & Fils, S.A.", "dupont & fils, s.a."},
		{"digits kept", "Atelier 21", "atelier 21"},
		{"invalid byte before an accent", "\xf5Ý", "\ufffdy"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"punctuation splits", "Saint-Étienne (Loire)", []string{"saint", "etienne", "loire"}},
		{"apostrophes", "L'Atelier d’Émaux", []string{"l", "atelier", "d", "emaux"}},
		{"digits", "Lyon 1er Arrondissement", []string{"lyon", "1er", "arrondissement"}},
		{"only separators", " - & . ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.Words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"case and accents", "PÂTISSERIE ARTIGARRÈDE", "patisserie artigarrede"},
		{"sarl prefix", "SARL Dupont", "dupont"},
		{"sas suffix", "Dupont SAS", "dupont"},
		{"dotted sarl", "Ateliers Dupont & Fils S.A.R.L.", "ateliers dupont"},
		{"dotted sas", "Dupont S.A.S.", "dupont"},
		{"dotted sa", "Pol Roger S.A.", "pol roger"},
		{"ets", "Ets Martin", "martin"},
		{"etablissements", "ETABLISSEMENTS GABRIEL BOUDIER", "gabriel boudier"},
		{"and sons", "Ravel Decroix et Fils", "ravel decroix"},
		{"ampersand sons", "Martin & Fils", "martin"},
		{"et cie", "VIVIAN ET CIE", "vivian"},
		{"societe", "SOCIÉTÉ CHOLETAISE DE FABRICATION", "choletaise fabrication"},
		{"articles", "La Verrerie de Biot", "verrerie biot"},
		{"elided article", "L'Atelier d'Émaux", "atelier emaux"},
		{"same as without legal form", "POL ROGER ET COMPAGNIE SA", "pol roger"},
		{"initial d dropped like the elided article", "D. MAFFREN", "maffren"},
		{"only filler words are kept", "Société Anonyme", "societe anonyme"},
		{"extra spaces", "  Dupont    SARL  ", "dupont"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSupplierKey(t *testing.T) {
	hashed := regexp.MustCompile(`^x[0-9a-f]{16}$`)
	tests := []struct {
		name                   string
		siren, name_, postcode string
		want                   string // "" for a hashed key
	}{
		{"valid siren", "442701132", "HORUS", "67000", "442701132"},
		{"la poste", "356000000", "La Poste", "75015", "356000000"},
		{"invalid siren falls back to name", "483000000", "METALNEO", "", ""},
		{"no siren", "", "Ateliers Dupont", "69001", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := data.SupplierKey(tt.siren, tt.name_, tt.postcode)
			if tt.want != "" && got != tt.want {
				t.Errorf("SupplierKey(%q, %q, %q) = %q, want %q", tt.siren, tt.name_, tt.postcode, got, tt.want)
			}
			if tt.want == "" && !hashed.MatchString(got) {
				t.Errorf("SupplierKey(%q, %q, %q) = %q, want x + 16 hex digits", tt.siren, tt.name_, tt.postcode, got)
			}
		})
	}

	base := data.SupplierKey("", "SARL Ateliers Dupont", "69001")
	same := []struct{ name, siren, company, postcode string }{
		{"legal form moved", "", "Ateliers Dupont S.A.R.L.", "69001"},
		{"case and accents", "", "ATELIERS DUPONT", " 69001 "},
		{"invalid siren ignored", "123456789", "Ateliers Dupont", "69001"},
	}
	for _, s := range same {
		if got := data.SupplierKey(s.siren, s.company, s.postcode); got != base {
			t.Errorf("%s: SupplierKey(%q, %q, %q) = %q, want %q as for SARL Ateliers Dupont 69001", s.name, s.siren, s.company, s.postcode, got, base)
		}
	}
	differ := []struct{ name, company, postcode string }{
		{"other postcode", "Ateliers Dupont", "69002"},
		{"other name", "Ateliers Durand", "69001"},
		{"no postcode", "Ateliers Dupont", ""},
	}
	for _, d := range differ {
		if got := data.SupplierKey("", d.company, d.postcode); got == base {
			t.Errorf("%s: SupplierKey(%q, %q) = %q, the same key as SARL Ateliers Dupont 69001", d.name, d.company, d.postcode, got)
		}
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Ateliers Dupont & Fils S.A.R.L.", "SOCIÉTÉ ANONYME", "ẞ", "Œuvre", "M.Dupont", "", "\xff\xfe", "\xf5Ý", "İstanbul", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := data.NormalizeName(s)
		if again := data.NormalizeName(got); again != got {
			t.Fatalf("NormalizeName is not idempotent: %q → %q → %q", s, got, again)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("NormalizeName(%q) = %q has stray spaces", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("NormalizeName(%q) = %q is not valid UTF-8", s, got)
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Décolletage", "ẞ", "Œ", "İ", "K", "Å", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := data.Fold(s)
		if again := data.Fold(got); again != got {
			t.Fatalf("Fold is not idempotent: %q → %q → %q", s, got, again)
		}
	})
}

func BenchmarkNormalizeName(b *testing.B) {
	names := []string{"Ateliers Dupont & Fils S.A.R.L.", "SOCIÉTÉ FRANÇAISE DE DIFFUSION DES VINAIGRES D'ORLÉANS (SFDVO)", "PÂTISSERIE ARTIGARRÈDE"}
	for b.Loop() {
		for _, n := range names {
			data.NormalizeName(n)
		}
	}
}
