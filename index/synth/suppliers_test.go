package synth_test

import (
	"fmt"
	"reflect"
	"testing"

	"fabrique/data"
	"fabrique/index/synth"
)

func TestSuppliers(t *testing.T) {
	a := synth.Suppliers(500, 1)
	b := synth.Suppliers(500, 1)
	c := synth.Suppliers(500, 2)
	if len(a) != 500 {
		t.Fatalf("got %d suppliers, want 500", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the same seed gave different corpora")
	}
	if reflect.DeepEqual(a, c) {
		t.Errorf("different seeds gave the same corpus")
	}
	ids := map[string]bool{}
	labelled, withProducts := 0, 0
	for _, s := range a {
		if ids[s.ID] {
			t.Errorf("duplicate id %s", s.ID)
		}
		ids[s.ID] = true
		if err := data.ValidSIREN(s.SIREN); err != nil || s.ID != s.SIREN {
			t.Errorf("%s: SIREN %q invalid (%v) or not the ID", s.Name, s.SIREN, err)
		}
		if err := data.ValidSIRET(s.SIRETs()[0]); err != nil {
			t.Errorf("%s: SIRET: %v", s.Name, err)
		}
		if _, ok := data.LookupNAF(s.NAF); !ok {
			t.Errorf("%s: unknown NAF %q", s.Name, s.NAF)
		}
		if c, ok := data.LookupCommune(s.Address.CommuneINSEE); !ok || c.Departement != s.Address.Departement ||
			data.DistanceKm(c.Lat, c.Lon, s.Address.Lat, s.Address.Lon) > 5 {
			t.Errorf("%s: address %+v is not in its real commune", s.Name, s.Address)
		}
		for _, code := range s.CPVDeclared {
			if _, err := data.NormalizeCPV(code); err != nil {
				t.Errorf("%s: CPV %s: %v", s.Name, code, err)
			}
		}
		if len(s.Labels) > 0 {
			labelled++
		}
		if len(s.Products) > 0 {
			withProducts++
		}
	}
	if labelled < 350 || withProducts < 350 {
		t.Errorf("%d labelled and %d with products of 500: want most of them", labelled, withProducts)
	}
}

func ExampleSuppliers() {
	sups := synth.Suppliers(3, 42)
	for _, s := range sups {
		fmt.Println(data.ValidSIREN(s.SIREN) == nil, s.Address.Country, s.UpdatedAt.Year())
	}
	// Output:
	// true FR 2026
	// true FR 2026
	// true FR 2026
}
