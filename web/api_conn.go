package web

import (
	"bytes"
	"crypto/tls"
	"net"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// fasthttp answers some requests before fiber's router runs: a request
// line or headers past its read buffer (431), a chunked body past the body
// limit (413), a malformed request (400). fiber then calls handleError with
// a context whose request was never parsed, so its path cannot tell an API
// request from a page. The listener below keeps the first bytes of each
// request read on a connection; handleError reads the request's path
// there for those errors, and answers JSON under /api/ whatever the layer
// that failed.

// sniffHeadSize is how many bytes of a request are kept: the request line
// up to the path is all that is read back.
const sniffHeadSize = 512

// maxRequestHeadBytes bounds the request line and headers of a request
// (fasthttp's read buffer, fiber's default): past it fasthttp answers 431
// before any handler runs. A search of maxTextRunes characters fits in it
// many times over.
const maxRequestHeadBytes = 4096

// rawErrorKey marks, in the fasthttp context, an error raised while the
// request was being read (see Server.markRawErrors).
const rawErrorKey = "fabrique.rawError"

// sniffListener wraps each accepted connection in a sniffConn.
type sniffListener struct{ net.Listener }

func (l sniffListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	sc := &sniffConn{Conn: c, fresh: true}
	if tc, ok := c.(*tls.Conn); ok {
		return tlsSniffConn{sc, tc}, nil
	}
	return sc, nil
}

// tlsSniffConn keeps what fasthttp looks for on a TLS connection
// (RequestCtx.IsTLS: Handshake and ConnectionState), so that a request
// over TLS is still known as such through the sniffing wrapper (secure
// cookies depend on it).
type tlsSniffConn struct {
	*sniffConn
	tls *tls.Conn
}

func (c tlsSniffConn) Handshake() error                     { return c.tls.Handshake() }
func (c tlsSniffConn) ConnectionState() tls.ConnectionState { return c.tls.ConnectionState() }

// sniffConn keeps the beginning of the request being read: the first read
// after an answer was written (or of the connection) starts a request.
type sniffConn struct {
	net.Conn
	mu    sync.Mutex
	head  []byte
	fresh bool // nothing was read since the last answer
}

func (c *sniffConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		got := p[:n]
		if c.fresh && requestPath(got) != "" { // not the body after a 100 Continue
			c.head = append(c.head[:0], got[:min(n, sniffHeadSize)]...)
		} else if len(c.head) < sniffHeadSize {
			c.head = append(c.head, got[:min(n, sniffHeadSize-len(c.head))]...)
		}
		c.fresh = false
		c.mu.Unlock()
	}
	return n, err
}

func (c *sniffConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.fresh = true
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// requestPath returns the path of the request line at the start of head
// ("GET /api/v1/suppliers?q=… HTTP/1.1" → "/api/v1/suppliers"), or "".
func (c *sniffConn) requestPath() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return requestPath(c.head)
}

// longRequestLine reports whether the request line alone fills the bytes
// kept of the request: its address, not its headers, made it too long.
func (c *sniffConn) longRequestLine() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.head) == sniffHeadSize && bytes.IndexByte(c.head, '\n') < 0
}

func requestPath(head []byte) string {
	sp := bytes.IndexByte(head, ' ')
	if sp < 1 || sp > 16 {
		return ""
	}
	for _, b := range head[:sp] {
		if b < 'A' || b > 'Z' {
			return ""
		}
	}
	target := head[sp+1:]
	if len(target) == 0 || target[0] != '/' {
		return ""
	}
	if end := bytes.IndexAny(target, " ?#\r\n"); end >= 0 {
		target = target[:end]
	}
	return string(target)
}

// markRawErrors wraps fasthttp's error handler (fiber's, which calls
// handleError) so that handleError knows the request was not parsed.
func (s *Server) markRawErrors() {
	srv := s.app.Server()
	inner := srv.ErrorHandler
	srv.ErrorHandler = func(fctx *fasthttp.RequestCtx, err error) {
		fctx.SetUserValue(rawErrorKey, true)
		inner(fctx, err)
	}
}

// errorPath is the path an error answers: the parsed one, or for an error
// raised while reading the request, the one of its request line.
func errorPath(c *fiber.Ctx) string {
	if raw, _ := c.Context().UserValue(rawErrorKey).(bool); raw {
		if sc, ok := sniffed(c.Context().Conn()); ok {
			if p := sc.requestPath(); p != "" {
				return p
			}
		}
	}
	return c.Path()
}

// sniffed returns the sniffing wrapper of a connection, TLS or not.
func sniffed(c net.Conn) (*sniffConn, bool) {
	switch c := c.(type) {
	case *sniffConn:
		return c, true
	case tlsSniffConn:
		return c.sniffConn, true
	}
	return nil, false
}
