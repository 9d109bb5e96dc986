package index_test

import (
	"context"
	"slices"
	"testing"

	"fabrique/index"
)

// TestSearchTiesDoNotDependOnIndexingOrder indexes the real EPV companies
// in two orders and asks both the same searches: the suppliers that tie
// (same score, or same place) come in the same order, by name, whatever
// document numbers the build gave them.
func TestSearchTiesDoNotDependOnIndexingOrder(t *testing.T) {
	ctx := context.Background()
	sups := epvSuppliers(t)
	build := func(reversed bool) *index.Index {
		ix := openIndex(t, "")
		order := slices.Clone(sups)
		if reversed {
			slices.Reverse(order)
		}
		for i := 0; i < len(order); i += 100 {
			if err := ix.Put(ctx, order[i:min(i+100, len(order))]...); err != nil {
				t.Fatal(err)
			}
		}
		return ix
	}
	a, b := build(false), build(true)
	lyon := &index.Point{Lat: 45.764, Lon: 4.8357}
	for _, q := range []index.Query{
		{Text: "menuiserie", PerPage: 50},
		{Text: "atelier", PerPage: 50},
		{Text: "mode", Departements: []string{"75"}, PerPage: 50},
		{Text: "atelier", Near: lyon, RadiusKm: 300, PerPage: 50},
		{Near: lyon, RadiusKm: 50, SortByDistance: true, PerPage: 50},
	} {
		q.Uncached = true
		ga, gb := hitIDs(search(t, a, q)), hitIDs(search(t, b, q))
		if len(ga) < 5 {
			t.Fatalf("%+v: %d hits, want enough to have ties", q, len(ga))
		}
		if !slices.Equal(ga, gb) {
			t.Errorf("%+v: the two builds order the hits differently:\n%v\n%v", q, ga, gb)
		}
	}
}
