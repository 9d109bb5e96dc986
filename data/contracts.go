package data

import (
	"math"
	"time"
)

// GroupContracts partitions n publications into contracts, the one
// grouping of « the same contract » that the observatory and a company's
// « Marchés publics remportés » share: publications whose IDs (id(i),
// ContractIDOf) share a part are the same contract, directly or through
// other publications — a modification that keeps the uid but changes the
// amount joins the publications of the first amount to those of the
// second, whichever order they come in. A publication with a zero ID is a
// contract of its own.
//
// It returns each publication's contract, numbered from 0 in the order of
// the contracts' first publications (contract[0] is 0), and the number of
// contracts.
func GroupContracts(n int, id func(i int) ContractID) (contract []int32, count int) {
	// Union-find: parent[i] is an earlier publication of the same
	// contract, a root its contract's first.
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	holder := make(map[uint64]int32, n) // a part → a publication holding it (the parts of the three kinds never collide in practice: 64-bit hashes of different texts)
	for i := range n {
		for _, p := range id(i) {
			if p == 0 {
				continue
			}
			if o, ok := holder[p]; ok {
				if r, s := find(int32(i)), find(o); r != s {
					parent[max(r, s)] = min(r, s)
				}
			} else {
				holder[p] = int32(i)
			}
		}
	}
	// Each publication's root, then the roots numbered in order: a root is
	// the smallest index of its contract, so it is numbered before any
	// other publication of its contract reads its number.
	for i := range parent {
		parent[i] = find(int32(i))
	}
	for i, r := range parent {
		if r == int32(i) {
			parent[i] = int32(count)
			count++
		} else {
			parent[i] = parent[r]
		}
	}
	return parent, count
}

// NoDay is the Publication.Day of an undated publication: before any day.
const NoDay = int32(math.MinInt32)

// PublicationDay is t's calendar day as the notice wrote it (in t's own
// offset), counted from 1970-01-01: BOAMP and DECP date in Paris time, and
// a contract notified on 1 October at 00:00+02:00 belongs to 1 October.
// NoDay when t is zero.
func PublicationDay(t time.Time) int32 {
	if t.IsZero() {
		return NoDay
	}
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Publication is what decides which publication of a contract gives it as
// it stands (Later).
type Publication struct {
	Day    int32   // PublicationDay of the notification; NoDay when unknown
	Amount float64 // the award's amount, else the sum of its winners' (AwardAmount)
	Source string
}

// PublicationOf is the award as a publication of its contract.
func PublicationOf(a Award) Publication {
	return Publication{Day: PublicationDay(a.NotifiedAt), Amount: AwardAmount(a), Source: a.Source}
}

// AwardAmount is the award's amount, euros excl. VAT: its own, else the
// sum of its winners' when the source gives only theirs; 0 when unknown.
func AwardAmount(a Award) float64 {
	if a.Amount != 0 {
		return a.Amount
	}
	sum := 0.0
	for _, w := range a.Winners {
		sum += w.Amount
	}
	return sum
}

// Later reports whether p is a later publication of its contract than q,
// the rule that picks the publication a contract counts as (its current
// amount, after the modifications): a later notification day (an undated
// one is the earliest), then a larger amount on one day, then the larger
// source name, so that the choice does not depend on the order the
// publications are read in. Neither is later when all three are equal:
// such publications give the contract the same day and amount.
func (p Publication) Later(q Publication) bool {
	if p.Day != q.Day {
		return p.Day > q.Day
	}
	if p.Amount != q.Amount {
		return p.Amount > q.Amount
	}
	return p.Source > q.Source
}
