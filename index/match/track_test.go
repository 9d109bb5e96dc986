package match

import (
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
