package index_test

import (
	"context"
	"testing"
	"time"

	"fabrique/index"
)

// Hits are read by document number straight from their segment: across many
// small segments, with deleted and replaced documents, every hit must still
// show its own supplier (Search fails when a stored blob belongs to another).
func TestHitsReadFromTheirOwnSegment(t *testing.T) {
	ctx := context.Background()
	sups := epvSuppliers(t)[:300]
	src := newMemSource(sups)
	ix, err := index.Open("", index.Options{RebuildBatchSize: 17, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, _, err := ix.EnsureConsistent(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	// Delete every seventh supplier and rename every fifth: both leave
	// deleted documents behind in the segments.
	var deleted []string
	for i := 0; i < len(sups); i += 7 {
		deleted = append(deleted, sups[i].ID)
	}
	if err := ix.Delete(ctx, deleted...); err != nil {
		t.Fatal(err)
	}
	gone := map[string]bool{}
	for _, id := range deleted {
		gone[id] = true
	}
	names := map[string]string{}
	for i := 0; i < len(sups); i++ {
		if gone[sups[i].ID] {
			continue
		}
		if i%5 == 0 {
			sups[i].Name += " RENOMMÉE"
			if err := ix.Put(ctx, sups[i]); err != nil {
				t.Fatal(err)
			}
		}
		names[sups[i].ID] = sups[i].Name
	}

	seen := map[string]bool{}
	for page := 1; ; page++ {
		res := search(t, ix, index.Query{Page: page, PerPage: index.MaxPerPage})
		if res.Total != uint64(len(names)) {
			t.Fatalf("total %d, want %d", res.Total, len(names))
		}
		for _, h := range res.Hits {
			want, ok := names[h.ID]
			if !ok {
				t.Fatalf("hit %s: deleted supplier returned", h.ID)
			}
			if h.Name != want {
				t.Fatalf("hit %s shows %q, want %q", h.ID, h.Name, want)
			}
			seen[h.ID] = true
		}
		if len(res.Hits) < index.MaxPerPage {
			break
		}
	}
	if len(seen) != len(names) {
		t.Fatalf("pages listed %d suppliers, want %d", len(seen), len(names))
	}
	// A text search goes through bleve's collector, which knows each hit's
	// external id: the blob must agree with it too.
	res := search(t, ix, index.Query{Text: "renommée", PerPage: index.MaxPerPage})
	if res.Total == 0 {
		t.Fatal("no renamed supplier found")
	}
	for _, h := range res.Hits {
		if names[h.ID] != h.Name {
			t.Fatalf("hit %s shows %q, want %q", h.ID, h.Name, names[h.ID])
		}
	}
}
