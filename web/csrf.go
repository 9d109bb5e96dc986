package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// CSRF protection: every POST, PUT, PATCH and DELETE must carry a token,
// as the form field _csrf or the header X-CSRF-Token, except the JSON API
// requests sent without the session cookie (programs, which a browser
// cannot be tricked into authenticating). The token is an HMAC of a
// random cookie (csrfCookie, HttpOnly, SameSite=Lax): another site can
// neither read the cookie nor compute the token, so a form it makes the
// browser post is refused. Pages get the token in Layout.CSRF; every form
// writes <input type="hidden" name="_csrf" value="{{.CSRF}}">, and scripts
// read it from <meta name="csrf-token">.

const (
	csrfCookie = "fabrique_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
	// localsCSRF caches the cookie value chosen during this request.
	localsCSRF = "fabrique.csrf"
)

// csrfTokenOf derives the form token from the cookie's secret.
func csrfTokenOf(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("fabrique csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken returns the token for the forms of this page, setting the
// cookie when the browser has none yet.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if v, ok := c.Locals(localsCSRF).(string); ok {
		return csrfTokenOf(v)
	}
	secret := c.Cookies(csrfCookie)
	if len(secret) < 32 {
		secret = newSecret()
		s.setCookie(c, csrfCookie, secret, 0)
	}
	c.Locals(localsCSRF, secret)
	return csrfTokenOf(secret)
}

// stateChanging reports whether a method changes state (CSRF applies).
func stateChanging(method string) bool {
	switch method {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
		return true
	}
	return false
}

// checkCSRF is the middleware that refuses a state-changing request
// without a valid token (403). It runs on each route of the table, once
// the route matched (Server.routeHandlers): a method that the path does
// not answer gets 405 first.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	if !stateChanging(c.Method()) {
		return c.Next()
	}
	if isAPI(c.Path()) && c.Cookies(sessionCookie) == "" {
		return c.Next()
	}
	if oneClickUnsubscribe(c) { // RFC 8058: the token is the key (alert_unsubscribe.go)
		return c.Next()
	}
	token := c.Get(csrfHeader)
	if token == "" {
		token = c.FormValue(csrfField)
	}
	secret := c.Cookies(csrfCookie)
	want := csrfTokenOf(secret)
	if secret == "" || token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return &refusal{status: fiber.StatusForbidden,
			message: "Ce formulaire a expiré ou ne vient pas de Fabrique. Rechargez la page puis recommencez.",
			err:     fmt.Errorf("web: CSRF token missing or wrong on %s %s: %w", c.Method(), s.loggedPath(c.Path()), data.ErrUnauthorized)}
	}
	return c.Next()
}
