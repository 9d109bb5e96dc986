package index_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// TestMatchLearnedLinks checks that a trade the curated table does not
// link to the works bought, but whose companies won such works, enters
// the ranking with the reason « lien appris », from the index's links or
// those of the options, and that a trade of the same NAF division that
// never won them stays out.
func TestMatchLearnedLinks(t *testing.T) {
	sups := miniSuppliers()
	restorer := sups[0]
	restorer.ID, restorer.SIREN, restorer.Name, restorer.NAF = "418453116", "418453116", "Conservation de mobilier", "31.09B"
	restorer.Establishments = nil
	restorer.Activities, restorer.Labels = nil, nil // no univers: the NAF code alone links it
	office := restorer
	office.ID, office.SIREN, office.Name, office.NAF = "350745834", "350745834", "Bureaux modernes", "31.01Z"
	ix, err := index.Open("", index.Options{Now: func() time.Time { return matchNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	all := append(sups, restorer, office)
	if err := ix.Put(context.Background(), all...); err != nil {
		t.Fatal(err)
	}
	src := newMatchSource(all, nil)
	links := data.LearnCPVNAFLinks([]data.WonAward{
		{AwardID: "decp:1", CPV: "45212350", SIREN: "111111111", NAF: "31.09B"},
		{AwardID: "decp:2", CPV: "45212361", SIREN: "222222222", NAF: "31.09B"},
	})
	tender := data.Tender{ID: "t1", CPV: "45212350", Place: data.Place{Departement: "26"}}

	tests := []struct {
		name      string
		set       *data.CPVNAFLinks // the index's links
		opts      *data.CPVNAFLinks // the options'
		wantFound bool
	}{
		{"curated table only", nil, nil, false},
		{"links of the index", links, nil, true},
		{"links of the options", nil, links, true},
		{"options override the index", links, &data.CPVNAFLinks{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix.SetCPVNAFLinks(tc.set)
			res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{Limit: 50, Links: tc.opts})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := matchByName(res.Tender, office.Name); ok {
				t.Errorf("%s (31.01Z, never won such works) is ranked", office.Name)
			}
			m, ok := matchByName(res.Tender, restorer.Name)
			if ok != tc.wantFound {
				t.Fatalf("%s ranked: %v, want %v", restorer.Name, ok, tc.wantFound)
			}
			if !ok {
				return
			}
			r, has := reasonOf(m, data.ReasonCPVFromNAF)
			if !has || r.LearnedAwards != 2 || !strings.Contains(r.Text, "lien appris de 2 marchés") {
				t.Errorf("reason %+v, want the CPV ↔ NAF link learned from 2 awards", r)
			}
		})
	}
	ix.SetCPVNAFLinks(nil)
}

// awardLister is a matchSource that lists its awards, as the store does.
type awardLister struct {
	*matchSource
	list []data.Award
}

func (a awardLister) Awards(_ context.Context, fn func(data.Award) error) error {
	for _, x := range a.list {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

// TestLearnCPVNAFLinksFromRealAwards learns the links from the real awards
// won by companies of the EPV list: trades the curated table misses are
// linked, with the count of their distinct winners.
func TestLearnCPVNAFLinksFromRealAwards(t *testing.T) {
	f := loadMatchEPV(t)
	awards := realAwards(t)
	links, err := index.LearnCPVNAFLinks(context.Background(), awardLister{newMatchSource(f.sups, awards), awards})
	if err != nil {
		t.Fatal(err)
	}
	if links.Awards() < 50 {
		t.Fatalf("learned from %d award-winner pairs, want the real awards' (≥ 50)", links.Awards())
	}
	tests := []struct {
		name       string
		cpv, naf   string
		curated    bool
		minWinners int
	}{
		{"furniture restorers win works on historic buildings", "45212350", "31.09B", false, 2},
		{"stained-glass makers win church works", "45212361", "23.19Z", true, 2},
		{"masons win them", "45212314", "43.99C", true, 3},
		{"bookbinders win printed matter", "22113000", "18.14Z", true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, ok := links.Link(tc.cpv, tc.naf)
			if !ok || l.Winners < tc.minWinners {
				t.Errorf("link %s ↔ %s = %+v (%v), want at least %d winners", tc.cpv, tc.naf, l, ok, tc.minWinners)
			}
			if _, curated := data.FitOf(tc.cpv, tc.naf); curated != tc.curated {
				t.Errorf("curated table links them: %v, want %v", curated, tc.curated)
			}
		})
	}
}
