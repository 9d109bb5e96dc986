package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// maxExportRows caps a CSV export: enough for any sourcing, bounded so
// that one request cannot walk the whole directory.
const maxExportRows = 5000

// csvBOM makes spreadsheet programs read the file as UTF-8 (without it,
// Excel in French reads accents as Windows-1252).
const csvBOM = "\ufeff"

// csvHeader are the columns of the export, in French.
func csvHeader() []string {
	return []string{"SIREN", "SIRET", "Raison sociale", "Commune", "Département", "Région", "Code NAF",
		"Libellé NAF", "Labels", "Distance (km)", "Fiche Fabrique",
		"État des labels", "Adresse", "Code postal", "Site web", "Courriel", "Téléphone"}
}

// searchCSV exports the results of a search (same parameters as the page)
// as CSV for spreadsheets in French: UTF-8 with BOM, ";" between fields,
// decimal comma, CRLF line ends. The first maxExportRows results are
// exported; X-Total-Count says how many matched.
func (s *Server) searchCSV(c *fiber.Ctx) error {
	params, err := parseSearchParams(queryValues(c), pageDialect)
	if err != nil {
		return err
	}
	q, _, err := params.query()
	if err != nil {
		return err
	}
	hits, total, err := s.searchAll(c.UserContext(), q, maxExportRows)
	if err != nil {
		return err
	}
	base := s.baseURL()
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	sups, err := s.suppliersOf(c.UserContext(), ids)
	if err != nil {
		return err
	}
	now := s.now()
	rows := make([][]string, 0, len(hits))
	for i, h := range hits {
		rows = append(rows, csvRow(h, sups[i], base, now))
	}
	c.Set("X-Total-Count", strconv.FormatUint(total, 10))
	return sendCSV(c, s.csvFileName("fournisseurs"), csvHeader(), rows)
}

// csvFileName names an export « fabrique-WHAT-DAY.csv », DAY the day of
// the server's clock (Config.Now) on the French calendar: the day the
// buyer downloads it, whatever the process's time zone.
func (s *Server) csvFileName(what string) string {
	return "fabrique-" + what + "-" + s.now().In(paris()).Format(time.DateOnly) + ".csv"
}

// sendCSV answers with a CSV file for spreadsheets in French: UTF-8 with
// BOM, ";" between fields, CRLF line ends, downloaded as name.
func sendCSV(c *fiber.Ctx, name string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString(csvBOM)
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	_ = w.Write(header) // a bytes.Buffer does not fail; w.Error says otherwise
	_ = w.WriteAll(rows)
	if err := w.Error(); err != nil {
		return fmt.Errorf("web: csv %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// csvRow is one supplier of the export: the hit, completed from its
// stored listing (label states, address, contacts); sup is zero when the
// store no longer has it.
func csvRow(h index.Hit, sup data.Supplier, base string, now time.Time) []string {
	region := h.Region
	if r, ok := data.LookupRegion(h.Region); ok {
		region = r.Name
	}
	dist := ""
	if h.DistanceKm != nil {
		dist = formatKmCSV(*h.DistanceKm)
	}
	labels, note := h.Labels, "fiche retirée de l'annuaire"
	var street, postcode, site, mail, phone string
	if sup.ID != "" {
		labels, note = heldLabels(sup.Labels, now), labelsCSVNote(sup.Labels, now)
		street, postcode = sup.Address.Street, sup.Address.Postcode
		if u, ok := webURL(sup.Website); ok {
			site = u
		}
		mail, phone = firstContacts(sup.Contacts)
	}
	return []string{h.SIREN, h.SIRET, csvText(h.Name), csvText(h.Commune), h.Departement, region, h.NAF,
		csvText(h.NAFLabel), strings.Join(labels, ", "), dist, base + supplierURL(h.ID),
		csvText(note), csvText(street), postcode, csvText(site), csvText(mail), csvText(phone)}
}

// csvText neutralises a cell that a spreadsheet would run as a formula
// (names come from the web): a leading = + - @ or control character gets
// an apostrophe, which spreadsheets hide.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// searchAll runs q page after page and returns its first limit hits and
// how many matched in all.
func (s *Server) searchAll(ctx context.Context, q index.Query, limit int) ([]index.Hit, uint64, error) {
	q.Facets, q.Highlight = false, false
	q.PerPage = index.MaxPerPage
	var hits []index.Hit
	var total uint64
	for page := 1; len(hits) < limit; page++ {
		q.Page = page
		res, err := s.index.Search(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		total = res.Total
		hits = append(hits, res.Hits...)
		if len(res.Hits) < q.PerPage || uint64(len(hits)) >= total {
			break
		}
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, total, nil
}
