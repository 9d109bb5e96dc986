package match

import (
	"testing"

	"fabrique/data"
)

func TestConfidenceOf(t *testing.T) {
	tests := []struct {
		name      string
		relevance float64
		want      string
	}{
		{"declared code of the group", fitCPVGroup, data.ConfidenceHigh},
		{"primary NAF fit alone", fitNAFPrimary, data.ConfidenceHigh},
		{"primary NAF fit halved by words that miss", fitNAFPrimary * inferredFitWhenDescribed, data.ConfidenceMedium},
		{"secondary NAF fit", fitNAFSecondary, data.ConfidenceMedium},
		{"a word of the description", 0.15, data.ConfidenceLow},
		{"nothing", 0, data.ConfidenceLow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConfidenceOf(tt.relevance); got != tt.want {
				t.Errorf("ConfidenceOf(%.2f) = %q, want %q", tt.relevance, got, tt.want)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	ms := []data.Match{
		{Score: 50, Confidence: data.ConfidenceHigh},
		{Score: 42, Confidence: data.ConfidenceHigh},   // 84 % of the best: stays
		{Score: 38, Confidence: data.ConfidenceHigh},   // 76 %: moyenne
		{Score: 28, Confidence: data.ConfidenceHigh},   // 56 %: faible
		{Score: 35, Confidence: data.ConfidenceMedium}, // 70 %: stays
		{Score: 45, Confidence: data.ConfidenceLow},    // its relevance caps it
	}
	Grade(ms)
	want := []string{data.ConfidenceHigh, data.ConfidenceHigh, data.ConfidenceMedium, data.ConfidenceLow,
		data.ConfidenceMedium, data.ConfidenceLow}
	for i, m := range ms {
		if m.Confidence != want[i] {
			t.Errorf("#%d (score %.0f) = %q, want %q", i+1, m.Score, m.Confidence, want[i])
		}
	}
	if n := data.GoodMatches(ms); n != 4 {
		t.Errorf("GoodMatches = %d, want 4", n)
	}
	Grade(nil) // no ranking, no panic
}

// A univers gathers hundreds of trades: it never vouches that a company
// does the work, alone or beside a weaker fit.
func TestConfidenceLeavesTheUniversOut(t *testing.T) {
	// A stained-glass workshop does no joinery; a stone cutter lays some
	// masonry (a secondary fit); a plasterer plasters.
	glass, stone, plasterer := data.Supplier{NAF: "23.19Z"}, data.Supplier{NAF: "23.70Z"}, data.Supplier{NAF: "43.31Z"}
	univers := []string{"Architecture et patrimoine bâti"}
	joinery := []string{"45421000"}
	tests := []struct {
		name string
		sm   Scored
		want string
	}{
		{"univers alone", Scored{class: classify(joinery, nil, &glass, univers, nil)}, data.ConfidenceLow},
		{"univers and some words: the words' level", Scored{class: classify(joinery, nil, &glass, univers, nil), Text: 0.4}, data.ConfidenceMedium},
		{"secondary NAF fit and univers: the secondary fit's level", Scored{class: classify([]string{"45262500"}, nil, &stone, univers, nil)}, data.ConfidenceMedium},
		{"the trade's own code", Scored{class: classify([]string{"45410000"}, nil, &plasterer, univers, nil)}, data.ConfidenceHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sm.class.value == 0 {
				t.Fatal("no classification fit: the case tests nothing")
			}
			if got := tt.sm.confidence(); got != tt.want {
				t.Errorf("confidence = %q (relevance with the univers %.2f), want %q", got, tt.sm.relevance(), tt.want)
			}
		})
	}
}
