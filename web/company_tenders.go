package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// « Appels d'offres pour vous »: the open tenders and lots that fit a
// company (index.TendersFor), on its dashboard (the first few) and on a
// page of their own, each with « pas pour nous » to set it aside; below
// them, « Achats annoncés qui vous correspondent »: the prior-information
// notices that fit, which cannot be answered yet. When few open tenders
// fit, « Avis récents qui vous auraient correspondu »: the tenders closed
// or awarded in the last twelve months that the same matcher finds for
// the company (index.TendersForOptions.Closed), each marked « clôturé le
// … » or « attribué à … », so that the PMI sees which buyers buy what it
// makes; and « Acheteurs publics de votre secteur » (company_buyers.go).
// What
// companies set aside is counted per tender for the Alliance
// (/admin/appels-d-offres/signaux).

// companyTenderRoutes are the routes of this file.
func (s *Server) companyTenderRoutes() []route {
	return []route{
		{fiber.MethodGet, "/compte/entreprises/:id/appels-d-offres", s.signedInOnly(s.companyTenders)},
		{fiber.MethodPost, "/compte/entreprises/:id/appels-d-offres/pas-pour-nous", s.signedInOnly(s.companyTenderDismiss)},
		{fiber.MethodPost, "/compte/entreprises/:id/appels-d-offres/remettre", s.signedInOnly(s.companyTenderRestore)},
		{fiber.MethodGet, "/admin/appels-d-offres/signaux", s.adminOnly(s.adminTenderSignals)},
	}
}

// Sizes of the lists.
const (
	dashboardTenders = 5
	pageTenders      = 50
	// fewOpenTenders: with fewer open tenders than this, the recent
	// closed ones are shown below them.
	fewOpenTenders = 3
	// Recent closed tenders shown: on the dashboard, on the page, and on
	// the page with ?recents=tous.
	dashboardRecent = 3
	pageRecent      = 10
	allRecent       = pageTenders
)

// companyTendersView is the section (and the body of the page).
type companyTendersView struct {
	CompanyID string
	CSRF      string
	Back      string // "tableau" or "liste": where the forms return
	AllURL    string
	PageURL   string // where the forms post
	Fits      []companyTenderView
	More      bool // the dashboard shows only the first ones
	// Announced are the purchases announced by prior information that fit
	// the company (index.TendersForOptions.Announced): no call to answer
	// yet, the time to make oneself known to the buyer.
	Announced []companyTenderView
	// Recent are the tenders closed or awarded in the last
	// index.RecentClosedMonths that fit the company, shown only when
	// fewer than fewOpenTenders open ones do; RecentMore links to the
	// longer list (RecentAllURL).
	Recent       []companyTenderView
	RecentMore   bool
	RecentAllURL string
	RecentMonths int
	// Buyers are the public buyers of the company's sector near it
	// (company_buyers.go); nil when its listing says nothing of its
	// activity.
	Buyers  *companyBuyersView
	Basis   []string
	Missing []string
	Hidden  []hiddenTenderView
	// HiddenCount is how many tenders the company set aside: the
	// dashboard, which does not list them, links to the page that does
	// (where « Remettre » undoes a « pas pour nous »).
	HiddenCount int
	Unindexed   bool
	// Gaps are the declarations the listing lacks for the search, each
	// with its form; the empty list advises them, or an alert when the
	// listing lacks none.
	Gaps []listingGap
}

// listingGap is one declaration a listing lacks, and the form that takes it.
type listingGap struct {
	Text, URL string
}

// tenderSearchGaps names what a company has not declared among what
// index.TendersFor reads (codes, area, products, headcount), each with a
// link to its form section.
func tenderSearchGaps(s data.Supplier) []listingGap {
	var gaps []listingGap
	for _, g := range []struct {
		lacks         bool
		section, text string
	}{
		{len(s.CPVDeclared) == 0, "cpv", "Déclarez vos codes CPV : les acheteurs classent leurs marchés par ces codes."},
		{s.ServiceArea.Kind == data.ServiceAreaUnknown, "zone", "Déclarez votre zone d'intervention : les marchés loin de votre site pourront vous être proposés."},
		{len(s.Products) == 0, "presentation", "Citez vos produits et vos gammes : leurs mots sont cherchés dans les avis."},
		{s.HeadcountBand == "", "capacite", "Indiquez votre effectif : il situe les marchés à votre portée."},
	} {
		if g.lacks {
			gaps = append(gaps, listingGap{Text: g.text, URL: companyURL(s.ID) + "/fiche/" + g.section})
		}
	}
	return gaps
}

type companyTenderView struct {
	Row       tenderRowView
	ID        string
	HeadingID string
	Score     int // percent
	Reasons   []string
	Lots      []lotFitView
	Form      *tenderFitForm // nil for a closed tender: nothing to set aside
	// Past says, for a closed tender, « clôturé le 12 avril 2026 » or
	// « attribué à MENUISERIE DUPONT le 3 juin 2026 ».
	Past string
}

// tenderFitForm is what a fit's « pas pour nous » form posts with.
type tenderFitForm struct {
	PageURL, CSRF, Back string
}

type lotFitView struct {
	ID, Title, Reasons string
}

type hiddenTenderView struct {
	ID, Title, URL, When string
}

// companyTendersPage is the page of a company's tenders.
type companyTendersPage struct {
	Layout
	Name, URL string
	Section   template.HTML
}

// companyTenderData computes the tenders that fit a company, without the
// ones it set aside.
func (s *Server) companyTenderData(c *fiber.Ctx, a companyAccess, limit int, back string, recentLimit, buyersLimit int) (*companyTendersView, error) {
	ctx := c.UserContext()
	v := &companyTendersView{CompanyID: a.sup.ID, CSRF: s.csrfToken(c), Back: back, AllURL: companyURL(a.sup.ID) + "/appels-d-offres",
		PageURL: companyURL(a.sup.ID) + "/appels-d-offres"}
	dismissed, err := s.store.DismissedTenders(ctx, a.sup.ID)
	if err != nil {
		return nil, fmt.Errorf("web: tenders set aside by %s: %w", a.sup.ID, err)
	}
	v.HiddenCount = len(dismissed)
	exclude := make([]string, 0, len(dismissed))
	for _, d := range dismissed {
		exclude = append(exclude, d.TenderID)
	}
	now := s.now()
	won, err := s.wonCPVCodes(ctx, a.sup)
	if err != nil {
		return nil, err
	}
	res, err := s.tenderIndex.TendersFor(ctx, a.sup, index.TendersForOptions{Limit: limit + 1, At: now, Exclude: exclude, Won: won})
	if err != nil {
		return nil, fmt.Errorf("web: tenders for %s: %w", a.sup.ID, err)
	}
	announced, err := s.tenderIndex.TendersFor(ctx, a.sup, index.TendersForOptions{Limit: limit, At: now, Exclude: exclude, Announced: true, Won: won})
	if err != nil {
		return nil, fmt.Errorf("web: purchases announced for %s: %w", a.sup.ID, err)
	}
	v.Basis, v.Missing, v.Gaps = res.Basis, res.Missing, tenderSearchGaps(a.sup)
	if len(res.Fits) > limit {
		res.Fits, v.More = res.Fits[:limit], true
	}
	var form *tenderFitForm // « Pas pour nous », for the company's members only (companyTenderAction)
	if a.member != nil {
		form = &tenderFitForm{PageURL: v.PageURL, CSRF: v.CSRF, Back: back}
	}
	v.Fits = companyTenderViews(res.Fits, "ct-", form, now)
	v.Announced = companyTenderViews(announced.Fits, "ca-", form, now)
	if len(v.Fits) < fewOpenTenders {
		recent, err := s.tenderIndex.TendersFor(ctx, a.sup, index.TendersForOptions{Limit: recentLimit + 1, At: now, Exclude: exclude, Closed: true, Won: won})
		if err != nil {
			return nil, fmt.Errorf("web: recent tenders for %s: %w", a.sup.ID, err)
		}
		if len(recent.Fits) > recentLimit {
			recent.Fits, v.RecentMore = recent.Fits[:recentLimit], true
		}
		v.Recent = companyTenderViews(recent.Fits, "cr-", nil, now)
		for i := range v.Recent {
			v.Recent[i].Past = pastTenderNote(&recent.Fits[i].Tender, now)
		}
		v.RecentMonths = index.RecentClosedMonths
		v.RecentAllURL = v.AllURL + "?recents=tous#avis-recents"
		if back == "tableau" {
			v.RecentAllURL = v.AllURL + "#avis-recents"
		}
	}
	buyersURL := v.AllURL + "#acheteurs-secteur"
	if back == "liste" {
		buyersURL = v.AllURL + "?acheteurs=tous#acheteurs-secteur"
	}
	if v.Buyers, err = s.companyBuyersData(ctx, a.sup, won, buyersLimit, buyersURL); err != nil {
		return nil, err
	}
	if back == "liste" {
		for _, d := range dismissed {
			h := hiddenTenderView{ID: d.TenderID, When: frenchDate(d.At.In(paris())), URL: tenderPath + "/" + url.PathEscape(d.TenderID)}
			if t, err := s.store.Tender(ctx, d.TenderID); err == nil {
				h.Title = t.Title
			}
			v.Hidden = append(v.Hidden, h)
		}
	}
	return v, nil
}

// wonCPVCodes are the CPV codes of the contracts the company won, each
// contract counted once (foldContracts), most frequent first: what its
// track record tells TendersFor it does (index.TendersForOptions.Won).
func (s *Server) wonCPVCodes(ctx context.Context, sup data.Supplier) ([]string, error) {
	if data.ValidSIREN(sup.SIREN) != nil {
		return nil, nil
	}
	awards, err := s.store.AwardsBySIREN(ctx, sup.SIREN)
	if err != nil {
		return nil, fmt.Errorf("web: contracts won by %s: %w", sup.ID, err)
	}
	count := map[string]int{}
	for _, c := range foldContracts(awards) {
		if code := c.merged().CPV; code != "" {
			count[code]++
		}
	}
	codes := make([]string, 0, len(count))
	for code := range count {
		codes = append(codes, code)
	}
	slices.SortFunc(codes, func(a, b string) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return codes, nil
}

// companyTenderViews are the rows of fits; headings get ids prefix0,
// prefix1…
func companyTenderViews(fits []index.TenderFit, prefix string, form *tenderFitForm, now time.Time) []companyTenderView {
	out := make([]companyTenderView, 0, len(fits))
	for i, f := range fits {
		tv := companyTenderView{Row: newTenderRowView(&f.Tender, now), ID: f.Tender.ID, HeadingID: prefix + strconv.Itoa(i),
			Score: int(f.Score*100 + 0.5), Form: form}
		for _, r := range f.Reasons {
			tv.Reasons = append(tv.Reasons, reasonSentence(r))
		}
		for _, l := range f.Lots {
			var rs []string
			for _, r := range l.Reasons {
				rs = append(rs, reasonSentence(r))
			}
			tv.Lots = append(tv.Lots, lotFitView{ID: l.ID, Title: l.Title, Reasons: strings.Join(rs, " ; ")})
		}
		out = append(out, tv)
	}
	return out
}

// pastTenderNote says how a tender ended: « attribué à X le … » when its
// winners are known (of the tender or of its lots), « attribué » when its
// notices only report the award, else « clôturé le … » (its deadline, or
// the date it is presumed closed, data.Tender.OpenUntil).
func pastTenderNote(t *data.Tender, now time.Time) string {
	if t.StatusAt(now) == data.StatusAwarded {
		var names []string
		add := func(ws []data.Winner) {
			for _, w := range ws {
				if n := strings.TrimSpace(w.Name); n != "" && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
		add(t.Winners)
		for _, l := range t.Lots {
			add(l.Winners)
		}
		note := "attribué"
		switch {
		case len(names) == 1:
			note += " à " + names[0]
		case len(names) == 2:
			note += " à " + names[0] + " et " + names[1]
		case len(names) > 2:
			note += " à " + names[0] + ", " + names[1] + " et " + data.CountFR(len(names)-2, "autre entreprise", "autres entreprises")
		}
		if !t.PublishedAt.IsZero() {
			note += " (avis publié le " + frenchDate(t.PublishedAt.In(paris())) + ")"
		}
		return note
	}
	if until := t.OpenUntil(); !until.IsZero() {
		note := "clôturé le " + frenchDate(until.In(paris()))
		if t.DeadlinePresumed() {
			note = "clôturé (présumé) le " + frenchDate(until.In(paris()))
		}
		return note
	}
	return "clôturé"
}

// reasonSentence is what a page shows of a reason.
func reasonSentence(r data.Reason) string {
	if r.Text != "" {
		return r.Text
	}
	return r.String()
}

// companyTendersSection renders the dashboard's section, "" when the
// company cannot be matched (no index).
func (s *Server) companyTendersSection(c *fiber.Ctx, a companyAccess) (template.HTML, error) {
	v, err := s.companyTenderData(c, a, dashboardTenders, "tableau", dashboardRecent, dashboardBuyers)
	if err != nil {
		return "", err
	}
	return s.renderPartial("company_tenders", "company-tenders", v)
}

// renderPartial executes one named template of a page's set into HTML.
func (s *Server) renderPartial(page, name string, v any) (template.HTML, error) {
	t, ok := s.pages.pages[page]
	if !ok {
		return "", fmt.Errorf("web: no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return "", fmt.Errorf("web: render %s/%s: %w", page, name, err)
	}
	return template.HTML(buf.String()), nil // the output of html/template: already escaped
}

// companyTenders serves GET /compte/entreprises/{id}/appels-d-offres.
func (s *Server) companyTenders(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	recent := pageRecent
	if c.Query("recents") == "tous" {
		recent = allRecent
	}
	buyers := pageBuyers
	if c.Query("acheteurs") == "tous" {
		buyers = allBuyers
	}
	v, err := s.companyTenderData(c, a, pageTenders, "liste", recent, buyers)
	if err != nil {
		return err
	}
	section, err := s.renderPartial("company_tenders", "company-tenders", v)
	if err != nil {
		return err
	}
	p := &companyTendersPage{Layout: Layout{Title: "Appels d'offres pour " + a.sup.Name}, Name: a.sup.Name,
		URL: companyURL(a.sup.ID), Section: section}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "company_tenders", p)
}

// companyTenderDismiss serves POST …/appels-d-offres/pas-pour-nous.
func (s *Server) companyTenderDismiss(c *fiber.Ctx) error {
	return s.companyTenderAction(c, func(a companyAccess, tenderID string) error {
		return s.store.DismissTender(c.UserContext(), data.TenderDismissal{SupplierID: a.sup.ID, TenderID: tenderID,
			AccountID: a.account.ID, At: time.Now().UTC()})
	})
}

// companyTenderRestore serves POST …/appels-d-offres/remettre.
func (s *Server) companyTenderRestore(c *fiber.Ctx) error {
	return s.companyTenderAction(c, func(a companyAccess, tenderID string) error {
		return s.store.RestoreTender(c.UserContext(), a.sup.ID, tenderID, "account:"+a.account.ID)
	})
}

// companyTenderAction checks membership and the tender, applies act and
// goes back where the form was.
func (s *Server) companyTenderAction(c *fiber.Ctx, act func(companyAccess, string) error) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	if a.member == nil {
		return fmt.Errorf("web: only members set tenders aside: %w", data.ErrUnauthorized)
	}
	tenderID := strings.TrimSpace(c.FormValue("tender"))
	if tenderID == "" || len(tenderID) > 512 {
		return badParam("tender", tenderID, "avis manquant")
	}
	if err := act(a, tenderID); err != nil {
		return err
	}
	back := companyURL(a.sup.ID)
	if c.FormValue("retour") == "liste" {
		back += "/appels-d-offres"
	}
	return c.Redirect(back+"#appels-d-offres", fiber.StatusSeeOther)
}

// tenderSignalsPage lists the tenders companies set aside, most first.
type tenderSignalsPage struct {
	Layout
	Rows  []tenderSignalRow
	Total int
}

type tenderSignalRow struct {
	ID, Title, URL string
	Count          int
}

// adminTenderSignals serves GET /admin/appels-d-offres/signaux.
func (s *Server) adminTenderSignals(c *fiber.Ctx) error {
	ctx := c.UserContext()
	counts, err := s.store.TenderDismissalCounts(ctx)
	if err != nil {
		return err
	}
	p := &tenderSignalsPage{Layout: Layout{Title: "Appels d'offres écartés par les entreprises"}}
	for id, n := range counts {
		row := tenderSignalRow{ID: id, Count: n, URL: tenderPath + "/" + url.PathEscape(id)}
		if t, err := s.store.Tender(ctx, id); err == nil {
			row.Title = t.Title
		}
		p.Rows = append(p.Rows, row)
		p.Total += n
	}
	slices.SortFunc(p.Rows, func(a, b tenderSignalRow) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "tender_signals", p)
}
