package web

import "github.com/gofiber/fiber/v2"

// route is one line of the routing table.
type route struct {
	method  string
	path    string
	handler fiber.Handler
}

// routes is the whole routing table of the application, in one place.
// A navigation entry (nav.go) appears in the header as soon as a GET route
// with its path is listed here.
func (s *Server) routes() []route {
	rs := []route{
		{fiber.MethodGet, "/", s.home},
		{fiber.MethodGet, "/healthz", s.healthz},
		{fiber.MethodGet, "/static/:file", s.static},
		{fiber.MethodGet, "/admin/backup", s.adminBackup},

		{fiber.MethodGet, "/fournisseurs/:id", s.supplier},
		{fiber.MethodGet, "/fournisseurs/:id/revendiquer", s.supplierClaim},
		{fiber.MethodGet, "/api/v1/openapi.json", s.apiOpenAPI},
		{fiber.MethodGet, "/api/v1/suppliers/:siren", s.apiSupplier},
		{fiber.MethodGet, "/api/v1/communes", s.apiCommunes},
	}
	if s.index != nil { // the search needs the index (see Deps)
		rs = append(rs,
			route{fiber.MethodGet, "/recherche", s.search},
			route{fiber.MethodGet, "/recherche.csv", s.searchCSV},
			route{fiber.MethodGet, "/recherche/rapport", s.searchReport},
			route{fiber.MethodGet, "/api/v1/suppliers", s.apiSuppliers},
			route{fiber.MethodGet, "/api/v1/suggest", s.apiSuggest},
		)
	}
	return rs
}
