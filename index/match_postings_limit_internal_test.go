package index

import "testing"

// The postings cache's bound grows with the directory: a fixed one held
// the lists of a day's needs at 100 000 suppliers and a few of them at
// 1 000 000 (docs/performance.md, "Matching at 1 000 000").
func TestPostingsLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		live int
		want int64
	}{
		{"empty", 0, cachedPostingsMax},
		{"small directory: the floor", 10_000, cachedPostingsMax},
		{"at the floor", cachedPostingsMax / cachedPostingsPerDoc, cachedPostingsMax},
		{"a million suppliers", 1_000_000, 40_000_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := postingsLimit(tc.live); got != tc.want {
				t.Errorf("postingsLimit(%d) = %d, want %d", tc.live, got, tc.want)
			}
		})
	}
}
