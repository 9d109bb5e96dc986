package web

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/observatory"
)

// observatoryPage is the typed page of observatory.html.
type observatoryPage struct {
	Layout
	Filter  statsFilterView
	Day     string     // the day the label states are computed on
	BuiltAt string     // when the facts were read from the store
	Links   statsLinks // the same figures in the API, with the filters

	Suppliers, Holding, Unplaced int
	Labels                       []labelCoverageView
	Map                          *densityMap
	Departements, Regions        []areaRow
	NAFSections, NAFDivisions    []sectorRow
	Univers, CPVDivisions        []sectorRow
	MoreDivisions, MoreCPV       int // rows left out of the two long lists

	// TendersTitle and TendersScope are the tender section's heading and
	// what it counts: the tenders open today, or, with a period, those
	// published in it, open or closed.
	TendersTitle, TendersScope string
	TendersMatcher             bool // the matcher is available
	CapableScore               string
	// Main is the section's figures: the tenders open today (ScopeOpen),
	// or with a period those published in it (ScopePublished); Recent,
	// without a period, the same for the notices published in the last
	// twelve months, open or closed: the default server's notices are all
	// past their deadline, and a gap is a gap whether it passed or not.
	Main, Recent *tenderBlock
	// KeptNote says, when the period starts before them, since when the
	// facts keep the closed tenders.
	KeptNote                                                string
	Awards                                                  *observatory.AwardShare
	AwardPeriod                                             string
	AwardTotals                                             []awardTotalRow
	AwardTables                                             []awardTable
	AwardScopes                                             []awardScopeRow
	AwardScopesNote                                         string // where the labelled wins come from (awardScopesNote)
	AwardShareCount, AwardShareAmount, AwardShareIdentified string
	AwardAmount, AwardLabelledAmount                        string // the bases of the shares, written out
	AwardIdentified                                         int
	Charts                                                  []*chartView
	HistoryDays                                             int
	Admin                                                   bool
	AdminConfigured                                         bool
	Sources                                                 []sourceRow
	Claims                                                  claimShareView
	CompletenessOver                                        []string
}

// statsLinks are the addresses of the page's figures in the API, with
// the page's filters.
type statsLinks struct {
	Coverage, Tenders, Awards, History, HistoryCSV string
}

// newStatsLinks builds the API links of a filter. The whole address is
// built here, its query encoded by url.Values: a query string put after
// "?" in a template would be escaped once more there ("%3d", "%26").
func newStatsLinks(flt observatory.Filter) statsLinks {
	link := func(path string, q url.Values) string {
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	q, csv := statsQuery(flt), statsQuery(flt)
	csv.Set("format", "csv")
	return statsLinks{Coverage: link("/api/v1/stats/coverage", q), Tenders: link("/api/v1/stats/tenders", q),
		Awards: link("/api/v1/stats/awards", q), History: link("/api/v1/stats/history", q),
		HistoryCSV: link("/api/v1/stats/history", csv)}
}

// statsFilterView is the filter form.
type statsFilterView struct {
	Region, Departement, Label, Period string
	Regions, Departements, Labels      []option
	Active                             bool
	// Error explains an invalid filter, shown next to its field, the
	// parameter ErrorField names ("region", "departement", "label",
	// "period"); the page then shows no figures.
	Error, ErrorField string
}

type option struct{ Value, Text string }

type labelCoverageView struct {
	Type, Name      string
	Total, Holding  int
	States          []stateRow
	HoldingShare    string
	ExpiredNotFound int
}

type stateRow struct {
	Name  string
	Count int
	Share string
}

type areaRow struct {
	Code, Name, Class string
	Overseas          bool
	Population        int
	Listed, Holding   int
	Expired           int
	PerCapita         string
}

type sectorRow struct {
	Code, Name      string
	Listed, Holding int
}

type unmatchedRow struct {
	ID, Title, Place, CPV, Deadline, URL string
	Published, Status                    string // with observatory.ScopePublished: « 15 mars 2026 », « clos »
}

// tenderBlock is one evaluation of the tenders in the section, its
// figures, matrix and list.
type tenderBlock struct {
	Tenders                                *observatory.TenderCoverage
	TendersNoneShare, TendersAtLeast3Share string // of the evaluated tenders
	Heat                                   *heatView
	Unmatched                              []unmatchedRow
	MoreUnmatched                          int
	// Suffix tells the element ids of a second block apart ("-recent");
	// a second block's list has a lower heading.
	Suffix string
	// Published is true for observatory.ScopePublished.
	Published bool
	// One and Many are the words of one and several of the tenders
	// counted (« appel d'offres ouvert »).
	One, Many string
	// ByStatus says, with Published, how many are still open, closed or
	// awarded (« dont 1 encore ouvert, 88 clos et 1 attribué »).
	ByStatus       string
	UnmatchedTitle string
	// Empty is said when no tender was evaluated.
	Empty   string
	Matcher bool   // the matcher is available
	APILink string // the same figures in the API
}

// awardScopeRow says what the contracts counted from one source cover.
type awardScopeRow struct {
	Name, Period, Divisions string
	Count, Labelled         int
	Share                   string // Labelled / Count: the share read on this source alone
}

type awardTotalRow struct {
	Name, Count, Amount, Share, AmountShare string
}

// awardTable is one breakdown of the award share.
type awardTable struct {
	Caption, Head string
	Rows          []awardRow
}

type awardRow struct {
	Label                   string // code and name as shown
	Code, Name              string
	All, Labelled           int
	Amount, LabelledAmount  string
	ShareCount, ShareAmount string
	Unidentified            int
}

type sourceRow struct {
	Name, Kind                        string
	LastRun, Duration, Pages, Errors  string
	Complete                          bool
	Listings, NotRefound              int
	Ages                              []observatory.Band
	Imported                          int
	LastImported, Covered             string
	Defects                           int
	ErrorLines                        []data.CrawlError
	NotModified, Failed, New, Updated int
}

type claimShareView struct {
	Claimed                  int
	Share, Mean, ClaimedMean string
	Bands                    []observatory.Band
	Fields                   string
}

// observatoryListCap bounds the long lists of the page; the API and CSV
// give them whole.
const observatoryListCap = 25

// observatoryHandler renders /observatoire: the public figures, and the
// Alliance's full view for an admin (isObservatoryAdmin).
func (s *Server) observatoryHandler(c *fiber.Ctx) error {
	v := queryValues(c)
	flt, err := parseStatsFilter(v)
	if err != nil {
		return s.observatoryInvalid(c, v, err)
	}
	ctx := c.UserContext()
	f, err := s.observatoryFacts(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	from, to := snapshotRange(flt)
	snaps, err := s.store.StatsSnapshots(ctx, from, to)
	if err != nil {
		return fmt.Errorf("web: observatory: history: %w", err)
	}
	p := &observatoryPage{Layout: Layout{Title: "Observatoire du fabriqué en France"},
		Day: frenchDate(now.In(paris())), BuiltAt: frenchDateTime(f.BuiltAt), Links: newStatsLinks(flt),
		Admin: s.isObservatoryAdmin(c), AdminConfigured: s.cfg.AdminToken != "", HistoryDays: len(snaps),
		TendersMatcher: s.index != nil}
	p.Filter = newStatsFilterView(flt.Region, flt.Departement, string(flt.Label), periodText(flt))
	s.fillCoverage(p, s.coverageOf(f, flt, now))
	s.fillTenderSection(p, f, flt, now)
	fillAwards(p, s.awardsOf(f, flt, now))
	p.Charts = historyCharts(snaps)
	if p.Admin {
		p.Sources = sourceRows(s.sourcesOf(f, now))
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, fiber.StatusOK, "observatory", p)
}

// statsQuery writes a filter back as URL parameters.
func statsQuery(flt observatory.Filter) url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("region", flt.Region)
	set("departement", flt.Departement)
	set("label", string(flt.Label))
	set("period", periodText(flt))
	return q
}

// periodText writes the period back as the period parameter reads it.
func periodText(flt observatory.Filter) string {
	if flt.From.IsZero() && flt.To.IsZero() {
		return ""
	}
	var from, to string
	if !flt.From.IsZero() {
		from = flt.From.Format(time.DateOnly)
	}
	if !flt.To.IsZero() {
		to = flt.To.Add(-24 * time.Hour).Format(time.DateOnly)
	}
	return from + ".." + to
}

// observatoryInvalid shows the page with its filter form, the values as
// the user wrote them and the message of the invalid filter next to its
// field (400), like the supplier search; any other error goes on to the
// error page.
func (s *Server) observatoryInvalid(c *fiber.Ctx, v url.Values, err error) error {
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	p := &observatoryPage{Layout: Layout{Title: "Observatoire : filtre à corriger"},
		Admin: s.isObservatoryAdmin(c), AdminConfigured: s.cfg.AdminToken != ""}
	p.Filter = newStatsFilterView(strings.TrimSpace(v.Get("region")), strings.ToUpper(strings.TrimSpace(v.Get("departement"))),
		strings.ToUpper(strings.TrimSpace(v.Get("label"))), strings.TrimSpace(v.Get("period")))
	p.Filter.Error, p.Filter.ErrorField = ve.Message, ve.Field
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, fiber.StatusBadRequest, "observatory", p)
}

// newStatsFilterView fills the filter form with its values; a value none
// of a list's options has (an unknown code the user wrote) gets an option
// of its own, so that the form shows what was asked.
func newStatsFilterView(region, departement, label, period string) statsFilterView {
	v := statsFilterView{Region: region, Departement: departement, Label: label, Period: period}
	v.Active = v.Region != "" || v.Departement != "" || v.Label != "" || v.Period != ""
	for _, r := range data.Regions() {
		if r.Zone != "com" {
			v.Regions = append(v.Regions, option{r.Code, r.Name})
		}
	}
	sort.Slice(v.Regions, func(i, j int) bool { return data.Fold(v.Regions[i].Text) < data.Fold(v.Regions[j].Text) })
	for _, d := range data.Departements() {
		if d.Zone != "com" {
			v.Departements = append(v.Departements, option{d.Code, d.Code + " – " + d.Name})
		}
	}
	for _, t := range data.Labels() {
		v.Labels = append(v.Labels, option{string(t), string(t) + " – " + data.LabelName(t)})
	}
	v.Regions = withAsked(v.Regions, region)
	v.Departements = withAsked(v.Departements, departement)
	v.Labels = withAsked(v.Labels, label)
	return v
}

// withAsked returns the options with one for value first when none has
// it, written as asked.
func withAsked(opts []option, value string) []option {
	if value == "" || slices.ContainsFunc(opts, func(o option) bool { return o.Value == value }) {
		return opts
	}
	return append([]option{{value, value + " (inconnu)"}}, opts...)
}

func (s *Server) fillCoverage(p *observatoryPage, c *observatory.Coverage) {
	p.Suppliers, p.Holding, p.Unplaced = c.Suppliers, c.Holding, c.Unplaced
	for _, lc := range c.Labels {
		lv := labelCoverageView{Type: string(lc.Type), Name: lc.Name, Total: lc.Total, Holding: lc.Holding}
		if lc.Name == string(lc.Type) { // a label a source proves that Fabrique has no name for: its code, once
			lv.Name = ""
		}
		if lc.Total > 0 {
			lv.HoldingShare = formatShare(float64(lc.Holding) / float64(lc.Total))
		}
		for _, st := range lc.States {
			r := stateRow{Name: st.Name, Count: st.Count}
			if lc.Total > 0 {
				r.Share = formatShare(float64(st.Count) / float64(lc.Total))
			}
			lv.States = append(lv.States, r)
		}
		p.Labels = append(p.Labels, lv)
	}
	p.Map = s.maps.densityMap(c.Departements)
	classOf := map[string]string{}
	for _, sh := range p.Map.Shapes {
		classOf[sh.Code] = sh.Class
	}
	for _, t := range p.Map.Overseas {
		classOf[t.Code] = t.Class
	}
	area := func(a observatory.AreaCoverage) areaRow {
		return areaRow{Code: a.Code, Name: a.Name, Class: classOf[a.Code], Overseas: a.Overseas, Population: a.Population,
			Listed: a.Listed, Holding: a.Holding, Expired: a.Expired, PerCapita: formatDecimal(a.PerCapita)}
	}
	for _, a := range c.Departements {
		p.Departements = append(p.Departements, area(a))
	}
	for _, a := range c.Regions {
		p.Regions = append(p.Regions, area(a))
	}
	sectors := func(list []observatory.SectorCount, limit int) ([]sectorRow, int) {
		var out []sectorRow
		for _, sc := range list {
			if limit > 0 && len(out) == limit {
				return out, len(list) - limit
			}
			out = append(out, sectorRow{Code: sc.Code, Name: sc.Name, Listed: sc.Listed, Holding: sc.Holding})
		}
		return out, 0
	}
	p.NAFSections, _ = sectors(c.NAFSections, 0)
	p.NAFDivisions, p.MoreDivisions = sectors(c.NAFDivisions, observatoryListCap)
	p.Univers, _ = sectors(c.Univers, 0)
	p.CPVDivisions, p.MoreCPV = sectors(c.CPVDivisions, observatoryListCap)
	cl := c.Claims
	p.Claims = claimShareView{Claimed: cl.Claimed, Share: formatShare(cl.Share), Bands: cl.CompletenessBands}
	if cl.MeanCompleteness != nil { // nil when no listing is in the filter
		p.Claims.Mean = formatDecimal(*cl.MeanCompleteness) + "\u00a0%"
	}
	if cl.ClaimedMean != nil { // nil when none is claimed: the mean of no listing is no 0,0 %
		p.Claims.ClaimedMean = formatDecimal(*cl.ClaimedMean) + "\u00a0%"
	}
	p.CompletenessOver = cl.Fields
}

// fillTenders sets the section's main block from tc.
func fillTenders(p *observatoryPage, tc *observatory.TenderCoverage) {
	p.CapableScore = formatNumber(int(tc.CapableScore))
	p.Main = newTenderBlock(tc)
}

// newTenderBlock is the view of one evaluation of the tenders, its words
// those of its scope.
func newTenderBlock(tc *observatory.TenderCoverage) *tenderBlock {
	b := &tenderBlock{Tenders: tc, One: "appel d'offres ouvert", Many: "appels d'offres ouverts",
		UnmatchedTitle: "Appels d'offres ouverts sans fournisseur capable"}
	if tc.Scope == observatory.ScopePublished {
		b.Published, b.One, b.Many = true, "appel d'offres publié", "appels d'offres publiés"
		b.UnmatchedTitle = "Appels d'offres publiés sans fournisseur capable, ouverts ou clos"
		b.ByStatus = statusCounts(tc)
	}
	if tc.Evaluated > 0 {
		b.TendersNoneShare = formatShare(float64(tc.None) / float64(tc.Evaluated))
		b.TendersAtLeast3Share = formatShare(float64(tc.AtLeast3) / float64(tc.Evaluated))
	}
	b.Heat = newHeatView(tc)
	for _, t := range tc.Unmatched {
		if len(b.Unmatched) == observatoryListCap {
			b.MoreUnmatched = len(tc.Unmatched) - observatoryListCap
			break
		}
		r := unmatchedRow{ID: t.ID, Title: t.Title, CPV: t.CPVDivision, URL: "/appels-d-offres/" + url.PathEscape(t.ID)}
		if t.CPVDivision != "" {
			r.CPV = t.CPVDivision + " – " + observatory.CPVDivisionName(t.CPVDivision)
			if t.CPVInferred {
				r.CPV += " (déduit de l'avis)"
			}
		}
		r.Place = unmatchedPlace(t)
		if !t.Deadline.IsZero() {
			r.Deadline = frenchDate(t.Deadline.In(paris())) // the day the tender's page says
		}
		if b.Published {
			r.Published, r.Status = frenchDate(t.PublishedAt.In(paris())), statusWord(t.Status, 1)
		}
		b.Unmatched = append(b.Unmatched, r)
	}
	return b
}

// statusWord is the French word of a tender's status in the observatory,
// agreed with n: « ouvert(s) », « clos », « attribué(s) ».
func statusWord(st data.TenderStatus, n int) string {
	switch st {
	case data.StatusOpen:
		return data.PluralFR(n, "ouvert", "ouverts")
	case data.StatusAwarded:
		return data.PluralFR(n, "attribué", "attribués")
	}
	return "clos"
}

// statusCounts says how many of the tenders counted are still open,
// closed or awarded: « Parmi eux : 1 encore ouvert, 88 clos et 1
// attribué. », « Tous sont clos. » when they share one status, « Il est
// clos. » for one; "" when there is none.
func statusCounts(tc *observatory.TenderCoverage) string {
	type part struct {
		n    int
		word string
	}
	var parts []part
	for _, p := range []part{{tc.Open, "encore " + statusWord(data.StatusOpen, tc.Open)}, {tc.Closed, "clos"},
		{tc.Awarded, statusWord(data.StatusAwarded, tc.Awarded)}} {
		if p.n > 0 {
			parts = append(parts, p)
		}
	}
	switch {
	case len(parts) == 0:
		return ""
	case len(parts) == 1 && parts[0].n == 1:
		return "Il est " + parts[0].word + "."
	case len(parts) == 1:
		return "Tous sont " + parts[0].word + "."
	}
	words := make([]string, len(parts))
	for i, p := range parts {
		words[i] = formatNumber(p.n) + " " + p.word
	}
	return "Parmi eux : " + strings.Join(words[:len(words)-1], ", ") + " et " + words[len(words)-1] + "."
}

// fillTenderSection fills the tender section: without a period, the
// tenders open today and, apart, those published in the last twelve
// months, open or closed; with a period, those published in it, open or
// closed. The API links follow.
func (s *Server) fillTenderSection(p *observatoryPage, f *observatory.Facts, flt observatory.Filter, now time.Time) {
	where := "en France"
	if flt.Region != "" || flt.Departement != "" || flt.Label != "" { // the period is said apart
		where = "dans ce périmètre"
	}
	const counted = ", qu'ils soient encore ouverts, clos ou attribués : un fabricant qui manque est un manque, " +
		"que la date limite soit passée ou non. Les procédures annulées, les avis de pré-information et les avis de résultat sans leur appel d'offres (attributions directes, ou appel d'offres absent de Fabrique) ne sont pas comptés."
	published := statsQuery(flt)
	published.Set("scope", string(observatory.ScopePublished))
	publishedLink := "/api/v1/stats/tenders?" + published.Encode()
	if flt.From.IsZero() && flt.To.IsZero() {
		p.TendersTitle = "Appels d'offres ouverts : trouvent-ils des fabricants ?"
		open := s.tendersOf(f, observatory.ScopeOpen, flt, now)
		fillTenders(p, open)
		p.Main.Empty = "Aucun appel d'offres ouvert " + where + ", donc aucun à évaluer"
		if none := noneOpenText(f, s.tendersOf(f, observatory.ScopeOpen, observatory.Filter{}, now)); none != "" {
			p.Main.Empty += " : " + none
		}
		p.Main.Empty += "."
		p.Main.Matcher, p.Main.APILink = p.TendersMatcher, p.Links.Tenders
		recent := s.tendersOf(f, observatory.ScopePublished, flt, now)
		p.Recent = newTenderBlock(recent)
		p.Recent.Suffix, p.Recent.Matcher, p.Recent.APILink = "-recent", p.TendersMatcher, publishedLink
		p.Recent.UnmatchedTitle = "Avis publiés ces 12 derniers mois sans fournisseur capable, ouverts ou clos"
		p.Recent.Empty = "Aucun appel d'offres publié ces 12 derniers mois " + where + ", donc aucun à évaluer."
		p.TendersScope = "Les mêmes chiffres pour les appels d'offres publiés " + publishedPeriodText(recent.PublishedFrom, recent.PublishedTo) + counted
		return
	}
	tc := s.tendersOf(f, observatory.ScopePublished, flt, now)
	period := publishedPeriodText(tc.PublishedFrom, tc.PublishedTo)
	p.TendersTitle = "Appels d'offres publiés " + period + " : trouvent-ils des fabricants ?"
	p.TendersScope = "Sont comptés les appels d'offres publiés " + period + counted
	fillTenders(p, tc)
	p.Main.Empty = "Aucun appel d'offres publié " + period + " " + where + ", donc aucun à évaluer."
	p.Main.Matcher, p.Main.APILink = p.TendersMatcher, publishedLink
	p.Links.Tenders = publishedLink
	if tc.PublishedFrom.Before(tc.KeptSince) {
		p.KeptNote = "Fabrique ne garde les appels d'offres clos ou attribués que s'ils ont été publiés depuis le " +
			frenchDate(tc.KeptSince) + " : parmi ceux publiés avant, seuls ceux encore ouverts sont comptés."
	}
}

// publishedPeriodText writes a period of publication in French: « en mars
// 2026 », « en 2026 », « le 15 mars 2026 », « du 1er janvier au 30 juin
// 2024 » (« du 1er décembre 2025 au 31 janvier 2026 »), « depuis le 8
// décembre 2025 », « jusqu'au 30 juin 2024 ». from and to are days at
// 00:00 UTC, to excluded.
func publishedPeriodText(from, to time.Time) string {
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return "depuis le " + frenchDate(from)
	case from.IsZero():
		return "jusqu'au " + frenchDate(to.AddDate(0, 0, -1))
	}
	last := to.AddDate(0, 0, -1)
	switch {
	case from.Day() == 1 && from.Month() == time.January && to.Equal(from.AddDate(1, 0, 0)):
		return "en " + strconv.Itoa(from.Year())
	case from.Day() == 1 && to.Equal(from.AddDate(0, 1, 0)):
		return "en " + frenchMonths()[from.Month()-1] + " " + strconv.Itoa(from.Year())
	case last.Equal(from):
		return "le " + frenchDate(from)
	case from.Year() == last.Year():
		first := frenchDate(from)
		return "du " + strings.TrimSuffix(first, " "+strconv.Itoa(from.Year())) + " au " + frenchDate(last)
	}
	return "du " + frenchDate(from) + " au " + frenchDate(last)
}

// noneOpenText explains an empty tender section when the store holds
// published notices but none is open (all closed, awarded, cancelled or
// announced): the seed's real BOAMP notices of 15 March 2026 are all closed
// three months later. "" when some tender is open (anywhere: open, the
// unfiltered coverage of the open tenders) or none was imported.
func noneOpenText(f *observatory.Facts, open *observatory.TenderCoverage) string {
	if open.Tenders+open.Abroad > 0 || f.TendersTotal == 0 {
		return ""
	}
	var last time.Time
	for _, imp := range f.TenderSources {
		if imp.Last.After(last) {
			last = imp.Last
		}
	}
	n := f.TendersTotal
	text := data.PluralFR(n, "l'avis publié que Fabrique a importé", "les "+formatNumber(n)+" avis publiés que Fabrique a importés")
	if !last.IsZero() {
		text += data.PluralFR(n, " (publié le ", " (le dernier publié le ") + frenchDate(last.In(paris())) + ")"
	}
	return text + data.PluralFR(n, " est clos, attribué ou annulé", " sont tous clos, attribués ou annulés")
}

func fillAwards(p *observatoryPage, as *observatory.AwardShare) {
	p.Awards = as
	if !as.From.IsZero() {
		p.AwardPeriod = "du " + frenchDate(as.From) + " au " + frenchDate(as.To) + yearGapsText(as.ByYear)
	}
	total := func(name string, t observatory.Tally) awardTotalRow {
		r := awardTotalRow{Name: name, Count: formatNumber(t.Count), Amount: formatEuros(t.Amount)}
		if as.All.Count > 0 {
			r.Share = formatShare(float64(t.Count) / float64(as.All.Count))
		}
		if as.All.Amount > 0 {
			r.AmountShare = formatShare(t.Amount / as.All.Amount)
		}
		return r
	}
	p.AwardTotals = []awardTotalRow{
		total("Tous les marchés attribués", as.All),
		total("Remportés par une entreprise labellisée", as.Labelled),
		total("Remportés par une entreprise de l'annuaire (labellisée ou non)", as.Listed),
		total("Titulaire non identifiable (SIRET absent ou invalide)", as.Unidentified),
	}
	// capped names a table of which the page shows the first
	// observatoryListCap rows, as the sectors' captions do.
	capped := func(caption string, list []observatory.AwardRow) string {
		if n := len(list) - observatoryListCap; n > 0 {
			return caption + " (les " + formatNumber(observatoryListCap) + " premières ; " +
				pluralFR(n, "autre", "autres") + " dans l'API)"
		}
		return caption
	}
	rows := func(list []observatory.AwardRow, limit int, withCode bool) []awardRow {
		var out []awardRow
		for _, r := range list {
			if limit > 0 && len(out) == limit {
				break
			}
			label := r.Name
			if withCode && r.Code != "" {
				label = r.Code + " – " + r.Name
			}
			out = append(out, awardRow{Label: label, Code: r.Code, Name: r.Name, All: r.All.Count, Labelled: r.Labelled.Count,
				Amount: formatEuros(r.All.Amount), LabelledAmount: formatEuros(r.Labelled.Amount),
				ShareCount: shareOf(r.ShareCount, r.All.Count > 0), ShareAmount: shareOf(r.ShareAmount, r.All.Amount > 0),
				Unidentified: r.Unidentified})
		}
		return out
	}
	p.AwardTables = []awardTable{
		{"Par année de notification", "Année", rows(as.ByYear, 0, false)},
		{"Par région du lieu d'exécution", "Région", rows(as.ByRegion, 0, false)},
		{capped("Par division CPV", as.ByCPVDivision), "Division CPV", rows(as.ByCPVDivision, observatoryListCap, true)},
		{"Par type d'acheteur (déduit de son nom)", "Type d'acheteur", rows(as.ByBuyerType, 0, false)},
	}
	for _, sc := range as.BySource {
		p.AwardScopes = append(p.AwardScopes, awardScopeRow{Name: awardSourceName(sc.Source), Period: scopePeriod(sc),
			Divisions: scopeDivisions(sc), Count: sc.All.Count, Labelled: sc.Labelled.Count,
			Share: shareOf(float64(sc.Labelled.Count)/float64(max(sc.All.Count, 1)), sc.All.Count > 0)})
	}
	p.AwardScopesNote = awardScopesNote(as)
	p.AwardShareCount, p.AwardShareAmount = shareOf(as.ShareCount, as.All.Count > 0), shareOf(as.ShareAmount, as.All.Amount > 0)
	p.AwardShareIdentified = shareOf(as.ShareIdentified, as.All.Count > as.Unidentified.Count)
	p.AwardAmount, p.AwardLabelledAmount = formatEuros(as.All.Amount), formatEuros(as.Labelled.Amount)
	p.AwardIdentified = as.All.Count - as.Unidentified.Count
}

// awardScopesNote says where the labelled wins come from when one source
// holds them all and others hold none, so that the share of the whole is
// not read as a share of every source: on first start the 22 labelled
// wins all come from the DECP 2024 extract (works, division 45), 22 of its
// 5 277 contracts, while the 9 269 contracts of the other sources, all
// sectors of 2018–2019, count in the denominator (22 of 14 546). "" when
// no or several sources hold labelled wins.
func awardScopesNote(as *observatory.AwardShare) string {
	var holder *observatory.SourceScope
	for i := range as.BySource {
		if as.BySource[i].Labelled.Count > 0 {
			if holder != nil {
				return ""
			}
			holder = &as.BySource[i]
		}
	}
	if holder == nil || len(as.BySource) < 2 {
		return ""
	}
	s := "Les " + formatNumber(holder.Labelled.Count) + " marchés remportés par une entreprise labellisée viennent tous"
	if holder.Labelled.Count == 1 {
		s = "Le marché remporté par une entreprise labellisée vient"
	}
	s += " d'une seule source, « " + awardSourceName(holder.Source) + " » : " + formatNumber(holder.Labelled.Count) + " sur " +
		pluralFR(holder.All.Count, "marché", "marchés") + " (" + formatShare(float64(holder.Labelled.Count)/float64(holder.All.Count)) + ")"
	if p := scopePeriod(*holder); p != "" {
		s += ", notifiés " + p
	}
	if d := scopeDivisions(*holder); d != "" {
		s += ", divisions CPV " + d
	}
	others := "Les " + pluralFR(as.All.Count-holder.All.Count, "marché", "marchés") + " des autres sources n'en comptent aucun mais entrent"
	if as.All.Count-holder.All.Count == 1 {
		others = "Le marché de l'autre source n'en compte aucun mais entre"
	}
	return s + ". " + others + " dans la part de l'ensemble (" + formatNumber(as.Labelled.Count) + " sur " + formatNumber(as.All.Count) + ")."
}

// scopePeriod says when a source's contracts were notified: « du 1er
// juillet 2024 au 1er janvier 2025 », and how many have no date.
func scopePeriod(sc observatory.SourceScope) string {
	var s string
	if !sc.From.IsZero() {
		s = "du " + frenchDate(sc.From) + " au " + frenchDate(sc.To)
		if sc.From.Equal(sc.To) {
			s = "le " + frenchDate(sc.From)
		}
	}
	return withPart(s, sc.Undated, sc.All.Count, formatNumber(sc.Undated)+" sans date de notification", "sans date de notification")
}

// scopeDivisions says which CPV divisions a source's contracts belong to:
// one named (« 45 seulement (Travaux de construction) »), a few listed,
// many counted, and those without a CPV code.
func scopeDivisions(sc observatory.SourceScope) string {
	divs := sc.CPVDivisions
	var s string
	switch {
	case len(divs) == 1:
		s = divs[0] + " seulement (" + observatory.CPVDivisionName(divs[0]) + ")"
	case len(divs) > 1 && len(divs) <= 4:
		s = strings.Join(divs[:len(divs)-1], ", ") + " et " + divs[len(divs)-1]
	case len(divs) > 4:
		s = formatNumber(len(divs)) + " divisions, de " + divs[0] + " à " + divs[len(divs)-1]
	}
	return withPart(s, sc.UnknownCPV, sc.All.Count, pluralFR(sc.UnknownCPV, "marché sans code CPV", "marchés sans code CPV"), "aucun code CPV")
}

// withPart adds to s, after « ; », what n of the all contracts lack: some
// when n < all, every when n == all; s alone when n is 0.
func withPart(s string, n, all int, some, every string) string {
	if n == 0 {
		return s
	}
	part := some
	if n == all {
		part = every
	}
	if s == "" {
		return part
	}
	return s + " ; " + part
}

// yearGapsText names the years without any award between the first and
// the last notified, so that « du 1er janvier 2018 au 1er janvier 2025 »
// is not read as seven years of contracts: « (aucun marché notifié de
// 2020 à 2023) »; "" without a gap.
func yearGapsText(years []observatory.AwardRow) string {
	var gaps []string
	for i := 0; i < len(years); i++ {
		if years[i].Code == "" || years[i].All.Count > 0 {
			continue
		}
		j := i
		for j+1 < len(years) && years[j+1].Code != "" && years[j+1].All.Count == 0 {
			j++
		}
		if i == j {
			gaps = append(gaps, "en "+years[i].Code)
		} else {
			gaps = append(gaps, "de "+years[i].Code+" à "+years[j].Code)
		}
		i = j
	}
	if len(gaps) == 0 {
		return ""
	}
	text := gaps[len(gaps)-1]
	if len(gaps) > 1 {
		text = strings.Join(gaps[:len(gaps)-1], ", ") + " ni " + text
	}
	return " (aucun marché notifié " + text + ")"
}

// unmatchedPlace names the place of a tender without a capable supplier,
// on the page and in the CSV: « Haut-Rhin (68) », « Grand Est (région) »
// for a place known by its région alone, "" when unknown.
func unmatchedPlace(t observatory.UnmatchedTender) string {
	if d, ok := data.LookupDepartement(t.Departement); ok {
		return d.Name + " (" + d.Code + ")"
	}
	if r, ok := data.LookupRegion(t.Region); ok {
		return r.Name + " (région)"
	}
	return ""
}

// shareOf formats a share when it has a base (some awards, some amount),
// and is empty otherwise: 0 of 0 is no « 0,0 % ».
func shareOf(v float64, based bool) string {
	if !based {
		return ""
	}
	return formatShare(v)
}

// sourceKindName is the French name of a kind of source.
func sourceKindName(kind string) string {
	switch kind {
	case "directory":
		return "annuaire de labels"
	case "tenders":
		return "avis de marché"
	case "awards":
		return "attributions"
	}
	return kind
}

// healthSourceName is the French name of a source of the health table:
// a label directory, a feed of notices or a feed of awards. The key stays
// in the API's "source" field; people read this name.
func healthSourceName(h observatory.SourceHealth) string {
	var name string
	switch h.Kind {
	case "tenders":
		name = tenderSourceName(h.Source)
	case "awards":
		name = awardSourceName(h.Source)
	default:
		name = sourceName(h.Source)
	}
	if name == h.Source { // a source this version does not know
		return "source « " + h.Source + " »"
	}
	return name
}

// awardSourceName names a source of awards: the notices of BOAMP and TED,
// OCDS files, and the DECP, whose keys name the platform that published
// them ("decp-aife", see crawler/notice's decpLabel).
func awardSourceName(src string) string {
	switch src {
	case "boamp":
		return "BOAMP (avis d'attribution)"
	case "ted":
		return "TED (avis d'attribution européens)"
	case "ocds":
		return "OCDS (attributions)"
	case "decp":
		return "DECP (données essentielles de la commande publique)"
	case "decp-aife":
		return "DECP de l'État (AIFE, plateforme PLACE)"
	case "decp-pes":
		return "DECP des collectivités (PES Marché, DGFiP)"
	}
	if platform, ok := strings.CutPrefix(src, "decp-"); ok {
		return "DECP publiées par « " + platform + " »"
	}
	return src
}

func sourceRows(list []observatory.SourceHealth) []sourceRow {
	var out []sourceRow
	for _, h := range list {
		r := sourceRow{Name: healthSourceName(h), Kind: sourceKindName(h.Kind), Listings: h.Listings, NotRefound: h.NotRefound,
			Ages: h.Ages, Imported: h.Imported, Defects: h.Defects, LastImported: frenchDateTime(h.LastImported)}
		if !h.First.IsZero() {
			r.Covered = frenchDate(h.First) + " – " + frenchDate(h.Last)
		}
		if run := h.LastRun; run != nil {
			r.LastRun, r.Complete = frenchDateTime(run.StartedAt), run.Complete
			r.Duration = formatDecimal(run.Seconds) + "\u00a0s"
			r.Pages = formatNumber(run.Pages)
			r.NotModified, r.Failed, r.New, r.Updated = run.NotModified, run.Failed, run.New, run.Updated
			for _, k := range run.ErrorKinds() {
				if r.Errors != "" {
					r.Errors += ", "
				}
				r.Errors += k.Label + " : " + formatNumber(k.Count)
			}
			r.ErrorLines = run.Errors
		}
		out = append(out, r)
	}
	return out
}
