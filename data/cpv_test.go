package data_test

import (
	"errors"
	"strings"
	"testing"

	"fabrique/data"
)

func TestNormalizeCPV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantMsg string // "" when valid
	}{
		{"eight digits", "45212350", "45212350", ""},
		{"with check digit", "45212350-4", "45212350", ""},
		{"spaces around and inside", " 45212350 - 4 ", "45212350", ""},
		{"division", "45000000-7", "45000000", ""},
		{"wrong check digit", "45212350-5", "45212350", "chiffre de contrôle incorrect (attendu 45212350-4)"},
		{"unknown code", "45212359", "45212359", "code inconnu du vocabulaire CPV 2008"},
		{"unknown code with check digit", "12345678-9", "12345678", "code inconnu"},
		{"seven digits", "4521235", "", "format attendu"},
		{"nine digits", "452123504", "", "format attendu"},
		{"two check digits", "45212350-44", "", "format attendu"},
		{"dash without digit", "45212350-", "", "format attendu"},
		{"dotted", "45.21.23.50", "", "format attendu"},
		{"letters", "CPV45212350", "", "format attendu"},
		{"garbage", "travaux de couverture", "", "format attendu"},
		{"empty", "", "", "format attendu"},
		{"non-ASCII digits", "٤٥٢١٢٣٥٠", "", "format attendu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.NormalizeCPV(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeCPV(%q) = %q, want %q", tt.in, got, tt.want)
			}
			switch {
			case tt.wantMsg == "" && err != nil:
				t.Errorf("NormalizeCPV(%q) error = %v, want nil", tt.in, err)
			case tt.wantMsg != "" && err == nil:
				t.Errorf("NormalizeCPV(%q) error = nil, want one containing %q", tt.in, tt.wantMsg)
			case tt.wantMsg != "" && (!strings.Contains(err.Error(), tt.wantMsg) || !errors.Is(err, data.ErrInvalid)):
				t.Errorf("NormalizeCPV(%q) error = %q, want ErrInvalid containing %q", tt.in, err, tt.wantMsg)
			}
		})
	}
}

// Every code of the list normalises to itself with its own check digit and
// is refused with any other.
func TestNormalizeCPVWholeList(t *testing.T) {
	for _, c := range data.CPVCodes() {
		if got, err := data.NormalizeCPV(c.Full()); got != c.Code8 || err != nil {
			t.Fatalf("NormalizeCPV(%q) = %q, %v; want %q, nil", c.Full(), got, err, c.Code8)
		}
		wrong := string(rune('0' + (c.Check[0]-'0'+1)%10))
		if _, err := data.NormalizeCPV(c.Code8 + "-" + wrong); err == nil {
			t.Fatalf("NormalizeCPV(%q) accepted a wrong check digit (want %s)", c.Code8+"-"+wrong, c.Check)
		}
	}
}

func TestLookupCPV(t *testing.T) {
	c, ok := data.LookupCPV("45261210")
	if !ok {
		t.Fatal("LookupCPV(45261210) not found")
	}
	want := data.CPVCode{Code8: "45261210", Check: "9", Division: "45", Level: "sous-categorie_7",
		Parent: "45261200", LabelFR: "Travaux de couverture", LabelEN: "Roof-covering work"}
	if c != want {
		t.Errorf("LookupCPV(45261210) = %+v, want %+v", c, want)
	}
	if got := c.Full(); got != "45261210-9" {
		t.Errorf("Full() = %q, want 45261210-9", got)
	}
	if _, ok := data.LookupCPV("45261210-9"); ok {
		t.Error("LookupCPV takes 8 digits only, but found a code with its check digit")
	}
}

func TestCPVDivision(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"code8", "45261210", "45"},
		{"with check digit", "03000000-1", "03"},
		{"one char", "4", ""},
		{"letters", "AB123456", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.CPVDivision(tt.in); got != tt.want {
				t.Errorf("CPVDivision(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzNormalizeCPV(f *testing.F) {
	for _, s := range []string{"45212350", "45212350-4", " 45212350 - 4 ", "45212350-5", "12345678", "", "4521235O", "03000000-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := data.NormalizeCPV(raw)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("NormalizeCPV(%q) error %v does not wrap ErrInvalid", raw, err)
			}
			return
		}
		if len(got) != 8 || strings.Trim(got, "0123456789") != "" {
			t.Fatalf("NormalizeCPV(%q) = %q, want 8 digits", raw, got)
		}
		c, ok := data.LookupCPV(got)
		if !ok {
			t.Fatalf("NormalizeCPV(%q) = %q, which LookupCPV does not find", raw, got)
		}
		if again, err := data.NormalizeCPV(c.Full()); again != got || err != nil {
			t.Fatalf("NormalizeCPV(%q) = %q, %v; want %q", c.Full(), again, err, got)
		}
	})
}
