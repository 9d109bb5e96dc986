package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"fabrique/data"
)

// TenderSort orders tender results.
type TenderSort string

const (
	// SortTenderDefault: open tenders first, nearest deadline first, then
	// the others, latest deadline first (tenders without a deadline close
	// each group). With text, the same: relevance is asked explicitly.
	SortTenderDefault TenderSort = ""
	// SortTenderDeadline: nearest deadline first, none last.
	SortTenderDeadline TenderSort = "deadline"
	// SortTenderPublished: latest publication first.
	SortTenderPublished TenderSort = "published"
	// SortTenderRelevance: best text match first, then nearest deadline.
	SortTenderRelevance TenderSort = "relevance"
	// SortTenderDistance: nearest to TenderQuery.Near first.
	SortTenderDistance TenderSort = "distance"
)

// TenderQuery is a search for tenders. Filters of different kinds are
// combined with AND, values of one kind with OR.
type TenderQuery struct {
	// Text is searched in titles, lots, descriptions and buyers' names
	// (every word must match, with French analysis).
	Text string
	// Statuses keeps tenders whose status at At is one of these; empty
	// keeps all. Open and closed are decided from the deadline at query
	// time, never from a stored state.
	Statuses []data.TenderStatus
	// CPV keeps tenders with a code (main, additional or of a lot) that
	// starts with one of these prefixes of 2 to 8 digits; a tender that
	// declares none matches by its inferred codes (IndexedInferredCPV), as
	// specific as they are: a guessed group 45100000 matches 45 and 451.
	CPV          []string
	Procedures   []string // data.NormalizeProcedure kinds
	Natures      []string // "works", "supplies", "services"
	Departements []string
	Regions      []string
	Buyers       []string // buyer names, exactly as faceted
	// Sources keeps tenders of these sources: "boamp", "ted"… Buyers'
	// needs (data.SourceNeed) are left out unless named here.
	Sources []string
	// LotsOnly keeps tenders divided into lots.
	LotsOnly bool

	// Deadline and publication ranges: From inclusive, To exclusive; zero
	// leaves a side open.
	DeadlineFrom, DeadlineTo   time.Time
	PublishedFrom, PublishedTo time.Time
	// ValueMin and ValueMax bound the estimated value (inclusive); 0 leaves
	// a side open. Tenders without a value never match a value range.
	ValueMin, ValueMax float64

	// Near and RadiusKm keep tenders performed within RadiusKm of Near
	// (RadiusKm 0: any distance, but hits get their DistanceKm).
	Near     *Point
	RadiusKm float64

	Sort    TenderSort
	Page    int // 1-based
	PerPage int // default DefaultPerPage, at most MaxPerPage
	// Facets asks for the counts of "status", "cpv_division" (declared
	// and inferred codes), "cpv_inferred" (inferred codes only),
	// "procedure", "nature", "departement", "region", "buyer" and "source".
	Facets bool
	// At is the time the statuses are computed at (default: the index's
	// clock).
	At time.Time
}

// TenderResults is a page of tenders.
type TenderResults struct {
	Total  uint64        `json:"total"`
	Hits   []TenderHit   `json:"hits"`
	Facets Facets        `json:"facets,omitempty"`
	Took   time.Duration `json:"took"`
}

// TenderHit is one tender of a page: the tender without its long texts
// (description, lot descriptions; see Tender), its status at the query's
// time, and its distance to TenderQuery.Near when both are placed.
type TenderHit struct {
	Tender     data.Tender       `json:"tender"`
	Status     data.TenderStatus `json:"status"`
	Score      float64           `json:"score"`
	DistanceKm *float64          `json:"distance_km,omitempty"`
}

// maxTenderFacetValues bounds the values returned per facet.
const maxTenderFacetValues = 120

// Search runs q. Invalid queries fail with an error wrapping
// data.ErrInvalid and a French message.
func (ti *TenderIndex) Search(ctx context.Context, q TenderQuery) (TenderResults, error) {
	start := time.Now()
	if err := q.normalize(ti.opts.Now()); err != nil {
		return TenderResults{}, err
	}
	g, err := ti.acquire()
	if err != nil {
		return TenderResults{}, err
	}
	defer g.mu.RUnlock()

	base := ti.baseQuery(q)
	from := (q.Page - 1) * q.PerPage
	// One pass: the default order ranks the open tenders and the others
	// side by side from the columns (tender_exec.go).
	var res TenderResults
	p, err := ti.execute(ctx, g, q, withStatuses(base, q.Statuses, q.At), q.Sort, from, q.PerPage, q.Facets)
	res.Total, res.Hits, res.Facets = p.total, p.hits, p.facets
	if err != nil {
		return TenderResults{}, err
	}
	res.Took = time.Since(start)
	return res, nil
}

func tenderSortOrder(sort TenderSort, q TenderQuery) search.SortOrder {
	deadline := &search.SortField{Field: tfDeadline, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast}
	id := &search.SortField{Field: "_id"}
	switch sort {
	case sortTenderDeadlineDesc:
		return search.SortOrder{&search.SortField{Field: tfDeadline, Type: search.SortFieldAsDate, Desc: true, Missing: search.SortFieldMissingLast}, id}
	case SortTenderPublished:
		return search.SortOrder{&search.SortField{Field: tfPublished, Type: search.SortFieldAsDate, Desc: true, Missing: search.SortFieldMissingLast}, id}
	case SortTenderRelevance:
		// Score only: a tie-break on a doc value would make bleve decode
		// the doc values of every hit (the profile's first cost).
		return search.SortOrder{&search.SortScore{Desc: true}}
	case SortTenderDistance:
		if q.Near != nil {
			if gd, err := search.NewSortGeoDistance(fGeo, "km", q.Near.Lon, q.Near.Lat, false); err == nil {
				return search.SortOrder{gd, deadline, id}
			}
		}
	}
	return search.SortOrder{deadline, id}
}

// baseQuery is every clause of q but the statuses.
func (ti *TenderIndex) baseQuery(q TenderQuery) []query.Query {
	var out []query.Query
	if tq := ti.textClause(q.Text); tq != nil {
		out = append(out, tq)
	}
	terms := func(field string, values []string) {
		if len(values) == 0 {
			return
		}
		dis := make([]query.Query, len(values))
		for i, v := range values {
			dis[i] = termOn(v, field, filterBoost)
		}
		out = append(out, query.NewDisjunctionQuery(dis))
	}
	terms(tfCPVPrefix, q.CPV)
	terms(tfProcedure, q.Procedures)
	terms(tfNature, q.Natures)
	terms(tfDepartement, q.Departements)
	terms(tfRegion, q.Regions)
	terms(tfBuyer, q.Buyers)
	terms(tfSource, q.Sources)
	if q.LotsOnly {
		terms(tfLots, []string{"1"})
	}
	dates := func(field string, from, to time.Time) {
		if from.IsZero() && to.IsZero() {
			return
		}
		out = append(out, dateRange(field, from, to))
	}
	dates(tfDeadline, q.DeadlineFrom, q.DeadlineTo)
	dates(tfPublished, q.PublishedFrom, q.PublishedTo)
	if q.ValueMin > 0 || q.ValueMax > 0 {
		out = append(out, valueRange(q.ValueMin, q.ValueMax))
	}
	if q.Near != nil && q.RadiusKm > 0 {
		out = append(out, withinKm(*q.Near, q.RadiusKm))
	}
	return out
}

// withStatuses adds the status filter to base: open and closed from the
// open_until date at `at`, awarded and cancelled from the outcome.
func withStatuses(base []query.Query, statuses []data.TenderStatus, at time.Time) []query.Query {
	if len(statuses) == 0 || len(statuses) == len(data.TenderStatuses()) {
		return base
	}
	dis := make([]query.Query, 0, len(statuses))
	for _, s := range statuses {
		dis = append(dis, statusClause(s, at))
	}
	out := slices.Clone(base)
	if len(dis) == 1 {
		return append(out, dis[0])
	}
	return append(out, query.NewDisjunctionQuery(dis))
}

func statusClause(s data.TenderStatus, at time.Time) query.Query {
	switch s {
	case data.StatusOpen:
		return dateRange(tfOpenUntil, at.Add(time.Nanosecond), time.Time{}) // open while at < deadline
	case data.StatusClosed:
		return dateRange(tfOpenUntil, time.Time{}, at.Add(time.Nanosecond))
	}
	return termOn(string(s), tfOutcome, filterBoost)
}

// textClause requires every word of text in some text field.
func (ti *TenderIndex) textClause(text string) query.Query {
	var words []query.Query
	seen := map[string]bool{}
	for _, tok := range ti.text.Analyze([]byte(text)) {
		stem := string(tok.Term)
		if stem == "" || seen[stem] {
			continue
		}
		seen[stem] = true
		words = append(words, ti.wordClause(stem, 1))
		if len(words) == maxQueryWords {
			break
		}
	}
	if len(words) == 0 {
		return nil
	}
	return query.NewConjunctionQuery(words)
}

// wordClause matches a stem, or its trade alternatives, in any text field.
func (ti *TenderIndex) wordClause(stem string, boost float64) query.Query {
	var dis []query.Query
	for _, f := range tenderTextFields {
		dis = append(dis, termOn(stem, f.name, f.boost*boost))
		for _, alt := range ti.trades.alternatives(stem) {
			dis = append(dis, termOn(alt, f.name, f.boost*boost*0.8))
		}
	}
	return query.NewDisjunctionQuery(dis)
}

// statusFacet is the name of the status facet; its counts come from the
// open-until dates at the query's time and the outcome (tender_exec.go).
const statusFacet = "status"

// sortTenderDeadlineDesc orders by latest deadline first: the closed part
// of the default order.
const sortTenderDeadlineDesc TenderSort = "deadline_desc"

// TenderFacetLabel is the French name of a tender facet value.
func TenderFacetLabel(facet, v string) string {
	switch facet {
	case "procedure":
		if l := data.ProcedureLabel(v); l != "" {
			return l
		}
	case "nature":
		if l := data.Nature(v).Label(); l != "" {
			return l
		}
	case statusFacet:
		return data.TenderStatus(v).Label()
	case "source":
		switch v {
		case "boamp":
			return "BOAMP"
		case "ted":
			return "TED"
		case "ocds":
			return "OCDS"
		}
	case "buyer":
		return v
	case "cpv_inferred":
		return FacetLabel("cpv_division", v)
	}
	return FacetLabel(facet, v)
}

// normalize validates q, fills its defaults and puts its codes in
// canonical form.
func (q *TenderQuery) normalize(now time.Time) error {
	if q.At.IsZero() {
		q.At = now
	}
	if n := utf8.RuneCountInString(q.Text); n > MaxTenderText {
		return invalid("text", q.Text, fmt.Sprintf("texte trop long (%d caractères, %d au plus)", n, MaxTenderText))
	}
	for _, s := range q.Statuses {
		if !slices.Contains(data.TenderStatuses(), s) {
			return invalid("state", string(s), "état « "+string(s)+" » inconnu : open, announced, closed, awarded ou cancelled")
		}
	}
	q.Statuses = slices.Compact(slices.Sorted(slices.Values(q.Statuses)))
	for _, c := range q.CPV {
		if len(c) < 2 || len(c) > 8 || !data.AllDigits(c) {
			return invalid("cpv", c, "préfixe CPV « "+c+" » invalide : de 2 à 8 chiffres")
		}
	}
	for _, p := range q.Procedures {
		if data.ProcedureLabel(p) == "" {
			return invalid("procedure", p, "procédure « "+p+" » inconnue : "+strings.Join(data.ProcedureKinds(), ", "))
		}
	}
	for _, n := range q.Natures {
		if data.Nature(n).Label() == "" { // not TenderFacetLabel: "services" is its own label
			return invalid("nature", n, "type de marché « "+n+" » inconnu : works, supplies ou services")
		}
	}
	for _, list := range [][]string{q.CPV, q.Procedures, q.Natures, q.Departements, q.Regions, q.Buyers, q.Sources} {
		if len(list) > maxFilterValues {
			return invalid("filtre", "", fmt.Sprintf("au plus %d valeurs par filtre", maxFilterValues))
		}
	}
	if q.ValueMin < 0 || q.ValueMax < 0 || math.IsNaN(q.ValueMin) || math.IsNaN(q.ValueMax) || (q.ValueMax > 0 && q.ValueMax < q.ValueMin) {
		return invalid("value", "", "fourchette de montant invalide")
	}
	if q.Near != nil && !validLatLon(q.Near.Lat, q.Near.Lon) {
		return invalid("near", "", "coordonnées invalides")
	}
	if q.RadiusKm < 0 || q.RadiusKm > MaxRadiusKm {
		return invalid("radius", strconv.FormatFloat(q.RadiusKm, 'f', -1, 64), fmt.Sprintf("rayon entre 0 et %.0f km", MaxRadiusKm))
	}
	switch q.Sort {
	case SortTenderDefault, SortTenderDeadline, SortTenderPublished, SortTenderRelevance:
	case SortTenderDistance:
		if q.Near == nil {
			return invalid("sort", string(q.Sort), "le tri par distance demande un lieu")
		}
	default:
		return invalid("sort", string(q.Sort), "tri « "+string(q.Sort)+" » inconnu : deadline, published, relevance ou distance")
	}
	if q.Page <= 0 {
		q.Page = 1
	}
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	if q.Page*q.PerPage > MaxResultWindow {
		return invalid("page", strconv.Itoa(q.Page), fmt.Sprintf("au-delà des %d premiers résultats, précisez la recherche", MaxResultWindow))
	}
	return nil
}
