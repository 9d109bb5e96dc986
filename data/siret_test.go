package data_test

import (
	"errors"
	"strings"
	"testing"

	"fabrique/data"
)

// Real identifiers used below, each checked by hand against the rule:
//   - 44270113200049 HORUS (EPV export): Luhn sum of the SIRET 40, of the SIREN 30;
//   - 35600000000048 La Poste's head office (DECP 2019, "LA POSTE"): Luhn sum 30,
//     digit sum 26, not a multiple of 5: the head office keeps the Luhn key;
//   - 35600000012305 "LA POSTE DVE MONTPELLIER" (DECP 2019, PES platform): digit
//     sum 25, a multiple of 5, while its Luhn sum is 27: only La Poste's rule
//     accepts it;
//   - 1575398100016 ETABLISSEMENTS GABRIEL BOUDIER (EPV export, lost its zero);
//   - 48300000000000 METALNEO and 52413706400024 HM BOIS DESIGN (EPV export):
//     the two SIRETs of the export that fail their key.

func TestValidSIREN(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"valid", "442701132", true},
		{"la poste", "356000000", true},
		{"all zeros is Luhn-valid", "000000000", true},
		{"wrong key", "442701133", false},
		{"metalneo siren fails Luhn", "483000000", false},
		{"too short", "44270113", false},
		{"too long", "4427011320", false},
		{"letters", "44270113A", false},
		{"spaces are not cleaned here", "442 701 132", false},
		{"empty", "", false},
		{"non-ASCII digits", "４４２７０１１３２", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := data.ValidSIREN(tt.in)
			if got := err == nil; got != tt.ok {
				t.Fatalf("ValidSIREN(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && !errors.Is(err, data.ErrInvalid) {
				t.Errorf("ValidSIREN(%q) error %v does not wrap ErrInvalid", tt.in, err)
			}
		})
	}
}

func TestValidSIRET(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantMsg string // "" when valid; else a part of the French message
	}{
		{"valid", "44270113200049", ""},
		{"valid after padding", "01575398100016", ""},
		{"wrong key", "44270113200048", "clé de contrôle (Luhn) incorrecte"},
		{"siren part fails", "48300000000000", "le SIREN 483000000 a une clé de contrôle (Luhn) incorrecte"},
		{"siret key fails, siren fine", "52413706400024", "clé de contrôle (Luhn) incorrecte"},
		{"la poste head office keeps Luhn", "35600000000048", ""},
		{"la poste establishment, digit sum 25", "35600000012305", ""},
		{"la poste establishment, digit sum 15", "35600000000001", ""},
		{"la poste, digit sum 26", "35600000012306", "règle La Poste"},
		{"la poste, Luhn-valid but digit sum 19", "35600000000014", "règle La Poste"},
		{"13 digits", "1575398100016", "14 chiffres"},
		{"15 digits", "442701132000490", "14 chiffres"},
		{"letters", "4427011320004A", "14 chiffres"},
		{"spaces are not cleaned here", "442 701 132 00049", "14 chiffres"},
		{"empty", "", "14 chiffres"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := data.ValidSIRET(tt.in)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("ValidSIRET(%q) = %v, want nil", tt.in, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidSIRET(%q) = nil, want an error containing %q", tt.in, tt.wantMsg)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ValidSIRET(%q) = %q, want it to contain %q", tt.in, err, tt.wantMsg)
			}
			var ve *data.ValidationError
			if !errors.As(err, &ve) || ve.Field != "SIRET" || !errors.Is(err, data.ErrInvalid) {
				t.Errorf("ValidSIRET(%q) error %#v is not a SIRET ValidationError wrapping ErrInvalid", tt.in, err)
			}
		})
	}
}

func TestRepairSIRET(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		want         string
		wantRepaired bool
		wantMsg      string // "" when valid
	}{
		{"clean", "44270113200049", "44270113200049", false, ""},
		{"spaces", " 442 701 132 00049 ", "44270113200049", false, ""},
		{"non-breaking and narrow spaces", "442\u00a0701\u202f132\t00049", "44270113200049", false, ""},
		{"dots", "442.701.132.00049", "44270113200049", false, ""},
		{"dashes", "442-701-132-00049", "44270113200049", false, ""},
		{"13 digits padded", "1575398100016", "01575398100016", true, ""},
		{"12 digits padded", "715030300027", "00715030300027", true, ""},
		{"13 digits with spaces padded", "157 539 810 0016", "01575398100016", true, ""},
		{"la poste head office", "356 000 000 00048", "35600000000048", false, ""},
		{"padding does not rescue a bad key", "1575398100017", "01575398100017", true,
			"invalide même après restauration des zéros de tête (01575398100017) : clé de contrôle incorrecte"},
		{"11 digits are not padded", "15753981000", "15753981000", false, "14 chiffres"},
		{"15 digits", "442701132000490", "442701132000490", false, "14 chiffres"},
		{"letters", "4427O113200049", "4427O113200049", false, "ne contient que des chiffres"},
		{"siret with prefix", "SIRET 44270113200049", "SIRET44270113200049", false, "ne contient que des chiffres"},
		{"empty", "", "", false, "SIRET absent"},
		{"only separators", " . - ", "", false, "SIRET absent"},
		{"wrong key kept for display", "44270113200048", "44270113200048", false, "clé de contrôle (Luhn) incorrecte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, repaired, err := data.RepairSIRET(tt.in)
			if got != tt.want || repaired != tt.wantRepaired {
				t.Errorf("RepairSIRET(%q) = %q, repaired=%v; want %q, repaired=%v", tt.in, got, repaired, tt.want, tt.wantRepaired)
			}
			switch {
			case tt.wantMsg == "" && err != nil:
				t.Errorf("RepairSIRET(%q) error = %v, want nil", tt.in, err)
			case tt.wantMsg != "" && err == nil:
				t.Errorf("RepairSIRET(%q) error = nil, want one containing %q", tt.in, tt.wantMsg)
			case tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg):
				t.Errorf("RepairSIRET(%q) error = %q, want it to contain %q", tt.in, err, tt.wantMsg)
			case err != nil && !errors.Is(err, data.ErrInvalid):
				t.Errorf("RepairSIRET(%q) error %v does not wrap ErrInvalid", tt.in, err)
			}
		})
	}
}

func TestSIRENOf(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"siret", "44270113200049", "442701132"},
		{"siren", "442701132", "442701132"},
		{"too short", "44270113", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.SIRENOf(tt.in); got != tt.want {
				t.Errorf("SIRENOf(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanDigits(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"separators", "442 701.132-00049\t", "44270113200049"},
		{"non-breaking spaces", "442\u00a0701\u202f132", "442701132"},
		{"letters kept", "FR 12", "FR12"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.CleanDigits(tt.in); got != tt.want {
				t.Errorf("CleanDigits(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzRepairSIRET(f *testing.F) {
	for _, s := range []string{"44270113200049", "1575398100016", "715030300027", "356 000 000 00048",
		"35600000012305", "48300000000000", "", "4427O113200049", "442.701.132.00049", "\u00a0١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, repaired, err := data.RepairSIRET(raw)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("RepairSIRET(%q) error %v does not wrap ErrInvalid", raw, err)
			}
			return
		}
		if len(got) != 14 || data.ValidSIRET(got) != nil {
			t.Fatalf("RepairSIRET(%q) accepted %q, which is not a valid 14-digit SIRET", raw, got)
		}
		// Accepting is stable: the repaired value repairs to itself.
		again, rep2, err2 := data.RepairSIRET(got)
		if again != got || rep2 || err2 != nil {
			t.Fatalf("RepairSIRET(%q) = %q, %v, %v; want %q unchanged", got, again, rep2, err2, got)
		}
		if repaired && !strings.HasPrefix(got, "0") {
			t.Fatalf("RepairSIRET(%q) = %q says it restored zeros but starts with %q", raw, got, got[:1])
		}
	})
}

func FuzzValidSIRET(f *testing.F) {
	for _, s := range []string{"44270113200049", "35600000000048", "35600000012305", "00000000000000", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := data.ValidSIRET(s)
		if err == nil && (len(s) != 14 || data.ValidSIREN(s[:9]) != nil) {
			t.Fatalf("ValidSIRET(%q) accepted a value that is not 14 digits with a valid SIREN", s)
		}
		if err != nil && !errors.Is(err, data.ErrInvalid) {
			t.Fatalf("ValidSIRET(%q) error %v does not wrap ErrInvalid", s, err)
		}
	})
}

// luhnOracle is the Luhn check written the other way round from the
// package's: weights 1, 2, 1, 2… from the right, the digits of each
// product added.
func luhnOracle(s string) bool {
	sum := 0
	for i := range len(s) {
		p := int(s[len(s)-1-i]-'0') * (1 + i%2)
		sum += p/10 + p%10
	}
	return sum%10 == 0
}

// FuzzValidSIREN checks ValidSIREN against luhnOracle, and that a valid
// SIREN with any one digit changed is refused (the Luhn key catches every
// single-digit error: a typed SIREN is never taken for another company's).
func FuzzValidSIREN(f *testing.F) {
	for _, s := range []string{"442701132", "356000000", "000000000", "12345678", "４４２７０１１３２", "44270113a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := data.ValidSIREN(s)
		want := len(s) == 9 && strings.Trim(s, "0123456789") == "" && luhnOracle(s)
		if (err == nil) != want {
			t.Fatalf("ValidSIREN(%q) = %v, want valid %t", s, err, want)
		}
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("ValidSIREN(%q) error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		for i := range len(s) {
			for d := byte('0'); d <= '9'; d++ {
				if d == s[i] {
					continue
				}
				typo := s[:i] + string(d) + s[i+1:]
				if data.ValidSIREN(typo) == nil {
					t.Fatalf("ValidSIREN accepts %q and %q, one digit apart", s, typo)
				}
			}
		}
	})
}

// FuzzDepartementOfPostcode: whatever is typed as a postcode, the answer is
// "" or a known département, and a known postcode gives the département of
// its communes.
func FuzzDepartementOfPostcode(f *testing.F) {
	for _, s := range []string{"75011", "20000", "20090", "97400", "98000", " 2A000", "7501", "00000", "١٢٣٤٥"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pc string) {
		dep := data.DepartementOfPostcode(pc)
		if dep == "" {
			return
		}
		if _, ok := data.LookupDepartement(dep); !ok {
			t.Fatalf("DepartementOfPostcode(%q) = %q, not a département", pc, dep)
		}
		if cs := data.CommunesByPostcode(strings.TrimSpace(pc)); len(cs) > 0 && cs[0].Departement != dep {
			t.Fatalf("DepartementOfPostcode(%q) = %q, its commune %s is in %s", pc, dep, cs[0].Name, cs[0].Departement)
		}
	})
}
