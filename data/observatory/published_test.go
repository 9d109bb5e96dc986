package observatory

import (
	"context"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// publishedFixture stores one supplier in Lyon and tenders of every kind
// the published scope must sort out, built on 1 June 2026: an open call, a
// closed one, an awarded one, a closed call published 13 months earlier, a
// cancelled procedure, a prior-information notice and a direct award
// notice (a result without a call).
func publishedFixture(t *testing.T) (st *store.Store, opts BuildOptions, calls map[string]int) {
	s := openStore(t)
	sup := supplier(1, "69123", "3212Z", label(data.LabelEPV, "2024-01-01", "2029-01-01"))
	putSuppliers(t, s, sup)
	lyon := data.Place{Departement: "69"}
	noon := func(d string) time.Time { return day(d).Add(12 * time.Hour) }
	for _, tt := range []data.Tender{
		{ID: "boamp:open", Title: "Mobilier de bureau", CPV: "39130000", PublishedAt: day("2026-05-15"), Deadline: noon("2026-06-20")},
		{ID: "boamp:closed", Title: "Vêtements de travail", CPV: "18100000", PublishedAt: day("2026-03-10"), Deadline: noon("2026-04-10")},
		{ID: "boamp:awarded", Title: "Bancs publics", CPV: "39110000", State: data.StateAwarded, PublishedAt: day("2026-02-01"), Deadline: noon("2026-03-01"),
			Winners: []data.Winner{{Name: "X"}}},
		{ID: "boamp:old", Title: "Rayonnages", CPV: "39150000", PublishedAt: day("2025-05-01"), Deadline: noon("2025-06-01")},
		{ID: "boamp:cancelled", Title: "Annulé", CPV: "39150000", State: data.StateCancelled, PublishedAt: day("2026-04-01"), Deadline: noon("2026-05-01")},
		{ID: "boamp:pin", Title: "Pré-information", CPV: "39150000", NoticeType: "Avis de pré-information", PublishedAt: day("2026-04-01")},
		{ID: "ted:veat", Title: "Attribution directe", CPV: "39150000", NoticeType: "veat", PublishedAt: day("2026-04-01")},
	} {
		tt.Source, _, _ = strings.Cut(tt.ID, ":")
		tt.SourceID, tt.Place = tt.ID, lyon
		if tt.State == "" {
			tt.State = data.StateOpen
		}
		if err := s.PutTender(context.Background(), tt, "test"); err != nil {
			t.Fatalf("PutTender %s: %v", tt.ID, err)
		}
	}
	capable := map[string][]string{"boamp:open": {sup.ID}, "boamp:closed": {}, "boamp:awarded": {sup.ID}}
	calls = map[string]int{}
	opts = BuildOptions{Now: day("2026-06-01").Add(10 * time.Hour), Capable: func(_ context.Context, t data.Tender) ([]string, error) {
		calls[t.ID]++
		return capable[t.ID], nil
	}}
	return s, opts, calls
}

// TestFactsKeepClosedTenders: the facts keep and match the calls closed
// or awarded in the RecentMonths before the build, not the cancelled
// procedures, prior-information notices, direct awards, nor older calls;
// the published scope counts them, the open scope does not.
func TestFactsKeepClosedTenders(t *testing.T) {
	st, opts, calls := publishedFixture(t)
	f, err := Build(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, tf := range f.Tenders {
		kept = append(kept, tf.ID)
	}
	check(t, "tenders kept", strings.Join(kept, " "), "boamp:awarded boamp:closed boamp:open")
	for _, id := range []string{"boamp:open", "boamp:closed", "boamp:awarded"} {
		check(t, id+" matched", calls[id], 1)
	}
	now := opts.Now
	open := f.TenderCoverage(Filter{}, now)
	check(t, "open scope: tenders", open.Tenders, 1)
	check(t, "open scope: none", open.None, 0)

	pub := f.TenderCoverageOf(ScopePublished, Filter{}, now)
	check(t, "published scope", pub.Scope, ScopePublished)
	check(t, "published since", pub.PublishedFrom, day("2025-06-01"))
	check(t, "tenders", pub.Tenders, 3)
	check(t, "open", pub.Open, 1)
	check(t, "closed", pub.Closed, 1)
	check(t, "awarded", pub.Awarded, 1)
	check(t, "evaluated", pub.Evaluated, 3)
	check(t, "at least 1", pub.AtLeast1, 2)
	check(t, "none", pub.None, 1)
	if len(pub.Unmatched) != 1 || pub.Unmatched[0].ID != "boamp:closed" || pub.Unmatched[0].Status != data.StatusClosed {
		t.Errorf("unmatched = %+v, want boamp:closed, closed", pub.Unmatched)
	}
	march := f.TenderCoverageOf(ScopePublished, Filter{From: day("2026-03-01"), To: day("2026-04-01")}, now)
	check(t, "published in March 2026", march.Tenders, 1)
	check(t, "none in March 2026", march.None, 1)
	check(t, "open scope in March 2026", f.TenderCoverage(Filter{From: day("2026-03-01"), To: day("2026-04-01")}, now).Tenders, 0)
	check(t, "the gap's CPV division", march.Gaps[0].CPVDivision, "18")
}

// TestClosedCountsReused: a rebuild reuses a closed tender's count past
// MatchTTL while the tender and the directory did not change, matches
// again an open one, and marks the closed counts stale when a supplier
// changed; the cap matches the open tenders first, then the closed ones
// newest first, and says how many wait.
func TestClosedCountsReused(t *testing.T) {
	ctx := context.Background()
	st, opts, calls := publishedFixture(t)
	f, err := Build(ctx, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	later := opts
	later.Now, later.Previous = opts.Now.Add(48*time.Hour), f
	g, err := Build(ctx, st, later)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "open tender matched again after the TTL", calls["boamp:open"], 2)
	check(t, "closed tender's count reused", calls["boamp:closed"], 1)
	check(t, "awarded tender's count reused", calls["boamp:awarded"], 1)
	check(t, "figures kept", g.TenderCoverageOf(ScopePublished, Filter{}, later.Now).AtLeast1, 2)

	// A supplier changes: the directory is another, the closed counts are
	// matched again.
	putSuppliers(t, st, supplier(2, "69266", "3101Z"))
	again := later
	again.Now, again.Previous = later.Now.Add(time.Hour), g
	if _, err := Build(ctx, st, again); err != nil {
		t.Fatal(err)
	}
	check(t, "closed tender matched after a directory change", calls["boamp:closed"], 2)
	check(t, "awarded tender matched after a directory change", calls["boamp:awarded"], 2)

	t.Run("cap", func(t *testing.T) {
		capped := opts
		capped.MaxMatched = 1
		for k := range calls {
			delete(calls, k)
		}
		f, err := Build(ctx, st, capped)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "the open tender first", calls["boamp:open"], 1)
		check(t, "tenders waiting", f.MatchPending, 2)
		capped.Previous = f
		g, err := Build(ctx, st, capped)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "then the newest closed one", calls["boamp:closed"], 1)
		check(t, "not yet the older awarded one", calls["boamp:awarded"], 0)
		check(t, "tenders waiting", g.MatchPending, 1)
		pub := g.TenderCoverageOf(ScopePublished, Filter{}, capped.Now)
		check(t, "evaluated", pub.Evaluated, 2)
		check(t, "not evaluated", pub.NotEvaluated, 1)
		h, err := g.Apply(ctx, st, Changes{}, capped)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "an empty Apply matches what waits", calls["boamp:awarded"], 1)
		check(t, "nothing waits", h.MatchPending, 0)
	})
}
