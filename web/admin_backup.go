package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// adminBackup streams a consistent snapshot of the store (one bbolt read
// transaction), for backups while serve holds the data directory's lock.
// It needs Config.AdminToken, or a signed-in admin; for anyone else,
// without a token configured, the route does not exist (404).
//
// The size is not known in advance, so the body is chunked. If the copy
// fails midway the connection is cut before the final chunk, and the client
// sees an error instead of a short file that looks complete (store.Restore
// would reject such a file anyway).
func (s *Server) adminBackup(c *fiber.Ctx) error {
	if a, ok := s.currentAccount(c); !ok || !isAdmin(a) { // a signed-in admin needs no token
		if err := s.requireAdminToken(c); err != nil {
			return err
		}
	}
	name := "fabrique-" + time.Now().UTC().Format("20060102-150405") + ".db"
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")

	ctx := c.UserContext()
	pr, pw := io.Pipe()
	go func() {
		n, err := s.store.Backup(ctx, pw)
		switch {
		case errors.Is(err, io.ErrClosedPipe):
			s.cfg.Logger.Warn("backup download interrupted by the client", "bytes", n)
		case err != nil:
			s.cfg.Logger.Error("backup stream failed", "bytes", n, "err", err)
		default:
			s.cfg.Logger.Info("backup downloaded", "bytes", n)
		}
		_ = pw.CloseWithError(err) // nil closes with EOF: the body is complete
	}()
	// fasthttp closes pr when the response is done or the client is gone,
	// which ends the goroutine above.
	c.Context().SetBodyStream(pr, -1)
	return nil
}

// requireAdminToken checks the bearer token of an admin route in constant
// time.
func (s *Server) requireAdminToken(c *fiber.Ctx) error {
	if s.cfg.AdminToken == "" {
		return fmt.Errorf("web: admin routes are disabled: %w", data.ErrNotFound)
	}
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) != 1 {
		return fmt.Errorf("web: admin token missing or wrong: %w", data.ErrUnauthorized)
	}
	return nil
}
