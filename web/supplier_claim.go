package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// claimPage is the typed page of claim.html.
type claimPage struct {
	Layout
	ID, Name, SupplierURL string
	Website               string // the domain an e-mail proof would use
	Claimed               bool
}

// supplierClaim is the entry point of « Vous êtes cette entreprise ? ».
// The claim flow with proof of ownership is built in its own issue; until
// then this page says so and lists the proofs that will be accepted,
// without pretending to take a request.
func (s *Server) supplierClaim(c *fiber.Ctx) error {
	id := c.Params("id")
	if !supplierIDRe.MatchString(id) {
		return fmt.Errorf("web: claim %q: %w", id, data.ErrNotFound)
	}
	sup, err := s.findSupplier(c.UserContext(), id)
	if err != nil {
		return err
	}
	if sup.ID != id {
		return c.Redirect(supplierURL(sup.ID)+"/revendiquer", fiber.StatusMovedPermanently)
	}
	p := &claimPage{Layout: Layout{Title: "Revendiquer la fiche de " + sup.Name}, ID: sup.ID, Name: sup.Name,
		SupplierURL: supplierURL(sup.ID), Claimed: sup.ClaimedBy != ""}
	if u, ok := webURL(sup.Website); ok {
		p.Website = hostOf(u)
	}
	return s.render(c, fiber.StatusOK, "claim", p)
}
