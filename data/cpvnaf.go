package data

import (
	"sort"
	"strings"
)

// CPVNAFFit is one row of the curated correspondence between a CPV
// division (what buyers buy) and a NAF division (what companies do), kept
// in refdata/cpv_naf_divisions.csv with the justification of each row. No
// official table exists; this one is checked against real awards (see
// the matcher's evaluation).
type CPVNAFFit struct {
	CPVDivision string // "45"
	// NAFDivision is the NAF division ("43"), or in a refined group's row
	// a NAF class ("43.29") when the division gathers other trades.
	NAFDivision   string
	Primary       bool // the NAF division makes or provides what the CPV division buys
	Justification string
	// CPVPrefix is, on a refined group's row, the group, class or
	// category it refines ("508", "5085", "45421"); "" on a division's row.
	CPVPrefix string
}

type cpvNAFTables struct {
	byCPV map[string][]CPVNAFFit
	byNAF map[string][]CPVNAFFit
	// byPrefix refines a division for a group, class or category of CPV
	// codes (refdata/cpv_naf_groups.csv, "508", "5085", "45421"): where a division
	// gathers unrelated trades — repair and maintenance (50) covers cars,
	// ships, computers, lifts, furniture and musical instruments —, the
	// trades that do the group's work replace the division's.
	byPrefix map[string][]CPVNAFFit
	// refined holds the CPV divisions that byPrefix refines.
	refined map[string]bool
}

var cpvNAF = lazy[cpvNAFTables]{load: func() cpvNAFTables {
	t := cpvNAFTables{byCPV: map[string][]CPVNAFFit{}, byNAF: map[string][]CPVNAFFit{}, byPrefix: map[string][]CPVNAFFit{}, refined: map[string]bool{}}
	for _, r := range readCSV("refdata/cpv_naf_divisions.csv") {
		f := CPVNAFFit{CPVDivision: r["cpv_division"], NAFDivision: r["naf_division"],
			Primary: r["fit"] == "primary", Justification: r["justification"]}
		t.byCPV[f.CPVDivision] = append(t.byCPV[f.CPVDivision], f)
		t.byNAF[f.NAFDivision] = append(t.byNAF[f.NAFDivision], f)
	}
	for _, r := range readCSV("refdata/cpv_naf_groups.csv") {
		p := r["cpv_prefix"]
		f := CPVNAFFit{CPVDivision: p[:2], NAFDivision: r["naf"], CPVPrefix: p,
			Primary: r["fit"] == "primary", Justification: r["justification"]}
		t.byPrefix[p] = append(t.byPrefix[p], f)
		t.refined[f.CPVDivision] = true
	}
	return t
}}

// CPVNAFRefinements returns every row of the groups that refine a
// division (refdata/cpv_naf_groups.csv), by prefix then NAF.
func CPVNAFRefinements() []CPVNAFFit {
	return sortedFits(cpvNAF.get().byPrefix)
}

// sortedFits flattens rows grouped by CPV key, by key then NAF.
func sortedFits(byKey map[string][]CPVNAFFit) []CPVNAFFit {
	var out []CPVNAFFit
	for _, fs := range byKey {
		out = append(out, fs...)
	}
	key := func(f CPVNAFFit) string { return f.CPVDivision + "/" + f.CPVPrefix }
	sort.Slice(out, func(i, j int) bool {
		if ki, kj := key(out[i]), key(out[j]); ki != kj {
			return ki < kj
		}
		return out[i].NAFDivision < out[j].NAFDivision
	})
	return out
}

// CPVNAFFitsFor returns the correspondence rows that apply to a CPV code:
// those of its longest refined prefix (category, class, then group) when the table
// refines it, else its division's.
func CPVNAFFitsFor(cpv string) []CPVNAFFit {
	t := cpvNAF.get()
	for n := min(len(cpv), 5); n >= 3; n-- {
		if fs, ok := t.byPrefix[cpv[:n]]; ok {
			return fs
		}
	}
	return t.byCPV[CPVDivision(cpv)]
}

// CPVNAFFits returns every row of the correspondence table, by CPV then
// NAF division.
func CPVNAFFits() []CPVNAFFit {
	return sortedFits(cpvNAF.get().byCPV)
}

// FitOf returns how a company of NAF code naf fits a CPV code: the
// correspondence row of its NAF division among those that apply to the
// code (CPVNAFFitsFor), if any. A bare division code (« 50000000 ») of a
// division the groups refine names a domain, not a trade: its rows are the
// union of its groups' trades, so none of them fits it as primary (the
// upkeep of a cremation furnace, deduced as 50000000, led with garages
// « moyenne »; lorry parts deduced as 34000000 with a cycle maker).
func FitOf(cpv, naf string) (CPVNAFFit, bool) {
	n := NAFDivision(naf)
	for _, f := range CPVNAFFitsFor(cpv) {
		if f.NAFDivision == n || len(f.NAFDivision) > 2 && strings.HasPrefix(naf, f.NAFDivision) {
			if f.Primary && f.CPVPrefix == "" && divisionRoot(cpv) && cpvNAF.get().refined[f.CPVDivision] {
				f.Primary = false
			}
			return f, true
		}
	}
	return CPVNAFFit{}, false
}

// divisionRoot reports whether a CPV code names a whole division
// ("50000000"), not a group or anything narrower.
func divisionRoot(cpv string) bool {
	return len(cpv) >= 8 && cpv[2:8] == "000000"
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

// NAFCPVPrefixes returns the CPV prefixes a company of the given NAF code
// is expected to supply, by fit: the groups, classes and categories of
// cpv_naf_groups.csv whose rows name its NAF class or division, and the
// divisions that no row refines (their rows name NAF divisions). A
// division the groups refine counts only through its rows: a cutler
// (25.71Z) supplies cutlery (3924) and swords (35311), not all of
// security and defence (35) nor of building materials (44), which the
// division rows of NAF 25 would give it.
func NAFCPVPrefixes(naf string) (primary, secondary []string) {
	t := cpvNAF.get()
	div := NAFDivision(naf)
	seen := map[string]bool{}
	add := func(f CPVNAFFit, prefix string) {
		if seen[prefix] {
			return
		}
		seen[prefix] = true
		if f.Primary {
			primary = append(primary, prefix)
		} else {
			secondary = append(secondary, prefix)
		}
	}
	for _, f := range sortedFits(t.byPrefix) {
		if f.NAFDivision == div || len(f.NAFDivision) > 2 && strings.HasPrefix(naf, f.NAFDivision) {
			add(f, f.CPVPrefix)
		}
	}
	for _, f := range t.byNAF[div] {
		if !t.refined[f.CPVDivision] {
			add(f, f.CPVDivision)
		}
	}
	return outermostPrefixes(primary), outermostPrefixes(secondary)
}

// outermostPrefixes sorts prefixes and drops those a shorter one of the
// list already covers (« 4422 » under « 442 »).
func outermostPrefixes(ps []string) []string {
	sort.Strings(ps)
	out := ps[:0]
	for _, p := range ps {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}
