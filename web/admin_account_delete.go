package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// The deletion of an account by an administrator, for an erasure request
// the Alliance received by letter or telephone (RGPD art. 17): GET
// /admin/comptes/{id}/supprimer names the account and says what goes and
// what stays; its form, with the reason required, posts to the same
// address. It is the holder's deletion (store.DeleteAccount, the same
// transaction and the same last mail), with the same refusal: the only
// « responsable » of a team with other members must first be replaced,
// on the team's page. The journal entry keeps the administrator's id and
// the reason, without the deleted address. An administrator deletes
// their own account from /compte, not from here.

// adminDeletePage is the typed page of admin_account_delete.html.
type adminDeletePage struct {
	Layout
	Action             string // the form's address
	Email, Name, Role  string // the account, named before it goes
	Created            string
	Deletion           deletionView
	Reason             string // the reason typed, sent back with an error
	MaxReason          int
	Errors             []formError
	Verified, Disabled bool
}

// ErrorFor returns the message of a field, for the template.
func (p *adminDeletePage) ErrorFor(id string) string {
	for _, e := range p.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

func adminDeletePath(id string) string { return "/admin/comptes/" + url.PathEscape(id) + "/supprimer" }

// adminSelfDelete refuses an administrator's deletion of their own
// account from the admin pages.
func adminSelfDelete(id string) error {
	return &refusal{status: fiber.StatusConflict,
		message: "Vous ne pouvez pas supprimer votre propre compte depuis l'administration : utilisez « Supprimer mon compte » sur la page Mon compte.",
		err:     fmt.Errorf("web: admin %s deleting itself: %w", id, data.ErrConflict)}
}

// adminDeletePageOf builds the page of an account's deletion.
func (s *Server) adminDeletePageOf(ctx context.Context, a data.Account) (*adminDeletePage, error) {
	members, err := s.store.MembershipsOf(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(members))
	for _, m := range members {
		names[m.SupplierID] = m.SupplierID
		if sup, err := s.store.Supplier(ctx, m.SupplierID); err == nil {
			names[m.SupplierID] = sup.Name
		} else if !errors.Is(err, data.ErrNotFound) {
			return nil, err
		}
	}
	d, err := s.deletionOf(ctx, a, members, names) // account_delete.go
	if err != nil {
		return nil, err
	}
	return &adminDeletePage{Layout: Layout{Title: "Supprimer le compte " + a.Email}, Action: adminDeletePath(a.ID),
		Email: a.Email, Name: a.Name, Role: a.Role.Label(len(members)), Created: frenchDate(a.CreatedAt.In(paris())),
		Deletion: d, MaxReason: store.MaxErasureReason, Verified: a.Verified, Disabled: a.Disabled}, nil
}

// adminDeleteTarget is the account of the address, never the
// administrator's own.
func (s *Server) adminDeleteTarget(c *fiber.Ctx) (me, a data.Account, err error) {
	me, _ = s.currentAccount(c)
	if a, err = s.store.Account(c.UserContext(), c.Params("id")); err != nil {
		return me, a, err
	}
	if a.ID == me.ID {
		return me, a, adminSelfDelete(me.ID)
	}
	return me, a, nil
}

// adminAccountDeleteForm serves GET /admin/comptes/{id}/supprimer.
func (s *Server) adminAccountDeleteForm(c *fiber.Ctx) error {
	_, a, err := s.adminDeleteTarget(c)
	if err != nil {
		return err
	}
	p, err := s.adminDeletePageOf(c.UserContext(), a)
	if err != nil {
		return err
	}
	return s.renderAdminDelete(c, fiber.StatusOK, p)
}

// adminAccountDelete serves POST /admin/comptes/{id}/supprimer.
func (s *Server) adminAccountDelete(c *fiber.Ctx) error {
	me, a, err := s.adminDeleteTarget(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := s.adminDeletePageOf(ctx, a)
	if err != nil {
		return err
	}
	if len(p.Deletion.Blockers) > 0 {
		// The form is not offered: the page says what to do first.
		return s.renderAdminDelete(c, fiber.StatusConflict, p)
	}
	p.Reason = strings.Join(strings.Fields(c.FormValue("motif")), " ")
	switch n := utf8.RuneCountInString(p.Reason); {
	case n == 0:
		p.Errors = append(p.Errors, formError{ID: "motif", Label: "Motif de la suppression",
			Message: "indiquez la demande reçue : son moyen (courrier, téléphone…), sa date, qui l'a traitée"})
	case n > store.MaxErasureReason:
		p.Errors = append(p.Errors, formError{ID: "motif", Label: "Motif de la suppression",
			Message: fmt.Sprintf("motif trop long (%d caractères, %d au plus)", n, store.MaxErasureReason)})
	}
	if len(p.Errors) > 0 {
		return s.renderAdminDelete(c, fiber.StatusBadRequest, p)
	}
	erased, err := s.store.DeleteAccount(ctx, a.ID, me.ID, p.Reason)
	if errors.Is(err, store.ErrLastOwner) { // a member joined since the page was built
		if p, err = s.adminDeletePageOf(ctx, a); err != nil {
			return err
		}
		return s.renderAdminDelete(c, fiber.StatusConflict, p)
	}
	if err != nil {
		return err
	}
	s.cfg.Logger.InfoContext(ctx, "account deleted by an admin", "account", a.ID, "admin", me.ID, "sessions", erased.Sessions,
		"alerts", erased.Alerts, "claims", erased.Claims, "teams", len(erased.Teams), "unclaimed", len(erased.Unclaimed),
		"journal", erased.Audit)
	s.mailDeletion(ctx, a.ID, erased, p.Deletion, true)
	return c.Redirect("/admin/comptes?fait=supprime", fiber.StatusSeeOther)
}

func (s *Server) renderAdminDelete(c *fiber.Ctx, status int, p *adminDeletePage) error {
	if len(p.Errors) > 0 {
		p.Title += fieldsToCorrect(len(p.Errors))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "admin_account_delete", p)
}
