package index_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fabrique/index"
	"fabrique/index/synth"
)

// TestEnsureConsistentRepairsAFewStaleDocuments: after a crash the index
// is a few documents behind the store (the last writes; a document lost
// with an unpersisted segment): the start re-indexes just those, and the
// index then holds exactly the source's documents at their versions. Past
// the repair bound, the index is rebuilt as before.
func TestEnsureConsistentRepairsAFewStaleDocuments(t *testing.T) {
	ctx := context.Background()
	sups := synth.Suppliers(3000, 7)
	src := newMemSource(sups)
	ix := openIndex(t, t.TempDir())
	if rebuilt, _, err := ix.EnsureConsistent(ctx, src, nil); err != nil || !rebuilt {
		t.Fatalf("first build: rebuilt %v, %v", rebuilt, err)
	}
	later := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	edit := func(n int) {
		later = later.Add(time.Hour)
		src.mu.Lock()
		defer src.mu.Unlock()
		for i := range n {
			s, ok := src.m[sups[i].ID]
			if !ok {
				continue
			}
			s.Description = "Réparation après coupure : dinanderie d'art"
			s.UpdatedAt = later.Add(time.Duration(i) * time.Millisecond)
			src.m[s.ID] = s
		}
	}

	t.Run("a few documents behind", func(t *testing.T) {
		edit(2) // two edits the index missed
		src.mu.Lock()
		added := synth.Suppliers(3001, 8)[3000] // a new one
		added.ID = "999999999"
		src.m[added.ID] = added
		delete(src.m, sups[10].ID) // one deleted
		src.mu.Unlock()
		if err := ix.Delete(ctx, sups[20].ID); err != nil { // one lost by the index
			t.Fatal(err)
		}
		rebuilt, reason, err := ix.EnsureConsistent(ctx, src, nil)
		if err != nil || !rebuilt || !strings.Contains(reason, "réparé : 5 fiche(s) réindexée(s)") {
			t.Fatalf("EnsureConsistent = %v, %q, %v; want a repair of 5 documents", rebuilt, reason, err)
		}
		assertSameDocuments(t, ix, src)
		res := search(t, ix, index.Query{Text: "dinanderie"})
		if res.Total < 2 {
			t.Errorf("the repaired documents are not searchable: %d hits for their new words", res.Total)
		}
		if rebuilt, reason, err := ix.EnsureConsistent(ctx, src, nil); err != nil || rebuilt {
			t.Fatalf("after the repair: EnsureConsistent = %v, %q, %v; want up to date", rebuilt, reason, err)
		}
	})

	t.Run("too many behind", func(t *testing.T) {
		edit(1100) // over maxRepair (1 000 at this size)
		rebuilt, reason, err := ix.EnsureConsistent(ctx, src, nil)
		if err != nil || !rebuilt || strings.Contains(reason, "réparé") {
			t.Fatalf("EnsureConsistent = %v, %q, %v; want a full rebuild", rebuilt, reason, err)
		}
		assertSameDocuments(t, ix, src)
	})
}

// assertSameDocuments fails unless the index holds exactly src's
// suppliers at their versions.
func assertSameDocuments(t *testing.T, ix *index.Index, src *memSource) {
	t.Helper()
	docs, err := ix.Documents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if len(docs) != len(src.m) {
		t.Errorf("%d documents indexed, %d in the source", len(docs), len(src.m))
	}
	for id, s := range src.m {
		if at, ok := docs[id]; !ok || !at.Equal(s.UpdatedAt) {
			t.Fatalf("supplier %s: indexed %v (%v), source %v", id, at, ok, s.UpdatedAt)
		}
	}
}
