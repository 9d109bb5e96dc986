package observatory

import (
	"strconv"
	"testing"
	"time"

	"fabrique/data"
)

// BenchmarkMarkDuplicates measures the folding of a million award facts
// into contracts (markDuplicates, the part of Build that is not a walk of
// the store): DECP-like awards of 20 000 buyers, one in ten published again
// for a modification (another day and amount, same uid and winner) and one
// in thirty by a second platform (same day, amount and winner, another
// uid), and again after a write of ten awards (Apply): go test
// ./data/observatory -run '^$' -bench MarkDuplicates -benchtime 5x
func BenchmarkMarkDuplicates(b *testing.B) {
	const n = 1_000_000
	f := &Facts{}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	a := data.Award{Winners: make([]data.Winner, 1)}
	for i := range n {
		c := i
		switch {
		case i%10 == 9: // a modification of the previous contract
			c = i - 1
		case i%30 == 29: // the previous contract by another platform
			c = i - 2
		}
		buyer := 21000000000000 + int64(c%20000)*13
		a.UID = strconv.FormatInt(buyer, 10) + "2024" + strconv.Itoa(c)
		a.Buyer = data.Buyer{Name: "Commune", SIRET: strconv.FormatInt(buyer, 10)}
		a.CPV = "4521" + strconv.Itoa(1000+c%9000)
		a.NotifiedAt = start.AddDate(0, 0, c%700)
		a.Amount = float64(5000 + c%100000)
		a.Winners[0] = data.Winner{Name: "Entreprise", SIRET: siren(c%50000) + "00012"}
		if i%10 == 9 {
			a.NotifiedAt = a.NotifiedAt.AddDate(0, 2, 0)
			a.Amount *= 1.1
		}
		if i%30 == 29 {
			a.UID = "pes" + a.UID
		}
		f.Awards = append(f.Awards, f.awardFact(&a, 0, nil, start))
		f.contracts = append(f.contracts, data.ContractIDOf(a))
	}
	b.Run("build", func(b *testing.B) {
		cpuPerOp(b, func() { f.markDuplicates(nil) })
	})
	// What Apply folds again after a write of ten awards.
	b.Run("apply10", func(b *testing.B) {
		cpuPerOp(b, func() {
			only := map[uint64]bool{}
			for i := range 10 {
				for _, p := range f.contracts[i*99_991] {
					only[p] = p != 0
				}
			}
			f.markDuplicates(only)
		})
	})
}
