package index_test

import (
	"context"
	"errors"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

// TestMatchTrade ranks the trades of a need that names a building, not its
// lot's trade (Vichy's church works, won by a stained-glass workshop), on
// the real EPV directory.
func TestMatchTrade(t *testing.T) {
	f := loadMatchEPV(t)
	src := newMatchSource(f.sups, nil)
	ctx := context.Background()
	church := data.Tender{ID: "t:1", Source: "t", Title: "Travaux de construction d'églises", CPV: "45212361",
		Nature: data.NatureWorks, Place: data.Place{Departement: "03"}}
	whole, err := f.ix.Match(ctx, src, church, index.MatchOptions{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	// The trades of every company scored, in the order of their best.
	if len(whole.Trades) < 10 || whole.Trades[0].NAF != whole.Tender[0].NAF || whole.Trades[0].Best != 1 {
		t.Fatalf("trades %+v: want many, the first company's first", whole.Trades)
	}
	total := 0
	for i, tc := range whole.Trades {
		if tc.Count < 1 || (i > 0 && tc.Best <= whole.Trades[i-1].Best) {
			t.Errorf("trade %+v after %+v: want counted, after the previous one's best", tc, whole.Trades[i-1])
		}
		total += tc.Count
	}
	if total <= len(whole.Tender) {
		t.Errorf("the trades count %d companies, no more than the %d returned", total, len(whole.Tender))
	}

	glass, err := f.ix.Match(ctx, src, church, index.MatchOptions{Limit: 20, Trade: "23.19Z"})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, s := range f.sups {
		if s.NAF == "23.19Z" && !s.Ceased() {
			want++
		}
	}
	if len(glass.Tender) != want {
		t.Errorf("%d stained-glass workshops ranked, the directory has %d: the trade's pool must bring them all", len(glass.Tender), want)
	}
	winner := 0
	for i, m := range glass.Tender {
		if m.NAF != "23.19Z" {
			t.Errorf("%s (%s) in the stained-glass ranking", m.Name, m.NAF)
		}
		if i > 0 && m.Score > glass.Tender[i-1].Score {
			t.Errorf("%s (%.1f) after %s (%.1f): not by score", m.Name, m.Score, glass.Tender[i-1].Name, glass.Tender[i-1].Score)
		}
		if m.SIREN == "436180517" { // ATELIER THOMAS VITRAUX
			winner = i + 1
		}
	}
	if winner == 0 {
		t.Error("the real winner is not in the stained-glass ranking")
	}
	// The buyer's choice is the trade's fit: a primary one, said so, and
	// the first workshop is a strong match, not a weak link of the
	// building named.
	first := glass.Tender[0]
	chosen := false
	for _, r := range first.Reasons {
		chosen = chosen || (r.Kind == data.ReasonCPVFromNAF && r.TradeChosen && r.NAF == "23.19Z")
	}
	if !chosen || first.Confidence != data.ConfidenceHigh {
		t.Errorf("first stained-glass workshop: confidence %s, reasons %+v: want forte, with the chosen trade", first.Confidence, first.Reasons)
	}
	for _, m := range whole.Tender {
		for _, r := range m.Reasons {
			if r.TradeChosen {
				t.Errorf("%s: a chosen trade in the ranking without one", m.Name)
			}
		}
	}
	// The same trades are offered whichever is chosen.
	if len(glass.Trades) != len(whole.Trades) || glass.Trades[0] != whole.Trades[0] {
		t.Errorf("the trades changed with the choice: %d and %d, first %+v and %+v", len(glass.Trades), len(whole.Trades),
			glass.Trades[0], whole.Trades[0])
	}

	// Lots keep their own rankings.
	withLots := church
	withLots.Lots = []data.Lot{{ID: "1", Title: "Charpente", CPV: "45261000"}}
	res, err := f.ix.Match(ctx, src, withLots, index.MatchOptions{Limit: 20, Trade: "23.19Z"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lots) != 1 || len(res.Lots[0].Matches) == 0 || res.Lots[0].Matches[0].NAF == "23.19Z" {
		t.Errorf("the lot's ranking followed the trade: %+v", res.Lots)
	}

	for _, bad := range []string{"vitrail", "23.19", "99.99Z", "23.19z"} {
		if _, err := f.ix.Match(ctx, src, church, index.MatchOptions{Trade: bad}); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("trade %q: %v, want ErrInvalid", bad, err)
		}
	}
}
