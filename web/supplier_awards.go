package web

import (
	"sort"

	"fabrique/data"
)

// awardView is one public contract of a supplier's track record.
type awardView struct {
	Date, DateISO string
	Buyer         string
	Object        string
	CPV           string
	CPVLabel      string
	Amount        string
	Place         string
	Source        string
}

// trackRecord summarises the public contracts a supplier won.
type trackRecord struct {
	Count  int
	Total  string // sum of the amounts, "" when none is known
	Shown  []awardView
	Hidden int // awards not listed
}

// maxAwardsShown bounds the contracts listed on a supplier page.
const maxAwardsShown = 20

// newTrackRecord lists the most recent awards first.
func newTrackRecord(awards []data.Award) *trackRecord {
	if len(awards) == 0 {
		return nil
	}
	sorted := append([]data.Award(nil), awards...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].NotifiedAt.After(sorted[j].NotifiedAt) })
	t := &trackRecord{Count: len(sorted)}
	sum := 0.0
	for i, a := range sorted {
		sum += a.Amount
		if i >= maxAwardsShown {
			t.Hidden++
			continue
		}
		v := awardView{Date: frenchDate(a.NotifiedAt), DateISO: isoDate(a.NotifiedAt), Buyer: a.Buyer.Name,
			Object: a.Object, CPV: a.CPV, Source: a.Source}
		if c, ok := data.LookupCPV(a.CPV); ok {
			v.CPV, v.CPVLabel = c.Full(), c.LabelFR
		}
		if a.Amount > 0 {
			v.Amount = formatEuros(a.Amount)
		}
		v.Place = placeOf(a.Place.Commune, a.Place.Departement)
		t.Shown = append(t.Shown, v)
	}
	if sum > 0 {
		t.Total = formatEuros(sum)
	}
	return t
}
