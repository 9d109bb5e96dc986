package match

import "fabrique/data"

// The confidence of a match says how surely the company does what is
// asked, not how near it is nor how well it is labelled: it reads the
// relevance, the noisy-OR of the text fit (the share of the need's object
// that the company's own words hold) and the fit of its trade (a CPV
// code it declared or won, its NAF code; an inferred sector fit counting
// for half when the buyer described the work). The univers is left out
// (Scored.confidence): it gathers hundreds of trades, so it may rank a
// company but never vouches that it does the work.
//
//   - forte: relevance ≥ highRelevance, e.g. the company's words hold
//     most of the object, or a declared CPV code of the same group, or a
//     primary NAF fit with some of the words;
//   - moyenne: relevance ≥ mediumRelevance, e.g. the right sector with
//     few of the words, or a part of the words alone;
//   - faible: below: a loose sector, a word of the description only, or
//     the univers alone.
//
// Capability is not enough: forty builders fit « travaux de construction
// d'églises » equally by their NAF code. Grade then keeps a level only
// for the matches whose score (which adds nearness, labels, capacity and
// track record) stays close to the best of the ranking: at least
// highShare of it for forte, mediumShare for moyenne.
//
// The thresholds are set on these principles and were looked at against
// the 58 real awards of `fabrique eval awards` (in sample: there are too
// few to hold some out), which reports, per level, how often the real
// winner of a past contract was in it (EvalReport.Levels): that record is
// what a level means to a buyer.
const (
	highRelevance   = 0.5
	mediumRelevance = 0.3
	highShare       = 0.8
	mediumShare     = 0.6
)

// ConfidenceOf is the confidence level of a relevance in [0,1].
func ConfidenceOf(relevance float64) string {
	switch {
	case relevance >= highRelevance:
		return data.ConfidenceHigh
	case relevance >= mediumRelevance:
		return data.ConfidenceMedium
	}
	return data.ConfidenceLow
}

// Grade lowers the confidence of the matches of a ranking (best first)
// whose score falls behind the best one's (see highShare).
func Grade(ms []data.Match) {
	if len(ms) == 0 {
		return
	}
	top := ms[0].Score
	for i := range ms {
		m := &ms[i]
		switch {
		case m.Confidence == data.ConfidenceHigh && m.Score < highShare*top:
			m.Confidence = data.ConfidenceMedium
		}
		if m.Confidence == data.ConfidenceMedium && m.Score < mediumShare*top {
			m.Confidence = data.ConfidenceLow
		}
	}
}
