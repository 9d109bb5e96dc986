package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"fabrique/data"
)

// Kinds of fetch failure, as counted in data.CrawlRun.PagesFailed.
const (
	FailRobots    = "robots"    // disallowed by robots.txt
	FailTooLarge  = "too_large" // body over Politeness.MaxBodyBytes
	FailRedirect  = "redirect"  // redirect loop or too many redirects
	FailTimeout   = "timeout"   // connect or read timeout (a stalled server)
	FailNetwork   = "network"   // connection refused, reset, DNS…
	FailRateLimit = "http_429"  // still 429 after the retries, or Retry-After too long
	FailServer    = "http_5xx"  // still 5xx after the retries
	FailClient    = "http_4xx"  // 4xx other than 429
	FailGone      = "gone"      // 404 or 410: the page no longer exists
	FailDomain    = "domain"    // outside the source's allowed domains
	FailParse     = "parse"     // the body cannot be read (truncated JSON…)
	FailCanceled  = "canceled"  // the crawl was stopped
	FailInvalid   = "invalid_url"
)

// FetchError is a page that could not be fetched, with its kind.
type FetchError struct {
	URL    string
	Kind   string
	Status int
	Err    error
	final  bool // not worth retrying, whatever its kind
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("crawler: %s: %s (HTTP %d): %v", e.URL, e.Kind, e.Status, e.Err)
	}
	return fmt.Sprintf("crawler: %s: %s: %v", e.URL, e.Kind, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// Page is a fetched page.
type Page struct {
	URL          string // final URL, after redirects
	Status       int
	Header       http.Header
	Body         []byte
	NotModified  bool // 304: Body is empty, the stored validators still hold
	ETag         string
	LastModified string
	ContentHash  string // hex SHA-256 of Body
	Attempts     int
}

// Fetcher fetches pages politely. It is shared by the directory crawl and
// the tender feeds, so that one set of rules (Politeness) applies to every
// request the project makes. Safe for concurrent use.
type Fetcher struct {
	pol Politeness
	c   *colly.Collector

	mu        sync.Mutex
	hosts     map[string]bool  // hosts with a limit rule
	rates     map[string]Rate  // per-host overrides from source definitions
	robotsBad map[string]error // hosts whose robots.txt cannot be read (fetch_guard.go)
}

var (
	errRedirectLoop    = errors.New("redirect loop")
	errTooManyRedirect = errors.New("too many redirects")
	errTooLarge        = errors.New("body over the size limit")
)

// NewFetcher builds a fetcher whose requests stop when ctx is done.
// allowed restricts the hosts (host or host:port); empty allows any.
//
// Colly reads COLLY_* environment variables after its options: every
// setting is therefore assigned explicitly here, after construction, so
// that the environment cannot loosen the politeness rules.
func NewFetcher(ctx context.Context, p Politeness, allowed []string) *Fetcher {
	p = p.withDefaults()
	c := colly.NewCollector()
	c.UserAgent = p.UserAgent
	c.Headers = nil
	c.IgnoreRobotsTxt = false
	c.AllowURLRevisit = true // the crawl keeps its own visited set (resumable)
	c.Async = false
	c.MaxDepth = 0
	c.MaxRequests = 0
	c.MaxBodySize = int(p.MaxBodyBytes) + 1 // one byte more tells "too large" from "exactly at the limit"
	c.CacheDir = ""
	c.DetectCharset = false
	c.ParseHTTPErrorResponse = true // every status reaches OnResponse; Fetch classifies
	c.TraceHTTP = false
	c.CheckHead = false
	c.DisallowedDomains = nil
	c.AllowedDomains = hostnames(allowed)
	c.Context = ctx
	c.DisableCookies()
	c.WithTransport(guardTransport{&http.Transport{
		Proxy:                 http.ProxyFromEnvironment, // never for loopback mirrors
		DialContext:           (&net.Dialer{Timeout: time.Duration(p.ConnectTimeout), KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   time.Duration(p.ConnectTimeout),
		ResponseHeaderTimeout: time.Duration(p.ReadTimeout),
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}})
	c.SetRequestTimeout(time.Duration(p.ReadTimeout))
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		for _, v := range via {
			if v.URL.String() == req.URL.String() {
				return errRedirectLoop
			}
		}
		if len(via) >= p.MaxRedirects {
			return errTooManyRedirect
		}
		return checkRedirect(req, via, allowed)
	})
	f := &Fetcher{pol: p, c: c, hosts: map[string]bool{}, rates: map[string]Rate{}, robotsBad: map[string]error{}}
	c.OnResponseHeaders(func(r *colly.Response) {
		holderOf(r.Ctx).headers = true
		if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil && n > p.MaxBodyBytes {
			holderOf(r.Ctx).tooLarge = true
			r.Request.Abort()
		}
	})
	c.OnResponse(func(r *colly.Response) {
		holderOf(r.Ctx).resp = r
	})
	return f
}

// hostnames turns "host:port" entries into host names, which is what
// colly compares.
func hostnames(allowed []string) []string {
	var out []string
	for _, a := range allowed {
		h := a
		if strings.Contains(a, ":") {
			if hh, _, err := net.SplitHostPort(a); err == nil {
				h = hh
			}
		}
		if h != "" && !contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// SetRate overrides the delay and parallelism for a host (a source's
// Rate). The politeness delay stays a minimum unless NoDelay is set.
func (f *Fetcher) SetRate(host string, r Rate) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.hosts[host] {
		f.rates[host] = r
	}
}

// limit installs the per-host limit rule before the first request to host.
func (f *Fetcher) limit(host string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.hosts[host] {
		return nil
	}
	delay, par := time.Duration(f.pol.Delay), f.pol.Parallelism
	if r, ok := f.rates[host]; ok {
		if r.PublishedPerSecond > 0 {
			// The host publishes its own limit: it replaces the general
			// one-second rule, never to go faster than published.
			delay = time.Duration(float64(time.Second) / r.PublishedPerSecond)
		}
		if d := time.Duration(r.Delay); d > delay {
			delay = d
		}
		if r.Parallelism > 0 && r.Parallelism < par {
			par = r.Parallelism
		}
	}
	if f.pol.NoDelay {
		delay = 0
	}
	if err := f.c.Limit(&colly.LimitRule{DomainRegexp: "^" + regexp.QuoteMeta(host) + "$", Delay: delay, Parallelism: par}); err != nil {
		return err
	}
	f.hosts[host] = true
	return nil
}

// holder carries one request's outcome out of colly's callbacks.
type holder struct {
	resp     *colly.Response
	tooLarge bool
	headers  bool // the response headers came
}

func holderOf(ctx *colly.Context) *holder {
	h, _ := ctx.GetAny("fabrique.holder").(*holder)
	if h == nil {
		h = &holder{} // never nil: callbacks of requests not made by Fetch
	}
	return h
}

// Fetch gets rawURL, conditionally when prev carries validators (ETag,
// Last-Modified): an unchanged page answers NotModified. 5xx, 429 and
// network errors are retried with exponential backoff, honouring
// Retry-After up to Politeness.MaxRetryAfter. Failures are *FetchError.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, prev data.PageState) (*Page, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &FetchError{URL: rawURL, Kind: FailInvalid, Err: fmt.Errorf("not an http(s) URL: %w", data.ErrInvalid)}
	}
	if err := f.limit(u.Host); err != nil {
		return nil, &FetchError{URL: rawURL, Kind: FailInvalid, Err: err}
	}
	backoff := time.Duration(f.pol.RetryBase)
	var spent time.Duration // in requests, for Politeness.MaxPageTime
	for attempt := 1; ; attempt++ {
		began := time.Now()
		page, ferr, retryAfter := f.once(ctx, rawURL, prev, time.Duration(f.pol.MaxPageTime)-spent)
		spent += time.Since(began)
		if ferr == nil {
			page.Attempts = attempt
			return page, nil
		}
		if !retryable(ferr.Kind) || ferr.final || attempt > f.pol.MaxRetries {
			return nil, ferr
		}
		wait := backoff
		if retryAfter > 0 {
			if retryAfter > time.Duration(f.pol.MaxRetryAfter) {
				ferr.Err = fmt.Errorf("%w; %w", ferr.Err, &retryAfterCapped{asked: retryAfter, limit: time.Duration(f.pol.MaxRetryAfter)})
				return nil, ferr
			}
			wait = max(wait, retryAfter)
		}
		if spent >= time.Duration(f.pol.MaxPageTime) {
			ferr.Err = fmt.Errorf("%w; %w", ferr.Err, &budgetSpent{budget: time.Duration(f.pol.MaxPageTime)})
			return nil, ferr
		}
		backoff = min(backoff*2, time.Duration(f.pol.MaxRetryAfter))
		select {
		case <-ctx.Done():
			return nil, &FetchError{URL: rawURL, Kind: FailCanceled, Err: ctx.Err()}
		case <-time.After(wait):
		}
	}
}

func retryable(kind string) bool {
	switch kind {
	case FailServer, FailRateLimit, FailNetwork, FailTimeout:
		return true
	}
	return false
}

// once makes one request, given up after budget; retryAfter is the
// server's Retry-After, if any.
func (f *Fetcher) once(ctx context.Context, rawURL string, prev data.PageState, budget time.Duration) (*Page, *FetchError, time.Duration) {
	if err := ctx.Err(); err != nil {
		return nil, &FetchError{URL: rawURL, Kind: FailCanceled, Err: err}, 0
	}
	if u, err := url.Parse(rawURL); err == nil {
		if err := f.robotsFailure(u.Host); err != nil {
			return nil, &FetchError{URL: rawURL, Kind: FailTooLarge, Err: err}, 0
		}
	}
	h := &holder{}
	cctx := colly.NewContext()
	cctx.Put("fabrique.holder", h)
	hdr := http.Header{}
	hdr.Set("User-Agent", f.pol.UserAgent)
	hdr.Set("Accept", "text/html,application/json,application/xml;q=0.9,*/*;q=0.8")
	hdr.Set("Accept-Language", "fr-FR,fr;q=0.9")
	if prev.ETag != "" {
		hdr.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		hdr.Set("If-Modified-Since", prev.LastModified)
	}
	setDeadline(hdr, time.Now().Add(budget))
	err := f.c.Request(http.MethodGet, rawURL, nil, cctx, hdr)
	if h.tooLarge {
		return nil, &FetchError{URL: rawURL, Kind: FailTooLarge, Err: fmt.Errorf("%w (%d bytes)", errTooLarge, f.pol.MaxBodyBytes)}, 0
	}
	if err != nil {
		if u, perr := url.Parse(rawURL); perr == nil {
			f.rememberRobots(u.Host, err)
		}
		fe := classify(ctx, rawURL, err)
		// A server that answered and then trickled the body would do it
		// again: such a page gets one try.
		fe.final = fe.Kind == FailTimeout && h.headers
		return nil, fe, 0
	}
	r := h.resp
	if r == nil {
		return nil, &FetchError{URL: rawURL, Kind: FailNetwork, Err: errors.New("no response")}, 0
	}
	final := rawURL
	if r.Request != nil && r.Request.URL != nil {
		final = r.Request.URL.String()
	}
	status := r.StatusCode
	switch {
	case status == http.StatusNotModified:
		return &Page{URL: final, Status: status, Header: *r.Headers, NotModified: true,
			ETag: firstNonEmpty(r.Headers.Get("ETag"), prev.ETag), LastModified: firstNonEmpty(r.Headers.Get("Last-Modified"), prev.LastModified)}, nil, 0
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		kind := FailRateLimit
		if status == http.StatusServiceUnavailable {
			kind = FailServer
		}
		return nil, &FetchError{URL: rawURL, Kind: kind, Status: status, Err: errors.New(http.StatusText(status))}, retryAfter(r.Headers.Get("Retry-After"))
	case status >= 500:
		return nil, &FetchError{URL: rawURL, Kind: FailServer, Status: status, Err: errors.New(http.StatusText(status))}, 0
	case status == http.StatusNotFound || status == http.StatusGone:
		return nil, &FetchError{URL: rawURL, Kind: FailGone, Status: status, Err: errors.New(http.StatusText(status))}, 0
	case status == http.StatusRequestTimeout: // the only 4xx worth retrying, with 429
		return nil, &FetchError{URL: rawURL, Kind: FailTimeout, Status: status, Err: errors.New(http.StatusText(status))}, 0
	case status >= 300 && status < 400:
		return nil, &FetchError{URL: rawURL, Kind: FailRedirect, Status: status, Err: errors.New("redirect without a usable location")}, 0
	case status >= 400:
		return nil, &FetchError{URL: rawURL, Kind: FailClient, Status: status, Err: errors.New(http.StatusText(status))}, 0
	}
	if int64(len(r.Body)) > f.pol.MaxBodyBytes {
		return nil, &FetchError{URL: rawURL, Kind: FailTooLarge, Status: status, Err: fmt.Errorf("%w (%d bytes)", errTooLarge, f.pol.MaxBodyBytes)}, 0
	}
	sum := sha256.Sum256(r.Body)
	return &Page{URL: final, Status: status, Header: *r.Headers, Body: r.Body,
		ETag: r.Headers.Get("ETag"), LastModified: r.Headers.Get("Last-Modified"), ContentHash: hex.EncodeToString(sum[:])}, nil, 0
}

// classify names the kind of a transport-level failure.
func classify(ctx context.Context, rawURL string, err error) *FetchError {
	kind := FailNetwork
	var ne net.Error
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		kind = FailCanceled
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		kind = FailRobots
	case errors.Is(err, colly.ErrForbiddenDomain), errors.Is(err, colly.ErrForbiddenURL):
		kind = FailDomain
	case errors.Is(err, errRedirectLoop), errors.Is(err, errTooManyRedirect),
		errors.Is(err, errRedirectScheme), errors.Is(err, errRedirectOrigin):
		kind = FailRedirect
	case errors.Is(err, errRobotsTooLarge):
		kind = FailTooLarge
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		kind = FailTimeout
	case strings.Contains(err.Error(), "Client.Timeout"):
		kind = FailTimeout
	}
	return &FetchError{URL: rawURL, Kind: kind, Err: err}
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
