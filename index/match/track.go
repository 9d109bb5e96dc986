package match

import (
	"math"
	"time"

	"fabrique/data"
)

// trackFit is what a company's past public contracts say of a need: those
// of the need's CPV divisions that the need's cut counts (Need.TrackCut:
// notified before its day, never the contract being evaluated).
//
// A contract won is the strongest evidence a buyer can check: the buyer
// who awarded it classified the company's work with its CPV code. So the
// code of a past award stands in the classification like a code the
// company declared (cpvCloseness: the same category of works fits
// better than the same division), and better than a fit inferred from
// the NAF code, which only says what the trade usually does. Its count
// also brings the track record component (trackRecordPoints): the first
// award half of its weight, each next one half of what remains.
type trackFit struct {
	count int // awards of the need's CPV divisions
	// sameBuyer counts those the need's buyer awarded (Need.BuyerSIREN).
	sameBuyer int
	last      time.Time // the latest of them
	value     float64   // the classification they bring, in [0,1]
	cpv       string    // the need's code they fit best
	// largest is the company's share of the largest contract it won, of
	// any kind, that the cut counts (0: none known), and largestAt its
	// date: a reference of the size it can deliver (capacityOf).
	largest   float64
	largestAt time.Time
}

// trackOf reads the candidate's track record for the need.
func trackOf(n *Need, s *data.Supplier) trackFit {
	var f trackFit
	if n.Track == nil || s.SIREN == "" {
		return f
	}
	for _, w := range n.Track.Wins(s.SIREN, n.TrackCut) {
		if w.Amount > f.largest {
			f.largest, f.largestAt = w.Amount, w.At
		}
		if w.CPV == "" || !containsDivision(n.CPVDivisions, data.CPVDivision(w.CPV)) {
			continue
		}
		f.count++
		if n.BuyerSIREN != "" && w.Buyer == n.BuyerSIREN {
			f.sameBuyer++
		}
		if w.At.After(f.last) {
			f.last = w.At
		}
		for i, c := range n.cpvs {
			if v := cpvCloseness(c, w.CPV) * codeFactor(n, i); v > f.value {
				f.value, f.cpv = v, c
			}
		}
	}
	return f
}

// codeFactor is the weight of the need's i-th CPV code: 1 for the main
// code, additionalCPV for another declared one, its weight for a deduced
// one (as classify weighs them).
func codeFactor(n *Need, i int) float64 {
	if i < len(n.inferred) {
		return n.inferred[i]
	}
	if i > 0 {
		return additionalCPV
	}
	return 1
}

func containsDivision(divs []string, d string) bool {
	for _, x := range divs {
		if x == d {
			return true
		}
	}
	return false
}

// trackRecordPoints are the track record component's points: the first
// award of the need's divisions brings half of its weight, each next one
// half of what remains. An award of the need's own buyer brings the
// component's weight once more: the buyer knows that work first hand (it
// chose the company, received the work and can check it), which no other
// reference says, and buyers who were satisfied often call on the same
// craftsman again — for monuments, the one who knows the building.
func trackRecordPoints(w Weights, f trackFit) float64 {
	if f.count <= 0 {
		return 0
	}
	p := w.TrackRecord * (1 - math.Pow(0.5, float64(f.count)))
	if f.sameBuyer > 0 {
		p += w.TrackRecord
	}
	return p
}

// reason explains the track record; the caller weighs it with its points
// (those of the component, and those it brought to the classification).
func (f trackFit) reason() data.Reason {
	r := data.Reason{Kind: data.ReasonTrackRecord, AwardCount: f.count, BuyerAwards: f.sameBuyer, TenderCPV: f.cpv}
	if !f.last.IsZero() {
		r.LastAward = f.last.Format("2006-01")
	}
	if cc, ok := data.LookupCPV(f.cpv); ok {
		r.TenderCPVFR = cc.LabelFR
	}
	return r
}
