package index_test

import (
	"testing"

	"fabrique/index"
)

func TestSuggestCommunes(t *testing.T) {
	tests := []struct {
		prefix    string
		limit     int
		wantFirst string // label of the first suggestion
		wantLen   int    // 0: any non-empty
	}{
		{"lyo", 5, "Lyon (69)", 0},
		{"Lyon", 3, "Lyon (69)", 0},
		{"st eti", 5, "Saint-Étienne (42)", 0},
		{"saint-éti", 5, "Saint-Étienne (42)", 0},
		{"marseile", 5, "Marseille (13)", 0}, // one letter missing
		{"bordaux", 5, "Bordeaux (33)", 0},   // one letter wrong
		{"toulouze", 5, "Toulouse (31)", 0},  // typo in a long prefix
		{"690", 4, "Lyon (69)", 1},           // postcode prefix: only Lyon has 690xx
		{"421", 3, "Saint-Étienne (42)", 3},
		{"paris", 50, "Paris (75)", 0},
	}
	for _, tc := range tests {
		got := index.SuggestCommunes(tc.prefix, tc.limit)
		if len(got) == 0 || got[0].Label != tc.wantFirst {
			t.Errorf("SuggestCommunes(%q) = %+v, want %q first", tc.prefix, labels(got), tc.wantFirst)
			continue
		}
		if tc.wantLen > 0 && len(got) != tc.wantLen {
			t.Errorf("SuggestCommunes(%q, %d) gave %d suggestions, want %d", tc.prefix, tc.limit, len(got), tc.wantLen)
		}
		if len(got) > tc.limit {
			t.Errorf("SuggestCommunes(%q, %d) gave %d suggestions", tc.prefix, tc.limit, len(got))
		}
	}
	// Exact prefixes come most populous first.
	got := index.SuggestCommunes("saint", 20)
	for i := 1; i < len(got); i++ {
		if got[i].Population > got[i-1].Population {
			t.Errorf("suggestions not by population: %s (%d) after %s (%d)", got[i].Label, got[i].Population, got[i-1].Label, got[i-1].Population)
		}
	}
	if got := index.SuggestCommunes("", 10); len(got) != 0 {
		t.Errorf("empty prefix gave %d suggestions", len(got))
	}
	if got := index.SuggestCommunes("xqzwk", 10); len(got) != 0 {
		t.Errorf("nonsense gave %v", labels(got))
	}
}

func labels(cs []index.CommuneSuggestion) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Label)
	}
	return out
}

func BenchmarkSuggestCommunes(b *testing.B) {
	index.SuggestCommunes("a", 1) // build the table outside the loop
	for b.Loop() {
		index.SuggestCommunes("bordaux", 10)
	}
}
