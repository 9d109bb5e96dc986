package index

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/index/match"
)

// indexDoc is what bleve indexes for one supplier: keyword codes, French
// text, an un-stemmed name, a geo point and a stored blob for display.
//
// Optional keyword fields are slices, even single-valued ones: bleve
// indexes an empty string as a term, a nil slice as nothing.
type indexDoc struct {
	ID          string   `json:"id"`
	SIREN       []string `json:"siren,omitempty"`
	SIRETs      []string `json:"sirets,omitempty"`
	NAF         []string `json:"naf,omitempty"`
	NAFSection  []string `json:"naf_section,omitempty"`
	NAFDivision []string `json:"naf_division,omitempty"`
	CPV         []string `json:"cpv,omitempty"`
	CPVDivision []string `json:"cpv_division,omitempty"`
	Departement []string `json:"departement,omitempty"`
	Region      []string `json:"region,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	Headcount   []string `json:"headcount,omitempty"`
	Univers     []string `json:"univers,omitempty"`
	Area        []string `json:"area,omitempty"`
	Turnover    []string `json:"turnover,omitempty"`
	// Status is ["ceased"] for a company the register says has ceased:
	// searches leave it out unless asked (Query.IncludeCeased), matches
	// always do.
	Status   []string `json:"status,omitempty"`
	Stamp    string   `json:"stamp"`
	NameSort string   `json:"name_sort"`

	Name         []string `json:"name"`
	NameExact    []string `json:"name_exact"`
	Offer        []string `json:"offer,omitempty"`
	Nomenclature []string `json:"nomenclature,omitempty"`
	Description  string   `json:"description,omitempty"`

	Geo *geoPoint `json:"geo,omitempty"`
	Src string    `json:"src"`
}

// geoPoint is read by bleve through its Lat and Lon fields.
type geoPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// srcDoc is the stored blob: everything a hit shows or highlights, so that
// a page of results needs one stored-field read per hit.
type srcDoc struct {
	hitFields
	TradeNames  []string `json:"tn,omitempty"`
	Activities  []string `json:"act,omitempty"`
	Products    []string `json:"prod,omitempty"`
	Description string   `json:"desc,omitempty"`
}

// hitFields is the part of the stored blob a hit shows: decoding into it
// skips the long text fields (description, products), which only
// highlighting needs, without allocating them.
type hitFields struct {
	ID          string   `json:"id"`
	SIREN       string   `json:"siren,omitempty"`
	SIRET       string   `json:"siret,omitempty"`
	Name        string   `json:"name"`
	Commune     string   `json:"com,omitempty"`
	Departement string   `json:"dep,omitempty"`
	Region      string   `json:"reg,omitempty"`
	NAF         string   `json:"naf,omitempty"`
	NAFLabel    string   `json:"nafl,omitempty"`
	Labels      []string `json:"lab,omitempty"`
	Univers     []string `json:"uni,omitempty"`
	Lat         float64  `json:"lat,omitempty"`
	Lon         float64  `json:"lon,omitempty"`
	HasGeo      bool     `json:"geo,omitempty"`
	Ceased      bool     `json:"ceased,omitempty"`
}

// Limits on what one supplier puts in the index, so that a listing with a
// novel for a description or thousands of inferred CPV codes cannot bloat
// the index or every query that touches it. The matcher reads what the
// index holds, so they are its limits.
const (
	maxDescriptionBytes = match.MaxDescriptionBytes
	maxCPVCodes         = match.MaxCPVCodes
)

// nafSuffixRe matches the "(25.71Z)" some sources append to NAF labels.
var nafSuffixRe = match.NAFSuffix

// stamp is the supplier's version as the consistency check compares it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// toDoc flattens a supplier into the indexed document. now decides which
// labels are valid (expired or no longer found ones are not indexed as held).
func toDoc(s data.Supplier, now time.Time) (indexDoc, error) {
	if strings.TrimSpace(s.ID) == "" {
		return indexDoc{}, fmt.Errorf("index: supplier %q without id: %w", s.Name, data.ErrInvalid)
	}
	d := indexDoc{ID: s.ID, SIREN: one(s.SIREN), SIRETs: s.SIRETs(), Stamp: stamp(s.UpdatedAt),
		NameSort: data.NormalizeName(s.Name)}
	src := srcDoc{hitFields: hitFields{ID: s.ID, SIREN: s.SIREN, Name: s.Name, Ceased: s.Ceased()}, TradeNames: capList(s.TradeNames)}
	if s.Ceased() {
		d.Status = []string{statusCeased}
	}
	if e, ok := s.HeadOffice(); ok {
		src.SIRET = e.SIRET
	}

	addr := s.Address
	if addr.Departement == "" && !addr.HasGeo() {
		if e, ok := s.HeadOffice(); ok {
			addr = e.Address
		}
	}
	d.Departement, d.Region = one(addr.Departement), one(addr.Region)
	src.Commune, src.Departement, src.Region = addr.Commune, addr.Departement, addr.Region
	if addr.HasGeo() && validLatLon(addr.Lat, addr.Lon) {
		d.Geo = &geoPoint{Lat: addr.Lat, Lon: addr.Lon}
		src.Lat, src.Lon, src.HasGeo = addr.Lat, addr.Lon, true
	}

	// NAF: the code, its section and division, and its label as text.
	nafLabel := strings.TrimSpace(s.NAFLabel)
	if strings.HasSuffix(nafLabel, ")") {
		nafLabel = nafSuffixRe.ReplaceAllString(nafLabel, "")
	}
	if s.NAF != "" {
		d.NAF = one(s.NAF)
		if n, ok := data.LookupNAF(s.NAF); ok {
			d.NAFSection = one(n.Section)
			if nafLabel == "" {
				nafLabel = n.Label
			}
		}
		d.NAFDivision = one(data.NAFDivision(s.NAF))
	}
	src.NAF, src.NAFLabel = s.NAF, nafLabel
	if nafLabel != "" {
		d.Nomenclature = append(d.Nomenclature, nafLabel)
	}
	// CPV codes: all of them as codes; as words, only the declared ones
	// (inferred codes are whole divisions, "Travaux de construction" for
	// every builder: their words would match everything) and only when a
	// product does not already say the same.
	declared := map[string]bool{}
	for _, c := range s.CPVDeclared {
		declared[c] = true
	}
	for i, c := range s.CPVAll() {
		if i == maxCPVCodes {
			break
		}
		code, ok := cpvCode(c)
		if !ok {
			continue
		}
		d.CPV = append(d.CPV, code)
		d.CPVDivision = appendUnique(d.CPVDivision, data.CPVDivision(code))
		if cc, ok := data.LookupCPV(code); ok && declared[c] && !slices.Contains(s.Products, cc.LabelFR) {
			d.Nomenclature = append(d.Nomenclature, cc.LabelFR)
		}
	}

	// Labels held today, and the univers they (or the activities) give.
	for _, l := range s.Labels {
		if l.ValidOn(now) {
			d.Labels = appendUnique(d.Labels, string(l.Type))
		}
		if l.Type == data.LabelEPV && l.Category != "" {
			d.Univers = appendUnique(d.Univers, universOf(l.Category).canonical)
		}
		if l.Range != "" {
			d.Offer = append(d.Offer, l.Range)
		}
		if l.Type != data.LabelEPV && l.Category != "" {
			d.Offer = append(d.Offer, l.Category)
		}
	}
	for _, a := range s.Activities {
		if u := universOf(a); u.epv {
			d.Univers = appendUnique(d.Univers, u.canonical)
		}
	}
	src.Labels, src.Univers = d.Labels, d.Univers
	d.Headcount = one(s.HeadcountBand)
	d.Turnover = one(s.TurnoverBand)
	d.Area = areaTerms(s)

	d.Name = append([]string{s.Name}, src.TradeNames...)
	d.NameExact = d.Name
	src.Activities, src.Products = capList(s.Activities), capList(s.Products)
	for _, list := range [][]string{src.Activities, src.Products} {
		for _, x := range list {
			// Certified ranges are often named like the products: the same
			// words twice would only cost indexing time.
			d.Offer = appendUnique(d.Offer, x)
		}
	}
	d.Description = truncateUTF8(strings.TrimSpace(s.Description), maxDescriptionBytes)
	src.Description = d.Description

	blob, err := json.Marshal(src)
	if err != nil {
		return indexDoc{}, fmt.Errorf("index: encode %s: %w", s.ID, err)
	}
	d.Src = string(blob)
	return d, nil
}

// cpvCode returns the 8-digit form of a known CPV code; plain 8-digit
// codes, the common case, skip the parser.
func cpvCode(c string) (string, bool) {
	if len(c) == 8 && data.AllDigits(c) {
		_, ok := data.LookupCPV(c)
		return c, ok
	}
	code, err := data.NormalizeCPV(c)
	return code, err == nil
}

// one makes an optional single value a slice: nil when empty.
func one(s string) []string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return []string{s}
}

func validLatLon(lat, lon float64) bool { return match.ValidLatLon(lat, lon) }

func appendUnique(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func capList(l []string) []string { return match.CapList(l) }

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string { return match.TruncateUTF8(s, n) }

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// areaTerms are the terms of the supplier's declared service area: "FR"
// for France entière, "R:" and a région code, "D:" and a département code
// for each département a list names or a radius around the site may reach
// (the matcher checks the exact distance).
func areaTerms(s data.Supplier) []string {
	a := s.ServiceArea
	switch a.Kind {
	case data.ServiceAreaFrance:
		return []string{areaFrance}
	case data.ServiceAreaRegions:
		return prefixed("R:", a.Codes)
	case data.ServiceAreaDepartements:
		return prefixed("D:", a.Codes)
	case data.ServiceAreaRadius:
		if lat, lon, ok := match.SupplierPoint(s); ok && a.RadiusKm > 0 {
			return prefixed("D:", departementsAround(lat, lon, a.RadiusKm))
		}
	}
	return nil
}

// areaFrance is the area term of a company serving all of France.
const areaFrance = "FR"

func prefixed(p string, codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = appendUnique(out, p+strings.TrimSpace(c))
	}
	return out
}

// universInfo is what toDoc asks of a label's category or an activity:
// its display form as a univers, and whether it is one of the EPV's.
type universInfo struct {
	canonical string // canonicalUnivers
	epv       bool   // isEPVUnivers
}

// universMemo remembers universInfo by the text it was asked of: both
// functions split and fold the text into words at each call (2 % of a
// rebuild's CPU), and a directory's categories and activities are a small
// vocabulary met in thousands of companies. Both are pure: a remembered
// answer is the answer. At most maxUniversMemo texts are kept (a few
// hundred in the EPV directory); past that, the answer is computed.
var universMemo = newMemo[universInfo](maxUniversMemo)

const maxUniversMemo = 1 << 12

func universOf(s string) universInfo {
	if u, ok := universMemo.get(s); ok {
		return u
	}
	u := universInfo{canonical: canonicalUnivers(s), epv: isEPVUnivers(s)}
	universMemo.put(s, u)
	return u
}
