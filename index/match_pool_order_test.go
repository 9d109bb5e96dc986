package index_test

import (
	"context"
	"slices"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

// A need without a place gathers its sector's suppliers by score alone,
// and hundreds tie (the same NAF fit, the same univers): the pool, hence
// the ranking, must not depend on the order the suppliers were indexed in
// (real BOAMP notice 26-26185, « bâches » for a university, led with a
// different supplier after each fresh import).
func TestMatchDoesNotDependOnIndexingOrder(t *testing.T) {
	ctx := context.Background()
	sups := epvSuppliers(t)
	reversed := slices.Clone(sups)
	slices.Reverse(reversed)
	tender := data.Tender{Title: "Fourniture et installation de bâches", CPV: "39200000"}
	var rankings [2][]string
	for k, order := range [][]data.Supplier{sups, reversed} {
		ix := openIndex(t, "")
		if err := ix.Put(ctx, order...); err != nil {
			t.Fatal(err)
		}
		res, err := ix.Match(ctx, newMatchSource(sups, nil), tender, index.MatchOptions{At: matchNow, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Tender {
			rankings[k] = append(rankings[k], m.SupplierID)
		}
	}
	if len(rankings[0]) < 20 {
		t.Fatalf("%d suppliers matched: the need ties too few to test the order", len(rankings[0]))
	}
	if !slices.Equal(rankings[0], rankings[1]) {
		t.Errorf("the ranking depends on the indexing order:\n%v\n%v", rankings[0], rankings[1])
	}
}
