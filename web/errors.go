package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// errorKinds maps domain errors to HTTP statuses: the one table of the
// application. The first match wins.
func errorKinds() []struct {
	err    error
	status int
} {
	return []struct {
		err    error
		status int
	}{
		{data.ErrNotFound, fiber.StatusNotFound},
		{data.ErrInvalid, fiber.StatusBadRequest},
		{data.ErrConflict, fiber.StatusConflict},
		{data.ErrUnauthorized, fiber.StatusUnauthorized}, // 403 when credentials were given, see statusOf
		{data.ErrTooLarge, fiber.StatusRequestEntityTooLarge},
		{store.ErrLocked, fiber.StatusServiceUnavailable},
	}
}

// statusOf returns the HTTP status for err. Errors of fiber itself (no route,
// body too large…) keep their status.
func statusOf(c *fiber.Ctx, err error) int {
	var r *refusal // refusal.go
	if errors.As(err, &r) {
		return r.status
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	for _, k := range errorKinds() {
		if errors.Is(err, k.err) {
			if k.status == fiber.StatusUnauthorized && hasCredentials(c) {
				return fiber.StatusForbidden
			}
			return k.status
		}
	}
	return fiber.StatusInternalServerError
}

// hasCredentials reports whether the request tried to authenticate: if so,
// a refusal means "forbidden" rather than "who are you?".
func hasCredentials(c *fiber.Ctx) bool {
	return c.Get(fiber.HeaderAuthorization) != ""
}

// errorTexts are the French title and explanation shown for a status.
func errorTexts(status int) (title, message string) {
	switch status {
	case fiber.StatusBadRequest:
		return "Demande invalide", "La demande contient une valeur incorrecte."
	case fiber.StatusUnauthorized:
		return "Identification requise", "Cette page demande de vous identifier."
	case fiber.StatusForbidden:
		return "Accès refusé", "Vous n'avez pas le droit d'accéder à cette page."
	case fiber.StatusNotFound:
		return "Page introuvable", "La page demandée n'existe pas ou a été déplacée."
	case fiber.StatusMethodNotAllowed:
		return "Méthode non autorisée", "Cette adresse n'accepte pas ce type de demande."
	case fiber.StatusNotImplemented:
		return "Méthode non prise en charge", "Le serveur ne prend pas en charge ce type de demande."
	case fiber.StatusConflict:
		return "Conflit", "La modification entre en conflit avec l'état actuel des données. Rechargez la page et recommencez."
	case fiber.StatusRequestEntityTooLarge:
		return "Contenu trop volumineux", "Le contenu envoyé dépasse la taille autorisée."
	case fiber.StatusRequestTimeout:
		return "Délai dépassé", "La demande a mis trop de temps à arriver."
	case fiber.StatusServiceUnavailable:
		return "Service momentanément indisponible", "Les données sont occupées par une autre opération. Réessayez dans quelques instants."
	case fiber.StatusTooManyRequests:
		return "Trop de demandes", "Vous avez envoyé trop de demandes en peu de temps. Patientez quelques secondes puis réessayez."
	}
	if status >= 500 {
		return "Erreur interne", "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard."
	}
	return "Erreur", "La demande n'a pas pu aboutir."
}

// headTooLargeTexts explains a 431, a request whose line and headers
// exceed maxRequestHeadBytes (api_conn.go): a long address is a search
// too long, pasted or generated; otherwise the headers (cookies) are.
func headTooLargeTexts(c *fiber.Ctx) (title, message string) {
	if sc, ok := sniffed(c.Context().Conn()); ok && sc.longRequestLine() {
		return "Recherche trop longue", fmt.Sprintf("La recherche est trop longue : elle est limitée à %d caractères "+
			"(et l'adresse de la page, critères compris, à %s caractères). Raccourcissez-la puis recommencez.",
			maxTextRunes, formatNumber(maxRequestHeadBytes))
	}
	return "Demande trop longue", fmt.Sprintf("Les en-têtes de la demande dépassent la limite de %s octets. "+
		"Effacez les cookies de ce site puis recommencez.", formatNumber(maxRequestHeadBytes))
}

// errorPage is the typed page of error.html.
type errorPage struct {
	Layout
	Status    int
	Message   string
	RequestID string // observability.go
	// Back leads back to where the refused request came from, when the
	// error has a better way out than the home page.
	Back *backLink
}

// backLink is a link of an error page back to a page of the site.
type backLink struct {
	URL, Text string
}

// handleError is fiber's ErrorHandler: it renders every error returned by a
// handler or by fiber, as JSON under /api/ and as a French page elsewhere.
// Server errors are logged here and only here. Messages shown to users are
// French; the error's own text (English, internal) is shown only for a
// ValidationError, whose Message is written for users.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	rid := requestID(c) // observability.go; logged with the error
	status := statusOf(c, err)
	if status >= 500 && status != fiber.StatusNotImplemented { // 501: the client's method, no failure here
		s.cfg.Logger.ErrorContext(c.UserContext(), "request failed",
			"method", requestMethod(c), "path", s.loggedPath(c.Path()), "status", status, "err", err)
	}
	title, message := errorTexts(status)
	if status == fiber.StatusRequestHeaderFieldsTooLarge {
		title, message = headTooLargeTexts(c)
	}
	var ve *data.ValidationError
	if errors.As(err, &ve) && ve.Message != "" {
		message = ve.Message
	}
	var r *refusal // refusal.go: a message for the user, maybe a delay
	if errors.As(err, &r) {
		message = r.message
		if r.retryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(r.retryAfterSeconds()))
		}
	}
	switch status {
	case fiber.StatusUnauthorized:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="fabrique"`)
	case fiber.StatusServiceUnavailable:
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	setSecurityHeaders(c)

	if isAPI(errorPath(c)) {
		if status == fiber.StatusNotFound && ve == nil {
			message = "La ressource demandée n'existe pas."
		}
		return c.Status(status).JSON(fiber.Map{"error": message, "request_id": rid})
	}
	p := &errorPage{Layout: Layout{Title: title}, Status: status, Message: message, RequestID: rid}
	if status == fiber.StatusRequestEntityTooLarge {
		if msg, back, ok := claimUploadRefusal(errorPath(c)); ok { // claim_upload_limit.go
			p.Title, p.Message, p.Back = "Fichier trop volumineux", msg, back
		} else if msg, back, ok := logoUploadRefusal(errorPath(c)); ok { // listing_logo.go
			p.Title, p.Message, p.Back = "Fichier trop volumineux", msg, back
		}
	}
	if rerr := s.render(c, status, "error", p); rerr != nil {
		s.cfg.Logger.ErrorContext(c.UserContext(), "error page failed", "path", s.loggedPath(c.Path()), "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(title + " : " + message)
	}
	return nil
}

// isAPI reports whether path belongs to the JSON API (/api itself is the
// page that explains it).
func isAPI(path string) bool {
	return strings.HasPrefix(path, "/api/")
}
