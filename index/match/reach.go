package match

import "math"

// Reach of a trade: a specialised trade travels further than a generalist
// one, so the distance decay of a candidate (DecayScale) is stretched by
// the rarity of its trade, measured as the share of the suppliers of the
// need's sector that have its NAF code (Candidate.TradeCount over
// Need.TradePool).
//
// Measured on the 8 912 real awards of decp_2024H2_travaux_cpv4521 (works
// on buildings, winners and buyers placed by département centroid, 8 594
// in metropolitan France; testdata/decp_2024H2_travaux_cpv4521_reach.csv,
// TestReachMeasuredOnRealAwards): the rarity of a trade there is the share
// of the file's 3 935 winners that won its CPV code. The codes won by 10 %
// or more of the winners (general building works) are won 50 km away on
// average; those won by 3–10 % at 65 km, by 1–3 % at 73 km, by less than
// 1 % (churches, monuments, organs, stained glass…) at 78 km: a rare trade
// travels about 1.55 times as far. The stretch follows that curve,
// log-linear in the share, from 1 at commonTradeShare to maxReachStretch
// at rareTradeShare and below. Measured on CPV codes, applied to NAF
// codes: both count how many firms do the trade, which is what makes a
// buyer look further.
const (
	commonTradeShare = 0.10
	rareTradeShare   = 0.01
	maxReachStretch  = 1.55
)

// ReachStretch is the factor of the distance decay scale for a trade held
// by that share of the directory's suppliers (0: unknown, no stretch).
func ReachStretch(share float64) float64 {
	if share <= 0 || share >= commonTradeShare {
		return 1
	}
	t := math.Log(commonTradeShare/share) / math.Log(commonTradeShare/rareTradeShare)
	return 1 + (maxReachStretch-1)*min(t, 1)
}

// RareTrade reports whether a trade held by that share of the directory
// is rare enough for its suppliers to be gathered from all of France (see
// the candidate pools): at or below the share where reach stops growing
// in the measure above, the 1–3 % band.
func RareTrade(share float64) bool { return share > 0 && share <= rareTradePoolShare }

// reachOf is the stretch of the candidate's reach for the need: by the
// rarity of its trade when the trade is known to win such works (wins),
// else none. A trade merely rare in a broad sector (a weaver among the
// makers of household goods) is no evidence of travelling for this work.
func reachOf(n *Need, c *Candidate, wins bool) float64 {
	if !wins {
		return 1
	}
	return ReachStretch(tradeShare(n, c))
}

// tradeShare is the share of the need's sector that has the candidate's
// trade, 0 when unknown.
func tradeShare(n *Need, c *Candidate) float64 {
	if n.TradePool <= 0 || c.TradeCount <= 0 {
		return 0
	}
	return min(1, c.TradeCount/n.TradePool)
}

// rareTradePoolShare is the upper bound of the 1–3 % band of the measure.
const rareTradePoolShare = 0.03

// reachFactor is the stretch of the distance decay scale of a candidate
// for the need. Two measures of the same thing set it: how far the
// winners of the need's kind of work travel (Need.reach, learned by CPV
// code, data.WorksReach), and how rare the candidate's trade is
// (reachOf). Both measure how far a buyer looks for that work, so the
// larger holds, never their product: the kind of work sets the scale of
// every candidate, widened for a rare trade that wins such works.
func reachFactor(n *Need, c *Candidate, wins bool) float64 {
	work := n.reach
	if work <= 0 {
		work = 1 // a need built without finish: unmeasured
	}
	if trade := reachOf(n, c, wins); trade > 1 {
		return max(work, trade)
	}
	return work
}
