package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/observatory"
)

// The observatory's figures in the JSON API: /api/v1/stats/*, each also
// as CSV (?format=csv, or Accept: text/csv) for spreadsheets in French.

// statsRoutes are the paths of the stats API with the parameters each
// accepts (see apiParams).
func statsAPIParams() map[string][]string {
	withFormat := append(statsParamNames(), "format")
	return map[string][]string{
		"/api/v1/stats/coverage": withFormat,
		"/api/v1/stats/tenders":  append(slices.Clone(withFormat), "scope"),
		"/api/v1/stats/awards":   withFormat,
		"/api/v1/stats/sources":  {"format"},
		"/api/v1/stats/history":  withFormat,
	}
}

// statsRequest reads the parameters of a stats route: the filter and
// whether CSV is wanted.
func statsRequest(c *fiber.Ctx, route string) (observatory.Filter, bool, error) {
	v := queryValues(c)
	if err := checkAPIParams(v, route); err != nil {
		return observatory.Filter{}, false, err
	}
	var csv bool
	switch f := strings.ToLower(strings.TrimSpace(v.Get("format"))); f {
	case "csv":
		csv = true
	case "json":
	case "":
		csv = strings.Contains(c.Get(fiber.HeaderAccept), "text/csv")
	default:
		return observatory.Filter{}, false, badParam("format", f, "format attendu : json ou csv")
	}
	flt, err := parseStatsFilter(v)
	return flt, csv, err
}

// csvDecimal writes a number for French spreadsheets: decimal comma, no
// thousands separator.
func csvDecimal(v float64, decimals int) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', decimals, 64), ".", ",", 1)
}

func csvInt(n int) string { return strconv.Itoa(n) }

func (s *Server) apiStatsCoverage(c *fiber.Ctx) error {
	flt, csv, err := statsRequest(c, "/api/v1/stats/coverage")
	if err != nil {
		return err
	}
	f, err := s.observatoryFacts(c.UserContext())
	if err != nil {
		return err
	}
	cov := s.coverageOf(f, flt, s.now())
	if !csv {
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.JSON(cov)
	}
	var rows [][]string
	for _, lc := range cov.Labels {
		for _, st := range lc.States {
			rows = append(rows, []string{"label_" + string(lc.Type), string(st.State), st.Name, csvInt(st.Count), "", "", "", ""})
		}
	}
	for _, t := range []struct {
		kind  string
		areas []observatory.AreaCoverage
	}{{"region", cov.Regions}, {"departement", cov.Departements}} {
		for _, a := range t.areas {
			rows = append(rows, []string{t.kind, a.Code, a.Name, csvInt(a.Listed), csvInt(a.Holding), csvInt(a.Expired),
				csvInt(a.Population), csvDecimal(a.PerCapita, 2)})
		}
	}
	for _, t := range []struct {
		kind string
		list []observatory.SectorCount
	}{{"naf_section", cov.NAFSections}, {"naf_division", cov.NAFDivisions}, {"epv_univers", cov.Univers}, {"cpv_division", cov.CPVDivisions}} {
		for _, sc := range t.list {
			rows = append(rows, []string{t.kind, sc.Code, sc.Name, csvInt(sc.Listed), csvInt(sc.Holding), "", "", ""})
		}
	}
	return sendCSV(c, s.csvFileName("couverture"),
		[]string{"Tableau", "Code", "Nom", "Référencées", "Labellisées", "Label expiré", "Population", "Labellisées pour 100 000 hab."}, rows)
}

// tenderScope reads the scope parameter of /api/v1/stats/tenders: the
// tenders open today (the default, as before the parameter), or those
// published in the period, open or closed.
func tenderScope(c *fiber.Ctx) (observatory.TenderScope, error) {
	switch v := strings.ToLower(strings.TrimSpace(queryValues(c).Get("scope"))); v {
	case "", string(observatory.ScopeOpen):
		return observatory.ScopeOpen, nil
	case string(observatory.ScopePublished):
		return observatory.ScopePublished, nil
	default:
		return "", badParam("scope", v, "portée attendue : open (appels d'offres ouverts aujourd'hui, par défaut) "+
			"ou published (appels d'offres publiés dans la période, ouverts ou clos ; les 12 derniers mois sans période)")
	}
}

func (s *Server) apiStatsTenders(c *fiber.Ctx) error {
	flt, csv, err := statsRequest(c, "/api/v1/stats/tenders")
	if err != nil {
		return err
	}
	scope, err := tenderScope(c)
	if err != nil {
		return err
	}
	f, err := s.observatoryFacts(c.UserContext())
	if err != nil {
		return err
	}
	tc := s.tendersOf(f, scope, flt, s.now())
	if !csv {
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.JSON(tc)
	}
	rows := [][]string{
		{"synthese", "scope", "portée : " + tenderScopeName(tc), "", "", "", "", ""},
		{"synthese", "tenders", "appels d'offres comptés", "", "", csvInt(tc.Tenders), "", ""},
		{"synthese", "open", "appels d'offres ouverts", "", "", csvInt(tc.Open), "", ""},
		{"synthese", "closed", "clos", "", "", csvInt(tc.Closed), "", ""},
		{"synthese", "awarded", "attribués", "", "", csvInt(tc.Awarded), "", ""},
		{"synthese", "evaluated", "évalués", "", "", csvInt(tc.Evaluated), "", ""},
		{"synthese", "at_least_3", "au moins 3 fournisseurs capables", "", "", csvInt(tc.AtLeast3), "", ""},
		{"synthese", "at_least_1", "au moins 1 fournisseur capable", "", "", csvInt(tc.AtLeast1), "", ""},
		{"synthese", "none", "aucun fournisseur capable", "", "", csvInt(tc.None), "", ""},
		{"synthese", "abroad", "hors de France (non comptés)", "", "", csvInt(tc.Abroad), "", ""},
	}
	for _, g := range tc.Gaps {
		for i, cell := range g.Cells {
			if cell.Evaluated > 0 {
				rows = append(rows, []string{"cpv_region", g.CPVDivision, g.Name, cell.Region, tc.Regions[i].Name,
					csvInt(cell.Evaluated), csvInt(cell.None), ""})
			}
		}
	}
	for _, t := range tc.Unmatched {
		// The title comes from the web; the place is named as on the page.
		rows = append(rows, []string{"sans_fournisseur", t.ID, csvText(t.Title), t.Region, unmatchedPlace(t), "1", "1", isoDate(t.Deadline),
			isoDate(t.PublishedAt.In(paris())), statusWord(t.Status, 1)})
	}
	for i := range rows {
		rows[i] = append(rows[i], make([]string, 10-len(rows[i]))...)
	}
	return sendCSV(c, s.csvFileName("appels-d-offres"),
		[]string{"Tableau", "Code", "Nom", "Région", "Nom de la région ou département", "Évalués", "Sans fournisseur capable", "Date limite",
			"Date de publication", "État"}, rows)
}

// tenderScopeName says in French which tenders a coverage counts: « ouverts
// le 8 décembre 2026 », « publiés en mars 2026, ouverts ou clos ».
func tenderScopeName(tc *observatory.TenderCoverage) string {
	if tc.Scope == observatory.ScopePublished {
		return "appels d'offres publiés " + publishedPeriodText(tc.PublishedFrom, tc.PublishedTo) + ", ouverts ou clos"
	}
	s := "appels d'offres ouverts le " + frenchDate(tc.Day.In(paris()))
	if p := publishedPeriodText(tc.PublishedFrom, tc.PublishedTo); p != "" {
		s += ", publiés " + p
	}
	return s
}

func (s *Server) apiStatsAwards(c *fiber.Ctx) error {
	flt, csv, err := statsRequest(c, "/api/v1/stats/awards")
	if err != nil {
		return err
	}
	f, err := s.observatoryFacts(c.UserContext())
	if err != nil {
		return err
	}
	as := s.awardsOf(f, flt, s.now())
	if !csv {
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.JSON(as)
	}
	row := func(kind string, r observatory.AwardRow) []string {
		return []string{kind, r.Code, r.Name, csvInt(r.All.Count), csvInt(r.Labelled.Count), csvDecimal(r.ShareCount, 4),
			csvDecimal(r.All.Amount, 2), csvDecimal(r.Labelled.Amount, 2), csvDecimal(r.ShareAmount, 4), csvInt(r.Unidentified)}
	}
	total := observatory.AwardRow{Code: "all", Name: "tous les marchés " + isoDate(as.From) + ".." + isoDate(as.To),
		All: as.All, Labelled: as.Labelled, ShareCount: as.ShareCount, ShareAmount: as.ShareAmount, Unidentified: as.Unidentified.Count}
	// The records left out as repeats of a contract counted: their count
	// alone, the other columns empty.
	dups := []string{"total", "duplicates", "lignes regroupées avec un marché déjà compté", csvInt(as.Duplicates), "", "", "", "", "", ""}
	rows := [][]string{row("total", total), dups}
	for _, t := range []struct {
		kind string
		list []observatory.AwardRow
	}{{"region", as.ByRegion}, {"cpv_division", as.ByCPVDivision}, {"buyer_type", as.ByBuyerType}, {"year", as.ByYear}} {
		for _, r := range t.list {
			rows = append(rows, row(t.kind, r))
		}
	}
	// What each source covers: its key, and in the name when its
	// contracts were notified and their CPV divisions.
	for _, sc := range as.BySource {
		share, amountShare := sharesOf(sc.Labelled, sc.All)
		rows = append(rows, []string{"source", sc.Source, awardSourceName(sc.Source) + " : notifiés " + scopePeriod(sc) +
			" ; divisions CPV " + scopeDivisions(sc), csvInt(sc.All.Count), csvInt(sc.Labelled.Count), csvDecimal(share, 4),
			csvDecimal(sc.All.Amount, 2), csvDecimal(sc.Labelled.Amount, 2), csvDecimal(amountShare, 4), ""})
	}
	return sendCSV(c, s.csvFileName("attributions"), []string{"Tableau", "Code", "Nom", "Marchés", "Remportés par des labellisées",
		"Part (nombre)", "Montant HT", "Montant des labellisées", "Part (montant)", "Titulaire non identifiable"}, rows)
}

// apiSourceHealth is a source of the health table in the API: its key
// (source, stable, for programs) and the French name the pages and the
// CSV show (label, for people).
type apiSourceHealth struct {
	observatory.SourceHealth
	Label string `json:"label"`
}

func (s *Server) apiStatsSources(c *fiber.Ctx) error {
	_, csv, err := statsRequest(c, "/api/v1/stats/sources")
	if err != nil {
		return err
	}
	f, err := s.observatoryFacts(c.UserContext())
	if err != nil {
		return err
	}
	health := s.sourcesOf(f, s.now())
	if !csv {
		out := make([]apiSourceHealth, len(health))
		for i, h := range health {
			out[i] = apiSourceHealth{SourceHealth: h, Label: healthSourceName(h)}
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.JSON(out)
	}
	var rows [][]string
	for _, h := range health {
		r := []string{h.Source, healthSourceName(h), h.Kind, sourceKindName(h.Kind), "", "", "", "", "", "", csvInt(h.Listings), csvInt(h.NotRefound), csvInt(h.Imported),
			isoDate(h.LastImported), isoDate(h.First), isoDate(h.Last), csvInt(h.Defects)}
		if run := h.LastRun; run != nil {
			var kinds []string
			for _, k := range run.ErrorKinds() {
				kinds = append(kinds, k.Label+"="+csvInt(k.Count))
			}
			r[4], r[5], r[6], r[7], r[8], r[9] = run.StartedAt.UTC().Format("2006-01-02T15:04:05Z"), csvDecimal(run.Seconds, 1),
				csvInt(run.Pages), csvInt(run.NotModified), csvInt(run.Failed), strings.Join(kinds, " ")
		}
		rows = append(rows, r)
	}
	return sendCSV(c, s.csvFileName("sources"), []string{"Source", "Nom de la source", "Type", "Type de source", "Dernière collecte", "Durée (s)", "Pages",
		"Pages non modifiées", "Pages en erreur", "Erreurs par type", "Fiches", "Non retrouvées", "Importés", "Dernier import",
		"Première date", "Dernière date", "Avec défauts"}, rows)
}

func (s *Server) apiStatsHistory(c *fiber.Ctx) error {
	flt, csv, err := statsRequest(c, "/api/v1/stats/history")
	if err != nil {
		return err
	}
	from, to := snapshotRange(flt)
	snaps, err := s.store.StatsSnapshots(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	for i := range snaps {
		if snaps[i].Labels == nil {
			snaps[i].Labels = map[data.LabelType]data.LabelStateCounts{}
		}
	}
	if !csv {
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.JSON(snaps)
	}
	header := []string{"Jour", "Relevé le", "Entreprises", "Labellisées"}
	types := data.Labels()
	for _, t := range types {
		for _, st := range []string{"valides", "expirent bientôt", "expirés", "non retrouvés"} {
			header = append(header, string(t)+" "+st)
		}
	}
	header = append(header, "Revendiquées", "AO ouverts", "AO évalués", "AO avec 3 fournisseurs ou plus", "AO sans fournisseur",
		"Marchés", "Marchés labellisés", "Montant HT", "Montant labellisé")
	rows := make([][]string, 0, len(snaps))
	for _, sn := range snaps {
		r := []string{sn.Day, sn.TakenAt.UTC().Format("2006-01-02T15:04:05Z"), csvInt(sn.Suppliers), csvInt(sn.Holding)}
		for _, t := range types {
			n := sn.Labels[t]
			r = append(r, csvInt(n.Valid), csvInt(n.Expiring), csvInt(n.Expired), csvInt(n.NotRefound))
		}
		r = append(r, csvInt(sn.Claimed), csvInt(sn.OpenTenders), csvInt(sn.EvaluatedTenders), csvInt(sn.TendersAtLeast3),
			csvInt(sn.TendersNone), csvInt(sn.Awards), csvInt(sn.AwardsLabelled), csvDecimal(sn.AmountAll, 2), csvDecimal(sn.AmountLabelled, 2))
		rows = append(rows, r)
	}
	return sendCSV(c, s.csvFileName("historique"), header, rows)
}

// sharesOf is part / all by count and by amount, 0 when all is empty.
func sharesOf(part, all observatory.Tally) (count, amount float64) {
	if all.Count > 0 {
		count = float64(part.Count) / float64(all.Count)
	}
	if all.Amount > 0 {
		amount = part.Amount / all.Amount
	}
	return count, amount
}
