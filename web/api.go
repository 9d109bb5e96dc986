package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// The JSON API under /api/v1, described by openapi.json. Errors are
// {"error": "…"} in French with the right status (errors.go); every route
// is rate limited per client (ratelimit.go). Unknown query parameters are
// refused with 400, so that a misspelt filter never silently returns
// everything.

// apiParams lists the query (and path) parameters of each API route, keyed
// by route path: what the handlers accept and what openapi.json must
// document.
func apiParams() map[string][]string {
	m := map[string][]string{
		"/api/v1/suppliers":        apiSearchParamNames(),
		"/api/v1/suppliers/:siren": {"siren"},
		"/api/v1/suggest":          {"q", "limit"},
		"/api/v1/communes":         {"q", "limit"},
		"/api/v1/openapi.json":     nil,

		"/api/v1/tenders":             tenderParamNames(),
		"/api/v1/tenders/:id":         {"id"},
		"/api/v1/tenders/:id/matches": {"id", "limit", "naf"},
		"/api/v1/match":               nil, // the need is the JSON body
		"/api/v1/cpv":                 {"q", "limit"},
	}
	for path, names := range statsAPIParams() {
		m[path] = names
	}
	return m
}

// knownAPIParams is apiParams, built once: every API request checks it.
var knownAPIParams = apiParams()

// checkAPIParams refuses the query parameters a route does not know.
func checkAPIParams(v url.Values, route string) error {
	known := knownAPIParams[route]
	for k := range v {
		if !slices.Contains(known, k) {
			return badParam(k, "", "paramètre inconnu « "+k+" » : voir /api/v1/openapi.json")
		}
	}
	return nil
}

// apiSupplierResult is one supplier of a search.
type apiSupplierResult struct {
	ID          string   `json:"id"`
	SIREN       string   `json:"siren"`
	SIRET       string   `json:"siret"`
	Name        string   `json:"name"`
	Commune     string   `json:"commune"`
	Departement string   `json:"departement"`
	Region      string   `json:"region"`
	Labels      []string `json:"labels"`
	NAF         string   `json:"naf"`
	Score       float64  `json:"score"`
	DistanceKm  *float64 `json:"distance_km"`
	URL         string   `json:"url"`
	// LabelStates says where each label stands today (label_states.go).
	LabelStates []apiLabelState `json:"label_states"`
}

// apiPlace is the place a search was made around.
type apiPlace struct {
	Label string  `json:"label"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
}

// apiSuppliersPage is the answer of GET /api/v1/suppliers.
type apiSuppliersPage struct {
	Total   uint64              `json:"total"`
	Page    int                 `json:"page"`
	PerPage int                 `json:"per_page"`
	Relaxed bool                `json:"relaxed"`
	Near    *apiPlace           `json:"near,omitempty"`
	Place   *apiTextPlace       `json:"place,omitempty"`
	Results []apiSupplierResult `json:"results"`
	Facets  index.Facets        `json:"facets"`
}

// apiSuppliers searches suppliers: free text, filters, place and radius,
// with facet counts.
func (s *Server) apiSuppliers(c *fiber.Ctx) error {
	v := queryValues(c)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	// Only valid requests are ever cached: a cached answer needs no
	// validation, and a popular query no parsing (nor place lookup).
	key := s.baseURL() + "?" + v.Encode() // Encode sorts the parameters
	cached, version, ok := s.supplierAnswers.Lookup(key)
	if ok {
		return cached.send(c) // compressed once, sent as is
	}
	if err := checkAPIParams(v, "/api/v1/suppliers"); err != nil {
		return err
	}
	params, err := parseSearchParams(v, apiDialect)
	if err != nil {
		return err
	}
	q, nearLabel, err := params.query()
	if err != nil {
		return err
	}
	q.Facets = true
	q.Uncached = true // the encoded answer is cached below
	res, err := s.index.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	out := apiSuppliersPage{Total: res.Total, Page: res.Query.Page, PerPage: res.Query.PerPage, Relaxed: res.Relaxed,
		Results: make([]apiSupplierResult, 0, len(res.Hits)), Facets: filterableFacets(res.Facets)}
	if q.Near != nil {
		out.Near = &apiPlace{Label: nearLabel, Lat: q.Near.Lat, Lon: q.Near.Lon}
	}
	out.Place = newAPITextPlace(&params, v)
	base := s.baseURL()
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	sups, err := s.suppliersOf(c.UserContext(), ids)
	if err != nil {
		return err
	}
	now := s.now()
	for i, h := range res.Hits {
		r := apiSupplierResult{ID: h.ID, SIREN: h.SIREN, SIRET: h.SIRET, Name: h.Name, Commune: h.Commune,
			Departement: h.Departement, Region: h.Region, Labels: h.Labels, NAF: h.NAF, Score: h.Score,
			DistanceKm: h.DistanceKm, URL: base + supplierURL(h.ID)}
		if r.Labels == nil {
			r.Labels = []string{}
		}
		r.LabelStates = []apiLabelState{}
		if q.SortByDistance || q.Text == "" || math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
			// Nothing was ranked (a constant score means nothing), or the
			// score is not a number JSON can carry.
			r.Score = 0
		}
		if sups[i].ID != "" {
			r.Labels, r.LabelStates = heldLabels(sups[i].Labels, now), apiLabelStates(sups[i].Labels, now)
			if r.Labels == nil {
				r.Labels = []string{}
			}
		}
		out.Results = append(out.Results, r)
	}
	body, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("web: api suppliers: %w", err)
	}
	a := apiAnswer{body: newEncoded(body, brotliAnswers), etag: strongETag(body),
		links: s.pageLinks("/api/v1/suppliers", v, out.Page, out.PerPage, out.Total, index.MaxResultWindow)}
	if len(body) <= apiAnswerMaxBytes {
		s.supplierAnswers.Store(version, key, a)
	}
	return a.send(c)
}

// apiAnswer is an encoded answer of GET /api/v1/suppliers, kept with its
// ETag and Link headers so that a cached answer is neither hashed nor
// linked again (apiConventions keeps an ETag already set).
type apiAnswer struct {
	body  *encoded // shared by every request that gets it, compressed once (compress.go)
	etag  string
	links string
}

func (a apiAnswer) send(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderETag, a.etag)
	setPageLinks(c, a.links)
	return a.body.send(c)
}

// Encoded answers of the supplier search are cached per index version: a
// buyer's searches repeat a head of popular queries, and encoding the
// facets costs as much as a cached search. At most apiAnswerCacheSize
// answers of at most apiAnswerMaxBytes each (a page of 20 weighs about
// 15 KB, one of 100 about 60 KB): 64 MB at worst, about 30 MB in practice,
// in byte slices the collector does not scan. The index's own result cache
// is skipped (Query.Uncached).
const (
	apiAnswerCacheSize = 2048
	apiAnswerMaxBytes  = 32 << 10
)

// apiSupplierDetail is the whole listing of a supplier, with the
// provenance of each field and its public contracts.
type apiSupplierDetail struct {
	data.Supplier
	URL     string `json:"url"`
	Claimed bool   `json:"claimed"`
	// Awards are the contracts it won, latest first, each once however
	// often published (two platforms, modifications), as on its page.
	Awards []apiAward `json:"awards"`
	// LabelStates and Ceased tell the labels and the company straight
	// (label_states.go).
	LabelStates []apiLabelState `json:"label_states"`
	Ceased      bool            `json:"ceased"`
}

// apiAward is one contract a supplier won: its latest publication (the
// amount after modifications) dated by its notification, and the ids of
// every publication of it, oldest first.
type apiAward struct {
	data.Award
	Publications   int      `json:"publications"`
	PublicationIDs []string `json:"publication_ids"`
}

// apiSupplier returns one supplier by SIREN (or SIRET, or the key of a
// company without a valid SIREN).
func (s *Server) apiSupplier(c *fiber.Ctx) error {
	if err := checkAPIParams(queryValues(c), "/api/v1/suppliers/:siren"); err != nil {
		return err
	}
	ctx := c.UserContext()
	sup, err := s.findSupplier(ctx, c.Params("siren"))
	if err != nil {
		return err
	}
	out := apiSupplierDetail{Supplier: sup, URL: s.baseURL() + supplierURL(sup.ID), Claimed: sup.ClaimedBy != "",
		Awards: []apiAward{}}
	out.Supplier.ClaimedBy = "" // an account id is nobody else's business
	out.LabelStates, out.Ceased = apiLabelStates(sup.Labels, s.now()), sup.Ceased()
	if data.ValidSIREN(sup.SIREN) == nil {
		awards, err := s.store.AwardsBySIREN(ctx, sup.SIREN)
		if err != nil {
			return fmt.Errorf("web: api supplier %s: awards: %w", sup.ID, err)
		}
		for _, c := range contractsNewestFirst(awards) {
			a := apiAward{Award: c.merged(), Publications: len(c.pubs)}
			for _, p := range c.pubs {
				a.PublicationIDs = append(a.PublicationIDs, p.ID)
			}
			out.Awards = append(out.Awards, a)
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}

// apiSuggestion is a company proposed while typing.
type apiSuggestion struct {
	index.Suggestion
	URL string `json:"url"`
}

// suggestLimit reads the limit of the suggestion routes.
func suggestLimit(v url.Values, def, hi int) (int, error) {
	return intParam(v, "limit", def, 1, hi)
}

// suggestText reads the typed prefix; "" answers an empty list.
func suggestText(v url.Values) (string, error) {
	q := strings.TrimSpace(strings.ToValidUTF8(v.Get("q"), " "))
	if utf8.RuneCountInString(q) > maxTextRunes {
		return "", badParam("q", "", fmt.Sprintf("la saisie est limitée à %d caractères", maxTextRunes))
	}
	return q, nil
}

// apiSuggest proposes companies whose name starts like q, typos
// tolerated: the autocomplete of the search box.
func (s *Server) apiSuggest(c *fiber.Ctx) error {
	v := queryValues(c)
	if err := checkAPIParams(v, "/api/v1/suggest"); err != nil {
		return err
	}
	q, err := suggestText(v)
	if err != nil {
		return err
	}
	limit, err := suggestLimit(v, 8, 20)
	if err != nil {
		return err
	}
	out := struct {
		Suggestions []apiSuggestion `json:"suggestions"`
	}{Suggestions: []apiSuggestion{}}
	if q != "" {
		sugg, err := s.index.Suggest(c.UserContext(), q, limit)
		if err != nil {
			return err
		}
		for _, x := range sugg {
			out.Suggestions = append(out.Suggestions, apiSuggestion{Suggestion: x, URL: supplierURL(x.ID)})
		}
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(out)
}

// apiCommunes proposes communes whose name or postcode starts like q:
// the autocomplete of « Autour de ». Each label is accepted back by the
// near parameter.
func (s *Server) apiCommunes(c *fiber.Ctx) error {
	v := queryValues(c)
	if err := checkAPIParams(v, "/api/v1/communes"); err != nil {
		return err
	}
	q, err := suggestText(v)
	if err != nil {
		return err
	}
	limit, err := suggestLimit(v, 10, 50)
	if err != nil {
		return err
	}
	out := struct {
		Communes []index.CommuneSuggestion `json:"communes"`
	}{Communes: []index.CommuneSuggestion{}}
	if q != "" {
		out.Communes = append(out.Communes, index.SuggestCommunes(q, limit)...)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(out)
}

// filterableFacets drops the values that cannot be given back as filters
// (the empty value counts suppliers without the field), and writes a facet
// without values as [] rather than null.
func filterableFacets(f index.Facets) index.Facets {
	if f == nil {
		return index.Facets{}
	}
	if !slices.ContainsFunc(slices.Collect(maps.Values(f)), func(counts []index.FacetCount) bool {
		return counts == nil || slices.ContainsFunc(counts, func(c index.FacetCount) bool { return c.Value == "" })
	}) {
		return f // the usual case: nothing to drop, nothing to copy
	}
	out := make(index.Facets, len(f))
	for name, counts := range f {
		kept := make([]index.FacetCount, 0, len(counts))
		for _, c := range counts {
			if c.Value != "" {
				kept = append(kept, c)
			}
		}
		out[name] = kept
	}
	return out
}
