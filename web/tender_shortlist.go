package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// The shortlist of a tender or a need, as a CSV file and as a printable
// « rapport de sourcing ». Both are computed on request, like the page.

// csvMatchLimit is the length of each ranking of a CSV export.
const csvMatchLimit = index.MaxMatchLimit

// shortlistCSVHeader are the columns of the export, in French.
func shortlistCSVHeader() []string {
	return []string{"Classement", "Lot", "Intitulé du lot", "SIREN", "SIRET", "Raison sociale", "Score (sur 100)",
		"Confiance", "Distance (km)", "Raisons", "Fiche Fabrique", "Commune", "Département"}
}

// tenderCSV exports the suppliers ranked for a tender.
func (s *Server) tenderCSV(c *fiber.Ctx) error {
	t, err := s.findTender(c.UserContext(), c.Params("id"))
	if err != nil {
		return s.redirectFolded(c, err, "/fournisseurs.csv")
	}
	return s.shortlistCSV(c, &t)
}

// tenderReport is the printable sourcing report of a tender.
func (s *Server) tenderReport(c *fiber.Ctx) error {
	t, err := s.findTender(c.UserContext(), c.Params("id"))
	if err != nil {
		return s.redirectFolded(c, err, "/rapport")
	}
	return s.shortlistReport(c, &t)
}

// shortlistCSV writes every ranking of t (the whole tender, then each lot)
// as CSV for spreadsheets in French: UTF-8 with BOM, ";" between fields,
// decimal comma, CRLF line ends.
func (s *Server) shortlistCSV(c *fiber.Ctx, t *data.Tender) error {
	trade, err := tradeOf(tradeParam, c.Query(tradeParam), t)
	if err != nil {
		return err
	}
	res, _, err := s.rank(c.UserContext(), t, csvMatchLimit, 0, trade.Code)
	if err != nil {
		return err
	}
	whole := "Ensemble du marché"
	if trade.Code != "" {
		whole += ", corps d'état " + trade.Code + " (" + trade.Label + ")"
	}
	base := s.baseURL()
	var rows [][]string
	var werr error
	write := func(lotID, lotTitle string, ms []data.Match) {
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.SupplierID
		}
		sups, err := s.suppliersOf(c.UserContext(), ids)
		if err != nil {
			werr = err
			return
		}
		for i, m := range ms {
			dist := ""
			if m.DistanceKm != nil {
				dist = formatKmCSV(*m.DistanceKm)
			}
			var reasons []string
			for _, r := range m.Reasons {
				words, codes := reasonWords(r)
				if codes != "" {
					words += " (" + codes + ")"
				}
				reasons = append(reasons, words)
			}
			dep := sups[i].Address.Departement
			if d, ok := data.LookupDepartement(dep); ok {
				dep = d.Name + " (" + d.Code + ")"
			}
			rows = append(rows, []string{strconv.Itoa(i + 1), csvText(lotID), csvText(lotTitle), m.SIREN, m.SIRET, csvText(m.Name),
				strings.Replace(strconv.FormatFloat(m.Score, 'f', 1, 64), ".", ",", 1), m.Confidence, dist,
				csvText(strings.Join(reasons, " ; ")), base + supplierURL(m.SupplierID),
				csvText(sups[i].Address.Commune), dep})
		}
	}
	write("", whole, confidenceOrder(res.Tender))
	for _, l := range res.Lots {
		write(l.LotID, l.Title, confidenceOrder(l.Matches))
	}
	if werr != nil {
		return werr
	}
	name := "fournisseurs-" + fileSafe(t.ID)
	if trade.Code != "" {
		name += "-" + fileSafe(trade.Code)
	}
	return sendCSV(c, s.csvFileName(name), shortlistCSVHeader(), rows)
}

// fileSafe keeps the letters, digits and dashes of an id for a file name.
func fileSafe(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r < 128 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-'):
			b.WriteRune(r)
		case r == ':' || r == '_' || r == '.':
			b.WriteByte('-')
		}
	}
	if b.Len() > 80 {
		return b.String()[:80]
	}
	return b.String()
}

// shortlistReportPage is the typed page of shortlist.html.
type shortlistReportPage struct {
	Layout
	Date, DateISO string
	T             tenderView
	Need          bool
	Rankings      []rankingView
	Note          string
	PageURL       string
	CSVURL        string
	Trade         *tradeFilter // the trade chosen on the page, if any
}

// shortlistReport is the printable « rapport de sourcing » of a tender or
// a need: what was asked, when, and the suppliers ranked with their
// reasons.
func (s *Server) shortlistReport(c *fiber.Ctx, t *data.Tender) error {
	trade, err := tradeOf(tradeParam, c.Query(tradeParam), t)
	if err != nil {
		return err
	}
	res, cut, err := s.rank(c.UserContext(), t, pageMatchLimit, pageMaxLots, trade.Code)
	if err != nil {
		return err
	}
	now := s.now()
	p := &shortlistReportPage{Layout: Layout{Title: "Rapport de sourcing : " + t.Title},
		Date: frenchDateTime(now), DateISO: now.Format(time.RFC3339), T: newTenderView(t, now),
		Need: t.Source == needSource, Rankings: newRankings(res)}
	markCut(p.Rankings, pageMatchLimit)
	if err := s.placeMatches(c.UserContext(), p.Rankings); err != nil {
		return err
	}
	p.PageURL = withTrade(tenderURL(t), trade)
	p.CSVURL = withTrade(tenderURL(t)+"/fournisseurs.csv", trade)
	if trade.Code != "" {
		p.Trade = &tradeFilter{Code: trade.Code, Label: trade.Label}
	}
	if cut > 0 {
		p.Note = fmt.Sprintf("Ce rapport classe les %d premiers lots ; le fichier CSV couvre les %d autres.", pageMaxLots, cut)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "shortlist", p)
}

// confidenceNote says what each confidence level means, on the pages:
// the rule of index/match and its record on the real awards of `fabrique
// eval awards` (44 contracts won by labelled companies; the figures are
// those the evaluation printed when the levels were set, and its test
// keeps them from drifting down).
const confidenceNote = "Confiance forte : le métier concorde et le score est proche du meilleur ; " +
	"sur 44 marchés réellement attribués, le titulaire était dans ce groupe 57 fois sur 100, parmi 6 entreprises en moyenne. " +
	"Moyenne : le secteur concorde, ou une partie des mots. " +
	"Faible : un lien lointain, à vérifier avant de consulter."

// splitByConfidence separates the matches that fit well (forte, moyenne)
// from the weak tail, which the pages show apart, under a warning.
func (r *rankingView) splitByConfidence() {
	r.Good, r.Weak = nil, nil
	for _, m := range r.Matches {
		if m.Confidence == data.ConfidenceLow {
			r.Weak = append(r.Weak, m)
		} else {
			r.Good = append(r.Good, m)
		}
	}
	if len(r.Good) == 0 {
		r.Warning = data.NoGoodMatch
	}
}

// confidenceOrder puts the matches that fit well (forte, moyenne) before
// the weak tail, each group in the matcher's order: the order in which
// the pages, the report and the CSV list and number them. The matcher
// orders by score, and a weak match may score as high as a good one (a
// mason's activity against a stadium's works, at 22 like a restorer who
// won four such contracts): numbered by score, the page read 3, 8, 9, 10
// above the warning and 1, 2, 4… below it.
func confidenceOrder(ms []data.Match) []data.Match {
	out := make([]data.Match, 0, len(ms))
	for _, m := range ms {
		if m.Confidence != data.ConfidenceLow {
			out = append(out, m)
		}
	}
	for _, m := range ms {
		if m.Confidence == data.ConfidenceLow {
			out = append(out, m)
		}
	}
	return out
}

// WeakStart is the rank of the first weak match, for the numbering of
// the weak list.
func (r rankingView) WeakStart() int { return len(r.Good) + 1 }

// ConfidenceNote tells, on the tender and need pages, what the levels mean.
func (tenderPage) ConfidenceNote() string { return confidenceNote }

// ConfidenceNote tells, in the sourcing report, what the levels mean.
func (shortlistReportPage) ConfidenceNote() string { return confidenceNote }
