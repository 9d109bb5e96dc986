package index_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

func matchIDs(ms []data.Match) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.SupplierID
	}
	return ids
}

// TestDeclaredCPVReachesSearchAndMatch: a CPV code a company declares makes
// it come out of a search by the code's words and of a match on the code,
// where it did not before; its declared service area then explains the
// match.
func TestDeclaredCPVReachesSearchAndMatch(t *testing.T) {
	ctx := context.Background()
	f := loadMatchEPV(t)
	var sup data.Supplier
	for _, s := range f.sups {
		if data.NAFDivision(s.NAF) == "10" && s.Address.Departement == "29" {
			sup = s
			break
		}
	}
	if sup.ID == "" {
		t.Fatal("no food maker of Finistère in the EPV export")
	}
	ix, err := index.Open("", index.Options{Now: func() time.Time { return matchNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(ctx, f.sups...); err != nil {
		t.Fatal(err)
	}
	tender := data.Tender{ID: "t1", CPV: "38635000", Place: data.Place{Postcode: "67000"}, EstimatedValue: 80_000}
	search := index.Query{Text: "télescopes"}
	probe := func() (inSearch, inMatch bool, m data.Match) {
		res, err := ix.Search(ctx, search)
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		src := newMatchSource(f.sups, nil)
		src.sups[sup.ID] = sup
		mr, err := ix.Match(ctx, src, tender, index.MatchOptions{Limit: 50, At: matchNow})
		if err != nil {
			t.Fatalf("Match: %v", err)
		}
		i := slices.Index(matchIDs(mr.Tender), sup.ID)
		if i >= 0 {
			m = mr.Tender[i]
		}
		return slices.Contains(hitIDs(res), sup.ID), i >= 0, m
	}
	if s, m, _ := probe(); s || m {
		t.Fatalf("before the declaration: in search %v, in match %v; want neither", s, m)
	}

	sup.CPVDeclared = []string{"38635000"}
	sup.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	sup.UpdatedAt = matchNow.Add(time.Minute)
	if err := ix.Put(ctx, sup); err != nil {
		t.Fatal(err)
	}
	inSearch, inMatch, m := probe()
	if !inSearch || !inMatch {
		t.Fatalf("after the declaration: in search %v, in match %v; want both", inSearch, inMatch)
	}
	var kinds []data.ReasonKind
	for _, r := range m.Reasons {
		kinds = append(kinds, r.Kind)
	}
	if !slices.Contains(kinds, data.ReasonCPV) || !slices.Contains(kinds, data.ReasonServiceArea) {
		t.Errorf("reasons %v, want the declared CPV code and service area", kinds)
	}
}

// TestDeclaredServiceAreaWidensMatchPool: in a crowded sector, a far
// company that declared it serves the place is scored with the near ones
// (it used to be left out of the nearest-first pool).
func TestDeclaredServiceAreaWidensMatchPool(t *testing.T) {
	ctx := context.Background()
	paris := data.Address{Postcode: "75001", Departement: "75", Region: "11", Lat: 48.86, Lon: 2.34, Precision: data.GeoExact}
	var sups []data.Supplier
	for i := range 260 {
		a := paris
		a.Lat += float64(i) * 0.0005
		sups = append(sups, data.Supplier{ID: fmt.Sprintf("p%03d", i), Name: fmt.Sprintf("Menuiserie %d", i), Address: a,
			CPVDeclared: []string{"45421000"}, UpdatedAt: matchNow})
	}
	far := data.Supplier{ID: "far", Name: "Menuiserie du Midi", CPVDeclared: []string{"45421000"}, UpdatedAt: matchNow,
		Address: data.Address{Postcode: "13001", Departement: "13", Region: "93", Lat: 43.30, Lon: 5.37, Precision: data.GeoExact}}
	tender := data.Tender{ID: "t2", CPV: "45421000", Place: data.Place{Postcode: "75001"}}
	tests := []struct {
		name string
		area data.ServiceArea
		want bool
	}{
		{"no declared area", data.ServiceArea{}, false},
		{"région Île-de-France", data.ServiceArea{Kind: data.ServiceAreaRegions, Codes: []string{"11"}}, true},
		{"France entière", data.ServiceArea{Kind: data.ServiceAreaFrance}, true},
		{"département 75", data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"75"}}, true},
		{"radius 900 km", data.ServiceArea{Kind: data.ServiceAreaRadius, RadiusKm: 900}, true},
		{"radius 50 km", data.ServiceArea{Kind: data.ServiceAreaRadius, RadiusKm: 50}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := index.Open("", index.Options{Now: func() time.Time { return matchNow }})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			f := far
			f.ServiceArea = tt.area
			all := append(slices.Clone(sups), f)
			if err := ix.Put(ctx, all...); err != nil {
				t.Fatal(err)
			}
			res, err := ix.Match(ctx, newMatchSource(all, nil), tender, index.MatchOptions{Limit: index.MaxMatchLimit, At: matchNow})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(matchIDs(res.Tender), "far"); got != tt.want {
				t.Errorf("far company matched: %v, want %v", got, tt.want)
			}
		})
	}
}
