package match

import (
	"math"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// TestTrackOf checks what a company's past awards bring to a need: the
// awards of its CPV divisions before its cut, the closest code's fit
// (as a declared code would), and the latest month.
func TestTrackOf(t *testing.T) {
	const siren = "123456789"
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	award := func(cpv, at string, amount float64) data.Award {
		return data.Award{CPV: cpv, NotifiedAt: day(at), Amount: amount, Winners: []data.Winner{{SIRET: siren + "00012"}}}
	}
	l := data.NewTrackLearner()
	for _, a := range []data.Award{
		award("45212314", "2024-03-01", 1), // historic monuments: same category (5 digits) as churches
		award("45453100", "2024-09-01", 2), // refurbishment: same division
		award("39100000", "2024-10-01", 3), // furniture: another division
		award("45212361", "2025-06-01", 4), // churches, but after the need
	} {
		l.Add(siren, a)
	}
	track := l.Record()
	needs, err := NeedsOf(data.Tender{CPV: "45212361", Place: data.Place{Departement: "26"}}, day("2025-01-15"), day("2025-01-15"))
	if err != nil {
		t.Fatal(err)
	}
	n := &needs[0]
	s := &data.Supplier{ID: siren, SIREN: siren}

	tests := []struct {
		name      string
		track     *data.TrackRecord
		before    time.Time
		wantCount int
		wantValue float64
		wantLast  string
	}{
		{"no track record", nil, time.Time{}, 0, 0, ""},
		{"before the need's day", track, time.Time{}, 2, fitCPVCategory, "2024-09"},
		{"cut earlier", track, day("2024-06-01"), 1, fitCPVCategory, "2024-03"},
		{"later cut sees the church", track, day("2025-12-01"), 3, fitCPVExact, "2025-06"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n.SetTrack(tt.track, tt.before, data.ContractID{})
			f := trackOf(n, s)
			if f.count != tt.wantCount || f.value != tt.wantValue {
				t.Errorf("trackOf = %+v, want %d awards, value %.2f", f, tt.wantCount, tt.wantValue)
			}
			if r := f.reason(); tt.wantCount > 0 && (r.LastAward != tt.wantLast || r.AwardCount != tt.wantCount) {
				t.Errorf("reason %+v, want last %s", r, tt.wantLast)
			}
		})
	}
	t.Run("a better fit than its trade replaces the classification", func(t *testing.T) {
		n.SetTrack(track, time.Time{}, data.ContractID{})
		c := NewCandidate(data.Supplier{ID: siren, SIREN: siren, NAF: "74.10Z"}) // design: no table links it to works
		sm, ok := Score(n, NewTermSet(nil, 1, nil, nil), c)
		if !ok || !sm.class.won || sm.class.value != fitCPVCategory || sm.relevance() != fitCPVCategory {
			t.Fatalf("score %+v (%v): want the award's fit as classification, full relevance", sm.class, ok)
		}
		n.SetTrack(nil, time.Time{}, data.ContractID{})
		if _, ok := Score(n, NewTermSet(nil, 1, nil, nil), c); ok {
			t.Error("without its awards the design firm has no fit and must be dropped")
		}
	})
}

// TestTrackOfTheNeedsBuyer checks that an award of the need's own buyer
// brings the track record's weight once more, says so in its reason, and
// that a score never passes 100: the extra points only complete it, and
// what is left out is taken from the track record's reason.
func TestTrackOfTheNeedsBuyer(t *testing.T) {
	const siren, buyer, otherBuyer = "123456789", "21350314700018", "21340199500013"
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	award := func(buyerSIRET, at string) data.Award {
		return data.Award{CPV: "45212350", NotifiedAt: day(at), Amount: 90000, Buyer: data.Buyer{SIRET: buyerSIRET},
			Winners: []data.Winner{{SIRET: siren + "00012"}}}
	}
	l := data.NewTrackLearner()
	l.Add(siren, award(otherBuyer, "2024-03-01"))
	l.Add(siren, award(buyer, "2024-07-02"))
	track := l.Record()

	tender := data.Tender{CPV: "45212350", Place: data.Place{Departement: "35"}, Buyer: data.Buyer{Name: "Commune de Saint-Suliac", SIRET: buyer}}
	needs, err := NeedsOf(tender, day("2025-01-15"), day("2025-01-15"))
	if err != nil {
		t.Fatal(err)
	}
	n := &needs[0]
	if n.BuyerSIREN != "213503147" {
		t.Fatalf("need's buyer %q, want the SIREN of its SIRET", n.BuyerSIREN)
	}
	c := NewCandidate(data.Supplier{ID: siren, SIREN: siren, NAF: "43.99D"})
	q := NewTermSet(nil, 1, nil, nil)
	w := n.Weights

	tests := []struct {
		name       string
		before     time.Time
		wantBuyer  int
		wantPoints float64
	}{
		{"another buyer's award only", day("2024-05-01"), 0, w.TrackRecord * 0.5},
		{"one of two from this buyer", time.Time{}, 1, w.TrackRecord*0.75 + w.TrackRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n.SetTrack(track, tt.before, data.ContractID{})
			sm, ok := Score(n, q, c)
			if !ok {
				t.Fatal("no score")
			}
			if sm.track.sameBuyer != tt.wantBuyer || trackRecordPoints(w, sm.track) != tt.wantPoints {
				t.Errorf("track %+v, %.2f points; want %d from this buyer, %.2f points", sm.track, trackRecordPoints(w, sm.track), tt.wantBuyer, tt.wantPoints)
			}
			// The track record's reason carries its points, and those its
			// awards brought to the classification (they fit better than
			// the trade).
			want := tt.wantPoints
			if sm.class.won {
				want += w.Classification * sm.class.value
			}
			said := false
			for _, r := range sm.reasons(n, q) {
				if r.Kind == data.ReasonTrackRecord {
					said = r.BuyerAwards == tt.wantBuyer && strings.Contains(r.String(), "cet acheteur") == (tt.wantBuyer > 0) &&
						math.Abs(r.Weight-want) < 1e-9
				}
			}
			if !said {
				t.Errorf("reasons %+v; want the track record's with %.2f points, %d awards of this buyer said", sm.reasons(n, q), want, tt.wantBuyer)
			}
		})
	}

	t.Run("capped at 100", func(t *testing.T) {
		n.SetTrack(track, time.Time{}, data.ContractID{})
		sm, _ := Score(n, q, c)
		// A perfect candidate otherwise: text, classification, nearness,
		// labels and capacity at their full weight.
		sm.Text, sm.capped = 1, 0
		sm.Total = w.Text + w.Classification + w.Geography + w.Labels + w.Capacity + trackRecordPoints(w, sm.track)
		if sm.Total <= 100 {
			t.Fatalf("set-up: %.2f points, want more than 100 before the cap", sm.Total)
		}
		capped := capScore(sm)
		if capped.Total != 100 || capped.capped != sm.Total-100 {
			t.Errorf("capped %+v, want 100 and %.2f left out", capped, sm.Total-100)
		}
		for _, r := range capped.reasons(n, q) {
			if r.Kind == data.ReasonTrackRecord && math.Abs(r.Weight-(trackRecordPoints(w, sm.track)+w.Classification*sm.class.value-capped.capped)) > 1e-9 {
				t.Errorf("track record reason %.4f points; want what passed 100 taken from it", r.Weight)
			}
		}
	})
}
