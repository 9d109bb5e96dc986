package web

import (
	"context"
	"io"
	"log/slog"
	"time"

	"fabrique/data/store"
	"fabrique/index"
	"fabrique/web/mail"
	"fabrique/web/verify"
)

// Config tunes the server. The zero value is usable: every field has a
// default, applied by New.
type Config struct {
	// Addr is the address ListenAndServe listens on (default
	// "127.0.0.1:8080"). Serve ignores it and uses the listener it is given.
	Addr string
	// PublicURL is the absolute address of the site as its users reach it
	// ("https://fabrique.example.fr"), used for every absolute link: API
	// url fields, share links, exports, mails. The request's Host header is
	// never trusted for them. Empty: "http://" + the address served.
	PublicURL string
	// AdminToken guards the /admin/ routes (Authorization: Bearer TOKEN).
	// Empty disables them: they answer 404.
	AdminToken string
	// Logger receives request logs and 5xx errors (default: discard).
	Logger *slog.Logger
	// BodyLimit caps request bodies in bytes (default 5 MiB); larger
	// requests get 413. The Kbis upload route reads up to 8 MiB, to
	// refuse a file over 4 Mo with advice (claim_upload_limit.go).
	BodyLimit int
	// ReadTimeout bounds reading a whole request (default 30 s).
	ReadTimeout time.Duration
	// IdleTimeout closes idle keep-alive connections (default 60 s), which
	// also bounds how long Shutdown waits for them.
	IdleTimeout time.Duration
	// Version is shown in the page footer when set.
	Version string
	// RateLimit bounds the JSON API requests of each client (default 20
	// requests per second, bursts of 40).
	RateLimit RateLimit
	// TrustProxy says that a reverse proxy in front of the server sets
	// X-Forwarded-Proto and X-Forwarded-For: cookies are then Secure when
	// it says https, and the client address is its last X-Forwarded-For hop.
	TrustProxy bool
	// TrustedProxies, with TrustProxy, are the addresses (IP or CIDR) of
	// the proxies: only their connections' headers are believed, and the
	// client is the last X-Forwarded-For hop that is not one of them.
	// Empty: any connection's headers (proxy.go).
	TrustedProxies []string
	// MatchConcurrency bounds the match API requests ranked at once
	// (default GOMAXPROCS, at least 2); MatchQueueWait is how long one
	// waits for a free slot before it is shed with 503 and Retry-After
	// (default 250 ms).
	MatchConcurrency int
	MatchQueueWait   time.Duration
	// FormRateLimit bounds the HTML form posts of each client (default
	// bursts of 30, then one every 2 s); a negative PerSecond disables it.
	FormRateLimit RateLimit
	// Verify tunes the website and DNS checks of claims (web/verify): its
	// TestMode, off by default, lets tests reach loopback servers.
	Verify verify.Config
	// Now is the clock that decides label states on pages, exports, API
	// answers and the observatory's figures (open tenders, daily
	// snapshots); nil means time.Now. Tests fix it.
	Now func() time.Time
}

// Deps are the services the handlers use; cmd/fabrique builds them.
type Deps struct {
	// Store is the open data store (required).
	Store *store.Store
	// Index is the search index of suppliers. Without it the search pages,
	// exports and search API are not routed (supplier pages still are).
	Index *index.Index
	// Mail delivers the site's mails (account confirmation, reset and
	// sign-in links…). Nil: they are kept in the store's outbox, which
	// admins read at /admin/courriels.
	Mail mail.Sender
	// Tenders is the search index of tenders, kept in step with the store
	// by the caller; nil builds an in-memory one from the store (tender.go).
	Tenders *index.TenderIndex
	// MatcherReady, when set, returns once the matcher ranks as it will
	// (serve: once the CPV ↔ NAF links and track records are learned from
	// the awards, in the background at start), or with ctx's error. The
	// observatory counts a tender's capable suppliers only after it:
	// counts taken before would differ from the tender's own ranking for
	// as long as they are kept (observatory.BuildOptions.MatchTTL, 6 h).
	MatcherReady func(ctx context.Context) error
}

const (
	defaultAddr        = "127.0.0.1:8080"
	defaultBodyLimit   = 5 << 20 // a Kbis extract of verify.MaxDocumentBytes fits
	defaultReadTimeout = 30 * time.Second
	defaultIdleTimeout = 60 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = defaultAddr
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.BodyLimit <= 0 {
		c.BodyLimit = defaultBodyLimit
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = defaultIdleTimeout
	}
	return c
}
