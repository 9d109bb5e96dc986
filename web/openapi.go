package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDocument describes the JSON API (OpenAPI 3.1). A test checks it
// against the route table both ways and against the parameters each
// handler accepts (apiParams).
//
//go:embed openapi.json
var openAPIDocument string

// apiOpenAPI serves the OpenAPI document of the API.
func (s *Server) apiOpenAPI(c *fiber.Ctx) error {
	if err := checkAPIParams(queryValues(c), "/api/v1/openapi.json"); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString(openAPIDocument)
}
