package index_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/index"
)

// realAwards reads the DECP rows of testdata/match: real contracts won by
// companies of the EPV list (see the README there).
func realAwards(t testing.TB) []data.Award {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "match", "decp_*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no DECP fixtures in testdata/match (%v)", err)
	}
	opts := notice.Options{Now: func() time.Time { return matchNow }}
	var out []data.Award
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var res notice.Result
		switch {
		case strings.HasSuffix(f, ".csv"):
			res, err = notice.ParseDECPCSV(bytes.NewReader(b), opts)
		default:
			o := opts
			o.Source = strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".json"), "_epv")
			res, err = notice.ParseDECP(bytes.NewReader(b), o)
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(res.Problems) > 0 {
			t.Fatalf("%s: rows rejected: %v", f, res.Problems)
		}
		out = append(out, res.Awards...)
	}
	return out
}

// TestEvaluateRealAwards runs the evaluation on the real awards and checks
// that the matcher finds the winners far better than both baselines.
func TestEvaluateRealAwards(t *testing.T) {
	f := loadMatchEPV(t)
	awards := realAwards(t)
	src := newMatchSource(f.sups, awards)
	rep, err := index.Evaluate(context.Background(), f.ix, src, awards, index.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	for _, r := range rep.Rows {
		t.Logf("%-45.45s %-9s %-4s %-30.30s %v", r.Object, r.CPV, r.Place, r.Winner, r.Ranks)
	}
	// 64 rows: 6 the same contract on two platforms, 14 a contract its
	// buyer published again (a modification: 10 with the same amount, 4
	// under the same uid with an amended amount): 44 contracts.
	if rep.Awards != 44 || rep.Duplicates != 6 || rep.Republished != 14 || rep.Outside != 0 {
		t.Fatalf("evaluated %d awards (%d duplicates, %d republished, %d outside the directory), want the 44 contracts of the %d rows, all in the directory",
			rep.Awards, rep.Duplicates, rep.Republished, rep.Outside, len(awards))
	}
	m, _ := rep.Method(index.MethodMatcher)
	geo, _ := rep.Method(index.MethodGeographic)
	sector, _ := rep.Method(index.MethodSectorRule)
	noTrack, ok := rep.Method(index.MethodNoTrack)
	if !ok {
		t.Fatal("no figures of the matcher without the track record")
	}
	// Cut at each award's date: some awards have a winner with an
	// earlier contract of the division (16 of 44), not all of them.
	if tr := rep.Track; tr.WithHistory == 0 || tr.WithHistory >= rep.Awards || tr.Companies == 0 {
		t.Errorf("track record %+v: want some, not all, of the %d awards with an earlier award of their winner", tr, rep.Awards)
	}
	// A winner with earlier contracts of the kind is found: measured 16
	// of 16 in the first 50, 15 in the first 10.
	if tr := rep.Track; tr.Found50 < tr.WithHistory*9/10 || tr.Found10 < tr.WithHistory*7/10 {
		t.Errorf("of the %d awards whose winner had earlier contracts, %d in the first 10 and %d in the first 50: want ≥ 70 %% and ≥ 90 %%",
			tr.WithHistory, tr.Found10, tr.Found50)
	}
	// The buyer's own earlier award (measured: 3 contracts, the winner
	// first in all three): a buyer who chose a company before for work of
	// the division knows it first hand.
	if tr := rep.Track; tr.SameBuyer == 0 || tr.SameBuyerFirst < tr.SameBuyer*2/3 {
		t.Errorf("of the %d awards whose winner had an earlier award of the same buyer, %d ranked first: want some, and ≥ 2/3 first", tr.SameBuyer, tr.SameBuyerFirst)
	}
	// Within its own trade (the buyer's « corps d'état » on the
	// shortlist), a winner the whole ranking holds is ranked too, and
	// most winners come in the first 10 of their trade (measured: 42 of
	// 44, Atelier Thomas Vitraux 13th of the stained-glass workshops and
	// the foundry 12th of the foundries), even those the whole ranking
	// does not hold.
	for _, r := range rep.Rows {
		if r.Ranks[0] > 0 && r.TradeRank < 1 {
			t.Errorf("%s: rank %d in all, not ranked in its trade", r.Winner, r.Ranks[0])
		}
	}
	if rep.Trade.Recall10 < 0.9 || rep.Trade.Recall10 < m.Recall10+0.15 || rep.Trade.Recall20 < rep.Trade.Recall10 || rep.Trade.MedianSize < 2 {
		t.Errorf("within the winner's trade: recall@10 %.3f, @20 %.3f, median ranking of %d; want ≥ 0.9, ≥ the matcher's %.3f + 0.15, and rankings of more than one",
			rep.Trade.Recall10, rep.Trade.Recall20, rep.Trade.MedianSize, m.Recall10)
	}
	// And it ranks a trade better than distance alone (measured: MRR
	// 0.758 against 0.674).
	if rep.Trade.MRR <= rep.Trade.NearestMRR || rep.Trade.NearestMRR == 0 {
		t.Errorf("within the winner's trade: MRR %.3f, by distance alone %.3f: want better than distance", rep.Trade.MRR, rep.Trade.NearestMRR)
	}
	if !strings.Contains(rep.String(), "métier du titulaire choisi") {
		t.Error("the report does not give the figures within the winner's trade")
	}
	if !strings.Contains(rep.String(), "coupées à la date de chaque marché") {
		t.Error("the report does not say how the track record was cut")
	}
	// Held out: each fold learns from the other winners' awards, fewer
	// than all of them, and the report says so.
	if l := rep.Learning; l.Folds < 20 || l.MeanHeldOut <= 0 || l.MeanHeldOut >= float64(l.Evidence) {
		t.Errorf("learning %+v: want ≥ 20 folds, each learning from part of the evidence", l)
	}
	if !strings.Contains(rep.String(), "validation croisée groupée par titulaire") {
		t.Error("the report does not say how the links were learned")
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"MRR ≥ 3 × geographic", m.MRR, 3 * geo.MRR},
		{"MRR ≥ 1.5 × sector rule", m.MRR, 1.5 * sector.MRR},
		{"recall@10 ≥ geographic + 0.3", m.Recall10, geo.Recall10 + 0.3},
		{"recall@10 ≥ sector rule + 0.1", m.Recall10, sector.Recall10 + 0.1},
		{"recall@50 ≥ sector rule", m.Recall50, sector.Recall50},
		{"recall@50 ≥ geographic + 0.1", m.Recall50, geo.Recall50 + 0.1},
		// The winners' earlier awards, cut at each award's date, bring
		// winners into the first 10 and 50 (measured: recall@10 0.727
		// against 0.568, recall@50 0.795 against 0.727).
		{"recall@10 ≥ without track record + 0.1", m.Recall10, noTrack.Recall10 + 0.1},
		{"recall@50 ≥ without track record + 0.05", m.Recall50, noTrack.Recall50 + 0.05},
	} {
		if c.got < c.want {
			t.Errorf("%s: %.3f, want at least %.3f", c.name, c.got, c.want)
		}
	}
	// The confidence levels mean what the page says: measured 57 % of the
	// winners in a forte group of 5.9 suppliers on average.
	if len(rep.Levels) != 3 || rep.Levels[0].Name != data.ConfidenceHigh {
		t.Fatalf("levels %+v, want forte, moyenne, faible", rep.Levels)
	}
	if high := rep.Levels[0]; high.WinnerShare < 0.35 || high.MeanSize > 10 {
		t.Errorf("forte holds %.0f %% of the winners in %.1f suppliers, want ≥ 35 %% in ≤ 10", 100*high.WinnerShare, high.MeanSize)
	}
	missed := 0
	for _, r := range rep.Rows {
		if r.Ranks[0] == 0 {
			missed++
			if r.Cause == "" {
				t.Errorf("%s: winner %s missed without a cause", r.AwardID, r.Winner)
			}
		}
	}
	// Every winner outside the first 10 is explained: its score, the
	// 10th's and the 50th's split by component, the parts adding up to
	// the score (each part and the score rounded to 0.1: the neutral
	// rest may be a few tenths below zero).
	explained := 0
	for _, r := range rep.Rows {
		if r.Ranks[0] > 0 && r.Ranks[0] <= 10 {
			if len(r.Explain) > 0 {
				t.Errorf("%s: winner ranked %d explained", r.AwardID, r.Ranks[0])
			}
			continue
		}
		explained++
		if len(r.Explain) < 2 {
			t.Errorf("%s: winner ranked %d (deep %v) with %d explained matches, want the 10th and the 50th at least", r.AwardID, r.Ranks[0], r.WinnerScore, len(r.Explain))
			continue
		}
		for _, p := range r.Explain {
			sum := p.Text + p.Classification + p.Geography + p.TrackRecord + p.Labels + p.Capacity + p.Neutral
			if math.Abs(sum-p.Score) > 0.05 || p.Neutral < -0.35 || p.NAF == "" {
				t.Errorf("%s: rank %d parts %+v add up to %.1f, want the score %.1f, non-negative neutral points and a NAF code", r.AwardID, p.Rank, p, sum, p.Score)
			}
		}
		if w := r.Explain[0]; r.WinnerScore > 0 && (w.ID != r.WinnerID || w.Score != r.WinnerScore) {
			t.Errorf("%s: first explained %+v, want the winner %s scored %.1f", r.AwardID, w, r.WinnerID, r.WinnerScore)
		}
	}
	if s := rep.String(); explained == 0 || !strings.Contains(s, "points par composante") {
		t.Errorf("%d winners outside the first 10, report without their score parts:\n%s", explained, s)
	}
	if s := rep.String(); missed > 0 && !strings.Contains(s, "hors des 50 premiers") {
		t.Errorf("report without the causes of the %d misses:\n%s", missed, s)
	}
}

// TestEvaluateNoCPV asks with the words and the place only: the matcher
// must still beat distance alone.
func TestEvaluateNoCPV(t *testing.T) {
	f := loadMatchEPV(t)
	awards := realAwards(t)
	rep, err := index.Evaluate(context.Background(), f.ix, newMatchSource(f.sups, awards), awards, index.EvalOptions{NoCPV: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	m, _ := rep.Method(index.MethodMatcher)
	geo, _ := rep.Method(index.MethodGeographic)
	if !rep.NoCPV || !strings.Contains(rep.String(), "sans code CPV") {
		t.Errorf("report does not say the codes were withheld")
	}
	for _, r := range rep.Rows {
		if r.CPV != "" {
			t.Fatalf("%s asked with CPV %s", r.AwardID, r.CPV)
		}
	}
	if m.Recall10 < geo.Recall10+0.25 || m.Recall50 < geo.Recall50 {
		t.Errorf("without CPV: recall@10 %.3f, @50 %.3f; distance alone %.3f, %.3f: want +0.25 at 10 and no worse at 50",
			m.Recall10, m.Recall50, geo.Recall10, geo.Recall50)
	}
}

func TestEvaluateSkipsAndDeduplicates(t *testing.T) {
	ix, sups := openMini(t)
	src := newMatchSource(sups, nil)
	day := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	won := func(id, siret string) data.Award {
		return data.Award{ID: id, CPV: "45212361", NotifiedAt: day, Amount: 1000, Place: data.Place{Departement: "26"},
			Winners: []data.Winner{{Name: "x", SIRET: siret}}}
	}
	near := sups[0].Establishments[0].SIRET
	modified := won("pes:3", near) // the same contract, published again by its buyer two months later
	modified.NotifiedAt = day.AddDate(0, 2, 0)
	awards := []data.Award{
		modified,
		won("pes:1", near), won("mpi:1", near), // the same contract on two platforms
		won("pes:2", "12345678200010"), // a winner outside the directory
	}
	for i := range awards {
		awards[i].Buyer = data.Buyer{Name: "Commune de Die", SIRET: "21260113400019"}
	}
	rep, err := index.Evaluate(context.Background(), ix, src, awards, index.EvalOptions{Depth: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Awards != 1 || rep.Duplicates != 1 || rep.Republished != 1 || rep.Outside != 1 || rep.Depth != 10 {
		t.Fatalf("report %+v, want 1 award, 1 duplicate, 1 republished, 1 outside, depth 10", rep)
	}
	if id := rep.Rows[0].AwardID; id != "pes:1" {
		t.Errorf("evaluated %s, want the contract's first publication pes:1", id)
	}
	if r := rep.Rows[0]; r.Object != "Travaux de construction d'églises" || r.Ranks[0] < 1 {
		t.Errorf("row %+v: want the CPV label as object and the winner found by the matcher", r)
	}
	if s := rep.String(); !strings.Contains(s, "rappel@10") || !strings.Contains(s, "recall@10") || !strings.Contains(s, "MRR") {
		t.Errorf("report table %q lacks its French/English headers", s)
	}
}

// TestEvaluateKeepsRankings: with Rankings, each row carries the
// matcher's ranking split by component, the winner where Ranks says, and
// the parts adding up to each score; without it, nothing.
func TestEvaluateKeepsRankings(t *testing.T) {
	ix, sups := openMini(t)
	near := sups[0].Establishments[0].SIRET
	awards := []data.Award{{ID: "pes:1", CPV: "45212361", NotifiedAt: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), Amount: 1000,
		Place: data.Place{Departement: "26"}, Buyer: data.Buyer{Name: "Commune de Die", SIRET: "21260113400019"},
		Winners: []data.Winner{{Name: "x", SIRET: near}}}}
	src := newMatchSource(sups, nil)
	plain, err := index.Evaluate(context.Background(), ix, src, awards, index.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := plain.Rows[0]; len(r.Ranking) > 0 || len(r.WinnerIDs) > 0 {
		t.Fatalf("rankings kept without being asked: %d parts, winners %v", len(r.Ranking), r.WinnerIDs)
	}
	rep, err := index.Evaluate(context.Background(), ix, src, awards, index.EvalOptions{Rankings: true})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Rows[0]
	if r.Ranks[0] < 1 || len(r.Ranking) < r.Ranks[0] {
		t.Fatalf("winner ranked %d, ranking of %d kept", r.Ranks[0], len(r.Ranking))
	}
	if got := r.Ranking[r.Ranks[0]-1]; !slices.Contains(r.WinnerIDs, got.ID) || got.Rank != r.Ranks[0] || got.NAF == "" {
		t.Errorf("at the winner's rank %d: %+v, winners %v", r.Ranks[0], got, r.WinnerIDs)
	}
	for _, p := range r.Ranking {
		sum := p.Text + p.Classification + p.Geography + p.TrackRecord + p.Labels + p.Capacity + p.Neutral
		if math.Abs(sum-p.Score) > 0.25 {
			t.Errorf("%s: parts add up to %.1f, score %.1f", p.Name, sum, p.Score)
		}
	}
}
