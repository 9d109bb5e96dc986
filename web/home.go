package web

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// homePage is the typed page of home.html.
type homePage struct {
	Layout
	Suppliers int           // suppliers listed in the store
	Labels    []labelFigure // suppliers per label
	Query     string        // echoed into the search field
}

// labelFigure is the number of suppliers holding one label.
type labelFigure struct {
	Type  data.LabelType
	Name  string // French
	Count int
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

// labelFigures counts the suppliers holding each label through the store's
// label index (labels not re-found by the last crawl included).
func (s *Server) labelFigures(ctx context.Context) ([]labelFigure, error) {
	var out []labelFigure
	for _, t := range homeLabels() {
		ids, err := s.store.SupplierIDs(ctx, store.SupplierFilter{Label: t})
		if err != nil {
			return nil, err
		}
		out = append(out, labelFigure{Type: t, Name: data.LabelName(t), Count: len(ids)})
	}
	return out, nil
}
