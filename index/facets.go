package index

import (
	"sort"

	"fabrique/data"
)

// Facets are counts of the results per value, keyed by facet name: "label",
// "region", "departement", "naf_section", "naf_division", "cpv_division",
// "headcount", "univers".
type Facets map[string][]FacetCount

// FacetCount is the number of results having one value.
type FacetCount struct {
	Value string `json:"value"` // as given back in Query filters
	Label string `json:"label"` // French display label
	Count int    `json:"count"`
}

// facetNames maps the index fields to the facet names of the API.
var facetNames = map[string]string{
	fLabels: "label", fRegion: "region", fDepartement: "departement", fNAFSection: "naf_section",
	fNAFDivision: "naf_division", fCPVDivision: "cpv_division", fHeadcount: "headcount", fUnivers: "univers",
}

// sortFacetCounts orders facet values by decreasing count, then by value.
func sortFacetCounts(counts []FacetCount) {
	sort.Slice(counts, func(i, j int) bool {
		if counts[i].Count != counts[j].Count {
			return counts[i].Count > counts[j].Count
		}
		return counts[i].Value < counts[j].Value
	})
}

// FacetLabel is the French name of a facet or filter value, from the
// reference data ("84" → "Auvergne-Rhône-Alpes"); the value itself when it
// has none. Filters name their values like facets; "naf" is the NAF code.
func FacetLabel(facet, v string) string {
	switch facet {
	case "label":
		return data.LabelName(data.LabelType(v))
	case "region":
		if r, ok := data.LookupRegion(v); ok {
			return r.Name
		}
	case "departement":
		if d, ok := data.LookupDepartement(v); ok {
			return d.Name
		}
	case "naf", "naf_section", "naf_division":
		if n, ok := data.LookupNAF(v); ok {
			return n.Label
		}
	case "cpv_division":
		if c, ok := data.LookupCPV(v + "000000"); ok {
			return c.LabelFR
		}
	case "headcount":
		if b, ok := data.LookupHeadcountBand(v); ok {
			return b.Label
		}
	}
	return v
}

// facetEntry is what the cache keeps for one query.
type facetEntry struct {
	relaxed bool
	facets  Facets
}
