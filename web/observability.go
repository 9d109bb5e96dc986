package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"fabrique/data"
	"fabrique/web/mail"
	"fabrique/web/metrics"
)

// Observability: request IDs (in every log line of a request, in the
// X-Request-ID answer header and on error pages), Prometheus metrics at
// /metrics, and /readyz for load balancers.
//
// Who may read /metrics: a signed-in admin, a client with the admin token
// (Authorization: Bearer, as for /admin/backup), or a loopback client
// whose request carries no forwarding header — a scraper on the same
// machine. A reverse proxy on the same machine adds X-Forwarded-For (or
// Forwarded, X-Real-IP), so the public it relays is refused; a proxy that
// adds none of them must not relay /metrics.

// HeaderRequestID carries the request ID, from the client when it sent a
// well-formed one, else generated.
const HeaderRequestID = "X-Request-ID"

// maxRequestIDLength bounds a request ID taken from a client.
const maxRequestIDLength = 128

// requestIDKey is the context key of the request ID.
type requestIDKey struct{}

// validRequestID accepts 1 to maxRequestIDLength characters among letters,
// digits and "-_.:" — enough for UUIDs and tracing IDs, nothing that could
// forge a log line or an HTML fragment.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		ok := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
			b == '-' || b == '_' || b == '.' || b == ':'
		if !ok {
			return false
		}
	}
	return true
}

// newRequestID is 12 random bytes in hex.
func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails on Linux (crypto/rand panics otherwise)
	return hex.EncodeToString(b)
}

// requestID returns the request's ID, assigning it on first call: the
// client's when well-formed, else a new one. The ID is set on the answer
// and in the request's context, where the logger finds it.
func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(requestIDKey{}).(string); ok {
		return id
	}
	id := c.Get(HeaderRequestID)
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Locals(requestIDKey{}, id)
	c.Set(HeaderRequestID, id)
	c.SetUserContext(context.WithValue(c.UserContext(), requestIDKey{}, id))
	return id
}

// RequestIDFrom returns the request ID held by ctx, "" when none.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDHandler adds the request ID of the record's context to every
// log record, as request_id.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestIDFrom(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// routeKey is the Locals key of the request's route pattern.
type routeKey struct{}

// markRoute is the first handler of every route of the table (server.go):
// it records the route's pattern for the metrics.
func markRoute(pattern string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(routeKey{}, pattern)
		return c.Next()
	}
}

// routeLabel is the metrics label of the request's route: the routing
// table's pattern, never the URL; "unmatched" when no route answered (a
// 404, or a refusal by a middleware before routing).
func routeLabel(c *fiber.Ctx) string {
	if p, ok := c.Locals(routeKey{}).(string); ok {
		return p
	}
	return "unmatched"
}

// setUpObservability wraps the logger and the mail sender, and registers
// the gauges read at scrape time. Called by New.
func (s *Server) setUpObservability() error {
	s.metrics = metrics.New()
	s.cfg.Logger = slog.New(requestIDHandler{s.cfg.Logger.Handler()})
	s.mail = countingSender{next: s.mail, metrics: s.metrics}
	gauges := []struct {
		name, help string
		read       func() (float64, error)
	}{
		{"store_size_bytes", "Size of the store's file.", func() (float64, error) {
			fi, err := os.Stat(s.store.Path())
			if err != nil {
				return 0, err
			}
			return float64(fi.Size()), nil
		}},
		{"store_suppliers", "Suppliers in the store.", func() (float64, error) {
			n, err := s.store.CountSuppliers(context.Background())
			return float64(n), err
		}},
		{"store_tenders", "Tenders in the store.", func() (float64, error) {
			n, err := s.store.CountTenders(context.Background())
			return float64(n), err
		}},
	}
	if s.index != nil {
		gauges = append(gauges, struct {
			name, help string
			read       func() (float64, error)
		}{"index_suppliers", "Suppliers in the search index.", func() (float64, error) {
			n, err := s.index.Count()
			return float64(n), err
		}})
	}
	for _, g := range gauges {
		if err := s.metrics.Gauge(g.name, g.help, g.read); err != nil {
			return err
		}
	}
	return nil
}

// Metrics is the server's registry, for the counters that cmd/fabrique
// feeds (scheduled crawls, scheduler lag).
func (s *Server) Metrics() *metrics.Registry { return s.metrics }

// countingSender counts the mails handed to the sender.
type countingSender struct {
	next    mail.Sender
	metrics *metrics.Registry
}

func (m countingSender) Send(ctx context.Context, msg mail.Message) error {
	err := m.next.Send(ctx, msg)
	m.metrics.MailSent(err)
	return err
}

// serveMetrics answers /metrics to those allowed (see the top of this
// file), in the Prometheus text format.
func (s *Server) serveMetrics(c *fiber.Ctx) error {
	if err := s.admitMetricsReader(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return adaptor.HTTPHandler(s.metrics.Handler())(c)
}

// admitMetricsReader returns nil for a loopback scraper, the admin token or
// a signed-in admin, else the refusal.
func (s *Server) admitMetricsReader(c *fiber.Ctx) error {
	if c.Get(fiber.HeaderAuthorization) != "" {
		return s.requireAdminToken(c)
	}
	if s.directLoopback(c) {
		return nil
	}
	if a, ok := s.currentAccount(c); ok && isAdmin(a) {
		return nil
	}
	return fmt.Errorf("web: metrics are for admins and local scrapers: %w", data.ErrUnauthorized)
}

// directLoopback reports whether the connection comes from this machine
// and was not relayed by a proxy.
func (s *Server) directLoopback(c *fiber.Ctx) bool {
	for _, h := range []string{fiber.HeaderXForwardedFor, "Forwarded", "X-Real-IP"} {
		if c.Get(h) != "" {
			return false
		}
	}
	ip := c.Context().RemoteIP()
	return ip != nil && ip.IsLoopback()
}

// BeginShutdown makes /readyz answer 503 from now on, so that load
// balancers stop sending requests while those in flight finish. Shutdown
// calls it; cmd/fabrique calls it as soon as it is asked to stop.
func (s *Server) BeginShutdown() { s.shuttingDown.Store(true) }

// readyz answers 200 "ready" when the store is open, the search index
// readable and not being rebuilt, and the server not shutting down; else
// 503 with the reason, in French.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if reason := s.notReady(c.UserContext()); reason != "" {
		c.Set(fiber.HeaderRetryAfter, "5")
		return c.Status(fiber.StatusServiceUnavailable).SendString(reason)
	}
	return c.SendString("ready")
}

// notReady says why the server should not receive traffic, "" when it
// should.
func (s *Server) notReady(ctx context.Context) string {
	if s.shuttingDown.Load() {
		return "arrêt en cours"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return "données indisponibles"
	}
	if s.index != nil {
		if s.index.Rebuilding() {
			return "index en reconstruction"
		}
		if _, err := s.index.Count(); err != nil {
			return "index illisible"
		}
	}
	return ""
}
