package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// tendersPage is the typed page of tenders.html: the open tenders with
// their countdown, filters and pagination.
type tendersPage struct {
	Layout
	Filter       tenderFilter // echoed into the form
	States       []selectOption
	Departements []selectOption
	Error        string
	ErrorField   string
	Total        int
	TotalText    string
	Range        string
	Rows         []tenderRowView
	Pages        pagination
	ClearURL     string
	HasCriteria  bool
	// Closed counts the closed notices when no tender is open and no
	// criterion is set, ClosedURL lists them: a buyer finds the notices
	// of the past months and their shortlists, not an empty page.
	Closed    int
	ClosedURL string
	Facets    []facetGroup
	Sorts     []selectOption
}

// selectOption is one <option> of a select.
type selectOption struct {
	Value, Label string
	Selected     bool
}

// tenders lists tenders, open ones by default, soonest deadline first. It
// works without JavaScript: the filters are one GET form.
func (s *Server) tenders(c *fiber.Ctx) error {
	p := &tendersPage{Layout: Layout{Title: "Appels d'offres"}, ClearURL: tenderPath}
	v := queryValues(c)
	f, err := parseTenderFilter(v, pageDialect)
	if err != nil {
		echoTenderForm(&f, v)
	}
	f.Facets = true
	if err == nil && f.NearPoint != nil && f.RadiusKm == 0 && f.Sort == "" {
		// A place without radius nor order: nearest first, as the supplier
		// search does; the order's select says so. Left in the deadline
		// order, « Près de : Annecy » listed Mayotte's notices first.
		f.Sort = "distance"
	}
	p.Filter = f
	p.Sorts = tenderSortOptions(f.Sort, f.NearPoint != nil)
	p.States, p.Departements = stateOptions(f.State), departementOptions(f.Departements)
	if err != nil {
		p.Error, p.ErrorField = invalidMessage(err), validationField(err)
		p.Title = "Appels d'offres : critère à corriger"
		return s.render(c, fiber.StatusBadRequest, "tenders", p)
	}
	now := s.now()
	rows, res, err := s.listTenders(c.UserContext(), &f, now)
	if err != nil {
		if isInvalid(err) {
			p.Error, p.ErrorField = invalidMessage(err), validationField(err)
			p.Title = "Appels d'offres : critère à corriger"
			return s.render(c, fiber.StatusBadRequest, "tenders", p)
		}
		return fmt.Errorf("web: tenders: %w", err)
	}
	total := int(res.Total)
	p.Facets = tenderFacetGroups(res.Facets, &f)
	p.Total, p.HasCriteria = total, f.hasCriteria()
	p.TotalText = pluralFR(total, "appel d'offres", "appels d'offres")
	if total == 0 && !p.HasCriteria {
		if err := s.countClosed(c.UserContext(), p, now); err != nil {
			return err
		}
	}
	if p.HasCriteria {
		p.Title = titleWithWords("Appels d'offres", f.Text) + " : " + pluralFR(total, "résultat", "résultats")
	}
	for _, t := range rows {
		p.Rows = append(p.Rows, newTenderRowView(&t, now))
	}
	if len(rows) > 0 {
		first := (f.Page-1)*f.PerPage + 1
		p.Range = formatNumber(first) + " à " + formatNumber(first+len(rows)-1)
	}
	p.Pages = tenderPagination(&f, total)
	if f.Page > 1 {
		p.Title += " (page " + strconv.Itoa(f.Page) + ")"
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, fiber.StatusOK, "tenders", p)
}

// echoTenderForm puts back into f the criteria as the form sent them, for
// the form shown again beside an error: parseTenderFilter stops at the
// first invalid criterion, and the words, codes, département and place
// read after it were lost (« cpv=abc » emptied « Mots »).
func echoTenderForm(f *tenderFilter, v url.Values) {
	if s := strings.TrimSpace(v.Get("state")); s != "" {
		f.State = s
	}
	f.Text = strings.TrimSpace(v.Get("q"))
	f.CPVRaw, f.Departements = nil, nil
	for _, c := range v["cpv"] {
		if c = strings.TrimSpace(c); c != "" {
			f.CPVRaw = append(f.CPVRaw, c)
		}
	}
	for _, d := range v["departement"] {
		if d = strings.ToUpper(strings.TrimSpace(d)); d != "" {
			f.Departements = append(f.Departements, d)
		}
	}
	f.FromRaw, f.ToRaw = strings.TrimSpace(v.Get("deadline_from")), strings.TrimSpace(v.Get("deadline_to"))
	f.Near = strings.TrimSpace(v.Get("near"))
	if km, err := strconv.ParseFloat(strings.TrimSpace(v.Get("radius_km")), 64); err == nil && km >= 0 && km <= index.MaxRadiusKm {
		f.RadiusKm = km
	}
	if _, ok := tenderSorts[v.Get("sort")]; ok {
		f.Sort = v.Get("sort")
	}
}

// countClosed sets p.Closed and p.ClosedURL: how many notices are
// closed, and their list.
func (s *Server) countClosed(ctx context.Context, p *tendersPage, now time.Time) error {
	f := tenderFilter{State: tenderClosed, Page: 1, PerPage: 1}
	_, res, err := s.listTenders(ctx, &f, now)
	if err != nil {
		return fmt.Errorf("web: tenders: closed: %w", err)
	}
	p.Closed, p.ClosedURL = int(res.Total), f.link(tenderPath)
	return nil
}

func tenderPagination(f *tenderFilter, total int) pagination {
	return paginate(f.Page, (total+f.PerPage-1)/f.PerPage, func(n int) string {
		q := *f
		q.Page = n
		return q.link(tenderPath)
	})
}

func stateOptions(selected string) []selectOption {
	out := []selectOption{{tenderOpen, "ouverts", false}, {string(data.StatusAnnounced), "annoncés (pré-information, pas encore d'appel)", false},
		{tenderClosed, "clos (attribués, annulés ou clôturés)", false}, {tenderAll, "tous", false}}
	for i := range out {
		out[i].Selected = out[i].Value == selected
	}
	return out
}

func departementOptions(selected []string) []selectOption {
	out := []selectOption{{Value: "", Label: "tous les départements", Selected: len(selected) == 0}}
	for _, d := range data.Departements() {
		out = append(out, selectOption{Value: d.Code, Label: d.Code + " – " + d.Name, Selected: slices.Contains(selected, d.Code)})
	}
	return out
}

// tenderPage is the typed page of tender.html: a tender (or a buyer's
// need) and the suppliers ranked for it, as a whole and per lot.
type tenderPage struct {
	Layout
	T          tenderView
	Need       bool // a buyer's need: a shortlist rather than a notice
	ShareURL   string
	EditURL    string
	Rankings   []rankingView
	MatchNote  string // why there is no ranking, or why it is partial
	MatchError string
	CSVURL     string
	ReportURL  string
	APIURL     string
	LotPager   lotPager      // which lots T holds (tender_lots.go); zero: all
	Feedback   *needFeedback // a need's vote buttons (need_feedback.go); nil elsewhere
}

// Caps of a ranking computed for a page: the page is read, the CSV and the
// API are there for longer lists.
const (
	pageMatchLimit = 20
	pageMaxLots    = 30
)

// tender is a tender's page: the notice, its history, and the suppliers
// ranked for it (computed on request).
func (s *Server) tender(c *fiber.Ctx) error {
	t, err := s.findTender(c.UserContext(), c.Params("id"))
	if err != nil {
		return s.redirectFolded(c, err, "")
	}
	if t.Source == needSource { // a need is shown at its own address
		return c.Redirect(needURL(t.SourceID), fiber.StatusMovedPermanently)
	}
	base := tenderURL(&t)
	shown, lots := windowLots(&t, c.Query("lots"), base)
	p := &tenderPage{Layout: Layout{Title: t.Title}, T: newTenderView(&shown, s.now()), LotPager: lots,
		APIURL: apiTenderURL(&t, "/matches")}
	p.CSVURL, p.ReportURL = base+"/fournisseurs.csv", base+"/rapport"
	if err := s.fillRankings(c, p, &t); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, fiber.StatusOK, "tender", p)
}

// findTender loads the tender named by a URL segment (escaped or not).
func (s *Server) findTender(ctx context.Context, raw string) (data.Tender, error) {
	id, err := url.PathUnescape(raw)
	if err != nil || id == "" || len(id) > 512 {
		return data.Tender{}, fmt.Errorf("web: tender %q: %w", raw, data.ErrNotFound)
	}
	t, err := s.store.Tender(ctx, id)
	if err != nil {
		return data.Tender{}, fmt.Errorf("web: tender: %w", err)
	}
	return t, nil
}

// redirectFolded answers a page of a notice that has no tender of its
// own, because the import folded it into the tender of its procedure (a
// correction, an award, the same procedure in another source: its id is
// among that tender's SourceIDs), with a permanent redirect to that
// tender's page (suffix: "/rapport"…), query kept. Any other error, err
// among them, is returned as it is.
func (s *Server) redirectFolded(c *fiber.Ctx, err error, suffix string) error {
	return s.redirectFoldedTo(c, err, func(t *data.Tender) string { return tenderURL(t) + suffix })
}

// redirectFoldedTo is redirectFolded with the address of the tender's
// resource told by at: its page, or its JSON for the API.
func (s *Server) redirectFoldedTo(c *fiber.Ctx, err error, at func(*data.Tender) string) error {
	if !errors.Is(err, data.ErrNotFound) {
		return err
	}
	id, uerr := url.PathUnescape(c.Params("id"))
	if uerr != nil || id == "" || len(id) > 512 {
		return err
	}
	t, ferr := s.store.TenderBySourceID(c.UserContext(), id)
	if ferr != nil || t.ID == id || !slices.Contains(t.SourceIDs, id) { // "proc:…" keys are no notice
		return err
	}
	target := at(&t)
	if q := c.Context().QueryArgs().QueryString(); len(q) > 0 {
		target += "?" + string(q)
	}
	return c.Redirect(target, fiber.StatusMovedPermanently)
}

// fillRankings ranks the suppliers for a tender page, within the page's
// caps. Without an index the page still shows the tender.
func (s *Server) fillRankings(c *fiber.Ctx, p *tenderPage, t *data.Tender) error {
	if s.index == nil {
		p.MatchNote = "Le classement des fournisseurs n'est pas disponible pour le moment."
		return nil
	}
	trade, err := tradeOf(tradeParam, c.Query(tradeParam), t)
	if err != nil {
		return err
	}
	p.CSVURL, p.ReportURL = withTrade(p.CSVURL, trade), withTrade(p.ReportURL, trade)
	if trade.Code != "" { // the API names the trade's parameter naf (api_tenders.go)
		p.APIURL += "?naf=" + url.QueryEscape(trade.Code)
	}
	if !s.matchGate.acquire(c.UserContext()) { // saturated: the page without its ranking, at once
		p.MatchNote = matchBusyNote
		return nil
	}
	res, cut, err := s.rank(c.UserContext(), t, pageMatchLimit, pageMaxLots, trade.Code)
	s.matchGate.release()
	if err != nil {
		if isInvalid(err) {
			p.MatchError = "Fabrique ne peut pas classer de fournisseurs pour cet avis : " + invalidMessage(err)
			return nil
		}
		return fmt.Errorf("web: rank %s: %w", t.ID, err)
	}
	p.Rankings = newRankings(res)
	markCut(p.Rankings, pageMatchLimit)
	if len(t.Lots) == 0 { // the trades of a tender with lots: see shortlist_trades.go
		showTrades(&p.Rankings[0], res.Trades, trade, tenderURL(t))
	}
	if err := s.placeMatches(c.UserContext(), p.Rankings); err != nil {
		return err
	}
	if cut > 0 {
		p.MatchNote = fmt.Sprintf("Seuls les %d premiers lots sont classés sur cette page ; le fichier CSV et l'API couvrent les %d autres.", pageMaxLots, cut)
	}
	return nil
}

// rank runs the matcher on a tender with at most maxLots lots (0: all),
// only the companies of trade (a NAF code) when it is set, and returns how
// many lots were left out.
func (s *Server) rank(ctx context.Context, t *data.Tender, limit, maxLots int, trade string) (index.MatchResult, int, error) {
	tt := *t
	cut := 0
	if maxLots > 0 && len(tt.Lots) > maxLots {
		cut = len(tt.Lots) - maxLots
		tt.Lots = tt.Lots[:maxLots]
	}
	res, err := s.index.Match(ctx, s.matchSource, tt, index.MatchOptions{Limit: limit, Trade: trade})
	return res, cut, err
}
