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
	pubs []data.Award
	// current is the index in pubs of the publication that gives the
	// contract as it stands (data.Publication.Later), the one the
	// observatory counts.
	current int
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

// last is the contract's latest publication (data.Publication.Later): its
// current amount after modifications.
func (c *wonContract) last() data.Award {
	return c.pubs[c.current]
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

// foldContracts groups the awards into contracts as the observatory
// counts them (data.GroupContracts: the same contract published by two
// platforms, or again for a modification, is one contract, however its
// publications link), each counted as its latest publication
// (data.Publication.Later). Each contract's publications are oldest
// first; awards without a date come after the dated ones.
func foldContracts(awards []data.Award) []*wonContract {
	sorted := append([]data.Award(nil), awards...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].NotifiedAt, sorted[j].NotifiedAt
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.Before(b)
	})
	group, n := data.GroupContracts(len(sorted), func(i int) data.ContractID { return data.ContractIDOf(sorted[i]) })
	out := make([]*wonContract, n)
	for i, a := range sorted {
		c := out[group[i]]
		if c == nil {
			c = &wonContract{}
			out[group[i]] = c
		} else if data.PublicationOf(a).Later(data.PublicationOf(c.last())) {
			c.current = len(c.pubs)
		}
		c.pubs = append(c.pubs, a)
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
