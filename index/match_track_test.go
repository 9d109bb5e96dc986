package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// validSIREN completes 8 digits with their Luhn check digit.
func validSIREN(t testing.TB, prefix string) string {
	t.Helper()
	for d := 0; d <= 9; d++ {
		s := fmt.Sprintf("%s%d", prefix, d)
		if data.ValidSIREN(s) == nil {
			return s
		}
	}
	t.Fatalf("no SIREN completes %s", prefix)
	return ""
}

// trackSuppliers are a past winner of works on historic buildings, ten
// nearer generalist masons of the same trade that never won any, and a
// design firm of a trade the CPV ↔ NAF table does not link to works,
// that won such works across France.
func trackSuppliers(t testing.TB) (winner, designer data.Supplier, all []data.Supplier) {
	base := miniSuppliers()[2] // the mason: NAF 43.99C, EPV, patrimoine bâti
	mk := func(prefix, name, naf, postcode string) data.Supplier {
		s := base
		s.SIREN = validSIREN(t, prefix)
		s.ID, s.Name, s.NAF = s.SIREN, name, naf
		s.Address = data.ResolveAddress(data.Address{Postcode: postcode})
		s.Establishments = []data.Establishment{{SIRET: s.SIREN + "00013", HeadOffice: true, Address: s.Address, Valid: true}}
		return s
	}
	winner = mk("40340048", "Restauration Malbrel", "43.99C", "26000") // Valence
	designer = mk("83695003", "Enzyme Design", "74.10Z", "57000")      // Metz
	// No univers: nothing but its awards links it to works.
	designer.Activities = nil
	designer.Labels = []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Category: "Gastronomie",
		GrantedAt: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}
	all = append(all, winner, designer)
	for i := range 10 {
		all = append(all, mk(fmt.Sprintf("5420654%d", i), fmt.Sprintf("Maçonnerie générale %d", i), "43.99C", "26150")) // Die
	}
	return winner, designer, all
}

func awardTo(id, cpv, day string, s data.Supplier) data.Award {
	d, _ := time.Parse("2006-01-02", day)
	return data.Award{ID: id, CPV: cpv, NotifiedAt: d, Amount: 100_000,
		Winners: []data.Winner{{Name: s.Name, SIRET: s.Establishments[0].SIRET}}}
}

// TestMatchTrackRecord checks that a company's earlier awards of the
// need's kind lift it above nearer generalists of its trade, bring into
// the ranking a company of a trade no table links to the works, and are
// shown to the buyer; awards after the need's day, and the contract
// itself, do not count.
func TestMatchTrackRecord(t *testing.T) {
	winner, designer, sups := trackSuppliers(t)
	ix, err := index.Open("", index.Options{Now: func() time.Time { return matchNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(context.Background(), sups...); err != nil {
		t.Fatal(err)
	}
	outsider := winner
	outsider.Establishments = []data.Establishment{{SIRET: "12345678200010"}}
	awards := []data.Award{
		awardTo("decp:1", "45212314", "2024-03-12", winner),
		awardTo("decp:2", "45212350", "2024-09-02", winner),
		awardTo("decp:3", "45212350", "2025-06-01", winner), // after the need's day
		awardTo("decp:4", "39100000", "2024-01-01", winner), // furniture: another division
		awardTo("decp:5", "45212314", "2024-05-20", designer),
		awardTo("decp:6", "45212314", "2024-05-20", outsider), // a winner outside the directory
	}
	src := newMatchSource(sups, awards)
	track, err := index.TrackRecordOf(context.Background(), src, awards)
	if err != nil {
		t.Fatal(err)
	}
	if track.Companies() != 2 || len(track.Wins(winner.SIREN, data.TrackCut{})) != 4 {
		t.Fatalf("track record of %d companies, %d wins of the winner; want 2 (the outsider is not in the directory) and 4",
			track.Companies(), len(track.Wins(winner.SIREN, data.TrackCut{})))
	}
	// The need: a CPV code and a place, as the DECP rows give it.
	tender := data.Tender{ID: "t1", CPV: "45212350", Place: data.Place{Postcode: "26150"}}
	day := time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
	rank := func(t *testing.T, ms []data.Match, s data.Supplier) (int, data.Match) {
		for i, m := range ms {
			if m.SupplierID == s.ID {
				return i + 1, m
			}
		}
		return 0, data.Match{}
	}

	t.Run("without track record the nearer generalists lead", func(t *testing.T) {
		res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{At: day})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := rank(t, res.Tender, winner); r <= 10 {
			t.Errorf("without its record the winner ranks %d, want behind the 10 nearer masons", r)
		}
		if r, _ := rank(t, res.Tender, designer); r != 0 {
			t.Errorf("without its record the design firm ranks %d, want out (no link to the works):\n%s", r, describeMatches(res.Tender, nil))
		}
	})

	ix.SetTrackRecord(track)
	defer ix.SetTrackRecord(nil)
	t.Run("the index's track record lifts the past winner first", func(t *testing.T) {
		res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{At: day})
		if err != nil {
			t.Fatal(err)
		}
		r, m := rank(t, res.Tender, winner)
		if r != 1 {
			t.Fatalf("the past winner ranks %d, want first:\n%s", r, describeMatches(res.Tender, nil))
		}
		reason, ok := reasonOf(m, data.ReasonTrackRecord)
		want := "a déjà remporté 2 marchés de ce type (dernier : septembre 2024)"
		if !ok || reason.AwardCount != 2 || reason.Text != want || reason.Weight <= 0 {
			t.Errorf("track record reason %+v, want %q with its points", reason, want)
		}
		// Its points are those of the component (at most 5) and those of
		// the classification its awards brought (0.9 × 20: same category
		// of works as the need's code).
		if reason.Weight < 5+0.9*20-5 || reason.Weight > 5+20 {
			t.Errorf("track record reason weighs %.1f, want the component and the classification it brought", reason.Weight)
		}
		if r, _ := rank(t, res.Tender, designer); r == 0 {
			t.Errorf("the design firm that won such works is not a candidate")
		}
		for _, other := range res.Tender {
			if other.SupplierID != winner.ID && other.SupplierID != designer.ID {
				if _, has := reasonOf(other, data.ReasonTrackRecord); has {
					t.Errorf("%s has a track record reason without any award", other.Name)
				}
			}
		}
	})
	t.Run("awards on or after the cut do not count", func(t *testing.T) {
		res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{At: day,
			TrackBefore: time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := rank(t, res.Tender, winner); r <= 10 {
			t.Errorf("with no award before the cut the winner ranks %d, want behind the nearer masons", r)
		}
	})
	t.Run("the contract itself never counts", func(t *testing.T) {
		res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{At: day,
			TrackBefore: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), TrackSkip: data.ContractIDOf(awards[0])})
		if err != nil {
			t.Fatal(err)
		}
		_, m := rank(t, res.Tender, winner)
		if _, has := reasonOf(m, data.ReasonTrackRecord); has {
			t.Errorf("the skipped contract counted: %+v", m.Reasons)
		}
	})
}

// TestLearnFromAwards learns the links and the track record in one walk:
// the links are those of LearnCPVNAFLinks, and the track record holds the
// winners of the directory by SIREN (from their SIRET), not the others.
func TestLearnFromAwards(t *testing.T) {
	f := loadMatchEPV(t)
	awards := realAwards(t)
	src := awardLister{newMatchSource(f.sups, awards), awards}
	links, track, err := index.LearnFromAwards(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	want, err := index.LearnCPVNAFLinks(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(links.All()) != fmt.Sprint(want.All()) {
		t.Errorf("links differ from LearnCPVNAFLinks':\n%v\n%v", links.All(), want.All())
	}
	// 64 rows: 6 the same contract published by two platforms, 14 more
	// a contract its buyer published again on another day (the same CPV
	// code, amount and winner, or the same uid and winner with an amended
	// amount): 44 contracts, each counted once.
	if track.Companies() != 27 || track.Awards() != 44 {
		t.Errorf("track record of %d companies and %d awards, want 27 and 44", track.Companies(), track.Awards())
	}
	if w := track.Wins("403400484", data.TrackCut{}); len(w) < 4 || !strings.HasPrefix(w[0].CPV, "45") {
		t.Errorf("MALBREL CONSERVATION (403400484): %+v, want its ≥ 4 works contracts", w)
	}
}

// BenchmarkMatchTrack10k is BenchmarkMatch10k with a track record: a
// fifth of the suppliers won one to four contracts of the bench tenders'
// CPV codes in 2024, so that every need has a pool of past winners to
// gather and every candidate a record to read.
func BenchmarkMatchTrack10k(b *testing.B) {
	benchMatchLinks(b, 10_000, nil, func(ix *index.Index, sups []data.Supplier) {
		l := data.NewTrackLearner()
		rng := rand.New(rand.NewPCG(7, 11))
		for i, s := range sups {
			if i%5 != 0 || s.SIREN == "" {
				continue
			}
			for k := range 1 + rng.IntN(4) {
				bt := benchTenders[rng.IntN(len(benchTenders))]
				l.Add(s.SIREN, data.Award{ID: fmt.Sprintf("b:%d:%d", i, k), CPV: bt.cpv, Amount: float64(1000 + k),
					NotifiedAt: time.Date(2024, time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC),
					Winners:    []data.Winner{{SIRET: s.SIREN + "00010"}}})
			}
		}
		track := l.Record()
		b.Logf("track record: %d companies, %d awards", track.Companies(), track.Awards())
		ix.SetTrackRecord(track)
	})
}
