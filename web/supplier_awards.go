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
	// CoWinners is the number of companies the contract was awarded to
	// jointly, this one included; 0 for a contract won alone.
	CoWinners int
	Place     string
	Source    string
	// Publications is how many rows of the sources give this contract
	// (two platforms, modifications); 1 for most.
	Publications int
}

// trackRecord summarises the public contracts a supplier won.
type trackRecord struct {
	Count int // contracts, each counted once however often published
	// Total is the sum of the company's shares of the contracts (a joint
	// contract counts for its share), "" when no amount is known.
	Total  string
	Joint  bool // some contract was won jointly: Total counts shares
	Folded bool // some contract was published more than once
	Shown  []awardView
	Hidden int // contracts not listed
}

// maxAwardsShown bounds the contracts listed on a supplier page.
const maxAwardsShown = 20

// wonContract is one contract of a track record and the source rows
// that publish it, oldest first.
type wonContract struct {
	ids  []data.ContractID
	pubs []data.Award
}

// first is the contract's notification date: its earliest known one.
func (c *wonContract) first() data.Award {
	for _, a := range c.pubs {
		if !a.NotifiedAt.IsZero() {
			return a
		}
	}
	return c.pubs[0]
}

// last is the contract's latest publication: its current amount after
// modifications.
func (c *wonContract) last() data.Award {
	for i := len(c.pubs) - 1; i >= 0; i-- {
		if !c.pubs[i].NotifiedAt.IsZero() {
			return c.pubs[i]
		}
	}
	return c.pubs[len(c.pubs)-1]
}

// merged is the contract as one record: its latest publication (the
// current amount after modifications), dated by its notification (the
// earliest known), with the object and buyer another publication gives
// when the latest leaves them out.
func (c *wonContract) merged() data.Award {
	m := c.last()
	m.NotifiedAt = c.first().NotifiedAt
	for _, p := range c.pubs { // a platform may leave out what another gives
		if m.Object == "" {
			m.Object = p.Object
		}
		if m.Buyer.Name == "" {
			m.Buyer.Name = p.Buyer.Name
		}
		if m.Buyer.SIRET == "" {
			m.Buyer.SIRET = p.Buyer.SIRET
		}
	}
	return m
}

// contractsNewestFirst folds the awards into contracts (foldContracts),
// latest notification first, as the supplier page and the API list them.
func contractsNewestFirst(awards []data.Award) []*wonContract {
	contracts := foldContracts(awards)
	sort.SliceStable(contracts, func(i, j int) bool {
		return contracts[i].first().NotifiedAt.After(contracts[j].first().NotifiedAt)
	})
	return contracts
}

// foldContracts groups the awards into contracts the way the matcher's
// track record counts them (data.ContractIDOf): the same contract
// published by two platforms, or again for a modification, is one
// contract. Each contract's publications are oldest first; awards
// without a date come after the dated ones.
func foldContracts(awards []data.Award) []*wonContract {
	sorted := append([]data.Award(nil), awards...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].NotifiedAt, sorted[j].NotifiedAt
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.Before(b)
	})
	var out []*wonContract
next:
	for _, a := range sorted {
		id := data.ContractIDOf(a)
		for _, c := range out {
			for _, known := range c.ids {
				if known.Same(id) {
					c.ids = append(c.ids, id)
					c.pubs = append(c.pubs, a)
					continue next
				}
			}
		}
		out = append(out, &wonContract{ids: []data.ContractID{id}, pubs: []data.Award{a}})
	}
	return out
}

// newTrackRecord lists the contracts the company of that SIREN won, most
// recent first, each once however often its awards publish it.
func newTrackRecord(siren string, awards []data.Award) *trackRecord {
	if len(awards) == 0 {
		return nil
	}
	contracts := contractsNewestFirst(awards)
	t := &trackRecord{Count: len(contracts)}
	sum := 0.0
	for i, c := range contracts {
		first, last := c.first(), c.last()
		sum += data.ShareOf(siren, last)
		if len(last.Winners) > 1 {
			t.Joint = true
		}
		if len(c.pubs) > 1 {
			t.Folded = true
		}
		if i >= maxAwardsShown {
			t.Hidden++
			continue
		}
		m := c.merged()
		v := awardView{Date: frenchDate(first.NotifiedAt), DateISO: isoDate(first.NotifiedAt), Buyer: m.Buyer.Name,
			Object: m.Object, CPV: last.CPV, Source: last.Source, Publications: len(c.pubs)}
		if cpv, ok := data.LookupCPV(last.CPV); ok {
			v.CPV, v.CPVLabel = cpv.Full(), cpv.LabelFR
		}
		if last.Amount > 0 {
			v.Amount = formatEuros(last.Amount)
		}
		if n := len(last.Winners); n > 1 {
			v.CoWinners = n
		}
		v.Place = tenderPlace(last.Place)
		t.Shown = append(t.Shown, v)
	}
	if sum > 0 {
		t.Total = formatEuros(sum)
	}
	return t
}
