package match

import (
	"math"
	"testing"

	"fabrique/data"
)

func TestClassifyLearnedLinks(t *testing.T) {
	links := data.LearnCPVNAFLinks([]data.WonAward{
		{AwardID: "a1", CPV: "45212350", SIREN: "111111111", NAF: "31.09B"},
		{AwardID: "a2", CPV: "45212361", SIREN: "111111111", NAF: "31.09B"},
		{AwardID: "a3", CPV: "45212314", SIREN: "222222222", NAF: "31.09B"},
		{AwardID: "a4", CPV: "45212314", SIREN: "333333333", NAF: "43.99C"},
		{AwardID: "a5", CPV: "45212314", SIREN: "444444444", NAF: "23.19Z"},
	})
	tests := []struct {
		name        string
		naf         string
		links       *data.CPVNAFLinks
		want        float64
		wantLearned int
	}{
		{"no curated link, learned from two winners", "31.09B", links, 0.75 * fitNAFPrimary, 3},
		{"no link at all without the learned ones", "31.09B", nil, 0, 0},
		{"other code of the same NAF division", "31.01Z", links, 0, 0},
		{"curated primary and learned combine", "43.99C", links, 1 - (1-fitNAFPrimary)*(1-0.5*fitNAFPrimary), 1},
		{"curated secondary and learned combine", "23.19Z", links, 1 - (1-fitNAFSecondary)*(1-0.5*fitNAFPrimary), 1},
		{"curated only", "43.91B", links, fitNAFPrimary, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := data.Supplier{NAF: tt.naf}
			fit := classify([]string{"45212350"}, nil, &s, nil, tt.links)
			if math.Abs(fit.value-tt.want) > 1e-9 || fit.learned != tt.wantLearned {
				t.Errorf("classify = %g (learned from %d), want %g (%d)", fit.value, fit.learned, tt.want, tt.wantLearned)
			}
			reasons := fit.reasons(&s)
			if tt.want == 0 {
				if len(reasons) != 0 {
					t.Errorf("reasons %+v for no fit", reasons)
				}
				return
			}
			if len(reasons) != 1 || reasons[0].LearnedAwards != tt.wantLearned {
				t.Fatalf("reasons %+v, want one CPV ↔ NAF reason learned from %d awards", reasons, tt.wantLearned)
			}
		})
	}
}

func TestLearnedFitGrowsWithWinners(t *testing.T) {
	prev := 0.0
	for w := 1; w <= 8; w++ {
		f := learnedFit(w)
		if f <= prev || f > fitNAFPrimary {
			t.Errorf("learnedFit(%d) = %g after %g, want growing and at most %g", w, f, prev, fitNAFPrimary)
		}
		prev = f
	}
	if learnedFit(1) != fitNAFSecondary {
		t.Errorf("one winner: %g, want a curated secondary fit %g", learnedFit(1), fitNAFSecondary)
	}
}
