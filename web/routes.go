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
//
// A path parameter that holds a secret (an invitation, a feed's key) is
// named :token, and the logs show [jeton] in its place (logged_path.go).
func (s *Server) routes() []route {
	rs := []route{
		{fiber.MethodGet, "/", s.home},
		{fiber.MethodGet, "/healthz", s.healthz},
		{fiber.MethodGet, "/readyz", s.readyz},        // observability.go
		{fiber.MethodGet, "/metrics", s.serveMetrics}, // observability.go
		{fiber.MethodGet, "/static/+", s.static},
		{fiber.MethodGet, "/admin/backup", s.adminBackup},

		{fiber.MethodGet, "/fournisseurs/:id", s.supplier},
		{fiber.MethodGet, "/fournisseurs/:id/revendiquer", s.signedInOnly(s.supplierClaim)},
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
		{fiber.MethodGet, confirmPath, s.tokenPage(data.TokenConfirmEmail, confirmPage)},
		{fiber.MethodPost, confirmPath, s.confirmSubmit},
		{fiber.MethodGet, signInPath, s.signIn},
		{fiber.MethodPost, signInPath, s.signInSubmit},
		{fiber.MethodGet, linkPath, s.tokenPage(data.TokenSignIn, tokenForm("Se connecter par lien",
			"Ce lien vous connecte à Fabrique sans mot de passe.", linkPath, "Me connecter"))},
		{fiber.MethodPost, linkPath, s.linkSubmit},
		{fiber.MethodPost, signOutPath, s.signOut},
		{fiber.MethodGet, forgotPath, s.forgot},
		{fiber.MethodPost, forgotPath, s.forgotSubmit},
		{fiber.MethodGet, resetPath, s.tokenPage(data.TokenResetPassword, resetForm)},
		{fiber.MethodPost, resetPath, s.resetSubmit},
		{fiber.MethodGet, accountPath, s.signedInOnly(s.account)},
		{fiber.MethodPost, accountPath + "/profil", s.signedInOnly(s.accountProfile)},
		{fiber.MethodPost, accountPath + "/mot-de-passe", s.signedInOnly(s.accountPassword)},
		{fiber.MethodPost, accountPath + "/sessions/deconnecter", s.signedInOnly(s.accountEndSession)},
		{fiber.MethodPost, deletePath, s.signedInOnly(s.accountDelete)}, // account_delete.go
		{fiber.MethodGet, deletedPath, s.accountDeleted},
		{fiber.MethodGet, "/admin/comptes", s.adminOnly(s.adminAccounts)},
		{fiber.MethodGet, "/admin/comptes/:id/supprimer", s.adminOnly(s.adminAccountDeleteForm)}, // admin_account_delete.go
		{fiber.MethodPost, "/admin/comptes/:id/supprimer", s.adminOnly(s.adminAccountDelete)},
		{fiber.MethodPost, "/admin/comptes/:id/:action", s.adminOnly(s.adminAccountAction)},
		{fiber.MethodGet, "/admin/courriels", s.adminOnly(s.adminOutbox)},
		{fiber.MethodGet, "/api", s.apiHome}, // the API explained to people (api_page.go)

		// Claims of listings, the Alliance's review desk and the audit
		// journal (claim*.go, admin_claims.go, admin_journal.go,
		// listing_report.go).
		{fiber.MethodPost, "/fournisseurs/:id/revendiquer", s.signedInOnly(s.claimBegin)},
		{fiber.MethodGet, "/fournisseurs/:id/signaler", s.supplierReport},
		{fiber.MethodPost, "/fournisseurs/:id/signaler", s.supplierReportSubmit},
		{fiber.MethodGet, claimsPath, s.signedInOnly(s.myClaims)},
		{fiber.MethodGet, claimsPath + "/:claim", s.signedInOnly(s.claimStatus)},
		{fiber.MethodPost, claimsPath + "/:claim/code", s.signedInOnly(s.claimEnterCode)},
		{fiber.MethodPost, claimsPath + "/:claim/renvoyer", s.signedInOnly(s.claimResend)},
		{fiber.MethodPost, claimsPath + "/:claim/verifier", s.signedInOnly(s.claimCheck)},
		{fiber.MethodPost, claimsPath + "/:claim/document", s.signedInOnly(s.claimUpload)},
		{fiber.MethodPost, claimsPath + "/:claim/courrier", s.signedInOnly(s.claimNewLetter)},
		{fiber.MethodPost, claimsPath + "/:claim/abandonner", s.signedInOnly(s.claimWithdraw)},
		{fiber.MethodPost, claimsPath + "/:claim/approuver", s.signedInOnly(s.memberDecide(true))},
		{fiber.MethodPost, claimsPath + "/:claim/refuser", s.signedInOnly(s.memberDecide(false))},
		{fiber.MethodGet, "/admin", s.adminOnly(s.adminDesk)},
		{fiber.MethodPost, adminClaimsPath + "/:claim/accepter", s.adminOnly(s.adminDecide(true))},
		{fiber.MethodPost, adminClaimsPath + "/:claim/refuser", s.adminOnly(s.adminDecide(false))},
		{fiber.MethodGet, adminClaimsPath + "/:claim/documents/:doc", s.adminOnly(s.adminClaimDocument)},
		{fiber.MethodGet, adminFeedbackPath, s.adminOnly(s.adminFeedbackCSV)}, // need_feedback.go
		{fiber.MethodGet, "/admin/courriers", s.adminOnly(s.adminLetters)},
		{fiber.MethodPost, "/admin/courriers", s.adminOnly(s.adminPrintLetters)},
		{fiber.MethodPost, "/admin/signalements/:id/clore", s.adminOnly(s.adminCloseReport)},
		{fiber.MethodGet, journalPath, s.adminOnly(s.adminJournal)},
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
			route{fiber.MethodPost, "/besoins/:id/retours", s.needFeedbackSubmit}, // need_feedback.go
			route{fiber.MethodPost, "/api/v1/match", s.shedMatches(s.apiMatchNeed)},
			route{fiber.MethodGet, "/api/v1/tenders/:id/matches", s.shedMatches(s.apiTenderMatches)},
		)
	}
	rs = append(rs, s.listingRoutes()...)       // the companies' own listings (listing_routes.go)
	rs = append(rs, s.companyTenderRoutes()...) // tenders for a company, « pas pour nous » (company_tenders.go)
	rs = append(rs, s.alertRoutes()...)         // alert profiles, their feeds, unsubscribe (alert_pages.go)
	return rs
}
