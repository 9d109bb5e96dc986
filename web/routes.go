package web

import (
	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// route is one line of the routing table.
type route struct {
	method  string
	path    string
	handler fiber.Handler
}

// routes is the whole routing table of the application, in one place.
// A navigation entry (nav.go) appears in the header as soon as a GET route
// with its path is listed here.
//
// Guarded routes wrap their handler: s.signedInOnly(h) sends anonymous
// visitors to /connexion?suite=<page>, s.adminOnly(h) also answers 403 to
// accounts that are not admins (auth.go; s.requireSignIn and
// s.requireAdmin are the same checks as middlewares, for groups). Every
// POST, PUT, PATCH and DELETE needs the CSRF token (csrf.go).
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

		// Accounts (account*.go, admin_accounts.go).
		{fiber.MethodGet, signUpPath, s.signUp},
		{fiber.MethodPost, signUpPath, s.signUpSubmit},
		{fiber.MethodGet, confirmPath, s.tokenForm(data.TokenConfirmEmail, "Confirmer votre adresse",
			"Confirmez votre adresse électronique pour activer votre compte.", confirmPath, "Confirmer mon adresse")},
		{fiber.MethodPost, confirmPath, s.confirmSubmit},
		{fiber.MethodGet, signInPath, s.signIn},
		{fiber.MethodPost, signInPath, s.signInSubmit},
		{fiber.MethodGet, linkPath, s.tokenForm(data.TokenSignIn, "Se connecter par lien",
			"Ce lien vous connecte à Fabrique sans mot de passe.", linkPath, "Me connecter")},
		{fiber.MethodPost, linkPath, s.linkSubmit},
		{fiber.MethodPost, signOutPath, s.signOut},
		{fiber.MethodGet, forgotPath, s.forgot},
		{fiber.MethodPost, forgotPath, s.forgotSubmit},
		{fiber.MethodGet, resetPath, s.reset},
		{fiber.MethodPost, resetPath, s.resetSubmit},
		{fiber.MethodGet, accountPath, s.signedInOnly(s.account)},
		{fiber.MethodPost, accountPath + "/profil", s.signedInOnly(s.accountProfile)},
		{fiber.MethodPost, accountPath + "/mot-de-passe", s.signedInOnly(s.accountPassword)},
		{fiber.MethodPost, accountPath + "/sessions/deconnecter", s.signedInOnly(s.accountEndSession)},
		{fiber.MethodGet, "/admin/comptes", s.adminOnly(s.adminAccounts)},
		{fiber.MethodPost, "/admin/comptes/:id/:action", s.adminOnly(s.adminAccountAction)},
		{fiber.MethodGet, "/admin/courriels", s.adminOnly(s.adminOutbox)},
		{fiber.MethodGet, "/api", s.apiHome}, // the API explained to people (api_page.go)
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
			route{fiber.MethodPost, "/api/v1/match", s.shedMatches(s.apiMatchNeed)},
			route{fiber.MethodGet, "/api/v1/tenders/:id/matches", s.shedMatches(s.apiTenderMatches)},
		)
	}
	return rs
}
