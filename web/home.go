package web

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/observatory"
	"fabrique/data/store"
)

// homePage is the typed page of home.html.
type homePage struct {
	Layout
	Suppliers int           // suppliers listed in the store
	Labels    []labelFigure // suppliers per label
	Query     string        // echoed into the search field
}

// labelFigure counts the companies listed with one label: those whose
// label is valid today apart from those whose label has expired or was not
// re-found (data.Label.StateOn, through the observatory's coverage).
type labelFigure struct {
	Type       data.LabelType
	Name       string // French
	Count      int    // holding a valid label today
	Total      int    // listed with the label, in any state
	Expired    int
	NotRefound int
	// States is false while the label states are being computed: only
	// Total is known.
	States bool
}

// homeLabels are the labels counted on the home page, in display order.
func homeLabels() []data.LabelType { return []data.LabelType{data.LabelEPV, data.LabelOFG} }

// home presents Fabrique, its live figures and the supplier search form.
func (s *Server) home(c *fiber.Ctx) error {
	ctx := c.UserContext()
	n, err := s.store.CountSuppliers(ctx)
	if err != nil {
		return fmt.Errorf("web: home: %w", err)
	}
	labels, err := s.labelFigures(ctx)
	if err != nil {
		return fmt.Errorf("web: home: %w", err)
	}
	return s.render(c, fiber.StatusOK, "home", &homePage{
		Layout:    Layout{Title: "Accueil"},
		Suppliers: n,
		Labels:    labels,
		Query:     c.Query("q"),
	})
}

// labelFigures counts the companies of each label by state today, from
// the observatory's facts (rebuilt in the background after a write). Until
// their first build ends, it counts the companies listed with each label
// through the store's label index, and says so (States false).
func (s *Server) labelFigures(ctx context.Context) ([]labelFigure, error) {
	f := s.currentFacts(ctx)
	var out []labelFigure
	for _, t := range homeLabels() {
		fig := labelFigure{Type: t, Name: data.LabelName(t)}
		if f == nil {
			ids, err := s.store.SupplierIDs(ctx, store.SupplierFilter{Label: t})
			if err != nil {
				return nil, err
			}
			fig.Total = len(ids)
			out = append(out, fig)
			continue
		}
		fig.States = true
		for _, lc := range s.coverageOf(f, observatory.Filter{}, s.now()).Labels {
			if lc.Type == t {
				n := lc.Counts()
				fig.Count, fig.Total, fig.Expired, fig.NotRefound = lc.Holding, lc.Total, n.Expired, n.NotRefound
			}
		}
		out = append(out, fig)
	}
	return out, nil
}
