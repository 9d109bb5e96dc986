package web

import (
	"context"
	"fmt"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// supplierPage is the typed page of supplier.html.
type supplierPage struct {
	Layout
	S        supplierView
	Map      *mapView
	MapNote  string
	Awards   *trackRecord
	ClaimURL string
	// ManageURL is the company's dashboard when the visitor is one of its
	// members: the page then offers to complete the listing, not to claim it.
	ManageURL string
	APIURL    string
}

// supplierIDRe matches what can name a supplier in a URL: a SIREN, a SIRET
// (which leads to its company) or the store key of a company without a
// valid SIREN ("x" and 16 hex digits).
var supplierIDRe = regexp.MustCompile(`^(\d{9}|\d{14}|x[0-9a-f]{16})$`)

// findSupplier returns the supplier named by id (SIREN, SIRET or store
// key). A malformed id wraps data.ErrInvalid, an unknown one
// data.ErrNotFound.
func (s *Server) findSupplier(ctx context.Context, id string) (data.Supplier, error) {
	if !supplierIDRe.MatchString(id) {
		return data.Supplier{}, badParam("siren", id, "identifiant invalide : un SIREN (9 chiffres) ou un SIRET (14 chiffres)")
	}
	var sup data.Supplier
	var err error
	if len(id) == 14 {
		sup, err = s.store.SupplierBySIRET(ctx, id)
	} else {
		sup, err = s.store.Supplier(ctx, id)
	}
	if err != nil {
		return data.Supplier{}, fmt.Errorf("web: supplier %s: %w", id, err)
	}
	return sup, nil
}

// supplier is a supplier's page: identity, labels with their evidence,
// products, location, provenance of every field and public contracts won.
func (s *Server) supplier(c *fiber.Ctx) error {
	id := c.Params("id")
	ctx := c.UserContext()
	if !supplierIDRe.MatchString(id) { // not something a link of ours makes
		return fmt.Errorf("web: supplier %q: %w", id, data.ErrNotFound)
	}
	sup, err := s.findSupplier(ctx, id)
	if err != nil {
		return err
	}
	if sup.ID != id { // reached by SIRET: the page has one address
		return c.Redirect(supplierURL(sup.ID), fiber.StatusMovedPermanently)
	}
	p := &supplierPage{Layout: Layout{Title: sup.Name}, S: newSupplierView(sup, s.now()),
		ClaimURL: supplierURL(sup.ID) + "/revendiquer", APIURL: "/api/v1/suppliers/" + sup.ID}
	if data.ValidSIREN(sup.SIREN) == nil {
		awards, err := s.store.AwardsBySIREN(ctx, sup.SIREN)
		if err != nil {
			return fmt.Errorf("web: supplier %s: awards: %w", sup.ID, err)
		}
		p.Awards = newTrackRecord(sup.SIREN, awards)
	}
	if acc, ok := s.currentAccount(c); ok {
		m, err := s.membershipOf(ctx, sup.ID, acc.ID)
		if err != nil {
			return err
		}
		if m != nil {
			p.ManageURL = companyURL(sup.ID)
		}
	}
	a := sup.Address
	var place *mapPlace
	if a.HasGeo() {
		place = &mapPlace{Title: sup.Name, Lat: a.Lat, Lon: a.Lon}
		if _, _, ok := s.maps.project(a.Lat, a.Lon); !ok {
			p.MapNote = "L'entreprise est située hors de la France métropolitaine : la carte ne la montre pas."
		}
	} else {
		p.MapNote = "La source n'a pas permis de situer l'entreprise sur la carte."
	}
	p.Map = s.maps.placeMap(a.Departement, place)
	p.Map.useOutlines(s.mapOutlines)
	p.Map.Label = "Localisation de l'entreprise"
	if p.S.Address.Departement != "" {
		p.Map.Label += " : " + p.S.Address.Departement
	}
	return s.render(c, fiber.StatusOK, "supplier", p)
}
