package main

import (
	"context"
	"errors"
	"testing"

	"fabrique/data"
	"fabrique/data/store"
)

// countAwards counts the awards of a store.
func countAwards(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	if err := st.Awards(context.Background(), func(data.Award) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSampleFillsAnEmptyStoreOnce: the first start on a store without
// notices nor awards imports the real ones shipped in the binary — the 90
// BOAMP notices, the DECP awards — and a start after that, or after an
// interrupted load, ends with the same store.
func TestSampleFillsAnEmptyStoreOnce(t *testing.T) {
	ctx := context.Background()
	st := openSeedStore(t)
	p := quietProgram()

	// A load interrupted before it began its files: the marker says
	// started, so the next start runs it.
	if err := st.PutPageState(ctx, seedStateSource, data.PageState{URL: sampleStateURL, RunID: seedRunStarted}); err != nil {
		t.Fatal(err)
	}
	if err := seedSample(ctx, st, p); err != nil {
		t.Fatal(err)
	}
	tenders, _ := st.CountTenders(ctx)
	awards := countAwards(t, st)
	if tenders != 90 || awards < 17000 {
		t.Fatalf("after the first start: %d notices and %d awards, want the 90 BOAMP notices and the ~17 300 awards", tenders, awards)
	}
	one, err := st.TenderBySourceID(ctx, "boamp:26-26379")
	if err != nil || one.Buyer.Name == "" {
		t.Errorf("a real BOAMP notice of the sample: %+v, %v", one, err)
	}
	// Run again as if the first load had been cut after its files: same store.
	if err := st.PutPageState(ctx, seedStateSource, data.PageState{URL: sampleStateURL, RunID: seedRunStarted}); err != nil {
		t.Fatal(err)
	}
	if err := seedSample(ctx, st, p); err != nil {
		t.Fatal(err)
	}
	if n, a := mustCount(t, st); n != tenders || a != awards {
		t.Errorf("a load run twice: %d notices and %d awards, want %d and %d", n, a, tenders, awards)
	}
	ps, err := st.PageState(ctx, seedStateSource, sampleStateURL)
	if err != nil || ps.RunID != seedRunDone {
		t.Errorf("marker %+v, %v; want done", ps, err)
	}
}

func mustCount(t *testing.T, st *store.Store) (tenders, awards int) {
	t.Helper()
	n, err := st.CountTenders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n, countAwards(t, st)
}

// TestSampleLeavesAStoreWithItsOwnNotices: a store that holds notices or
// awards before its first serve (an import, a feed) is someone's own: it
// gets none of the sample, now or later; nor does a store served with
// --no-sample.
func TestSampleLeavesAStoreWithItsOwnNotices(t *testing.T) {
	ctx := context.Background()
	p := quietProgram()

	withAward := openSeedStore(t)
	if err := withAward.PutAwards(ctx, []data.Award{{ID: "decp:own", Source: "decp", CPV: "45000000",
		Winners: []data.Winner{{Name: "Entreprise"}}}}); err != nil {
		t.Fatal(err)
	}
	withTender := openSeedStore(t)
	if err := withTender.PutTender(ctx, data.Tender{ID: "boamp:own", Source: "boamp", SourceID: "own", Title: "Avis",
		State: data.StateOpen}, "test"); err != nil {
		t.Fatal(err)
	}
	refused := openSeedStore(t)
	noSample := quietProgram()
	noSample.cfg.noSample = "true"
	for name, c := range map[string]struct {
		st                     *store.Store
		p                      *program
		wantTenders, wantAward int
	}{
		"an award imported": {withAward, p, 0, 1},
		"a notice imported": {withTender, p, 1, 0},
		"--no-sample":       {refused, noSample, 0, 0},
	} {
		if err := seedSample(ctx, c.st, c.p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Emptied since, or served later without the option: still none.
		if err := seedSample(ctx, c.st, p); err != nil {
			t.Fatalf("%s, second start: %v", name, err)
		}
		if n, a := mustCount(t, c.st); n != c.wantTenders || a != c.wantAward {
			t.Errorf("%s: %d notices and %d awards, want %d and %d", name, n, a, c.wantTenders, c.wantAward)
		}
	}
	if _, err := refused.PageState(ctx, seedStateSource, sampleStateURL); errors.Is(err, data.ErrNotFound) {
		t.Error("--no-sample left no marker: a later start would load the sample into a store filled since")
	}
}
