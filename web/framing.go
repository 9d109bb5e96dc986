package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// refuseAmbiguousFraming answers 400 and closes the connection when a
// request says in two ways where its body ends: both Content-Length and
// Transfer-Encoding, or several Content-Length values, or a transfer
// coding other than chunked alone. fasthttp reads such a request by its
// Transfer-Encoding (or its last Content-Length) and keeps the connection
// open, so the bytes a proxy in front saw as part of the body would be
// read here as a second request: request smuggling. RFC 9112 §6.1 and
// §6.3 ask a server to refuse them, or at least to close the connection
// after answering; this does both, whatever the route.
func (s *Server) refuseAmbiguousFraming(c *fiber.Ctx) error {
	if !ambiguousFraming(c.Request().Header.RawHeaders()) {
		return c.Next()
	}
	c.Context().SetConnectionClose()
	return fiber.NewError(fiber.StatusBadRequest, "web: ambiguous request framing (Content-Length / Transfer-Encoding)")
}

// ambiguousFraming reads raw request header lines.
func ambiguousFraming(raw []byte) bool {
	var lengths [][]byte
	encodings := 0
	chunkedOnly := true
	for line := range bytes.SplitSeq(raw, []byte("\n")) {
		name, value, ok := bytes.Cut(bytes.TrimRight(line, "\r"), []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")):
			lengths = append(lengths, value)
		case bytes.EqualFold(bytes.TrimSpace(name), []byte("Transfer-Encoding")):
			encodings++
			if !bytes.EqualFold(value, []byte("chunked")) {
				chunkedOnly = false
			}
		}
	}
	switch {
	case encodings > 0 && (len(lengths) > 0 || encodings > 1 || !chunkedOnly):
		return true
	case len(lengths) > 1:
		return true // even equal: a proxy may have joined or split them
	}
	return false
}
