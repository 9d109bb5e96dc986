package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// Accounts and sessions. A session is a random secret carried by the
// cookie sessionCookie; the store keeps only its SHA-256 (data.Session.ID),
// so that a copy of the database opens no session. A session lasts
// sessionLifetime at most, ends after sessionIdle without a request, at
// logout, when the password changes and when the account is disabled.

const (
	sessionCookie   = "fabrique_session"
	sessionLifetime = 30 * 24 * time.Hour
	sessionIdle     = 7 * 24 * time.Hour
	// lastSeenEvery limits the writes of a session's last-seen time.
	lastSeenEvery = 5 * time.Minute
	// localsAccount caches the request's account in fiber's locals.
	localsAccount = "fabrique.account"
	signInPath    = "/connexion"
)

// SignedIn is the signed-in account as the layout shows it.
type SignedIn struct {
	ID, Email, Name string
	Admin           bool
}

// Label is how the header names the account: its name, else its address.
func (a *SignedIn) Label() string {
	if a.Name != "" {
		return a.Name
	}
	return a.Email
}

// sessionState is what currentAccount found, cached per request.
type sessionState struct {
	account data.Account
	session data.Session
	ok      bool
}

// isAdmin reports whether the account is an Alliance admin.
func isAdmin(a data.Account) bool { return a.Role == data.RoleAdmin }

// newSecret returns 32 random bytes, base64url: a session id or a token.
func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("web: crypto/rand: %v", err)) // never happens on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// secretHash is the store key of a secret.
func secretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// newID returns a random record id, "a" + 16 hex digits.
func newID(prefix string) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("web: crypto/rand: %v", err))
	}
	return prefix + hex.EncodeToString(b)
}

// secureRequest reports whether the request came over TLS, directly or
// through a trusted proxy that says so (proxy.go).
func (s *Server) secureRequest(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	return s.proxy.relayed(c) && strings.EqualFold(strings.TrimSpace(firstField(c.Get(fiber.HeaderXForwardedProto))), "https")
}

func firstField(v string) string {
	f, _, _ := strings.Cut(v, ",")
	return f
}

// clientAddr is the client's address: the connection's, or the one a
// trusted proxy names in X-Forwarded-For (proxy.go).
func (s *Server) clientAddr(c *fiber.Ctx) string {
	if s.proxy.relayed(c) {
		if client := s.proxy.forwardedClient(c.Get(fiber.HeaderXForwardedFor)); client != "" {
			return client
		}
	}
	return c.IP()
}

// setCookie sets one of the site's cookies: HttpOnly, SameSite=Lax, Path=/,
// Secure over TLS. maxAge 0 is a browser-session cookie, < 0 deletes it.
func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.secureRequest(c)}
	switch {
	case maxAge > 0:
		ck.MaxAge = int(maxAge / time.Second)
		ck.Expires = time.Now().Add(maxAge)
	case maxAge < 0:
		ck.Value, ck.MaxAge, ck.Expires = "", -1, time.Unix(0, 0)
	}
	c.Cookie(ck)
}

// startSession signs the account in with a new session id (never one the
// browser already had) and sets its cookie.
func (s *Server) startSession(c *fiber.Ctx, a data.Account) error {
	if old := c.Cookies(sessionCookie); old != "" { // no session fixation
		if err := s.store.DeleteSession(c.UserContext(), secretHash(old)); err != nil {
			return fmt.Errorf("web: end previous session: %w", err)
		}
	}
	secret := newSecret()
	now := time.Now().UTC()
	sess := data.Session{ID: secretHash(secret), AccountID: a.ID, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(sessionLifetime), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), 200), Addr: s.clientAddr(c)}
	if err := s.store.PutSession(c.UserContext(), sess); err != nil {
		return fmt.Errorf("web: start session: %w", err)
	}
	s.purgeIfDue(c, now)
	s.setCookie(c, sessionCookie, secret, sessionLifetime)
	c.Locals(localsAccount, &sessionState{account: a, session: sess, ok: true})
	return nil
}

// purgeEvery is how often a sign-in also deletes the expired sessions and
// one-time tokens.
const purgeEvery = time.Hour

// purgeIfDue deletes expired sessions and tokens at most once per
// purgeEvery; a failure is logged, the sign-in goes on.
func (s *Server) purgeIfDue(c *fiber.Ctx, now time.Time) {
	last := s.purgedAt.Load()
	if now.Unix()-last < int64(purgeEvery/time.Second) || !s.purgedAt.CompareAndSwap(last, now.Unix()) {
		return
	}
	ns, nt, err := s.store.PurgeExpired(c.UserContext(), now, now.Add(-sessionIdle))
	if err != nil {
		s.cfg.Logger.Error("purge of expired sessions failed", "err", err)
		return
	}
	if ns+nt > 0 {
		s.cfg.Logger.Info("expired sessions and tokens deleted", "sessions", ns, "tokens", nt)
	}
}

// endSession signs the browser out.
func (s *Server) endSession(c *fiber.Ctx) error {
	if secret := c.Cookies(sessionCookie); secret != "" {
		if err := s.store.DeleteSession(c.UserContext(), secretHash(secret)); err != nil {
			return fmt.Errorf("web: end session: %w", err)
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Locals(localsAccount, &sessionState{})
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}

// session returns the request's valid session and its account.
func (s *Server) session(c *fiber.Ctx) (*sessionState, error) {
	if st, ok := c.Locals(localsAccount).(*sessionState); ok {
		return st, nil
	}
	st := &sessionState{}
	c.Locals(localsAccount, st)
	secret := c.Cookies(sessionCookie)
	if secret == "" {
		return st, nil
	}
	ctx := c.UserContext()
	sess, err := s.store.Session(ctx, secretHash(secret))
	if errors.Is(err, data.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("web: session: %w", err)
	}
	now := time.Now().UTC()
	a, err := s.store.Account(ctx, sess.AccountID)
	valid := err == nil && now.Before(sess.ExpiresAt) && now.Sub(sess.LastSeen) < sessionIdle &&
		!a.Disabled && a.Verified && !sess.CreatedAt.Before(a.PasswordChangedAt)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return st, fmt.Errorf("web: session account: %w", err)
	}
	if !valid {
		if err := s.store.DeleteSession(ctx, sess.ID); err != nil {
			return st, fmt.Errorf("web: end stale session: %w", err)
		}
		return st, nil
	}
	if now.Sub(sess.LastSeen) >= lastSeenEvery {
		sess.LastSeen, sess.Addr = now, s.clientAddr(c)
		sess.UserAgent = truncate(c.Get(fiber.HeaderUserAgent), 200)
		if err := s.store.PutSession(ctx, sess); err != nil {
			return st, fmt.Errorf("web: session last seen: %w", err)
		}
	}
	*st = sessionState{account: a, session: sess, ok: true}
	return st, nil
}

// currentAccount returns the signed-in, enabled account of the request.
// A store error counts as anonymous here (and is logged); handlers that
// must tell the difference use requireSignIn.
func (s *Server) currentAccount(c *fiber.Ctx) (data.Account, bool) {
	st, err := s.session(c)
	if err != nil {
		s.cfg.Logger.ErrorContext(c.UserContext(), "session lookup failed", "path", s.loggedPath(c.Path()), "err", err)
		return data.Account{}, false
	}
	return st.account, st.ok
}

// signedIn is the layout's view of the request's account, nil when
// anonymous.
func (s *Server) signedIn(c *fiber.Ctx) *SignedIn {
	a, ok := s.currentAccount(c)
	if !ok {
		return nil
	}
	return &SignedIn{ID: a.ID, Email: a.Email, Name: a.Name, Admin: isAdmin(a)}
}

// admitSignedIn returns nil for a signed-in account, else the redirect to
// the sign-in page (already sent).
func (s *Server) admitSignedIn(c *fiber.Ctx) (data.Account, bool, error) {
	st, err := s.session(c)
	if err != nil {
		return data.Account{}, false, err
	}
	if !st.ok {
		return data.Account{}, false, s.toSignIn(c)
	}
	return st.account, true, nil
}

// admitAdmin returns nil for an admin; anonymous visitors are sent to sign
// in, other accounts get 403.
func (s *Server) admitAdmin(c *fiber.Ctx) (bool, error) {
	a, ok, err := s.admitSignedIn(c)
	if !ok {
		return false, err
	}
	if !isAdmin(a) {
		return false, &refusal{status: fiber.StatusForbidden, message: "Cette page est réservée aux administrateurs de l'Alliance.",
			err: fmt.Errorf("web: %s is not an admin: %w", a.ID, data.ErrUnauthorized)}
	}
	return true, nil
}

// requireSignIn is the middleware form (app.Use, groups) of signedInOnly:
// anonymous visitors are sent to /connexion?suite=<this page>.
func (s *Server) requireSignIn(c *fiber.Ctx) error {
	if _, ok, err := s.admitSignedIn(c); !ok {
		return err
	}
	return c.Next()
}

// requireAdmin is the middleware form of adminOnly: anonymous visitors are
// sent to sign in, signed-in non-admins get a 403 page.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if ok, err := s.admitAdmin(c); !ok {
		return err
	}
	return c.Next()
}

// signedInOnly guards a handler of the routes table (routes.go) with
// requireSignIn.
func (s *Server) signedInOnly(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, ok, err := s.admitSignedIn(c); !ok {
			return err
		}
		return h(c)
	}
}

// adminOnly guards a handler of the routes table with requireAdmin.
func (s *Server) adminOnly(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if ok, err := s.admitAdmin(c); !ok {
			return err
		}
		return h(c)
	}
}

// toSignIn redirects to the sign-in page with the page to come back to.
func (s *Server) toSignIn(c *fiber.Ctx) error {
	back := c.OriginalURL()
	if c.Method() != fiber.MethodGet || !isLocalPath(back) {
		back = ""
	}
	target := signInPath
	if back != "" {
		target += "?suite=" + url.QueryEscape(back)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(target, fiber.StatusSeeOther)
}

// isLocalPath accepts only a path of this site: "/x", never "//host",
// "/\host", "https:…", control characters or backslashes, which browsers
// may read as another site.
func isLocalPath(p string) bool {
	if p == "" || p[0] != '/' || len(p) > 2000 {
		return false
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return false
	}
	if strings.ContainsAny(p, "\\\r\n\t\x00") {
		return false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// nextPath is the local path of suite=, or def.
func nextPath(raw, def string) string {
	if isLocalPath(raw) {
		return raw
	}
	return def
}
