package index

import (
	"context"
	"fmt"
	"testing"

	"fabrique/data"
)

// TestSnapshotStatsFollowWrites: the counts kept for a snapshot are shared
// by the matches that read it, and a write, which makes a new snapshot,
// never meets them: each count is the one of the snapshot read.
func TestSnapshotStatsFollowWrites(t *testing.T) {
	ctx := context.Background()
	ix := poolTestIndex(t)
	vitrail := func(n int) data.Supplier {
		id := fmt.Sprintf("x%016x", n)
		return data.Supplier{ID: id, Name: fmt.Sprintf("Atelier %d", n), NAF: "23.19Z", Products: []string{"vitraux"},
			Address: data.Address{Postcode: "35000", Departement: "35"}}
	}
	count := func() (stem, naf float64, shared *freqCache) {
		t.Helper()
		g, err := ix.acquire()
		if err != nil {
			t.Fatal(err)
		}
		defer g.mu.RUnlock()
		stats, err := ix.openSnapshotStats(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		defer stats.close()
		st := ix.stems("vitraux")
		if len(st) == 0 {
			t.Fatal("no stem for « vitraux »")
		}
		if stem, err = stats.docFreq(ctx, st[0]); err != nil {
			t.Fatal(err)
		}
		m := &matcher{ix: ix, g: g, stats: stats}
		if naf, err = m.tradeCount(ctx, "23.19Z"); err != nil {
			t.Fatal(err)
		}
		return stem, naf, stats.df
	}
	if err := ix.Put(ctx, vitrail(1), vitrail(2)); err != nil {
		t.Fatal(err)
	}
	s1, n1, c1 := count()
	s2, n2, c2 := count()
	if s1 != 2 || n1 != 2 || s2 != 2 || n2 != 2 {
		t.Fatalf("counts %v, %v then %v, %v; want 2 each", s1, n1, s2, n2)
	}
	if c1 != c2 {
		t.Error("two matches of the same snapshot do not share its counts")
	}
	if err := ix.Put(ctx, vitrail(3)); err != nil {
		t.Fatal(err)
	}
	s3, n3, c3 := count()
	if s3 != 3 || n3 != 3 {
		t.Errorf("after a write the counts are %v, %v; want 3 (the new snapshot's)", s3, n3)
	}
	if c3 == c1 {
		t.Error("the new snapshot reads the old one's counts")
	}
	if err := ix.Delete(ctx, vitrail(1).ID); err != nil {
		t.Fatal(err)
	}
	if s4, n4, _ := count(); s4 != 2 || n4 != 2 {
		t.Errorf("after a delete the counts are %v, %v; want 2", s4, n4)
	}
}
