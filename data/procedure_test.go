package data

import "testing"

func TestBuyerProcedureID(t *testing.T) {
	tests := []struct {
		name  string
		buyer Buyer
		ref   string
		want  string
	}{
		{"SIRET", Buyer{Name: "Ville de Paris", SIRET: "21750001600019"}, "2016V12019350", "siret:21750001600019/2016V12019350"},
		{"SIRET written with spaces", Buyer{Name: "Ville de Paris", SIRET: "217 500 016 00019"}, " 2016V12019350 ", "siret:21750001600019/2016V12019350"},
		{"invalid SIRET: the name", Buyer{Name: "Ville de Paris", SIRET: "21750001600018"}, "2016V12019350", "acheteur:ville paris/2016V12019350"},
		{"name only", Buyer{Name: "VILLE DE RENNES"}, "2016V12019350", "acheteur:ville rennes/2016V12019350"},
		{"no reference", Buyer{Name: "Ville de Paris"}, " ", ""},
		{"no buyer", Buyer{}, "2016V12019350", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := BuyerProcedureID(tc.buyer, tc.ref); got != tc.want {
				t.Errorf("BuyerProcedureID(%+v, %q) = %q, want %q", tc.buyer, tc.ref, got, tc.want)
			}
		})
	}
}

func TestSameBuyer(t *testing.T) {
	paris := Buyer{Name: "Ville de Paris", SIRET: "21750001600019"}
	tests := []struct {
		name string
		a, b Buyer
		want bool
	}{
		{"same SIRET", paris, paris, true},
		{"another establishment, same SIREN", paris, Buyer{Name: "Mairie de Paris", SIRET: "21750001600027"}, true},
		{"another SIREN, same name", paris, Buyer{Name: "Ville de Paris", SIRET: "21350238800019"}, false},
		{"names folded alike", Buyer{Name: "Ville de Paris"}, Buyer{Name: "VILLE DE PARIS"}, true},
		{"other names", Buyer{Name: "Ville de Paris"}, Buyer{Name: "Ville de Rennes"}, false},
		{"one SIRET, names differ", paris, Buyer{Name: "Ville de Rennes"}, false},
		{"nothing to compare", Buyer{SIRET: "21750001600019"}, Buyer{Name: "Ville de Rennes"}, true},
		{"unknown buyer", paris, Buyer{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SameBuyer(tc.a, tc.b); got != tc.want {
				t.Errorf("SameBuyer(%+v, %+v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := SameBuyer(tc.b, tc.a); got != tc.want {
				t.Errorf("SameBuyer(%+v, %+v) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
			}
		})
	}
}

func TestUniqueProcedureID(t *testing.T) {
	for id, want := range map[string]bool{
		"18d27a53-0109-4f93-9231-6659d931bce0": true,  // eForms ContractFolderID
		"ocds-fabrique-2026-0001":              true,  // OCDS ocid
		"2016V12019350":                        false, // BOAMP REF_MARCHE
		"acheteur:ville paris/2016V12019350":   false,
		"18d27a53-0109-4f93-9231":              false,
		"":                                     false,
	} {
		if got := UniqueProcedureID(id); got != want {
			t.Errorf("UniqueProcedureID(%q) = %v, want %v", id, got, want)
		}
	}
}
