package data_test

import (
	"slices"
	"testing"
	"time"

	"fabrique/data"
)

func TestSupplierHeadOffice(t *testing.T) {
	tests := []struct {
		name   string
		estabs []data.Establishment
		want   string
		ok     bool
	}{
		{"flagged head office", []data.Establishment{{SIRET: "44270113200031"}, {SIRET: "44270113200049", HeadOffice: true}}, "44270113200049", true},
		{"first one otherwise", []data.Establishment{{SIRET: "44270113200031"}, {SIRET: "44270113200049"}}, "44270113200031", true},
		{"none", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &data.Supplier{Establishments: tt.estabs}
			got, ok := s.HeadOffice()
			if got.SIRET != tt.want || ok != tt.ok {
				t.Errorf("HeadOffice() = %q, %v; want %q, %v", got.SIRET, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSupplierLists(t *testing.T) {
	s := &data.Supplier{
		Establishments: []data.Establishment{{SIRET: "44270113200049"}, {SIRET: ""}, {SIRET: "48300000000000", Defect: "clé"}},
		Labels:         []data.Label{{Type: data.LabelEPV}, {Type: data.LabelOFG, Range: "a"}, {Type: data.LabelOFG, Range: "b"}},
		CPVDeclared:    []string{"45261210", "44112000"},
		CPVInferred:    []string{"45000000", "45261210"},
	}
	if got, want := s.SIRETs(), []string{"44270113200049", "48300000000000"}; !slices.Equal(got, want) {
		t.Errorf("SIRETs() = %v, want %v", got, want)
	}
	if got, want := s.LabelTypes(), []data.LabelType{data.LabelEPV, data.LabelOFG}; !slices.Equal(got, want) {
		t.Errorf("LabelTypes() = %v, want %v", got, want)
	}
	if got, want := s.CPVAll(), []string{"45261210", "44112000", "45000000"}; !slices.Equal(got, want) {
		t.Errorf("CPVAll() = %v, want %v", got, want)
	}
}

func TestSupplierProvenance(t *testing.T) {
	var s data.Supplier
	if s.OwnerDeclared(data.FieldWebsite) {
		t.Error("OwnerDeclared on an empty supplier = true")
	}
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	s.SetProvenance(data.FieldWebsite, data.Provenance{Source: "owner", FetchedAt: at, Owner: true})
	s.SetProvenance(data.FieldName, data.Provenance{Source: "epv", FetchedAt: at})
	if !s.OwnerDeclared(data.FieldWebsite) {
		t.Error("OwnerDeclared(website) = false after the owner set it")
	}
	if s.OwnerDeclared(data.FieldName) {
		t.Error("OwnerDeclared(name) = true for a crawled value")
	}
}

func TestAddressHasGeo(t *testing.T) {
	for _, p := range []data.GeoPrecision{data.GeoExact, data.GeoCommune, data.GeoDepartement} {
		if !(data.Address{Precision: p}).HasGeo() {
			t.Errorf("HasGeo() with precision %q = false", p)
		}
	}
	if (data.Address{Lat: 45, Lon: 4}).HasGeo() {
		t.Error("HasGeo() without precision = true: coordinates without precision are not trusted")
	}
}
