package match

import (
	"math"
	"strconv"
	"strings"

	"fabrique/data"
)

// The capacity rule. A company's yearly turnover is estimated from its
// headcount band at turnoverPerEmployee, the order of magnitude of French
// manufacturing and construction SMEs in INSEE's ESANE statistics
// (roughly 120–250 k€ per employee for SMEs, less for craft firms; the
// lower middle is taken because the directory is mostly crafts). A buyer
// may require at most twice the contract's estimated value as minimum
// turnover (Code de la commande publique, art. R2142-7): a company that
// meets that bar is fully able; below it the component falls by a third
// for every halving of the turnover, to a floor, since joint bids and
// subcontracting let small firms take larger contracts.
const (
	turnoverPerEmployee = 150_000.0
	turnoverBar         = 2.0 // × the contract value
	capacityFloor       = 0.1
	capacityNeutral     = 0.5 // headcount or value unknown: no evidence either way
)

// capacity grades a headcount band against a contract value. known is
// false, and the value neutral, when either is unknown.
func Capacity(band string, value float64) (v float64, r data.Reason, known bool) {
	b, ok := data.LookupHeadcountBand(band)
	if !ok || value <= 0 {
		return capacityNeutral, data.Reason{}, false
	}
	employees := 1.0 // a non-employer unit still has its owner at work
	switch {
	case b.Min > 0 && b.Max > 0:
		employees = math.Sqrt(float64(b.Min) * float64(b.Max)) // bands grow geometrically
	case b.Min > 0:
		employees = float64(b.Min)
	}
	v = grade(employees*turnoverPerEmployee, turnoverBar*value)
	label := strings.TrimSpace(b.Label)
	if i := strings.Index(label, " ("); i > 0 {
		label = label[:i] // the long INSEE notes of bands NN and 00
	}
	r = data.Reason{Kind: data.ReasonCapacity, Headcount: b.Code,
		Detail: label + " pour un marché estimé à " + formatEuros(value)}
	return v, r, true
}

// formatEuros writes an amount the French way: "450 000 €".
func formatEuros(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(c)
	}
	return b.String() + "\u00a0€"
}

// grade is the capacity rule: 1 when have reaches need, else a third less
// for every halving, down to capacityFloor.
func grade(have, want float64) float64 {
	if have >= want {
		return 1
	}
	return math.Max(capacityFloor, 1-math.Log2(want/have)/3)
}

// capacityOf grades what a company says of itself against a contract
// value: its declared turnover band when it gave one (in place of the
// estimate from its headcount), and the largest contract it declares
// having delivered, which counts when it says more than the turnover does.
// The largest public contract it won (t, from its track record) counts
// the same way, as a reference a buyer can check.
func capacityOf(s *data.Supplier, value float64, t trackFit) (v float64, r data.Reason, known bool) {
	v, r, known = declaredCapacity(s, value)
	if value <= 0 || t.largest <= 0 {
		return v, r, known
	}
	// A reference is evidence for, never against: a firm that won a
	// smaller contract is no less able than one whose size is unknown.
	if g := grade(t.largest, value); g > v && (known || g > capacityNeutral) {
		detail := "marché de " + formatEuros(t.largest) + " remporté"
		if !t.largestAt.IsZero() {
			detail += " en " + data.FrenchMonthYear(t.largestAt)
		}
		v, known = g, true
		r = data.Reason{Kind: data.ReasonCapacity, Headcount: s.HeadcountBand, Won: true,
			Detail: detail + ", pour un marché estimé à " + formatEuros(value)}
	}
	return v, r, known
}

// declaredCapacity is capacityOf from the company's own record: headcount,
// declared turnover and largest contract.
func declaredCapacity(s *data.Supplier, value float64) (v float64, r data.Reason, known bool) {
	v, r, known = Capacity(s.HeadcountBand, value)
	if value <= 0 {
		return v, r, known
	}
	if b, ok := data.LookupTurnoverBand(s.TurnoverBand); ok {
		turnover := b.Max / 2 // the lowest band: about half its ceiling
		switch {
		case b.Min > 0 && b.Max > 0:
			turnover = math.Sqrt(b.Min * b.Max)
		case b.Min > 0:
			turnover = 1.5 * b.Min
		}
		v, known = grade(turnover, turnoverBar*value), true
		r = data.Reason{Kind: data.ReasonCapacity, Headcount: s.HeadcountBand, Declared: true,
			Detail: "chiffre d'affaires " + b.Label + " pour un marché estimé à " + formatEuros(value)}
	}
	if lc := float64(s.LargestContractEUR); lc > 0 {
		if g := grade(lc, value); !known || g > v {
			v, known = g, true
			r = data.Reason{Kind: data.ReasonCapacity, Headcount: s.HeadcountBand, Declared: true,
				Detail: "contrat de " + formatEuros(lc) + " déjà réalisé, pour un marché estimé à " + formatEuros(value)}
		}
	}
	return v, r, known
}
