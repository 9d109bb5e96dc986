package index_test

import (
	"context"
	"slices"
	"testing"

	"fabrique/index"
)

// TestResultCacheFollowsWrites: a repeated search is answered from the
// cache, yet a write is visible at once, and a caller that changes its
// answer does not change the next one.
func TestResultCacheFollowsWrites(t *testing.T) {
	ix, src := epvIndex(t)
	q := index.Query{Text: "ébénisterie", Facets: true, PerPage: 5}
	first := search(t, ix, q)
	if first.Total == 0 {
		t.Fatal("no ébénisterie in the EPV list: the test needs one")
	}
	again := search(t, ix, q)
	if !slices.Equal(hitIDs(first), hitIDs(again)) || again.Total != first.Total {
		t.Fatalf("a repeated search changed: %v then %v", hitIDs(first), hitIDs(again))
	}

	again.Hits[0].Name = "modifié par l'appelant"
	again.Facets["region"] = nil
	third := search(t, ix, q)
	if third.Hits[0].Name == "modifié par l'appelant" || third.Facets["region"] == nil {
		t.Fatal("changing a returned result changed the cached one")
	}

	sup := src.get(first.Hits[0].ID)
	sup.Name = "Zyxwvu Ébénisterie Témoin"
	src.set(sup)
	if err := ix.Apply(context.Background(), src, []string{sup.ID}); err != nil {
		t.Fatal(err)
	}
	after := search(t, ix, index.Query{Text: "zyxwvu"})
	if after.Total != 1 {
		t.Fatalf("after a write, a search for the new name finds %d, want 1", after.Total)
	}
	for _, h := range search(t, ix, q).Hits {
		if h.ID == sup.ID && h.Name != sup.Name {
			t.Errorf("the cached answer outlived the write: name %q, want %q", h.Name, sup.Name)
		}
	}
}
