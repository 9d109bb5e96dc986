package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Guards of the fetcher against hostile or broken sites: a robots.txt
// without end, redirects to another scheme or port, pages that trickle.

// maxRobotsBytes caps a robots.txt (Google reads 500 KiB of it). colly
// reads the whole file outside the page size limit, so the cap is applied
// by the transport; a larger file fails the host's pages as too_large.
const maxRobotsBytes = 512 << 10

var (
	errRobotsTooLarge = fmt.Errorf("robots.txt over %d KiB", maxRobotsBytes>>10)
	errRedirectScheme = errors.New("redirect to a scheme other than http(s)")
	errRedirectOrigin = errors.New("redirect to another scheme or port, which the source does not allow")
)

// guardTransport caps the body of robots.txt answers.
type guardTransport struct{ base http.RoundTripper }

func (g guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req, cancel := withDeadline(req)
	resp, err := g.base.RoundTrip(req)
	if err != nil {
		cancel()
		return resp, err
	}
	left := int64(-1) // no cap
	if req.URL.Path == "/robots.txt" {
		left = maxRobotsBytes
	}
	resp.Body = &cappedBody{rc: resp.Body, left: left, cancel: cancel}
	return resp, nil
}

// cappedBody fails with errRobotsTooLarge once more than left bytes came
// (left < 0: no cap), and ends the request's deadline when closed.
type cappedBody struct {
	rc     io.ReadCloser
	left   int64
	cancel context.CancelFunc
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return b.rc.Read(p)
	}
	if b.left == 0 {
		var probe [1]byte
		if n, err := b.rc.Read(probe[:]); n == 0 && err != nil {
			return 0, err // ended exactly at the cap
		}
		return 0, errRobotsTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}

// checkRedirect refuses a redirect to a scheme other than http(s), and one
// that changes the scheme or the port of the first request unless the
// target's host:port is listed in the allowed hosts (a source allows a
// port, or https, by naming it: "annuaire.example:443").
func checkRedirect(req *http.Request, via []*http.Request, allowed []string) error {
	to := req.URL
	if to.Scheme != "http" && to.Scheme != "https" {
		return fmt.Errorf("%w: %s", errRedirectScheme, to.Redacted())
	}
	from := via[0].URL
	if to.Scheme == from.Scheme && effectivePort(to) == effectivePort(from) {
		return nil
	}
	target := net.JoinHostPort(strings.ToLower(to.Hostname()), effectivePort(to))
	for _, a := range allowed {
		if h, p, err := net.SplitHostPort(a); err == nil && net.JoinHostPort(strings.ToLower(h), p) == target {
			return nil
		}
	}
	return fmt.Errorf("%w: %s://%s → %s://%s", errRedirectOrigin, from.Scheme, from.Host, to.Scheme, target)
}

// effectivePort is the URL's port, or its scheme's default.
func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// robotsFailure returns the remembered robots.txt failure of host, if any:
// a host whose robots.txt is too large fails every page at once instead
// of being downloaded again for each.
func (f *Fetcher) robotsFailure(host string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.robotsBad[host]
}

func (f *Fetcher) rememberRobots(host string, err error) {
	if !errors.Is(err, errRobotsTooLarge) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.robotsBad[host] = errRobotsTooLarge
}

// deadlineHeader carries a request's deadline from Fetch to the
// transport: colly gives every request the collector's context, so a
// per-page deadline cannot travel any other way. The transport removes it
// before the request leaves.
const deadlineHeader = "X-Fabrique-Deadline"

func setDeadline(h http.Header, t time.Time) {
	h.Set(deadlineHeader, strconv.FormatInt(t.UnixNano(), 10))
}

// withDeadline applies and removes the deadline header of req, if any.
// The returned cancel must be called once the body is read.
func withDeadline(req *http.Request) (*http.Request, context.CancelFunc) {
	v := req.Header.Get(deadlineHeader)
	if v == "" {
		return req, func() {}
	}
	ctx, cancel := context.WithCancel(req.Context())
	if ns, err := strconv.ParseInt(v, 10, 64); err == nil {
		ctx, cancel = context.WithDeadline(req.Context(), time.Unix(0, ns))
	}
	out := req.Clone(ctx)
	out.Header.Del(deadlineHeader)
	return out, cancel
}
