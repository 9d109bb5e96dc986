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

func TestShareBuyer(t *testing.T) {
	niWater, clearWater, franceEau := Buyer{Name: "NI Water and its subsidiaries"}, Buyer{Name: "Clear Water"}, Buyer{Name: "France Eau"}
	tests := []struct {
		name string
		a, b Tender
		want bool
	}{
		{"the same lead buyer", Tender{Buyer: niWater}, Tender{Buyer: niWater, JointBuyers: []Buyer{clearWater}}, true},
		{"a joint buyer named first", Tender{Buyer: niWater, JointBuyers: []Buyer{clearWater}}, Tender{Buyer: franceEau, JointBuyers: []Buyer{clearWater}}, true},
		{"no buyer in common", Tender{Buyer: niWater}, Tender{Buyer: franceEau, JointBuyers: []Buyer{clearWater}}, false},
		{"the SDK's shared UUID", Tender{Buyer: Buyer{Name: "Ministry of Defence"}},
			Tender{Buyer: Buyer{Name: "Commissariat à l'énergie atomique et aux énergies alternatives"}}, false},
		{"an unknown buyer proves nothing", Tender{Buyer: niWater}, Tender{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantSymmetric(t, "ShareBuyer", ShareBuyer, tc.a, tc.b, tc.want) })
	}
}

func TestObjectsDiffer(t *testing.T) {
	tests := []struct {
		name string
		a, b Tender
		want bool
	}{
		{"dogs and engineering", Tender{CPV: "80512000"}, Tender{CPV: "71336000"}, true},
		{"the same division", Tender{CPV: "77310000"}, Tender{CPV: "77311000"}, false},
		{"an additional code in common", Tender{CPV: "45112710", CPVAdditional: []string{"77310000"}}, Tender{CPV: "77300000"}, false},
		{"a lot in common", Tender{CPV: "79710000"}, Tender{CPV: "45000000", Lots: []Lot{{ID: "LOT-0002", CPV: "79713000"}}}, false},
		{"no declared code", Tender{CPV: "80512000"}, Tender{InferredCPV: []InferredCPV{{Code: "71336000"}}}, false},
		{"neither declares", Tender{}, Tender{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantSymmetric(t, "ObjectsDiffer", ObjectsDiffer, tc.a, tc.b, tc.want) })
	}
}

// wantSymmetric checks a relation between two notices, both ways.
func wantSymmetric(t *testing.T, name string, f func(a, b Tender) bool, a, b Tender, want bool) {
	t.Helper()
	if got := f(a, b); got != want {
		t.Errorf("%s(a, b) = %v, want %v\na: %+v\nb: %+v", name, got, want, a, b)
	}
	if got := f(b, a); got != want {
		t.Errorf("%s(b, a) = %v, want %v (not symmetric)", name, got, want)
	}
}
