package index_test

import (
	"context"
	"slices"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

// TestCeasedLeftOut checks that a company the register says has ceased is
// left out of searches by default (browse, text, filters, radius, facets)
// and of matches, and found only when a search includes it.
func TestCeasedLeftOut(t *testing.T) {
	ctx := context.Background()
	ix := openIndex(t, "")
	sups := epvSuppliers(t)[:60]
	gone := sups[7]
	gone.Register = &data.RegisterIdentity{Found: true, Ceased: true}
	sups[7] = gone
	if err := ix.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    index.Query
	}{
		{"browse", index.Query{PerPage: 100}},
		{"name", index.Query{Text: gone.Name}},
		{"departement", index.Query{Departements: []string{gone.Address.Departement}}},
		{"radius", index.Query{Near: &index.Point{Lat: gone.Address.Lat, Lon: gone.Address.Lon}, RadiusKm: 5}},
		{"by distance", index.Query{Near: &index.Point{Lat: gone.Address.Lat, Lon: gone.Address.Lon}, SortByDistance: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Facets = true
			res := search(t, ix, tt.q)
			if slices.Contains(hitIDs(res), gone.ID) {
				t.Errorf("ceased %s suggested by default", gone.Name)
			}
			with := tt.q
			with.IncludeCeased = true
			all := search(t, ix, with)
			if all.Total != res.Total+1 {
				t.Errorf("total with ceased = %d, without = %d: want one more", all.Total, res.Total)
			}
			i := slices.Index(hitIDs(all), gone.ID)
			if tt.name != "browse" && tt.name != "by distance" && (i < 0 || !all.Hits[i].Ceased) {
				t.Errorf("IncludeCeased did not find %s flagged: %+v", gone.Name, all.Hits)
			}
			if tt.name == "browse" {
				if res.Total != 59 {
					t.Errorf("browse total = %d, want 59", res.Total)
				}
				var labelled uint64
				for _, v := range res.Facets["label"] {
					labelled += uint64(v.Count)
				}
				if labelled > 59 {
					t.Errorf("label facet counts %d, more than the 59 active companies", labelled)
				}
			}
		})
	}

	t.Run("match", func(t *testing.T) {
		mix, mini := openMini(t)
		src := newMatchSource(mini, nil)
		tender := data.Tender{Title: "Restauration des vitraux de la cathédrale", CPV: "45212361",
			Place: data.Place{Postcode: "26000"}}
		res, err := mix.Match(ctx, src, tender, index.MatchOptions{At: matchNow})
		if err != nil {
			t.Fatal(err)
		}
		m, ok := matchByName(res.Tender, "Atelier du vitrail de Die")
		if !ok {
			t.Fatal("control: the glass workshop is not matched")
		}
		for i := range mini {
			if mini[i].ID == m.SupplierID {
				mini[i].Register = &data.RegisterIdentity{Found: true, Ceased: true}
				if err := mix.Put(ctx, mini[i]); err != nil {
					t.Fatal(err)
				}
			}
		}
		res, err = mix.Match(ctx, newMatchSource(mini, nil), tender, index.MatchOptions{At: matchNow})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := matchByName(res.Tender, "Atelier du vitrail de Die"); ok {
			t.Error("a ceased company is suggested by a match")
		}
	})
}
