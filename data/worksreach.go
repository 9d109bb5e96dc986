package data

import (
	"strconv"
	"strings"
)

// How far the winners of works on buildings travel, by CPV code: learned
// from the real awards of decp_2024H2_travaux_cpv4521 (DECP, second half
// of 2024, works with CPV 4521*), without the 56 rows won by companies
// of the directory, which are the matcher's evaluation set
// (index/testdata/match): 8 537 contracts placed in metropolitan France.
//
// refdata/works_reach_cpv4521.csv gives, for every prefix of 4 to 8
// digits of the codes awarded, the number of contracts and the mean
// distance between the buyer's and the winner's départements (their
// centroids; a winner of the buyer's own département counts
// sameDepartementKm, the mean distance between two points of a
// département). TestWorksReachLearnedOutsideTheEvaluation
// (index/match) recomputes it from the rows.
//
// Works of some kinds draw firms from much further than others (means of
// the codes with at least 40 contracts): 50 km for canteens or leisure
// centres, 53 km for houses, 76 km for building works in general, 118 km
// for historic monuments or memorials, 145 km for sports grounds, 177 km
// for cemeteries; works on buildings as a whole, 86.6 km. The mean of an
// exponential law is its maximum-likelihood scale, so the ratio of a
// code's mean to the whole is the factor of the distance decay for that
// code.
//
// A code with few contracts says little: its mean is shrunk towards its
// parent's, (n·mean + k·parent) / (n + k), from the whole (4 digits)
// down to the code itself. worksReachPrior (k) was chosen on held-out
// likelihood, before the matcher was run with it: fitted on the
// contracts of the buyers whose SIRET ends with an even digit and
// measured on the others, both ways, k = 50 gave the best likelihood of
// the values tried (1, 5, 20, 50, and no code at all); both halves
// prefer the codes to one scale. TestWorksReachLearnedOutsideTheEvaluation
// checks the same on halves of the rows.
const worksReachPrior = 50.0

// worksReachFamily is the CPV prefix the table measures: works on
// buildings (construction, heritage, roofs, repairs).
const worksReachFamily = "4521"

// ReachRow is one prefix of the learned table.
type ReachRow struct {
	Prefix    string
	Contracts int
	MeanKm    float64
}

// ReachTable is the learned table, by CPV prefix.
type ReachTable map[string]ReachRow

var worksReach = lazy[ReachTable]{load: func() ReachTable {
	out := ReachTable{}
	for _, r := range readCSV("refdata/works_reach_cpv4521.csv") {
		n, err := strconv.Atoi(r["contracts"])
		km, ok := atof(r["mean_km"])
		if err != nil || !ok || n <= 0 || km <= 0 {
			panic("data: refdata/works_reach_cpv4521.csv: bad row " + r["cpv_prefix"]) // a build defect
		}
		out[r["cpv_prefix"]] = ReachRow{Prefix: r["cpv_prefix"], Contracts: n, MeanKm: km}
	}
	if _, ok := out[worksReachFamily]; !ok {
		panic("data: refdata/works_reach_cpv4521.csv: no row for the whole family")
	}
	return out
}}

// WorksReachTable returns the learned rows, by prefix.
func WorksReachTable() ReachTable { return worksReach.get() }

// WorksReach is the factor of the distance decay scale of works of that
// CPV code against works on buildings as a whole: above 1 the winners of
// such works come from further away. ok is false, and the factor 1, for
// a code outside the measured family (4521*).
func WorksReach(cpv string) (factor float64, ok bool) { return worksReach.get().Factor(cpv) }

// Factor is WorksReach on the table t.
func (t ReachTable) Factor(cpv string) (factor float64, ok bool) {
	code := strings.TrimSpace(cpv)
	if i := strings.IndexByte(code, '-'); i >= 0 {
		code = code[:i]
	}
	whole, found := t[worksReachFamily]
	if !strings.HasPrefix(code, worksReachFamily) || !found || whole.MeanKm <= 0 {
		return 1, false
	}
	return t.ScaleKm(code) / whole.MeanKm, true
}

// ScaleKm is the mean distance of the contracts of the code, each prefix
// shrunk towards its parent's (worksReachPrior), from the whole family
// down to the code; the family's mean for a code outside it.
func (t ReachTable) ScaleKm(code string) float64 {
	scale := t[worksReachFamily].MeanKm
	if !strings.HasPrefix(code, worksReachFamily) {
		return scale
	}
	for l := len(worksReachFamily) + 1; l <= min(8, len(code)); l++ {
		r, found := t[code[:l]]
		if !found {
			break // no contract of that prefix: nothing below it either
		}
		n := float64(r.Contracts)
		scale = (n*r.MeanKm + worksReachPrior*scale) / (n + worksReachPrior)
	}
	return scale
}
