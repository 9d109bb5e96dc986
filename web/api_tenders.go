package web

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// apiTenderSummary is one tender of a list.
type apiTenderSummary struct {
	ID             string            `json:"id"`
	Source         string            `json:"source"`
	Title          string            `json:"title"`
	Buyer          string            `json:"buyer"`
	CPV            string            `json:"cpv"`
	CPVLabel       string            `json:"cpv_label"`
	Departement    string            `json:"departement"`
	Place          *data.Place       `json:"place"` // null when unknown (apiPlaceOf)
	EstimatedValue float64           `json:"estimated_value"`
	Deadline       *time.Time        `json:"deadline"`
	State          data.TenderStatus `json:"state"` // data.Tender.StatusAt now
	Open           bool              `json:"open"`  // state is "open"
	Corrected      bool              `json:"corrected"`
	Procedure      string            `json:"procedure,omitempty"`
	Lots           int               `json:"lots"`
	NoticeURL      *string           `json:"url"`      // the notice at its source, as data.Tender; null when unknown
	PageURL        string            `json:"page_url"` // the tender's page on Fabrique
	// InferredCPV are the codes deduced for a notice that declares none
	// (data.InferCPV), apart from cpv.
	InferredCPV []data.InferredCPV `json:"inferred_cpv,omitempty"`
}

// apiTendersPage is the answer of GET /api/v1/tenders.
type apiTendersPage struct {
	Total   int                `json:"total"`
	Page    int                `json:"page"`
	PerPage int                `json:"per_page"`
	Results []apiTenderSummary `json:"results"`
	// Facets are the counts per value of status, cpv_division (declared
	// and inferred codes), cpv_inferred (inferred codes only), procedure,
	// nature, departement, region, buyer and source (with facets=true).
	Facets index.Facets `json:"facets,omitempty"`
}

// apiTenders lists tenders: open ones by default, soonest deadline first,
// filtered by CPV, département and deadline range.
func (s *Server) apiTenders(c *fiber.Ctx) error {
	v := queryValues(c)
	if err := checkAPIParams(v, "/api/v1/tenders"); err != nil {
		return err
	}
	f, err := parseTenderFilter(v, apiDialect)
	if err != nil {
		return err
	}
	now := s.now()
	rows, res, err := s.listTenders(c.UserContext(), &f, now)
	if err != nil {
		return err
	}
	out := apiTendersPage{Total: int(res.Total), Page: f.Page, PerPage: f.PerPage, Results: make([]apiTenderSummary, 0, len(rows)),
		Facets: res.Facets}
	base := s.baseURL()
	for _, t := range rows {
		r := apiTenderSummary{ID: t.ID, Source: t.Source, Title: t.Title, Buyer: t.Buyer.Name, CPV: t.CPV,
			CPVLabel: cpvLabel(t.CPV), Departement: t.Place.Departement, Place: apiPlaceOf(t.Place), EstimatedValue: t.EstimatedValue,
			State: t.StatusAt(now), Lots: len(t.Lots), PageURL: base + tenderURL(&t),
			Corrected: t.Corrected(), Procedure: t.Procedure, InferredCPV: t.InferredCPV}
		r.Open = r.State == data.StatusOpen
		if !t.Deadline.IsZero() {
			d := t.Deadline
			r.Deadline = &d
		}
		if u, ok := webURL(t.URL); ok {
			r.NoticeURL = &u
		}
		out.Results = append(out.Results, r)
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	setPageLinks(c, s.pageLinks("/api/v1/tenders", v, out.Page, out.PerPage, uint64(max(0, out.Total)), maxTenderPage*out.PerPage))
	return c.JSON(out)
}

// apiPlaceOf is a place as the API gives it: nil (null) when nothing of
// it is known, rather than an empty object. The API's convention: an
// unknown value is null in a required field (deadline, distance_km,
// place) and absent from an optional one (url of a tender, naf).
func apiPlaceOf(p data.Place) *data.Place {
	if p == (data.Place{}) {
		return nil
	}
	return &p
}

// apiLot is a lot of a tender, its place null when unknown.
type apiLot struct {
	data.Lot
	Place *data.Place `json:"place"`
}

// apiTenderDetail is a whole tender, with its lots and history ("url" is
// the notice at its source, absent when unknown).
type apiTenderDetail struct {
	data.Tender
	// Place and Lots shadow the stored ones: a place is null when unknown.
	Place *data.Place `json:"place"`
	Lots  []apiLot    `json:"lots,omitempty"`
	// State shadows the stored notice state: the status at the time of
	// the answer, as in lists.
	State      data.TenderStatus `json:"state"`
	Open       bool              `json:"open"`
	Corrected  bool              `json:"corrected"`
	PageURL    string            `json:"page_url"`
	MatchesURL string            `json:"matches_url,omitempty"`
}

// apiTender returns one tender by its id ("ted:…", "boamp:…").
func (s *Server) apiTender(c *fiber.Ctx) error {
	if err := checkAPIParams(queryValues(c), "/api/v1/tenders/:id"); err != nil {
		return err
	}
	t, err := s.findTender(c.UserContext(), c.Params("id"))
	if err != nil {
		return s.redirectFoldedTo(c, err, func(t *data.Tender) string { return apiTenderURL(t, "") })
	}
	// The notice's link as the list gives it: an http(s) address, else
	// left out (a stored link comes from the web: « javascript: », junk).
	t.URL, _ = webURL(t.URL)
	st := t.StatusAt(s.now())
	out := apiTenderDetail{Tender: t, State: st, Open: st == data.StatusOpen, Corrected: t.Corrected(),
		PageURL: s.baseURL() + tenderURL(&t), Place: apiPlaceOf(t.Place)}
	for _, l := range t.Lots {
		out.Lots = append(out.Lots, apiLot{Lot: l, Place: apiPlaceOf(l.Place)})
	}
	if s.index != nil {
		out.MatchesURL = s.baseURL() + apiTenderURL(&t, "/matches")
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}

// apiTenderMatches ranks the suppliers for a stored tender, as POST
// /api/v1/match does for a need.
func (s *Server) apiTenderMatches(c *fiber.Ctx) error {
	v := queryValues(c)
	if err := checkAPIParams(v, "/api/v1/tenders/:id/matches"); err != nil {
		return err
	}
	limit, err := intParam(v, "limit", index.DefaultMatchLimit, 1, index.MaxMatchLimit)
	if err != nil {
		return err
	}
	t, err := s.findTender(c.UserContext(), c.Params("id"))
	if err != nil {
		return s.redirectFoldedTo(c, err, func(t *data.Tender) string { return apiTenderURL(t, "/matches") })
	}
	trade, err := tradeOf("naf", v.Get("naf"), &t)
	if err != nil {
		return err
	}
	res, _, err := s.rank(c.UserContext(), &t, limit, 0, trade.Code)
	if err != nil {
		return needError(err)
	}
	out := newAPIMatchResult(res, s.baseURL())
	out.Tender = &apiTenderRef{ID: t.ID, Title: t.Title, PageURL: s.baseURL() + tenderURL(&t)}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}

// apiTenderURL is the path of a tender's resource in the API (suffix:
// "/matches" or "").
func apiTenderURL(t *data.Tender, suffix string) string {
	return "/api/v1/tenders/" + url.PathEscape(t.ID) + suffix
}
