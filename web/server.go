package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
	"fabrique/web/mail"
	"fabrique/web/metrics"
	"fabrique/web/password"
)

// Server is Fabrique's web application. Build it with New, run it with Serve
// and stop it with Shutdown.
type Server struct {
	cfg    Config
	store  *store.Store
	app    *fiber.App
	assets *assets
	pages  *renderer
	nav    []navEntry // the navigation entries whose page exists
	// secretPaths are the routes whose path holds a secret, hidden in
	// the logs (logged_path.go).
	secretPaths []secretPath

	index *index.Index // nil: search routes are not registered
	// supplierAnswers holds encoded answers of GET /api/v1/suppliers.
	supplierAnswers *index.AnswerCache[apiAnswer]
	maps            *franceMap
	limiter         *rateLimiter       // nil: the API is not rate limited
	tenderIndex     *index.TenderIndex // lists and searches of tenders (tender_index.go)
	mapOutlines     string             // URL of the départements' outlines (mapsvg_asset.go)
	publicURL       atomic.Pointer[string]

	mail          mail.Sender                 // Deps.Mail, or the store's outbox
	mails         *mailTemplates              // templates/mail
	throttles     *throttler                  // sign-in, sign-up, reset, claim attempts
	purgedAt      atomic.Int64                // unix time of the last purge of expired sessions (auth.go)
	hasher        *hasher                     // bounded argon2id (hashing.go)
	adminDigest   [sha256.Size]byte           // of Config.AdminToken (admin_guard.go)
	adminFailures *rateLimiter                // wrong admin tokens per client
	backupSlot    chan struct{}               // one backup snapshot at a time
	matchSource   index.MatchProfileSource    // what the matcher reads: the store, through its match profiles
	matcherReady  func(context.Context) error // Deps.MatcherReady
	matchGate     *matchGate                  // bounds the match API under load
	formLimiter   *rateLimiter                // form posts per client (form_guard.go)
	proxy         proxyTrust                  // whose forwarding headers are believed (proxy.go)
	obsFacts      factsCache                  // the observatory's figures (observatory.go)
	buyers        buyersCache                 // the contracts « Acheteurs publics de votre secteur » reads (company_buyers.go)
	metrics       *metrics.Registry           // /metrics (observability.go)
	shuttingDown  atomic.Bool                 // /readyz answers 503 (observability.go)

	// background runs the server's own goroutines, stopped by Shutdown
	// (background.go).
	background background
}

// New builds the application: it hashes the static assets, parses every
// template and registers the routes, so that a broken template fails here
// rather than on a visitor's request.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.Store == nil {
		return nil, fmt.Errorf("web: Deps.Store is required: %w", data.ErrInvalid)
	}
	s := &Server{cfg: cfg.withDefaults(), store: deps.Store, index: deps.Index}
	s.limiter = newRateLimiter(s.cfg.RateLimit, nil)
	s.mail, s.throttles, s.hasher = deps.Mail, newThrottler(nil), newHasher(password.OWASP)
	if s.mail == nil {
		s.mail = mail.Outbox{Store: deps.Store}
	}
	if err := CheckAdminToken(s.cfg.AdminToken); err != nil {
		return nil, err
	}
	var err error
	if s.proxy, err = newProxyTrust(s.cfg.TrustProxy, s.cfg.TrustedProxies); err != nil {
		return nil, err
	}
	s.adminDigest, s.adminFailures = adminDigest(s.cfg.AdminToken), newAdminFailures(nil)
	s.backupSlot = make(chan struct{}, 1)
	s.matchSource, s.matcherReady = deps.Store, deps.MatcherReady
	s.matchGate = newMatchGate(s.cfg.MatchConcurrency, s.cfg.MatchQueueWait)
	s.formLimiter = newFormLimiter(s.cfg.FormRateLimit, nil)
	if err := s.setUpObservability(); err != nil {
		return nil, err
	}
	if err := s.setPublicURL(s.cfg.PublicURL, s.cfg.Addr); err != nil {
		return nil, err
	}
	s.supplierAnswers = index.NewAnswerCache[apiAnswer](deps.Index, apiAnswerCacheSize)
	if err := s.useTenderIndex(deps); err != nil {
		return nil, err
	}

	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parseTemplates(s.assets); err != nil {
		return nil, err
	}
	if s.mails, err = parseMailTemplates(); err != nil {
		return nil, err
	}
	if s.maps, err = loadFranceMap(data.DepartementShapesGeoJSON()); err != nil {
		return nil, err
	}
	s.mapOutlines = s.assets.add(mapAssetName, s.maps.outlinesSVG(), "image/svg+xml")

	s.app = fiber.New(fiber.Config{
		AppName:               "Fabrique",
		ErrorHandler:          s.handleError,
		BodyLimit:             s.cfg.BodyLimit,
		ReadBufferSize:        maxRequestHeadBytes, // past it: 431, explained by handleError
		ReadTimeout:           s.cfg.ReadTimeout,
		IdleTimeout:           s.cfg.IdleTimeout,
		Immutable:             true, // request strings outlive fasthttp's buffers
		DisableStartupMessage: true, // cmd/fabrique prints the address itself
	})
	s.app.Use(s.securityHeaders, s.compressAnswers(), s.logRequests, s.recoverPanics)
	s.app.Use(s.refuseUnknownMethods)   // methods.go: 501, with the headers and page above
	s.app.Use(s.refuseAmbiguousFraming) // framing.go: request smuggling
	s.app.Use("/api", s.apiConventions) // api_conventions.go: CORS, ETag
	s.app.Use("/api", s.rateLimit)
	s.markRawErrors()         // api_conn.go
	s.raiseClaimUploadLimit() // claim_upload_limit.go
	s.acceptUnknownMethods()  // methods.go

	routes := s.routes()
	for _, r := range routes {
		s.app.Add(r.method, r.path, s.routeHandlers(r)...)
		if r.method == fiber.MethodGet { // HEAD answers as GET, without the body (fasthttp drops it)
			s.app.Add(fiber.MethodHead, r.path, s.routeHandlers(r)...)
		}
	}
	for _, r := range s.preflightRoutes(routes) {
		s.app.Add(r.method, r.path, s.routeHandlers(r)...)
	}
	s.nav = visibleNav(routes)
	s.secretPaths = secretPaths(routes)
	return s, nil
}

// routeHandlers is what a route of the table runs: markRoute names it in
// the metrics (observability.go), then the CSRF check (csrf.go) and the
// form budget (form_guard.go), then its handler. Those two run once the
// route matched, so that a method the path does not answer gets 405 with
// Allow from the router rather than a CSRF refusal, and a post to no
// route spends no budget.
func (s *Server) routeHandlers(r route) []fiber.Handler {
	return []fiber.Handler{markRoute(r.path), s.checkCSRF, s.limitForms, r.handler}
}

// Serve answers requests on ln until Shutdown is called. It returns nil
// after a graceful shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if s.cfg.PublicURL == "" { // the real port, when Addr asked for port 0
		if err := s.setPublicURL("", ln.Addr().String()); err != nil {
			return err
		}
	}
	if err := s.app.Listener(sniffListener{ln}); err != nil {
		return fmt.Errorf("web: serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// ListenAndServe listens on Config.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("web: listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ln)
}

// Shutdown stops accepting connections and waits for the requests in
// flight, or until ctx is done, whichever comes first; then it stops the
// server's background work (observatory builds) and waits for it, so that
// the caller may close the store.
func (s *Server) Shutdown(ctx context.Context) error {
	s.BeginShutdown()
	err := s.app.ShutdownWithContext(ctx)
	s.background.stop() // then nothing of the server touches the store
	if err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	return nil
}

// testTimeout bounds Test so that a handler that hangs fails its test
// instead of blocking the suite.
const testTimeout = 30 * time.Second

// Test runs req through the application without a network, for handler
// tests (fiber's App.Test).
func (s *Server) Test(req *http.Request) (*http.Response, error) {
	resp, err := s.app.Test(req, int(testTimeout/time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("web: test %s %s: %w", req.Method, req.URL, err)
	}
	return resp, nil
}

// setPublicURL checks and keeps the site's absolute address: configured,
// or derived from the listen address.
func (s *Server) setPublicURL(configured, addr string) error {
	raw := configured
	if raw == "" {
		raw = "http://" + addr
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("web: public URL %q: an absolute http(s) URL without query, fragment or credentials is required: %w", raw, data.ErrInvalid)
	}
	base := strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
	s.publicURL.Store(&base)
	return nil
}

// baseURL is the site's absolute address without a trailing slash, for
// absolute links (see Config.PublicURL).
func (s *Server) baseURL() string { return *s.publicURL.Load() }
