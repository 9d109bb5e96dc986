package web

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// contentSecurityPolicy allows nothing but the site's own files: no inline
// script or style, no framing, forms posting only to the site.
const contentSecurityPolicy = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries, error pages
// included.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders is also called by handleError, for the errors fasthttp
// raises before any middleware runs (body too large, malformed request).
func setSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
}

// logRequests logs one line per request. It renders a handler's error
// itself (through handleError) so that the logged status is the one sent.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	requestID(c) // observability.go: before anything logs
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	took := time.Since(start)
	s.metrics.ObserveRequest(requestMethod(c), routeLabel(c), status, took)
	level := slog.LevelInfo
	if quietPath(c.Path()) && status < 400 {
		level = slog.LevelDebug
	}
	s.cfg.Logger.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", requestMethod(c)),
		slog.String("path", s.loggedPath(c.Path())), // no secret token in logs (logged_path.go)
		slog.Int("status", status),
		slog.Int("bytes", bodySize(c)),
		slog.Duration("duration", took),
	)
	return nil
}

// quietPath is true for requests that come often and say little: health
// checks and static files are logged at debug level when they succeed.
func quietPath(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics" || strings.HasPrefix(path, staticPrefix)
}

// recoverPanics turns a handler's panic into a 500, logged with its stack
// by handleError, instead of a dropped connection.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("web: panic in %s %s: %v\n%s", requestMethod(c), s.loggedPath(c.Path()), r, debug.Stack())
		}
	}()
	return c.Next()
}

// bodySize is the size of the response body, without reading a streamed
// body (fasthttp's Body() would load the whole stream into memory): -1 when
// unknown.
func bodySize(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}
