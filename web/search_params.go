package web

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// searchParams are the criteria of a supplier search as URLs carry them.
// The search page, its CSV export, its report and the JSON API share them;
// they differ only in the name of the sort parameter and in paging (see
// dialect).
type searchParams struct {
	Text         string
	Regions      []string // COG codes
	Departements []string
	Labels       []string
	NAF          []string // NAF rév. 2 sub-classes
	NAFSections  []string
	NAFDivisions []string
	CPVDivisions []string
	Headcounts   []string
	Univers      []string

	Near       string  // as typed: commune, postcode or "lat,lon"
	RadiusKm   float64 // 0: no circle (distances are still shown)
	ByDistance bool
	Page       int // 1-based
	PerPage    int

	// Place is the place recognised at the end of Text (search_place.go),
	// nil when there is none or NoPlace is set: the buyer removed it, and
	// its words are searched as text.
	Place   *index.TextPlace
	NoPlace bool
}

// dialect is the flavour of the URL parameters: French for pages, English
// for the API.
type dialect int

const (
	pageDialect dialect = iota // tri=pertinence|distance, fixed page size
	apiDialect                 // sort=relevance|distance, per_page
)

// Page sizes and bounds of the criteria.
const (
	pagePerPage     = 20
	apiPerPage      = index.DefaultPerPage
	maxTextRunes    = 200
	maxParamValues  = 50
	maxUniversRunes = 80
	maxPage         = index.MaxResultWindow
)

// filterParam describes one repeatable filter parameter.
type filterParam struct {
	name string
	// add validates a value and appends it to the right list of p.
	add func(p *searchParams, v string) error
}

// filterParams lists the filter parameters in the order pages show them.
// Their names are also the facet names of the index and of the API.
func filterParams() []filterParam {
	return []filterParam{
		{"label", addLabel},
		{"region", addRegion},
		{"departement", addDepartement},
		{"univers", addUnivers},
		{"naf", addNAF},
		{"naf_section", addNAFSection},
		{"naf_division", addNAFDivision},
		{"cpv", addCPV},
		{"cpv_division", addCPVDivision},
		{"headcount", addHeadcount},
	}
}

// apiSearchParamNames are the query parameters of GET /api/v1/suppliers,
// as the OpenAPI document must list them.
func apiSearchParamNames() []string {
	names := []string{"q"}
	for _, f := range filterParams() {
		names = append(names, f.name)
	}
	return append(names, "near", "radius_km", "sort", "page", "per_page", apiPlaceParam)
}

// queryValues copies the query string of a request (repeated parameters
// kept, in order).
func queryValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	c.Context().QueryArgs().VisitAll(func(key, value []byte) {
		k := string(key)
		v[k] = append(v[k], string(value))
	})
	return v
}

// parseSearchParams reads and validates the criteria of a search. Errors
// wrap a *data.ValidationError whose French message names the parameter.
func parseSearchParams(v url.Values, d dialect) (searchParams, error) {
	p := searchParams{Page: 1, PerPage: pagePerPage}
	if d == apiDialect {
		p.PerPage = apiPerPage
	}
	p.Text = strings.Join(strings.Fields(strings.ToValidUTF8(v.Get("q"), " ")), " ")
	if utf8.RuneCountInString(p.Text) > maxTextRunes {
		return p, badParam("q", "", fmt.Sprintf("la recherche est limitée à %d caractères", maxTextRunes))
	}
	p.Near = strings.Join(strings.Fields(strings.ToValidUTF8(v.Get("near"), " ")), " ")
	if utf8.RuneCountInString(p.Near) > maxTextRunes {
		return p, badParam("near", "", "lieu trop long")
	}
	if raw := strings.TrimSpace(v.Get("radius_km")); raw != "" {
		km, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
		if err != nil || km < 0 || km > index.MaxRadiusKm || km != km {
			return p, badParam("radius_km", raw, fmt.Sprintf("le rayon doit être un nombre de kilomètres entre 0 et %g", index.MaxRadiusKm))
		}
		p.RadiusKm = km
	}
	if d == pageDialect && p.Near != "" && v.Has("radius_km") && strings.TrimSpace(v.Get("radius_km")) == "" {
		p.RadiusKm = defaultRadiusKm // the form's default, chosen with a place
	}
	// The filters are read after the place: an invalid one (departement=99)
	// shows the form again with the place and radius as typed, not emptied.
	for _, f := range filterParams() {
		vals := v[f.name]
		if len(vals) > maxParamValues {
			return p, badParam(f.name, "", fmt.Sprintf("au plus %d valeurs par filtre", maxParamValues))
		}
		for _, raw := range vals {
			raw = strings.TrimSpace(raw)
			if raw == "" {
				continue
			}
			if err := f.add(&p, raw); err != nil {
				return p, err
			}
		}
	}
	if err := p.findPlace(v, d); err != nil { // search_place.go
		return p, err
	}
	if p.RadiusKm > 0 && p.Near == "" && !p.placeIsCommune() {
		if d == pageDialect { // the form's radius list always sends a value
			p.RadiusKm = 0
		} else {
			return p, badParam("radius_km", "", "un rayon demande un lieu : indiquez une commune, un code postal ou des coordonnées")
		}
	}

	sortName, relevance := "tri", "pertinence"
	if d == apiDialect {
		sortName, relevance = "sort", "relevance"
	}
	switch s := strings.TrimSpace(v.Get(sortName)); s {
	case "", relevance:
		// Without words there is no relevance to rank by: around a place,
		// the best order is nearest first.
		p.ByDistance = p.Near != "" && p.Text == ""
	case "distance":
		if p.Near == "" && p.Place == nil {
			p.ByDistance = true // the form shows the choice again, beside its message
			return p, badParam(sortName, s, "le tri par distance demande un lieu : indiquez une commune, un code postal ou des coordonnées")
		}
		p.ByDistance = true
	default:
		return p, badParam(sortName, s, "tri inconnu : « "+relevance+" » ou « distance »")
	}

	var err error
	if p.Page, err = intParam(v, "page", 1, 1, maxPage); err != nil {
		return p, err
	}
	if d == apiDialect {
		if p.PerPage, err = intParam(v, "per_page", apiPerPage, 1, index.MaxPerPage); err != nil {
			return p, err
		}
	}
	if p.Page*p.PerPage > index.MaxResultWindow {
		return p, badParam("page", strconv.Itoa(p.Page), fmt.Sprintf("seuls les %d premiers résultats peuvent être parcourus : affinez la recherche", index.MaxResultWindow))
	}
	return p, nil
}

// intParam reads an integer parameter between lo and hi.
func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	raw := strings.TrimSpace(v.Get(name))
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return def, badParam(name, raw, fmt.Sprintf("« %s » doit être un nombre entier entre %d et %d", name, lo, hi))
	}
	return n, nil
}

// badParam is the error of an invalid parameter, with a French message.
func badParam(name, value, msg string) error {
	return fmt.Errorf("web: %w", &data.ValidationError{Field: name, Value: value, Message: msg})
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func addLabel(p *searchParams, v string) error {
	t := data.LabelType(strings.ToUpper(v))
	if !data.KnownLabel(t) {
		return badParam("label", v, "label inconnu : "+data.LabelsText())
	}
	p.Labels = appendNew(p.Labels, string(t))
	return nil
}

func addRegion(p *searchParams, v string) error {
	r, ok := data.LookupRegion(v)
	if !ok {
		if r, ok = data.RegionByName(v); !ok {
			return badParam("region", v, "région inconnue : indiquez son code officiel (84 pour Auvergne-Rhône-Alpes)")
		}
	}
	p.Regions = appendNew(p.Regions, r.Code)
	return nil
}

func addDepartement(p *searchParams, v string) error {
	d, ok := data.LookupDepartement(v)
	if !ok {
		return badParam("departement", v, "département inconnu : indiquez son code (69, 2A, 971)")
	}
	p.Departements = appendNew(p.Departements, d.Code)
	return nil
}

func addUnivers(p *searchParams, v string) error {
	if utf8.RuneCountInString(v) > maxUniversRunes {
		return badParam("univers", "", "univers trop long")
	}
	p.Univers = appendNew(p.Univers, v)
	return nil
}

var (
	nafSectionRe  = regexp.MustCompile(`^[A-Za-z]$`)
	twoDigitsRe   = regexp.MustCompile(`^\d{2}$`)
	cpvFullCodeRe = regexp.MustCompile(`^\d{8}(-\d)?$`)
)

// addNAF takes a NAF code of any level: a section ("C"), a division ("25")
// or a sub-class ("25.71Z", "2571z").
func addNAF(p *searchParams, v string) error {
	switch {
	case nafSectionRe.MatchString(v):
		return addNAFSection(p, v)
	case twoDigitsRe.MatchString(v):
		return addNAFDivision(p, v)
	}
	code, err := data.NormalizeNAF(v)
	if err != nil {
		return badParam("naf", v, "code NAF inconnu : une section (C), une division (25) ou une sous-classe (25.71Z)")
	}
	p.NAF = appendNew(p.NAF, code)
	return nil
}

func addNAFSection(p *searchParams, v string) error {
	s := strings.ToUpper(v)
	if n, ok := data.LookupNAF(s); !ok || n.Level != "section" {
		return badParam("naf_section", v, "section NAF inconnue : une lettre de A à U")
	}
	p.NAFSections = appendNew(p.NAFSections, s)
	return nil
}

func addNAFDivision(p *searchParams, v string) error {
	if n, ok := data.LookupNAF(v); !ok || n.Level != "division" {
		return badParam("naf_division", v, "division NAF inconnue : deux chiffres (25)")
	}
	p.NAFDivisions = appendNew(p.NAFDivisions, v)
	return nil
}

// addCPV takes a CPV division ("45") or a full code ("45212350-4"), which
// filters on its division: suppliers are indexed by CPV division.
func addCPV(p *searchParams, v string) error {
	if cpvFullCodeRe.MatchString(v) {
		code, err := data.NormalizeCPV(v)
		if err != nil {
			return badParam("cpv", v, "code CPV inconnu ou clé de contrôle incorrecte")
		}
		v = data.CPVDivision(code)
	}
	if err := addCPVDivision(p, v); err != nil {
		return badParam("cpv", v, "code CPV inconnu : une division (45) ou un code complet (45212350-4)")
	}
	return nil
}

func addCPVDivision(p *searchParams, v string) error {
	if !twoDigitsRe.MatchString(v) {
		return badParam("cpv_division", v, "division CPV inconnue : deux chiffres (45)")
	}
	if _, ok := data.LookupCPV(v + "000000"); !ok {
		return badParam("cpv_division", v, "division CPV inconnue : deux chiffres (45)")
	}
	p.CPVDivisions = appendNew(p.CPVDivisions, v)
	return nil
}

func addHeadcount(p *searchParams, v string) error {
	if _, ok := data.LookupHeadcountBand(v); !ok {
		return badParam("headcount", v, "tranche d'effectifs inconnue : un code Insee (00, 01, 02…)")
	}
	p.Headcounts = appendNew(p.Headcounts, v)
	return nil
}

// filterField is where p holds the values of a filter parameter; nil for
// "cpv", which is stored as cpv_division.
func (p *searchParams) filterField(name string) *[]string {
	switch name {
	case "label":
		return &p.Labels
	case "region":
		return &p.Regions
	case "departement":
		return &p.Departements
	case "univers":
		return &p.Univers
	case "naf":
		return &p.NAF
	case "naf_section":
		return &p.NAFSections
	case "naf_division":
		return &p.NAFDivisions
	case "cpv_division":
		return &p.CPVDivisions
	case "headcount":
		return &p.Headcounts
	}
	return nil
}

// filterValues returns the values p holds for a filter parameter.
func (p *searchParams) filterValues(name string) []string {
	if f := p.filterField(name); f != nil {
		return *f
	}
	return nil
}

// hasFilters reports whether any filter is set.
func (p *searchParams) hasFilters() bool {
	for _, f := range filterParams() {
		if len(p.filterValues(f.name)) > 0 {
			return true
		}
	}
	return false
}

// query turns the criteria into an index query, resolving the place. It
// returns the French description of the place ("Lyon (69)").
func (p *searchParams) query() (index.Query, string, error) {
	q := index.Query{
		Text: p.Text, Regions: p.Regions, Departements: p.Departements, Labels: p.Labels, NAF: p.NAF,
		NAFSections: p.NAFSections, NAFDivisions: p.NAFDivisions, CPVDivisions: p.CPVDivisions,
		Headcounts: p.Headcounts, Univers: p.Univers,
		RadiusKm: p.RadiusKm, SortByDistance: p.ByDistance, Page: p.Page, PerPage: p.PerPage,
	}
	if p.Place != nil {
		return p.placeQuery(q), p.Place.Label, nil
	}
	if p.Near == "" {
		return q, "", nil
	}
	pt, label, err := index.ResolveNear(p.Near)
	if err != nil {
		return q, "", err
	}
	q.Near = &pt
	return q, label, nil
}

// values writes the criteria back as page parameters (page dialect), for
// links: pagination, exports, removing one filter.
func (p *searchParams) values() url.Values {
	v := url.Values{}
	if p.Text != "" {
		v.Set("q", p.Text)
	}
	for _, f := range filterParams() {
		for _, x := range p.filterValues(f.name) {
			v.Add(f.name, x)
		}
	}
	if p.Near != "" {
		v.Set("near", p.Near)
		if p.RadiusKm > 0 {
			v.Set("radius_km", strconv.FormatFloat(p.RadiusKm, 'f', -1, 64))
		}
		if p.ByDistance && p.Text != "" {
			v.Set("tri", "distance")
		}
	}
	if p.Place != nil && p.ByDistance {
		v.Set("tri", "distance")
	}
	if p.placeIsCommune() && p.RadiusKm != defaultRadiusKm {
		v.Set("radius_km", strconv.FormatFloat(p.RadiusKm, 'f', -1, 64))
	}
	if p.NoPlace {
		v.Set(pagePlaceParam, pagePlaceOff)
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

// link returns path with the criteria as query string.
func (p *searchParams) link(path string) string { return withQuery(path, p.values()) }

// withQuery returns path with v as its query string, if any.
func withQuery(path string, v url.Values) string {
	if q := v.Encode(); q != "" {
		return path + "?" + q
	}
	return path
}
