package data

import (
	"sort"
	"strconv"
	"strings"
)

// BOAMPDescriptorCPV is a reviewed row of the table mapping a BOAMP
// descriptor to CPV codes (refdata/boamp_descripteurs_cpv.csv). An empty
// CPV list means the descriptor names no trade (« Prestations de
// services »): it was reviewed and deliberately maps to nothing.
type BOAMPDescriptorCPV struct {
	Code       string
	Label      string
	CPV        []string // 8-digit codes, the most likely first
	Confidence float64  // how surely the descriptor implies the codes
	Why        string   // French justification, reviewed
}

var boampDescriptorTable = lazy[map[string]BOAMPDescriptorCPV]{load: func() map[string]BOAMPDescriptorCPV {
	m := map[string]BOAMPDescriptorCPV{}
	for _, r := range readCSV("refdata/boamp_descripteurs_cpv.csv") {
		e := BOAMPDescriptorCPV{Code: r["code"], Label: r["libelle"], Why: r["justification"]}
		if r["cpv"] != "" {
			e.CPV = strings.Split(r["cpv"], "|")
		}
		e.Confidence, _ = strconv.ParseFloat(r["confiance"], 64)
		m[descriptorKey(e.Label)] = e
	}
	return m
}}

// descriptorKey is the folded label a descriptor is looked up by.
func descriptorKey(label string) string { return strings.Join(Words(label), " ") }

// LookupBOAMPDescriptor finds the reviewed row of a descriptor by its
// label (folded), or by its code when the label is missing. The label
// rules: BOAMP's codes are not stable across its schemas, its labels are.
func LookupBOAMPDescriptor(d Descriptor) (BOAMPDescriptorCPV, bool) {
	t := boampDescriptorTable.get()
	if d.Label != "" {
		e, ok := t[descriptorKey(d.Label)]
		return e, ok
	}
	for _, e := range t {
		if d.Code != "" && e.Code == strings.TrimLeft(d.Code, "0") {
			return e, true
		}
	}
	return BOAMPDescriptorCPV{}, false
}

// BOAMPDescriptors returns the reviewed descriptor table, sorted by label.
func BOAMPDescriptors() []BOAMPDescriptorCPV {
	var out []BOAMPDescriptorCPV
	for _, e := range boampDescriptorTable.get() {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}
