package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Request methods. fiber answers a method outside its list
// (fiber.DefaultMethods: those of RFC 9110 and PATCH) with a bare
// « Invalid http method » 400 before any middleware runs: no security
// headers, no request ID, no log line, no French page. So the server's
// fasthttp handler is wrapped (acceptUnknownMethods): such a request goes
// through the middlewares under a stand-in method, its own kept for the
// logs (requestMethod), and refuseUnknownMethods answers it 501 Not
// Implemented, as RFC 9110 §15.6.2 asks for a method the server does not
// recognise. A method it knows but the path does not answer (PUT /) gets
// 405 with Allow from fiber's router: the CSRF check and the form budget
// run on the matched route only (routeHandlers), so they no longer answer
// 403 first.

// unknownMethodKey holds, in the fasthttp context, the real method of a
// request that was given the stand-in.
const unknownMethodKey = "fabrique.unknownMethod"

// standInMethod is what an unknown method becomes while the request goes
// through the middlewares: a method no route answers, so that even
// without refuseUnknownMethods no handler would run.
const standInMethod = fiber.MethodTrace

// maxLoggedMethod bounds the bytes of an unknown method that logs show.
const maxLoggedMethod = 24

// acceptUnknownMethods wraps the fasthttp handler of the application (see
// above). Called by New once the app exists.
func (s *Server) acceptUnknownMethods() {
	srv := s.app.Server()
	inner := srv.Handler
	srv.Handler = func(fctx *fasthttp.RequestCtx) {
		if m := fctx.Method(); !knownMethod(m) {
			if len(m) > maxLoggedMethod {
				m = append(m[:maxLoggedMethod:maxLoggedMethod], "…"...)
			}
			fctx.SetUserValue(unknownMethodKey, string(m))
			fctx.Request.Header.SetMethod(standInMethod)
		}
		inner(fctx)
	}
}

// knownMethod reports whether fiber routes method (it is case-sensitive:
// "get" is unknown).
func knownMethod(method []byte) bool {
	for _, m := range fiber.DefaultMethods {
		if string(method) == m {
			return true
		}
	}
	return false
}

// refuseUnknownMethods is the middleware that answers 501 to a request
// whose method the server does not know.
func (s *Server) refuseUnknownMethods(c *fiber.Ctx) error {
	if _, unknown := c.Context().UserValue(unknownMethodKey).(string); unknown {
		return fiber.NewError(fiber.StatusNotImplemented, "web: unknown request method")
	}
	return c.Next()
}

// requestMethod is the request's method as the client sent it, for logs
// and metrics (which fold the unknown ones): c.Method() is the stand-in
// for an unknown method.
func requestMethod(c *fiber.Ctx) string {
	if m, ok := c.Context().UserValue(unknownMethodKey).(string); ok {
		return m
	}
	return c.Method()
}
