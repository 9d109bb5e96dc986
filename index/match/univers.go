package match

import (
	"slices"
	"strings"

	"fabrique/data"
)

// ReasonUnivers is the reason kind of a fit between the EPV univers of a
// company and the CPV division of a tender. Its French text is in Detail.
const ReasonUnivers data.ReasonKind = "univers"

// EPVUnivers are the eight "univers" of the EPV directory, spelt as they
// should be shown. The source writes them with varying case ("Mode et
// beauté", "Mode et Beauté") and without the accent of "Équipements".
var EPVUnivers = []string{
	"Ameublement et décoration",
	"Architecture et patrimoine bâti",
	"Arts de la table",
	"Culture et communication",
	"Équipements industriels, médicaux, mécaniques",
	"Gastronomie",
	"Loisirs et transports",
	"Mode et beauté",
}

// universFit is one row of the curated correspondence between the eight
// univers of the EPV directory (the State's own sectors of the labelled
// companies) and the CPV divisions their companies supply. It complements
// the NAF code, which for a craft firm often says little ("other
// manufacturing"): a stone-cutter filed under 23.70Z and a gilder under
// 90.03B both say « Architecture et patrimoine bâti ».
type universFit struct {
	univers     string // as in EPVUnivers
	cpvDivision string
	primary     bool
	why         string
}

// universFits is kept short on purpose: a row is added when the univers
// plainly covers what the division buys, not when some award happens to
// link them.
var universFits = []universFit{
	{"Architecture et patrimoine bâti", "45", true, "restoration and construction work on buildings and monuments is the core of the univers"},
	{"Architecture et patrimoine bâti", "44", true, "stone, tiles, bricks, ironwork and joinery for buildings are made by its companies"},
	{"Architecture et patrimoine bâti", "71", false, "heritage architects and surveyors of the univers provide architectural services"},
	{"Ameublement et décoration", "39", true, "furniture, furnishings and decorative articles are what the univers makes"},
	{"Ameublement et décoration", "45", false, "decorative finishing work in buildings (painting, gilding, staff, upholstery in place) is CPV 45.4"},
	{"Arts de la table", "39", true, "tableware, cutlery and glassware are household articles of CPV 39.2"},
	{"Culture et communication", "22", true, "printing, binding and publishing make the printed matter of CPV 22"},
	{"Culture et communication", "37", false, "musical instruments and art supplies (CPV 37.3, 37.8) are made in the univers"},
	{"Culture et communication", "79", false, "printing and related services are CPV 79.8"},
	{"Culture et communication", "92", false, "cultural, museum and heritage services are CPV 92"},
	{"Équipements industriels, médicaux, mécaniques", "42", true, "industrial machinery and tools are what the univers makes"},
	{"Équipements industriels, médicaux, mécaniques", "38", true, "measuring and precision instruments are CPV 38"},
	{"Équipements industriels, médicaux, mécaniques", "33", false, "medical equipment and instruments are CPV 33.1"},
	{"Équipements industriels, médicaux, mécaniques", "31", false, "electrical machinery and equipment are CPV 31"},
	{"Équipements industriels, médicaux, mécaniques", "44", false, "structural metal products, tools and ironmongery are CPV 44"},
	{"Gastronomie", "15", true, "food products and beverages are CPV 15"},
	{"Gastronomie", "03", false, "farm produce is CPV 03"},
	{"Gastronomie", "55", false, "catering services are CPV 55.5"},
	{"Loisirs et transports", "34", true, "vehicles, boats, cycles and their parts are CPV 34"},
	{"Loisirs et transports", "37", true, "sports goods, games, toys and instruments are CPV 37"},
	{"Mode et beauté", "18", true, "clothing, footwear, leather goods, jewellery and watches are CPV 18"},
	{"Mode et beauté", "19", false, "leather and textile materials are CPV 19"},
	{"Mode et beauté", "33", false, "perfumes and cosmetics are personal care products of CPV 33.7"},
}

// Values of a univers fit: coarser than a NAF division (eight univers for
// every trade), so below a NAF fit of the same kind.
const (
	FitUniversPrimary   = 0.5
	fitUniversSecondary = 0.25
)

// universKeys maps each EPV univers, lower-cased and as folded words, to
// its display form, so that a supplier's univers is recognised with a
// lookup or two. It is built once and never changed.
var universKeys = func() map[string]string {
	m := make(map[string]string, 2*len(EPVUnivers))
	for _, u := range EPVUnivers {
		m[strings.ToLower(u)] = u
		m[strings.Join(data.Words(u), " ")] = u
	}
	return m
}()

// supplierUnivers returns the EPV univers of the supplier (from its EPV
// labels and activities), canonical.
func supplierUnivers(s *data.Supplier) []string {
	var out []string
	add := func(v string) {
		u, ok := universKeys[strings.ToLower(v)]
		if !ok {
			u, ok = universKeys[strings.Join(data.Words(v), " ")]
		}
		if ok {
			out = appendMissing(out, u)
		}
	}
	for _, l := range s.Labels {
		if l.Type == data.LabelEPV && l.Category != "" {
			add(l.Category)
		}
	}
	for _, a := range s.Activities {
		add(a)
	}
	return out
}

// universFitOf returns the best fit of the univers to a CPV division.
func universFitOf(univers []string, cpvDivision string) (universFit, float64) {
	var best universFit
	v := 0.0
	for _, f := range universFits {
		if f.cpvDivision != cpvDivision || !slices.Contains(univers, f.univers) {
			continue
		}
		w := fitUniversSecondary
		if f.primary {
			w = FitUniversPrimary
		}
		if w > v {
			best, v = f, w
		}
	}
	return best, v
}

// UniversesFitting returns the univers that fit any of the CPV divisions,
// with their value.
func UniversesFitting(cpvDivisions []string) map[string]float64 {
	out := map[string]float64{}
	for _, f := range universFits {
		if !slices.Contains(cpvDivisions, f.cpvDivision) {
			continue
		}
		w := fitUniversSecondary
		if f.primary {
			w = FitUniversPrimary
		}
		out[f.univers] = max(out[f.univers], w)
	}
	return out
}

// universDetail renders a univers fit in French.
func universDetail(univers, cpv, cpvLabel string, inferred bool) string {
	s := "univers EPV « " + univers + " » ↔ CPV "
	if inferred {
		s += "déduit "
	}
	s += cpv
	if cpvLabel != "" {
		s += " (" + strings.ToLower(cpvLabel) + ")"
	}
	return s
}
