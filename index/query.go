package index

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"fabrique/data"
)

// Point is a place on the map, in degrees.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Query is a search for suppliers. Filters of different kinds are combined
// with AND, values of one kind with OR. The zero Query returns every
// supplier, by name.
type Query struct {
	// Text is free text, searched in names, trade names, products,
	// activities, NAF and CPV labels and descriptions. Every word must
	// match (in any of those fields, or as a typo of a name); when no
	// supplier has them all, the results are those matching most words
	// and Results.Relaxed is set. A SIREN or SIRET written in groups
	// ("348 830 308", "348 830 308 00030") is searched as the number.
	Text string

	Regions      []string // région COG codes, "84"
	Departements []string // "69", "2A", "971"
	Labels       []string // "EPV", "OFG"
	NAF          []string // NAF rév. 2 sub-classes, "25.71Z"
	NAFSections  []string // "C"
	NAFDivisions []string // "25"
	CPVDivisions []string // "45"
	Headcounts   []string // INSEE headcount band codes, "12"
	Univers      []string // EPV univers, any case: "Mode et beauté"

	// Near and RadiusKm restrict the results to a circle; RadiusKm 0 keeps
	// every distance but still gives each hit its DistanceKm.
	Near     *Point
	RadiusKm float64
	// SortByDistance sorts by distance to Near, nearest first, instead of
	// by relevance.
	SortByDistance bool

	Page    int // 1-based; 0 means 1
	PerPage int // default DefaultPerPage, at most MaxPerPage

	Facets    bool // compute facet counts
	Highlight bool // compute highlighted fragments

	// IncludeCeased keeps the companies the register says have ceased;
	// by default a search leaves them out (they are never suggested).
	IncludeCeased bool

	// Uncached skips the cache of whole results, for a caller that caches
	// its own answers (an AnswerCache): holding both would cost a copy of
	// every answer and memory the collector must scan.
	Uncached bool
}

// Bounds of a query.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	// MaxResultWindow bounds Page×PerPage: deep pages cost as much as all
	// the pages before them.
	MaxResultWindow = 10000
	MaxRadiusKm     = 1000.0
	// MaxTenderText is the longest text of a TenderQuery, in characters,
	// as the forms count (an alert's keywords, data.MaxAlertKeywords,
	// always fit: FuzzAlertKeywords).
	MaxTenderText   = 500
	maxTextBytes    = 500
	maxQueryWords   = 12
	maxFilterValues = 100
)

// normalized validates q and puts it in canonical form: trimmed, sorted
// and de-duplicated filters, codes in their canonical case, bounded paging.
// Errors wrap data.ErrInvalid with a French message.
func (q Query) normalized() (Query, error) {
	q.Text = strings.Join(strings.Fields(q.Text), " ")
	if len(q.Text) > maxTextBytes {
		q.Text = truncateUTF8(q.Text, maxTextBytes)
	}
	if !utf8.ValidString(q.Text) {
		q.Text = strings.ToValidUTF8(q.Text, " ")
	}
	if n, ok := companyNumber(q.Text); ok {
		q.Text = n
	}
	var err error
	norm := func(field string, vals []string, canon func(string) string) []string {
		if err != nil {
			return nil
		}
		if len(vals) > maxFilterValues {
			err = invalid(field, "", fmt.Sprintf("au plus %d valeurs par filtre", maxFilterValues))
			return nil
		}
		var out []string
		for _, v := range vals {
			if v = canon(strings.TrimSpace(v)); v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return out
	}
	q.Regions = norm("region", q.Regions, identity)
	q.Departements = norm("departement", q.Departements, strings.ToUpper)
	q.Labels = norm("label", q.Labels, strings.ToUpper)
	q.NAF = norm("naf", q.NAF, canonicalNAF)
	q.NAFSections = norm("naf_section", q.NAFSections, strings.ToUpper)
	q.NAFDivisions = norm("naf_division", q.NAFDivisions, identity)
	q.CPVDivisions = norm("cpv_division", q.CPVDivisions, identity)
	q.Headcounts = norm("headcount", q.Headcounts, identity)
	q.Univers = norm("univers", q.Univers, canonicalUnivers)
	if err != nil {
		return q, err
	}

	if q.Near != nil {
		if !validLatLon(q.Near.Lat, q.Near.Lon) || math.IsNaN(q.Near.Lat) || math.IsNaN(q.Near.Lon) {
			return q, invalid("near", fmt.Sprintf("%g,%g", q.Near.Lat, q.Near.Lon), "coordonnées hors limites")
		}
		p := *q.Near // never keep the caller's pointer
		q.Near = &p
	}
	switch {
	case math.IsNaN(q.RadiusKm) || q.RadiusKm < 0 || q.RadiusKm > MaxRadiusKm:
		return q, invalid("radius_km", fmt.Sprintf("%g", q.RadiusKm), fmt.Sprintf("le rayon doit être compris entre 0 et %g km", MaxRadiusKm))
	case q.RadiusKm > 0 && q.Near == nil:
		return q, invalid("radius_km", fmt.Sprintf("%g", q.RadiusKm), "un rayon demande un lieu (commune, code postal ou coordonnées)")
	case q.SortByDistance && q.Near == nil:
		return q, invalid("sort", "distance", "le tri par distance demande un lieu")
	}

	if q.Page <= 0 {
		q.Page = 1
	}
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	if q.PerPage > MaxPerPage {
		q.PerPage = MaxPerPage
	}
	if q.Page*q.PerPage > MaxResultWindow {
		return q, invalid("page", fmt.Sprint(q.Page), fmt.Sprintf("seuls les %d premiers résultats peuvent être parcourus : affinez la recherche", MaxResultWindow))
	}
	return q, nil
}

func identity(s string) string { return s }

// canonicalNAF returns the canonical form of a NAF code when it is one
// ("2571z" → "25.71Z"), else the upper-cased input.
func canonicalNAF(s string) string {
	if c, err := data.NormalizeNAF(s); err == nil {
		return c
	}
	return strings.ToUpper(s)
}

func invalid(field, value, msg string) error {
	return fmt.Errorf("index: %w", &data.ValidationError{Field: field, Value: value, Message: msg})
}

// cacheKey identifies what a facet result depends on: text, filters and
// circle, not paging, sorting or highlighting.
func (q Query) cacheKey() string {
	var b strings.Builder
	b.WriteString(q.Text)
	for _, l := range [][]string{q.Regions, q.Departements, q.Labels, q.NAF, q.NAFSections,
		q.NAFDivisions, q.CPVDivisions, q.Headcounts, q.Univers} {
		b.WriteByte(0)
		b.WriteString(strings.Join(l, "\x01"))
	}
	if q.Near != nil {
		fmt.Fprintf(&b, "\x00%.6f,%.6f,%g", q.Near.Lat, q.Near.Lon, q.RadiusKm)
	}
	if q.IncludeCeased {
		b.WriteString("\x00ceased")
	}
	return b.String()
}

// companyNumber returns the SIREN or SIRET that text is, its digits
// joined, when the whole text is one written in the groups of a Kbis or
// of INSEE ("348 830 308", "348 830 308 00030", "348830308 00030", the
// NIC also as "000 30"). Other digit groups ("69003 3500") are not one:
// they are searched as words.
func companyNumber(text string) (string, bool) {
	groups := strings.Fields(text)
	if len(groups) < 2 {
		return "", false // one group is searched as it is
	}
	sizes := make([]int, len(groups))
	for i, g := range groups {
		if !data.AllDigits(g) {
			return "", false
		}
		sizes[i] = len(g)
	}
	var nic []int
	switch {
	case sizes[0] == 9:
		nic = sizes[1:]
	case len(sizes) >= 3 && slices.Equal(sizes[:3], []int{3, 3, 3}):
		nic = sizes[3:]
	default:
		return "", false
	}
	if len(nic) == 0 || slices.Equal(nic, []int{5}) || slices.Equal(nic, []int{3, 2}) {
		return strings.Join(groups, ""), true
	}
	return "", false
}
