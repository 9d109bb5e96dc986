package web

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// The deletion of an account by its holder (RGPD art. 17), from the
// « Supprimer mon compte » section of /compte. The holder types the
// password again and ticks a confirmation; the store erases the account
// in one transaction (store.DeleteAccount says what goes and what stays),
// the browser is signed out, a last mail confirms it and the page
// deletedPath says it is done.
//
// A company's team keeps a « responsable » while it has members, as when
// leaving it: the only owner of a team with other members is asked to
// name another first (its page Équipe), and the form is not offered. A
// company the account manages alone is unclaimed again: its listing stays
// published as it is (it is the company's public record, not the
// account's), nobody can change it until someone claims it with a proof.

const (
	deletePath  = accountPath + "/supprimer"
	deletedPath = accountPath + "/supprime"
	// deleteConfirmed is the value of the confirmation box.
	deleteConfirmed = "oui"
)

// deletionView is what the section says before the deletion.
type deletionView struct {
	// Blockers are the teams the account is the only owner of while
	// others remain: the form is not offered until another is named.
	Blockers []companyView
	// Alone are the companies the account manages alone, Teams those it
	// leaves to their other members.
	Alone, Teams []string
	Alerts       int // alert profiles, deleted with their history
	Claims       int // open claims, withdrawn
}

// AloneList names the companies managed alone, in French: « A, B et C ».
func (d deletionView) AloneList() string { return frenchList(d.Alone) }

// TeamsList names the teams left to their other members.
func (d deletionView) TeamsList() string { return frenchList(d.Teams) }

// deletionOf builds the section for an account, its memberships and the
// names of their companies.
func (s *Server) deletionOf(ctx context.Context, a data.Account, members []data.Membership, names map[string]string) (deletionView, error) {
	var d deletionView
	for _, m := range members {
		team, err := s.store.Members(ctx, m.SupplierID)
		if err != nil {
			return d, err
		}
		name := names[m.SupplierID]
		switch {
		case lastOwner(team, a.ID): // listing_team.go
			d.Blockers = append(d.Blockers, companyView{Name: name, ManageURL: companyURL(m.SupplierID) + "/equipe"})
		case len(team) == 1:
			d.Alone = append(d.Alone, name)
		default:
			d.Teams = append(d.Teams, name)
		}
	}
	alerts, err := s.store.AlertProfilesOf(ctx, a.ID)
	if err != nil {
		return d, err
	}
	d.Alerts = len(alerts)
	claims, err := s.store.ClaimsByAccount(ctx, a.ID)
	if err != nil {
		return d, err
	}
	for _, cl := range claims {
		if cl.Open() {
			d.Claims++
		}
	}
	return d, nil
}

// accountDeletedMail is the data of the mail that confirms a deletion.
type accountDeletedMail struct {
	At           string // « 7 décembre 2026 à 18 h 05 »
	Alone, Teams string // the companies, in French (deletionView.AloneList, TeamsList)
	Alerts       int
	Claims       int
	ByAdmin      bool // an administrator deleted it, on a request received otherwise
}

// accountDelete serves POST /compte/supprimer.
func (s *Server) accountDelete(c *fiber.Ctx) error {
	a, _ := s.currentAccount(c)
	ctx := c.UserContext()
	p, err := s.accountPageOf(c, a)
	if err != nil {
		return err
	}
	if len(p.Deletion.Blockers) > 0 || a.PasswordHash == "" {
		// The form is not offered: the section says what to do first.
		return s.renderAccount(c, fiber.StatusConflict, p)
	}
	ok, err := s.passwordProven(c, a, c.FormValue("current"))
	if err != nil {
		return err
	}
	if !ok {
		p.Errors = append(p.Errors, formError{ID: "delete-current", Label: "Mot de passe pour supprimer le compte", Message: "mot de passe incorrect"})
	}
	if c.FormValue("confirmation") != deleteConfirmed {
		p.Errors = append(p.Errors, formError{ID: "delete-confirm", Label: "Confirmation de la suppression",
			Message: "cochez la case pour confirmer que vous voulez supprimer votre compte"})
	}
	if len(p.Errors) > 0 {
		return s.renderAccount(c, fiber.StatusBadRequest, p)
	}
	erased, err := s.store.DeleteAccount(ctx, a.ID, a.ID, "")
	switch {
	case errors.Is(err, store.ErrLastOwner): // a member joined since the page was built
		if p, err = s.accountPageOf(c, a); err != nil {
			return err
		}
		return s.renderAccount(c, fiber.StatusConflict, p)
	case errors.Is(err, data.ErrNotFound): // deleted a moment ago, by a form posted twice
		return s.signOutDeleted(c)
	case err != nil:
		return err
	}
	s.cfg.Logger.InfoContext(ctx, "account deleted by its holder", "account", a.ID, "sessions", erased.Sessions,
		"alerts", erased.Alerts, "claims", erased.Claims, "teams", len(erased.Teams), "unclaimed", len(erased.Unclaimed),
		"journal", erased.Audit)
	s.mailDeletion(ctx, a.ID, erased, p.Deletion, false)
	return s.signOutDeleted(c)
}

// mailDeletion sends the last mail, which confirms an erasure to the
// address the account had. Nothing of it is kept once handed over
// (mail.Message.Forget): SMTP keeps nothing, the outbox keeps its kind
// and date only. The erasure is done: a mail that cannot leave is logged,
// not shown as a failure of it, and the log does not write the address.
func (s *Server) mailDeletion(ctx context.Context, id string, erased store.AccountErasure, d deletionView, byAdmin bool) {
	msg, err := s.renderMail(erased.Email, "account_deleted", accountDeletedMail{At: frenchDateTime(time.Now()),
		Alone: d.AloneList(), Teams: d.TeamsList(), Alerts: erased.Alerts, Claims: erased.Claims, ByAdmin: byAdmin})
	if err == nil {
		msg.Forget = true
		err = s.mail.Send(ctx, msg)
	}
	if err != nil {
		text := err.Error()
		if addr := strings.TrimSpace(erased.Email); addr != "" {
			text = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(addr)).ReplaceAllLiteralString(text, data.ErasedAddress)
		}
		s.cfg.Logger.ErrorContext(ctx, "account deletion mail failed", "account", id, "err", text)
	}
}

// signOutDeleted drops the session cookie of a deleted account (its
// sessions went with it) and leads to the page that says it is done.
func (s *Server) signOutDeleted(c *fiber.Ctx) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	return c.Redirect(deletedPath, fiber.StatusSeeOther)
}

// accountDeleted serves GET /compte/supprime: the deletion is done. The
// page names nobody, so that anyone may open it.
func (s *Server) accountDeleted(c *fiber.Ctx) error {
	p := &confirmationPage{Layout: Layout{Title: "Compte supprimé"}, Heading: "Votre compte est supprimé",
		Paragraphs: []string{
			"Votre compte Fabrique, vos sessions, vos alertes et vos revendications en cours ont été supprimés. " +
				"Un dernier courriel vous le confirme ; nous ne vous écrirons plus.",
			"Les fiches d'entreprise restent publiées. Le journal des modifications garde, sans votre adresse, " +
				"le numéro de compte auteur de chaque modification que vous y avez faite.",
			"Vous pouvez créer un nouveau compte à tout moment avec la même adresse.",
		},
		Back: "/", BackLabel: "Revenir à l'accueil"}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "confirm", p)
}
