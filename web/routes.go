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
		{fiber.MethodGet, "/static/+", s.static},
		{fiber.MethodGet, "/admin/backup", s.adminBackup},

		{fiber.MethodGet, "/fournisseurs/:id", s.supplier},
		{fiber.MethodGet, "/fournisseurs/:id/revendiquer", s.supplierClaim},
		{fiber.MethodGet, "/api/v1/openapi.json", s.apiOpenAPI},
		{fiber.MethodGet, "/api/v1/suppliers/:siren", s.apiSupplier},
		{fiber.MethodGet, "/api/v1/communes", s.apiCommunes},

		{fiber.MethodGet, "/appels-d-offres", s.tenders},
		{fiber.MethodGet, "/appels-d-offres/:id", s.tender},
		{fiber.MethodGet, "/api/v1/tenders", s.apiTenders},
		{fiber.MethodGet, "/api/v1/tenders/:id", s.apiTender},
		{fiber.MethodGet, "/api/v1/cpv", s.apiCPV},

		// The Alliance's observatory (observatory*.go, api_stats.go).
		{fiber.MethodGet, "/observatoire", s.observatoryHandler},
		{fiber.MethodGet, "/statistiques", s.statistiquesRedirect},
		{fiber.MethodGet, "/api/v1/stats/coverage", s.apiStatsCoverage},
		{fiber.MethodGet, "/api/v1/stats/tenders", s.apiStatsTenders},
		{fiber.MethodGet, "/api/v1/stats/awards", s.apiStatsAwards},
		{fiber.MethodGet, "/api/v1/stats/sources", s.apiStatsSources},
		{fiber.MethodGet, "/api/v1/stats/history", s.apiStatsHistory},
	}
	if s.index != nil { // the search needs the index (see Deps)
		rs = append(rs,
			route{fiber.MethodGet, "/recherche", s.search},
			route{fiber.MethodGet, "/recherche.csv", s.searchCSV},
			route{fiber.MethodGet, "/recherche/rapport", s.searchReport},
			route{fiber.MethodGet, "/api/v1/suppliers", s.apiSuppliers},
			route{fiber.MethodGet, "/api/v1/suggest", s.apiSuggest},

			// Matching tenders and needs to suppliers (tender*.go, need*.go, api_match.go).
			route{fiber.MethodGet, "/appels-d-offres/:id/fournisseurs.csv", s.tenderCSV},
			route{fiber.MethodGet, "/appels-d-offres/:id/rapport", s.tenderReport},
			route{fiber.MethodGet, "/besoin", s.needFormHandler},
			route{fiber.MethodPost, "/besoin", s.needSubmit},
			route{fiber.MethodGet, "/besoins/:id", s.needShortlist},
			route{fiber.MethodGet, "/besoins/:id/fournisseurs.csv", s.needCSV},
			route{fiber.MethodGet, "/besoins/:id/rapport", s.needReport},
			route{fiber.MethodPost, "/api/v1/match", s.apiMatchNeed},
			route{fiber.MethodGet, "/api/v1/tenders/:id/matches", s.apiTenderMatches},
		)
	}
	return rs
}
