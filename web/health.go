package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// healthz answers "ok" when the store can be read, for load balancers and
// fresh-clone checks. It is never cached.
func (s *Server) healthz(c *fiber.Ctx) error {
	if err := s.store.Ping(c.UserContext()); err != nil {
		return fmt.Errorf("web: healthz: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}
