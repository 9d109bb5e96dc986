package web

import "github.com/gofiber/fiber/v2"

// listingRoutes are the routes of the companies' own listings
// (listing*.go). Every one needs a signed-in account (anonymous visitors
// are sent to /connexion); the handlers then check that it is a member of
// the company, or an admin (see Server.company).
func (s *Server) listingRoutes() []route {
	return []route{
		{fiber.MethodGet, "/logos/:file", s.logo}, // public: a company's logo, re-encoded at upload
		{fiber.MethodGet, "/compte/entreprises", s.signedInOnly(s.companies)},
		{fiber.MethodGet, "/compte/entreprises/:id", s.signedInOnly(s.companyDashboard)},
		{fiber.MethodGet, "/compte/entreprises/:id/fiche/:section", s.signedInOnly(s.listingSectionForm)},
		{fiber.MethodPost, "/compte/entreprises/:id/fiche/:section", s.signedInOnly(s.listingSectionSave)},
		{fiber.MethodPost, "/compte/entreprises/:id/logo", s.signedInOnly(s.listingLogo)},
		{fiber.MethodGet, "/compte/entreprises/:id/versions", s.signedInOnly(s.listingVersions)},
		{fiber.MethodPost, "/compte/entreprises/:id/versions/:seq/annuler", s.signedInOnly(s.listingUndo)},
		{fiber.MethodGet, "/compte/entreprises/:id/equipe", s.signedInOnly(s.listingTeam)},
		{fiber.MethodPost, "/compte/entreprises/:id/equipe/inviter", s.signedInOnly(s.listingInvite)},
		{fiber.MethodPost, "/compte/entreprises/:id/equipe/annuler-invitation", s.signedInOnly(s.listingRevokeInvite)},
		{fiber.MethodPost, "/compte/entreprises/:id/equipe/:account/retirer", s.signedInOnly(s.listingRemoveMember)},
		{fiber.MethodPost, "/compte/entreprises/:id/equipe/:account/responsable", s.signedInOnly(s.listingPromote)},
		{fiber.MethodGet, "/compte/entreprises/:id/quitter", s.signedInOnly(s.listingLeaveConfirm)},
		{fiber.MethodPost, "/compte/entreprises/:id/quitter", s.signedInOnly(s.listingLeave)},
		{fiber.MethodGet, invitationPathPrefix + ":token", s.signedInOnly(s.invitationForm)},
		{fiber.MethodPost, invitationPathPrefix + ":token", s.signedInOnly(s.invitationAccept)},
	}
}
