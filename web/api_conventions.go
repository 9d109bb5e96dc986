package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The HTTP conventions of the JSON API, beside what each handler answers:
//
//   - every GET answer 200 carries a strong ETag (a hash of its body), and a
//     request whose If-None-Match names it gets 304 Not Modified, empty;
//   - the read-only routes (GET, HEAD) are open to every origin (CORS,
//     without credentials), their preflight answered; POST /api/v1/match is
//     not: it is the one costly route, and opening it to every web page
//     would let any site spend its visitors' rate budgets on it. Tools on a
//     server call it without CORS;
//   - paged answers carry Link headers (rel="next", rel="prev") beside their
//     page fields, with absolute URLs from the public base URL.

// corsExposed are the answer headers a cross-origin script may read.
const corsExposed = "ETag, Link, Retry-After"

// apiConventions is the middleware of /api: CORS for read-only requests,
// then ETag and 304 on their successful answers.
func (s *Server) apiConventions(c *fiber.Ctx) error {
	method := c.Method()
	readOnly := method == fiber.MethodGet || method == fiber.MethodHead
	if readOnly {
		// Set before the handler runs, so that errors (400, 404, 429…)
		// reach a cross-origin script too.
		c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		c.Set(fiber.HeaderAccessControlExposeHeaders, corsExposed)
	}
	if err := c.Next(); err != nil || !readOnly {
		return err
	}
	resp := c.Response()
	if resp.StatusCode() != fiber.StatusOK || resp.IsBodyStream() {
		return nil
	}
	etag := string(resp.Header.Peek(fiber.HeaderETag))
	if etag == "" {
		etag = strongETag(resp.Body())
		c.Set(fiber.HeaderETag, etag)
	}
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		resp.ResetBody()
		c.Status(fiber.StatusNotModified)
	}
	return nil
}

// apiPreflight answers the CORS preflight of a read-only route.
func (s *Server) apiPreflight(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderAccessControlAllowMethods, "GET, HEAD, OPTIONS")
	c.Set(fiber.HeaderAccessControlAllowHeaders, "Accept, Accept-Language, If-None-Match")
	c.Set(fiber.HeaderAccessControlMaxAge, "86400")
	c.Set(fiber.HeaderAllow, "GET, HEAD, OPTIONS")
	return c.SendStatus(fiber.StatusNoContent)
}

// preflightRoutes are the OPTIONS routes answering the CORS preflight of
// each read-only API route of rs.
func (s *Server) preflightRoutes(rs []route) []route {
	var out []route
	for _, r := range rs {
		if r.method == fiber.MethodGet && isAPI(r.path) {
			out = append(out, route{fiber.MethodOptions, r.path, s.apiPreflight})
		}
	}
	return out
}

// strongETag is a strong entity tag of body: 128 bits of its SHA-256.
func strongETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// etagMatches applies If-None-Match (RFC 9110, 13.1.2): "*" or a listed
// tag equal to etag by the weak comparison.
func etagMatches(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// pageLinks is the Link header of a page of results ("" when there is
// neither a next nor a previous page): absolute URLs of the same request
// with the page parameter changed. maxResults bounds how deep pages go
// (0: no bound).
func (s *Server) pageLinks(path string, v url.Values, page, perPage int, total uint64, maxResults int) string {
	if perPage <= 0 {
		return ""
	}
	last := int((total + uint64(perPage) - 1) / uint64(perPage))
	if maxResults > 0 {
		last = min(last, maxResults/perPage)
	}
	link := func(p int, rel string) string {
		q := url.Values{}
		for k, vs := range v {
			q[k] = vs
		}
		q.Set("page", strconv.Itoa(p))
		return "<" + s.baseURL() + path + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	var links []string
	if page > 1 && last > 0 {
		links = append(links, link(min(page-1, last), "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"))
	}
	return strings.Join(links, ", ")
}

// setPageLinks sets the Link header of a page, if it has one.
func setPageLinks(c *fiber.Ctx, links string) {
	if links != "" {
		c.Set(fiber.HeaderLink, links)
	}
}
