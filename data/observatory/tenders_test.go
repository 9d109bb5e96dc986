package observatory

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// tenderFixture stores two suppliers (one EPV, one OFG), seven tenders,
// a buyer's need and a tender in Germany; capable gives the suppliers the
// fake matcher answers for each (none listed: it refuses the tender).
func tenderFixture(t *testing.T) (*Facts, map[string]int, func(opts BuildOptions) *Facts) {
	st := openStore(t)
	ctx := context.Background()
	epv, ofg := supplier(1, "69123", "3212Z", label(data.LabelEPV, "2024-01-01", "2029-01-01")),
		supplier(2, "69123", "3101Z", label(data.LabelOFG, "2024-01-01", "2029-01-01"))
	putSuppliers(t, st, epv, ofg)
	deadline := func(s string) time.Time { return day(s).Add(12 * time.Hour) }
	tenders := []data.Tender{
		{ID: "boamp:1", Title: "Travaux de voirie", CPV: "45233140", Place: data.Place{Departement: "69"}, Deadline: deadline("2026-06-20")},
		{ID: "boamp:2", Title: "Réfection de toiture", CPV: "45261000", Place: data.Place{Postcode: "69001"}, Deadline: deadline("2026-06-10")},
		{ID: "ted:3", Title: "Mobilier scolaire", CPV: "39160000", Place: data.Place{NUTS: "FRL04"}, Deadline: deadline("2026-07-01")},
		{ID: "ted:4", Title: "Mobilier de bureau", CPV: "39130000", Deadline: deadline("2026-06-05")},
		{ID: "boamp:5", Title: "Annulé", CPV: "45000000", State: data.StateCancelled, Deadline: deadline("2026-07-01")},
		{ID: "boamp:6", Title: "Clos", CPV: "45000000", Deadline: deadline("2026-05-01")},
		{ID: "boamp:7", Title: "Refusé", CPV: "45000000", Place: data.Place{Departement: "75"}, Deadline: deadline("2026-08-01")},
		{ID: "besoin:8", Title: "Besoin privé d'un acheteur", CPV: "39160000", Place: data.Place{Departement: "29"}, Deadline: deadline("2026-07-01")},
		{ID: "ted:9", Title: "Instandhaltung Brandschutztüren", CPV: "45421000", Place: data.Place{NUTS: "DE123"}, Deadline: deadline("2026-07-01")},
	}
	for _, tt := range tenders {
		tt.Source, _, _ = strings.Cut(tt.ID, ":")
		tt.SourceID = tt.ID
		if tt.State == "" {
			tt.State = data.StateOpen
		}
		tt.PublishedAt = day("2026-05-15")
		if err := st.PutTender(ctx, tt, "test"); err != nil {
			t.Fatalf("PutTender %s: %v", tt.ID, err)
		}
	}
	capable := map[string][]string{"boamp:1": {epv.ID, ofg.ID, "x:3", "x:4", "x:5"}, "boamp:2": {}, "ted:3": {epv.ID}, "ted:4": {},
		"besoin:8": {ofg.ID}, "ted:9": {}}
	calls := map[string]int{}
	opts := BuildOptions{Now: day("2026-06-01"), Capable: func(_ context.Context, t data.Tender) ([]string, error) {
		calls[t.ID]++
		if ids, ok := capable[t.ID]; ok {
			return ids, nil
		}
		return nil, errors.New("index: match: no title nor CPV: invalid")
	}}
	rebuild := func(o BuildOptions) *Facts {
		o.Capable = opts.Capable
		if o.Now.IsZero() {
			o.Now = opts.Now
		}
		return build(t, st, o)
	}
	f := build(t, st, opts)
	return f, calls, rebuild
}

func TestTenderCoverageFixture(t *testing.T) {
	f, calls, rebuild := tenderFixture(t)
	check(t, "notices in the store (the need left out)", f.TendersTotal, 8)
	tc := f.TenderCoverage(Filter{}, day("2026-06-01"))
	check(t, "open", tc.Open, 5)
	check(t, "abroad", tc.Abroad, 1)
	check(t, "evaluated", tc.Evaluated, 4)
	check(t, "not evaluated", tc.NotEvaluated, 1)
	check(t, "match errors", tc.MatchErrors, 1)
	check(t, "at least 3", tc.AtLeast3, 1)
	check(t, "at least 1", tc.AtLeast1, 2)
	check(t, "none", tc.None, 2)
	check(t, "no place", tc.NoPlace, 1)
	check(t, "score stated", tc.CapableScore, CapableScore)
	if len(tc.Unmatched) != 2 || tc.Unmatched[0].ID != "ted:4" || tc.Unmatched[1].ID != "boamp:2" {
		t.Errorf("unmatched = %+v, want ted:4 then boamp:2 (nearest deadline first)", tc.Unmatched)
	}
	cells := map[string]GapCell{}
	for _, r := range tc.Gaps {
		for _, c := range r.Cells {
			cells[r.CPVDivision+"/"+c.Region] = c
		}
	}
	check(t, "45 in région 84", cells["45/84"], GapCell{Region: "84", Evaluated: 2, None: 1})
	check(t, "39 in région 93 (NUTS FRL04)", cells["39/93"], GapCell{Region: "93", Evaluated: 1, None: 0})
	check(t, "39 without place", cells["39/"], GapCell{Region: "", Evaluated: 1, None: 1})
	check(t, "last column is the unknown place", tc.Regions[len(tc.Regions)-1].Code, "")
	check(t, "columns: 84, 93 and the unknown place (none for the need in région 53)", len(tc.Regions), 3)
	check(t, "the need matched", calls["besoin:8"], 0)
	check(t, "the tender abroad matched", calls["ted:9"], 0)
	for _, h := range f.SourceHealth(day("2026-06-01")) {
		if h.Source == data.SourceNeed {
			t.Errorf("source health lists the needs: %+v", h)
		}
	}

	t.Run("label", func(t *testing.T) {
		for _, tt := range []struct {
			label            data.LabelType
			atLeast1, none   int
			unmatchedWithOFG bool
		}{
			{data.LabelEPV, 2, 2, false},
			{data.LabelOFG, 1, 3, true},
		} {
			tc := f.TenderCoverage(Filter{Label: tt.label}, day("2026-06-01"))
			check(t, string(tt.label)+" label stated", tc.Label, tt.label)
			check(t, string(tt.label)+" open", tc.Open, 5)
			check(t, string(tt.label)+" at least 3", tc.AtLeast3, 0)
			check(t, string(tt.label)+" at least 1", tc.AtLeast1, tt.atLeast1)
			check(t, string(tt.label)+" none", tc.None, tt.none)
			got := slices.ContainsFunc(tc.Unmatched, func(u UnmatchedTender) bool { return u.ID == "ted:3" })
			check(t, string(tt.label)+" lists ted:3 (an EPV supplier only)", got, tt.unmatchedWithOFG)
		}
	})
	t.Run("abroad with a place filter", func(t *testing.T) {
		check(t, "région 84 abroad", f.TenderCoverage(Filter{Region: "84"}, day("2026-06-01")).Abroad, 0)
	})
	t.Run("filters", func(t *testing.T) {
		check(t, "région 84 open", f.TenderCoverage(Filter{Region: "84"}, day("2026-06-01")).Open, 2)
		check(t, "département 75 open", f.TenderCoverage(Filter{Departement: "75"}, day("2026-06-01")).Open, 1)
		check(t, "published in 2025", f.TenderCoverage(Filter{From: day("2025-01-01"), To: day("2026-01-01")}, day("2026-06-01")).Open, 0)
		check(t, "open a week later", f.TenderCoverage(Filter{}, day("2026-06-08")).Open, 4)
	})
	t.Run("reuse of previous counts", func(t *testing.T) {
		before := calls["boamp:1"]
		g := rebuild(BuildOptions{Previous: f, Now: day("2026-06-01").Add(time.Hour)})
		check(t, "boamp:1 matched again", calls["boamp:1"], before)
		check(t, "boamp:7 retried", calls["boamp:7"], 2)
		check(t, "none after reuse", g.TenderCoverage(Filter{}, day("2026-06-01")).None, 2)
		h := rebuild(BuildOptions{Previous: g, Now: day("2026-06-02")})
		check(t, "boamp:1 matched after the TTL", calls["boamp:1"], before+1)
		check(t, "at least 3 after the TTL", h.TenderCoverage(Filter{}, day("2026-06-02")).AtLeast3, 1)
	})
	t.Run("cap", func(t *testing.T) {
		g := rebuild(BuildOptions{MaxMatched: 2})
		tc := g.TenderCoverage(Filter{}, day("2026-06-01"))
		check(t, "evaluated under the cap", tc.Evaluated, 2)
		check(t, "not evaluated over the cap", tc.NotEvaluated, 3)
	})
}

// A tender fact without a deadline is open for data.PresumedOpenDays after
// its publication, as its page and the tenders list say; one without
// either date stays open.
func TestStatusOnPresumesTheDeadline(t *testing.T) {
	day := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		f    TenderFact
		want bool
	}{
		{"published 10 days ago", TenderFact{State: data.StateOpen, PublishedAt: day.AddDate(0, 0, -10)}, true},
		{"published 9 months ago", TenderFact{State: data.StateOpen, PublishedAt: day.AddDate(0, -9, 0)}, false},
		{"no date at all", TenderFact{State: data.StateOpen}, true},
		{"a deadline ahead", TenderFact{State: data.StateOpen, PublishedAt: day.AddDate(0, -9, 0), Deadline: day.AddDate(0, 0, 1)}, true},
		{"awarded before its deadline", TenderFact{State: data.StateAwarded, Outcome: data.StatusAwarded, Deadline: day.AddDate(0, 0, 1)}, false},
	} {
		tt := data.Tender{Deadline: c.f.Deadline, PublishedAt: c.f.PublishedAt}
		c.f.OpenUntil = tt.OpenUntil() // as tenderFactOf sets it
		if got := c.f.statusOn(day) == data.StatusOpen; got != c.want {
			t.Errorf("%s: open = %v, want %v", c.name, got, c.want)
		}
	}
}
