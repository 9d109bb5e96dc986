package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// Unsubscribing from an alert profile with the link of its digest mail:
// GET /alertes/desinscription/{token} shows a page with a button, POST
// the same address stops that profile's mails — and only that profile's.
// The POST is RFC 8058's one-click unsubscribe: mail clients send it
// without session nor CSRF token (the body is
// "List-Unsubscribe=One-Click"), so the token is the only key, and the
// CSRF middleware lets these posts through (oneClickUnsubscribe). It is
// idempotent: a second POST answers the same.
//
// A token that opens no profile is that of a deleted alert (or a cut
// link: the store cannot tell them apart): GET says « Cette alerte n'existe
// plus » with a 404, POST the same with a 200. RFC 8058 leaves the
// status to the sender but forbids redirects, and mail clients take a 2xx
// as the unsubscription done, which it is: a deleted alert sends nothing.

const unsubscribePath = "/alertes/desinscription"

// oneClickUnsubscribe reports whether a request is an unsubscribe POST,
// which needs no CSRF token (see csrf.go).
func oneClickUnsubscribe(c *fiber.Ctx) bool {
	p := c.Path()
	return c.Method() == fiber.MethodPost && len(p) > len(unsubscribePath)+1 && p[:len(unsubscribePath)+1] == unsubscribePath+"/"
}

// unsubscribeProfile is the profile an unsubscribe token opens (404
// otherwise).
func (s *Server) unsubscribeProfile(c *fiber.Ctx) (data.AlertProfile, error) {
	return s.store.AlertProfileByToken(c.UserContext(), data.AlertTokenUnsubscribe, c.Params("token"))
}

// unsubscribeConfirm serves GET /alertes/desinscription/{token}. Mail
// scanners follow links: a GET changes nothing.
func (s *Server) unsubscribeConfirm(c *fiber.Ctx) error {
	p, err := s.unsubscribeProfile(c)
	if errors.Is(err, data.ErrNotFound) {
		return s.renderUnsubscribe(c, fiber.StatusNotFound, goneAlertPage())
	}
	if err != nil {
		return err
	}
	page := &confirmationPage{Layout: Layout{Title: "Se désinscrire de l'alerte « " + p.Name + " »"},
		Heading: "Ne plus recevoir les courriels de l'alerte « " + p.Name + " » ?",
		Paragraphs: []string{"Vos autres alertes continuent de vous écrire. Les flux Atom et calendrier de cette alerte restent actifs.",
			"Vous pourrez reprendre ces courriels depuis la page « Mes alertes » de votre compte."},
		Action: c.Path(), Button: "Me désinscrire de cette alerte",
		Hidden: []selectOption{{Value: "List-Unsubscribe", Label: "One-Click"}},
		Back:   alertsPath, BackLabel: "Gérer mes alertes"}
	if !p.Active {
		page.Heading = "Vous êtes déjà désinscrit de l'alerte « " + p.Name + " »"
		page.Action = ""
	}
	return s.renderUnsubscribe(c, fiber.StatusOK, page)
}

// unsubscribe serves POST /alertes/desinscription/{token}.
func (s *Server) unsubscribe(c *fiber.Ctx) error {
	p, err := s.unsubscribeProfile(c)
	if errors.Is(err, data.ErrNotFound) {
		return s.renderUnsubscribe(c, fiber.StatusOK, goneAlertPage())
	}
	if err != nil {
		return err
	}
	if p.Active {
		p.Active = false
		if _, err := s.store.PutAlertProfile(c.UserContext(), p); err != nil {
			return err
		}
	}
	return s.renderUnsubscribe(c, fiber.StatusOK, &confirmationPage{Layout: Layout{Title: "Désinscription enregistrée"},
		Heading: "Vous ne recevrez plus les courriels de l'alerte « " + p.Name + " »",
		Paragraphs: []string{"Vos autres alertes continuent de vous écrire.",
			"Pour reprendre ces courriels, ouvrez la page « Mes alertes » de votre compte."},
		Back: alertsPath, BackLabel: "Gérer mes alertes"})
}

// goneAlertPage answers an unsubscribe token that opens no profile.
func goneAlertPage() *confirmationPage {
	return &confirmationPage{Layout: Layout{Title: "Cette alerte n'existe plus"},
		Heading: "Cette alerte n'existe plus",
		Paragraphs: []string{"Elle a été supprimée : elle ne vous envoie plus de courriels. Si vous en recevez encore, " +
			"utilisez le lien de désinscription du dernier reçu, en entier.",
			"Vos autres alertes se gèrent depuis la page « Mes alertes » de votre compte."},
		Back: alertsPath, BackLabel: "Gérer mes alertes"}
}

// renderUnsubscribe renders a page whose address holds a token: never
// stored by caches nor sent as a referrer.
func (s *Server) renderUnsubscribe(c *fiber.Ctx, status int, p *confirmationPage) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return s.render(c, status, "confirm", p)
}
