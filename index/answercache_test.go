package index_test

import (
	"context"
	"testing"

	"fabrique/index"
)

// An answer is served only at the index version it was stored for: a
// write makes the next lookup miss, and an answer computed before a write
// but stored after it is dropped.
func TestAnswerCacheFollowsWrites(t *testing.T) {
	ix, src := epvIndex(t)
	cache := index.NewAnswerCache[string](ix, 8)

	_, v1, ok := cache.Lookup("q=bois")
	if ok {
		t.Fatal("hit in an empty cache")
	}
	cache.Store(v1, "q=bois", "réponse 1")
	if got, _, ok := cache.Lookup("q=bois"); !ok || got != "réponse 1" {
		t.Fatalf("Lookup after Store = %q, %v", got, ok)
	}
	if _, _, ok := cache.Lookup("q=fer"); ok {
		t.Fatal("another key hit")
	}

	sup := src.get(epvSuppliers(t)[0].ID)
	sup.Name += " (modifié)"
	src.set(sup)
	if err := ix.Apply(context.Background(), src, []string{sup.ID}); err != nil {
		t.Fatal(err)
	}
	_, v2, ok := cache.Lookup("q=bois")
	if ok {
		t.Fatal("an answer outlived a write")
	}
	if v2 == v1 {
		t.Fatal("a write did not change the version")
	}
	cache.Store(v1, "q=bois", "calculée avant l'écriture")
	if got, _, ok := cache.Lookup("q=bois"); ok {
		t.Fatalf("an answer of the previous version was stored and served: %q", got)
	}

	var disabled *index.AnswerCache[string] = index.NewAnswerCache[string](ix, -1)
	disabled.Store(v2, "q=bois", "x")
	if _, _, ok := disabled.Lookup("q=bois"); ok {
		t.Fatal("a disabled cache answered")
	}
}
