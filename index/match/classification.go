package match

import (
	"math"

	"fabrique/data"
)

// Values of the classification component. A code the company declared is
// its own claim and the closer it is to the tender's code in the CPV tree
// the better; a fit inferred from its NAF code is the curated
// correspondence of divisions, primary (the trade makes what the division
// buys) or secondary (it sometimes does).
const (
	fitCPVExact     = 1.0
	fitCPVCategory  = 0.9 // same first 5 digits
	fitCPVClass     = 0.8 // same first 4 digits
	fitCPVGroup     = 0.7 // same first 3 digits
	fitCPVDivision  = 0.5 // same first 2 digits
	fitNAFPrimary   = 0.7
	fitNAFSecondary = 0.35
	// additionalCPV discounts the tender's additional codes: the main
	// code is what is chiefly bought.
	additionalCPV = 0.85
	// fitLearnedMax bounds the fit of a CPV ↔ NAF link learned from awards
	// (data.CPVNAFLinks): fitLearnedMax × (1 − ½^winners), where winners
	// counts the distinct companies of the NAF code that won awards of the
	// division. One winner brings half of it (0.35, a secondary fit of the
	// curated table: one company's contracts may be an exception of its
	// trade); each further winner half of what remains, up to the curated
	// primary fit (0.7) that a trade many of whose companies win the
	// division deserves. Distinct winners, not awards, count: one company
	// that wins often is one piece of evidence about its trade. A learned
	// link and a curated one are independent evidence and combine as a
	// noisy-OR.
	fitLearnedMax = fitNAFPrimary
)

// learnedFit is the fit of a learned link won by that many distinct
// companies.
func learnedFit(winners int) float64 {
	if winners <= 0 {
		return 0
	}
	return fitLearnedMax * (1 - math.Pow(0.5, float64(winners)))
}

// classFit is the best classification fit of a supplier for a need.
type classFit struct {
	value    float64
	cpv      string  // the tender's code it fits
	declared string  // the supplier's declared code, when that is the fit
	naf      float64 // part of value brought by the NAF code
	univers  string  // the univers that brought the rest, if any
	inferred bool    // cpv was deduced, not declared by the buyer
	// learned is the number of past awards of the division won by
	// companies of the supplier's NAF code, when a learned link is part
	// of the NAF fit.
	learned int
	// won is true when the fit is that of the company's past awards
	// (trackFit), explained by the track record's reason.
	won bool
	// chosen is true when the fit is that of the trade the buyer chose
	// (chooseTrade).
	chosen bool
	// trade is true when a code the company declared, or its NAF code,
	// fits one of the need's codes, whichever fit is the best (classify
	// sets it; the fits made after it are won or chosen).
	trade bool
	// curated is trade without the links learned from awards: a declared
	// code, or the NAF code by the curated table.
	curated bool
}

// chooseTrade is the fit of a company of the trade the buyer chose for
// the need (Need.Trade): the buyer's word that the trade makes what the
// lot buys, a primary NAF fit, whatever the correspondence table says of
// the building the CPV code names (bells for « travaux de construction
// d'églises »). A better fit of its own is kept.
func (f classFit) chooseTrade(n *Need) classFit {
	if f.value >= fitNAFPrimary {
		return f
	}
	cpv := f.cpv
	if cpv == "" && len(n.cpvs) > 0 {
		cpv = n.cpvs[0]
	}
	return classFit{value: fitNAFPrimary, cpv: cpv, naf: fitNAFPrimary, chosen: true, inferred: len(n.inferred) > 0,
		learned: f.learned} // a learned link still stretches its reach (geography)
}

// classify returns how well the supplier fits the tender's CPV codes
// (main first), in [0,1]. A declared code stands on its own; a NAF fit
// and a univers fit are independent pieces of evidence and combine as a
// noisy-OR (1 − (1−a)(1−b)): either one suffices, both are surer.
// deduced, when not nil, is the weight of each deduced code (see
// Need.inferred); links, when not nil, the CPV ↔ NAF links learned from
// awards, which add to the curated table's (learnedFit).
func classify(cpvs []string, deduced []float64, s *data.Supplier, univers []string, links *data.CPVNAFLinks) classFit {
	var best classFit
	trade, curated := false, false
	for i, c := range cpvs {
		factor := 1.0
		if i > 0 {
			factor = additionalCPV
		}
		if i < len(deduced) {
			factor = deduced[i]
		}
		declared, declaredCode := 0.0, ""
		for _, d := range s.CPVDeclared {
			code, ok := cpv8(d)
			if !ok {
				continue
			}
			if v := cpvCloseness(c, code); v > declared {
				declared, declaredCode = v, code
			}
		}
		naf := 0.0
		if f, ok := data.FitOf(c, s.NAF); ok {
			naf = fitNAFSecondary
			if f.Primary {
				naf = fitNAFPrimary
			}
		}
		curated = curated || declared > 0 || naf > 0
		learned := 0
		if l, ok := links.Link(c, s.NAF); ok {
			naf = 1 - (1-naf)*(1-learnedFit(l.Winners))
			learned = l.Awards
		}
		uf, univ := universFitOf(univers, data.CPVDivision(c))
		inferred := 1 - (1-naf)*(1-univ)

		v := factor * max(declared, inferred)
		trade = trade || declared > 0 || naf > 0
		switch {
		case v <= best.value:
		case declared >= inferred:
			best = classFit{value: v, cpv: c, declared: declaredCode, inferred: i < len(deduced)}
		default:
			best = classFit{value: v, cpv: c, naf: factor * naf, inferred: i < len(deduced)}
			if naf > 0 {
				best.learned = learned
			}
			if univ > 0 {
				best.univers = uf.univers
			}
		}
	}
	best.trade, best.curated = trade, curated
	return best
}

// tradeValue is the part of the fit that speaks of the company's trade:
// all of it for a code it declared, its past awards or the trade the buyer
// chose, the NAF code's part otherwise (a univers is no trade).
func (f classFit) tradeValue() float64 {
	if f.declared != "" || f.won || f.chosen {
		return f.value
	}
	return f.naf
}

// tradeFits reports whether the fit says something of the company's
// trade: a code it declared or won, the trade the buyer chose, or its NAF
// code. A univers alone does not: « Architecture et patrimoine bâti » or
// « Ameublement et décoration » gather hundreds of trades.
func (f classFit) tradeFits() bool {
	return f.trade || f.won || f.chosen
}

// vouchesForName reports whether the fit backs the words of the company's
// name: a code it declared or won, the trade the buyer chose, or its NAF
// code by the curated table. A link learned from a few awards says the
// trade sometimes wins such contracts, not that a word of the name
// describes the work (« Espaces » of STAFF ESPACES VOLUMES, a plasterer
// with two road-works awards, for « VRD - Espaces extérieurs »).
func (f classFit) vouchesForName() bool {
	return f.curated || f.won || f.chosen
}

// reasons explains the fit; each reason's Weight is its part of the value.
func (f classFit) reasons(s *data.Supplier) []data.Reason {
	if f.value == 0 || f.won {
		return nil
	}
	label := ""
	if cc, ok := data.LookupCPV(f.cpv); ok {
		label = cc.LabelFR
	}
	if f.declared != "" {
		return []data.Reason{{Kind: data.ReasonCPV, TenderCPV: f.cpv, TenderCPVFR: label, TenderCPVInferred: f.inferred,
			SupplierCPV: f.declared, Weight: f.value}}
	}
	var out []data.Reason
	if f.naf > 0 {
		out = append(out, data.Reason{Kind: data.ReasonCPVFromNAF, TenderCPV: f.cpv, TenderCPVFR: label,
			TenderCPVInferred: f.inferred, NAF: s.NAF, LearnedAwards: f.learned, TradeChosen: f.chosen, Weight: f.naf})
	}
	if f.univers != "" {
		out = append(out, data.Reason{Kind: ReasonUnivers, TenderCPV: f.cpv, TenderCPVFR: label, TenderCPVInferred: f.inferred,
			Detail: universDetail(f.univers, f.cpv, label, f.inferred), Weight: f.value - f.naf})
	}
	return out
}

// cpv8 returns the 8-digit form of a stored CPV code ("45212350" or
// "45212350-4") when it exists, without NormalizeCPV's regular expression:
// codes are compared for every candidate.
func cpv8(code string) (string, bool) {
	if len(code) == 10 && code[8] == '-' {
		code = code[:8]
	}
	if len(code) != 8 || !data.AllDigits(code) {
		c, err := data.NormalizeCPV(code)
		return c, err == nil
	}
	_, ok := data.LookupCPV(code)
	return code, ok
}

// cpvCloseness grades two 8-digit CPV codes by the length of their common
// prefix: the CPV tree is written in its digits.
func cpvCloseness(a, b string) float64 {
	if a == b {
		return fitCPVExact
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	switch {
	case n >= 5:
		return fitCPVCategory
	case n == 4:
		return fitCPVClass
	case n == 3:
		return fitCPVGroup
	case n == 2:
		return fitCPVDivision
	}
	return 0
}
