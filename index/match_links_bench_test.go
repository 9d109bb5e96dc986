package index_test

import (
	"context"
	"testing"

	"fabrique/index"
)

// BenchmarkMatchLearned10k is BenchmarkMatch10k with the CPV ↔ NAF links
// learned from the real awards set on the index, to compare the cost of
// the learned links (the sector's learned codes, the rare trades' pool,
// the trade counts of the reach) with the curated table alone.
func BenchmarkMatchLearned10k(b *testing.B) {
	f := loadMatchEPV(b)
	awards := realAwards(b)
	links, err := index.LearnCPVNAFLinks(context.Background(), awardLister{newMatchSource(f.sups, awards), awards})
	if err != nil {
		b.Fatal(err)
	}
	benchMatchLinks(b, 10_000, links)
}
