package web

import (
	"errors"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// Unsubscribing from alert profiles with the links of a digest mail:
// GET /alertes/desinscription/{token} shows a page with a button, POST
// the same address stops the profiles the token opens — and only those.
// Two kinds of token lead here (store.UnsubscribeProfiles): the link of
// each profile in the mail's body opens that profile; the mail's
// List-Unsubscribe header opens every profile the digest was sent for,
// since a mail client's « Se désabonner » means « no more of these mails ».
// The pages name the alerts they stop.
//
// The POST is RFC 8058's one-click unsubscribe: mail clients send it
// without session nor CSRF token (the body is
// "List-Unsubscribe=One-Click"), so the token is the only key, and the
// CSRF middleware lets these posts through (oneClickUnsubscribe). It is
// idempotent: a second POST answers the same. The profiles stop in one
// store transaction, all or none (store.Unsubscribe).
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

// unsubscribeProfiles are the profiles an unsubscribe token opens
// (data.ErrNotFound when none).
func (s *Server) unsubscribeProfiles(c *fiber.Ctx) ([]data.AlertProfile, error) {
	return s.store.UnsubscribeProfiles(c.UserContext(), c.Params("token"))
}

// unsubscribeWords names what a page stops: « de l'alerte « A » » for
// one profile; « de ces 2 alertes » for several, whose names are listed.
type unsubscribeWords struct {
	of     string // « de l'alerte « A » », « de ces 2 alertes »
	names  []string
	others string // the sentence about the account's other alerts and the feeds
}

func unsubscribeWordsFor(ps []data.AlertProfile) unsubscribeWords {
	if len(ps) == 1 {
		return unsubscribeWords{of: "de l'alerte « " + ps[0].Name + " »",
			others: "Vos autres alertes continuent de vous écrire. Les flux Atom et calendrier de cette alerte restent actifs."}
	}
	w := unsubscribeWords{of: "de ces " + strconv.Itoa(len(ps)) + " alertes",
		others: "Ce courriel vous a été envoyé pour ces " + strconv.Itoa(len(ps)) + " alertes. Vos autres alertes continuent de vous écrire. " +
			"Les flux Atom et calendrier de ces alertes restent actifs."}
	for _, p := range ps {
		w.names = append(w.names, "« "+p.Name+" »")
	}
	return w
}

// unsubscribeConfirm serves GET /alertes/desinscription/{token}. Mail
// scanners follow links: a GET changes nothing.
func (s *Server) unsubscribeConfirm(c *fiber.Ctx) error {
	ps, err := s.unsubscribeProfiles(c)
	if errors.Is(err, data.ErrNotFound) {
		return s.renderUnsubscribe(c, fiber.StatusNotFound, goneAlertPage())
	}
	if err != nil {
		return err
	}
	w := unsubscribeWordsFor(ps)
	page := &confirmationPage{Layout: Layout{Title: "Se désinscrire " + w.of},
		Heading: "Ne plus recevoir les courriels " + w.of + " ?", List: w.names,
		Paragraphs: []string{w.others,
			"Vous pourrez reprendre ces courriels depuis la page « Mes alertes » de votre compte."},
		Action: c.Path(), Button: "Me désinscrire de cette alerte",
		Hidden: []selectOption{{Value: "List-Unsubscribe", Label: "One-Click"}},
		Back:   alertsPath, BackLabel: "Gérer mes alertes"}
	if len(ps) > 1 {
		page.Button = "Me désinscrire de ces alertes"
	}
	if !slices.ContainsFunc(ps, func(p data.AlertProfile) bool { return p.Active }) {
		page.Heading = "Vous êtes déjà désinscrit " + w.of
		page.Action = ""
	}
	return s.renderUnsubscribe(c, fiber.StatusOK, page)
}

// unsubscribe serves POST /alertes/desinscription/{token}.
func (s *Server) unsubscribe(c *fiber.Ctx) error {
	// One transaction stops them all, or none (store.Unsubscribe).
	ps, err := s.store.Unsubscribe(c.UserContext(), c.Params("token"))
	if errors.Is(err, data.ErrNotFound) {
		return s.renderUnsubscribe(c, fiber.StatusOK, goneAlertPage())
	}
	if err != nil {
		return err
	}
	w := unsubscribeWordsFor(ps)
	return s.renderUnsubscribe(c, fiber.StatusOK, &confirmationPage{Layout: Layout{Title: "Désinscription enregistrée"},
		Heading: "Vous ne recevrez plus les courriels " + w.of, List: w.names,
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
