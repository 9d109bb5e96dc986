package data_test

import (
	"errors"
	"strings"
	"testing"

	"fabrique/data"
)

func TestNormalizeNAF(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		wantMsg  string // "" when valid
		want1993 bool
	}{
		{"canonical", "25.71Z", "25.71Z", "", false},
		{"no dot", "2571Z", "25.71Z", "", false},
		{"lower case", "25.71z", "25.71Z", "", false},
		{"no dot lower case", "4399d", "43.99D", "", false},
		{"spaces", " 25.71 Z ", "25.71Z", "", false},
		{"NAF 1993 boat building", "35.1E", "35.1E", "code de la NAF 1993", true},
		{"NAF 1993 printing", "22.2C", "22.2C", "code de la NAF 1993", true},
		{"NAF 1993 without dot", "351e", "35.1E", "code de la NAF 1993", true},
		{"unknown rev 2 sub-class", "25.71A", "25.71A", "code inconnu de la NAF rév. 2", false},
		{"unknown division", "99.99Z", "99.99Z", "code inconnu", false},
		{"class without letter", "25.71", "", "format attendu", false},
		{"section", "C", "", "format attendu", false},
		{"two letters", "25.71ZZ", "", "format attendu", false},
		{"comma", "25,71Z", "", "format attendu", false},
		{"garbage", "fabrication", "", "format attendu", false},
		{"empty", "", "", "format attendu", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.NormalizeNAF(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeNAF(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if tt.wantMsg == "" {
				if err != nil {
					t.Errorf("NormalizeNAF(%q) error = %v, want nil", tt.in, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("NormalizeNAF(%q) error = nil, want one containing %q", tt.in, tt.wantMsg)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !errors.Is(err, data.ErrInvalid) {
				t.Errorf("NormalizeNAF(%q) error = %q, want ErrInvalid containing %q", tt.in, err, tt.wantMsg)
			}
			if got := errors.Is(err, data.ErrNAF1993); got != tt.want1993 {
				t.Errorf("errors.Is(NormalizeNAF(%q), ErrNAF1993) = %v, want %v", tt.in, got, tt.want1993)
			}
		})
	}
}

// Every sous-classe of the list normalises to itself, with or without its
// dot and in lower case.
func TestNormalizeNAFWholeList(t *testing.T) {
	subs := data.NAFCodes("sous-classe")
	for _, n := range subs {
		for _, in := range []string{n.Code, strings.Replace(n.Code, ".", "", 1), strings.ToLower(n.Code)} {
			if got, err := data.NormalizeNAF(in); got != n.Code || err != nil {
				t.Fatalf("NormalizeNAF(%q) = %q, %v; want %q, nil", in, got, err, n.Code)
			}
		}
	}
}

func TestLookupNAF(t *testing.T) {
	tests := []struct {
		code, level, parent, section, division string
	}{
		{"25.71Z", "sous-classe", "25.71", "C", "25"},
		{"25.71", "classe", "25.7", "C", "25"},
		{"25.7", "groupe", "25", "C", "25"},
		{"25", "division", "C", "C", "25"},
		{"C", "section", "", "C", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			n, ok := data.LookupNAF(tt.code)
			if !ok {
				t.Fatalf("LookupNAF(%q) not found", tt.code)
			}
			if n.Level != tt.level || n.Parent != tt.parent || n.Section != tt.section || n.Division() != tt.division {
				t.Errorf("LookupNAF(%q) = level %q parent %q section %q division %q; want %q %q %q %q",
					tt.code, n.Level, n.Parent, n.Section, n.Division(), tt.level, tt.parent, tt.section, tt.division)
			}
			if n.Label == "" || n.Label40 == "" || len([]rune(n.Label40)) > 40 || len([]rune(n.Label65)) > 65 {
				t.Errorf("LookupNAF(%q) labels %q / %q / %q: want non-empty, at most 65 and 40 characters", tt.code, n.Label, n.Label65, n.Label40)
			}
		})
	}
	if n, _ := data.LookupNAF("25.71Z"); n.Label != "Fabrication de coutellerie" {
		t.Errorf("LookupNAF(25.71Z).Label = %q, want %q", n.Label, "Fabrication de coutellerie")
	}
	if _, ok := data.LookupNAF("35.1E"); ok {
		t.Error("LookupNAF found the NAF 1993 code 35.1E in NAF rév. 2")
	}
}

func FuzzNormalizeNAF(f *testing.F) {
	for _, s := range []string{"25.71Z", "2571z", "35.1E", "22.2C", "25.71", "", "C", "25.71 Z", "ı"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := data.NormalizeNAF(raw)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("NormalizeNAF(%q) error %v does not wrap ErrInvalid", raw, err)
			}
			return
		}
		n, ok := data.LookupNAF(got)
		if !ok || n.Level != "sous-classe" {
			t.Fatalf("NormalizeNAF(%q) = %q, not a known NAF rév. 2 sous-classe", raw, got)
		}
		if again, err := data.NormalizeNAF(got); again != got || err != nil {
			t.Fatalf("NormalizeNAF(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}
