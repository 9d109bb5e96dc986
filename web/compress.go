package web

import (
	"bytes"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/valyala/fasthttp"
)

// Answers are compressed (brotli, else gzip) when the client accepts it.
// Pages and API answers go through fiber's compress middleware, which
// compresses after the handler and leaves alone what already carries a
// Content-Encoding. What is sent again and again unchanged — the static
// assets and the cached answers of the supplier search API — is
// compressed once, on first demand, and kept (encoded).

// compressAnswers is the compression middleware. It wraps the request
// logger, so that an error page rendered there is compressed too. The
// backup download (a streamed binary file) is left alone.
func (s *Server) compressAnswers() fiber.Handler {
	inner := compress.New(compress.Config{
		Level: compress.LevelDefault, // brotli 4, gzip 6: fast enough for every page
		Next: func(c *fiber.Ctx) bool {
			return strings.HasPrefix(c.Path(), "/admin/")
		},
	})
	// The ETag of the API (api_conventions.go) is the hash of the identity
	// body. A compressed answer is another representation, which a strong
	// validator must not share (RFC 9110, 8.8.1): it is sent weak, as
	// nginx does, and If-None-Match compares weakly, so a client's cached
	// tag still matches whichever encoding it got. Vary: Accept-Encoding
	// keeps the variants apart in caches.
	return func(c *fiber.Ctx) error {
		err := inner(c)
		h := &c.Response().Header
		if len(h.Peek(fiber.HeaderContentEncoding)) > 0 {
			if tag := h.Peek(fiber.HeaderETag); len(tag) > 0 && !bytes.HasPrefix(tag, []byte("W/")) {
				h.Set(fiber.HeaderETag, "W/"+string(tag))
			}
		}
		return err
	}
}

// encoded is a body with its compressed forms, made once when first asked.
type encoded struct {
	plain    []byte
	level    int // brotli level; gzip uses the best compression
	brOnce   sync.Once
	br       []byte
	gzipOnce sync.Once
	gzip     []byte
}

// Brotli levels of bodies compressed once and sent many times.
const (
	brotliAssets  = fasthttp.CompressBrotliBestCompression // static files: compressed once per process
	brotliAnswers = 6                                      // cached API answers: one per distinct query
)

func newEncoded(body []byte, level int) *encoded { return &encoded{plain: body, level: level} }

// minEncodeLen is the size under which compressing does not pay.
const minEncodeLen = 512

// send writes the body in the best encoding the client accepts, with
// Vary: Accept-Encoding so that caches keep the variants apart.
func (e *encoded) send(c *fiber.Ctx) error {
	c.Vary(fiber.HeaderAcceptEncoding)
	h := &c.Context().Request.Header
	switch {
	case len(e.plain) < minEncodeLen:
	case h.HasAcceptEncoding("br"):
		e.brOnce.Do(func() { e.br = fasthttp.AppendBrotliBytesLevel(nil, e.plain, e.level) })
		c.Set(fiber.HeaderContentEncoding, "br")
		return c.Send(e.br)
	case h.HasAcceptEncoding("gzip"):
		e.gzipOnce.Do(func() { e.gzip = fasthttp.AppendGzipBytesLevel(nil, e.plain, fasthttp.CompressBestCompression) })
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(e.gzip)
	}
	return c.Send(e.plain)
}

// compressible reports whether a content type is text worth compressing.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg") || strings.Contains(ctype, "xml")
}
