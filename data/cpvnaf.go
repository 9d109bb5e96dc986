package data

import "sort"

// CPVNAFFit is one row of the curated correspondence between a CPV
// division (what buyers buy) and a NAF division (what companies do), kept
// in refdata/cpv_naf_divisions.csv with the justification of each row. No
// official table exists; this one is checked against real awards (see
// the matcher's evaluation).
type CPVNAFFit struct {
	CPVDivision   string // "45"
	NAFDivision   string // "43"
	Primary       bool   // the NAF division makes or provides what the CPV division buys
	Justification string
}

type cpvNAFTables struct {
	byCPV map[string][]CPVNAFFit
	byNAF map[string][]CPVNAFFit
}

var cpvNAF = lazy[cpvNAFTables]{load: func() cpvNAFTables {
	t := cpvNAFTables{byCPV: map[string][]CPVNAFFit{}, byNAF: map[string][]CPVNAFFit{}}
	for _, r := range readCSV("refdata/cpv_naf_divisions.csv") {
		f := CPVNAFFit{CPVDivision: r["cpv_division"], NAFDivision: r["naf_division"],
			Primary: r["fit"] == "primary", Justification: r["justification"]}
		t.byCPV[f.CPVDivision] = append(t.byCPV[f.CPVDivision], f)
		t.byNAF[f.NAFDivision] = append(t.byNAF[f.NAFDivision], f)
	}
	return t
}}

// CPVNAFFits returns every row of the correspondence table, by CPV then
// NAF division.
func CPVNAFFits() []CPVNAFFit {
	var out []CPVNAFFit
	for _, fs := range cpvNAF.get().byCPV {
		out = append(out, fs...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CPVDivision != out[j].CPVDivision {
			return out[i].CPVDivision < out[j].CPVDivision
		}
		return out[i].NAFDivision < out[j].NAFDivision
	})
	return out
}

// FitOf returns how a company of NAF code naf fits a CPV code: the
// correspondence row of their divisions, if any.
func FitOf(cpv, naf string) (CPVNAFFit, bool) {
	c, n := CPVDivision(cpv), NAFDivision(naf)
	for _, f := range cpvNAF.get().byCPV[c] {
		if f.NAFDivision == n {
			return f, true
		}
	}
	return CPVNAFFit{}, false
}

// NAFCPVDivisions returns the CPV division codes ("45000000") that a company of
// the given NAF code is expected to supply, primary fits first. They are
// inferences, to be stored apart from declared codes (Supplier.CPVInferred).
func NAFCPVDivisions(naf string) []string {
	fits := cpvNAF.get().byNAF[NAFDivision(naf)]
	var primary, secondary []string
	for _, f := range fits {
		code := f.CPVDivision + "000000"
		if f.Primary {
			primary = append(primary, code)
		} else {
			secondary = append(secondary, code)
		}
	}
	sort.Strings(primary)
	sort.Strings(secondary)
	return append(primary, secondary...)
}
