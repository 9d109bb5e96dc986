package web

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// maxReportRows bounds the suppliers of a sourcing report: it is read and
// printed, and the CSV export is there for longer lists.
const maxReportRows = 100

// reportPage is the typed page of report.html: a « rapport de sourcing »
// for the buyer's file.
type reportPage struct {
	Layout
	Date, DateISO string
	Text          string
	Criteria      []activeFilter
	Order         string
	TotalText     string
	Shown         int
	Truncated     bool
	Suppliers     []reportSupplier
	SearchURL     string
	CSVURL        string
}

// reportSupplier is one supplier of the report, with the evidence of its
// labels.
type reportSupplier struct {
	N                  int
	Name, URL          string
	SIREN, SIRET       string
	Place, Distance    string
	NAF, NAFLabel      string
	Website            string
	Address            string // registered or published postal address
	Phone, Email       string
	Ceased             string // « entreprise cessée … » when the register says so
	Labels             []labelView
	Badges             []badgeView
	Defects            []string
	RecordNotAvailable bool
}

// searchReport is the printable sourcing report of a search: the criteria,
// the date, and each supplier with the evidence of its labels.
func (s *Server) searchReport(c *fiber.Ctx) error {
	params, err := parseSearchParams(queryValues(c), pageDialect)
	if err != nil {
		return err
	}
	q, nearLabel, err := params.query()
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	hits, total, err := s.searchAll(ctx, q, maxReportRows)
	if err != nil {
		return err
	}
	now := s.now()
	p := &reportPage{Layout: Layout{Title: "Rapport de sourcing du " + frenchDate(now.In(paris()))},
		Date: frenchDateTime(now), DateISO: now.Format(time.RFC3339),
		Text: params.Text, Criteria: activeFilters(&params, searchPath),
		TotalText: pluralFR(int(total), "fournisseur correspond", "fournisseurs correspondent"),
		Shown:     len(hits), Truncated: uint64(len(hits)) < total}
	if chip := newPlaceChip(&params, searchPath); chip != nil { // search_place.go
		p.Criteria = append(p.Criteria, activeFilter{Legend: "Lieu lu dans la recherche", Label: "« " + chip.Text + " », " + chip.Label})
	}
	export := params
	export.Page = 1
	p.SearchURL, p.CSVURL = export.link(searchPath), export.link(searchPath+".csv")
	p.Order = "pertinence"
	if params.ByDistance {
		p.Order = "distance"
		if nearLabel != "" {
			p.Order += " à " + nearLabel
		}
	}
	base := s.baseURL()
	for i, h := range hits {
		r := reportSupplier{N: i + 1, Name: h.Name, URL: base + supplierURL(h.ID), SIREN: h.SIREN, SIRET: h.SIRET,
			Place: placeOf(h.Commune, h.Departement), NAF: h.NAF, NAFLabel: h.NAFLabel, Badges: badges(h.Labels)}
		if h.DistanceKm != nil {
			r.Distance = distanceColumn(*h.DistanceKm)
		}
		sup, err := s.store.Supplier(ctx, h.ID)
		switch {
		case errors.Is(err, data.ErrNotFound): // the index is ahead of a deletion
			r.RecordNotAvailable = true
		case err != nil:
			return fmt.Errorf("web: report: %w", err)
		default:
			for _, l := range sup.Labels {
				r.Labels = append(r.Labels, newLabelView(l, now))
			}
			r.Badges = supplierBadges(sup.Labels, now)
			if sup.Address.Street != "" {
				r.Address = oneLineAddress(sup.Address)
			}
			r.Email, r.Phone = firstContacts(sup.Contacts)
			r.Ceased = newRegisterView(sup).Ceased
			if u, ok := webURL(sup.Website); ok {
				r.Website = u
			}
			r.Defects = sup.Defects
		}
		p.Suppliers = append(p.Suppliers, r)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "report", p)
}
