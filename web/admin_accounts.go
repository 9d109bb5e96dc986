package web

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// The admins' pages of the accounts (/admin/comptes) and of the outbox
// (/admin/courriels).

// adminAccountsPage is the typed page of admin_accounts.html.
type adminAccountsPage struct {
	Layout
	Done     string
	Accounts []adminAccountView
}

type adminAccountView struct {
	ID, Email, Name, Role, Created string
	Verified, Disabled, Self       bool
}

// adminDone are the confirmations of the admin actions (?fait=).
func adminDone() map[string]string {
	return map[string]string{
		"desactive": "Compte désactivé : ses sessions sont fermées.",
		"active":    "Compte réactivé.",
		"lien":      "Un lien pour choisir un nouveau mot de passe a été envoyé.",
		"supprime":  "Compte supprimé. Le journal garde la suppression et son motif, sans l'adresse du compte ; un dernier courriel la confirme à son titulaire.",
	}
}

func (s *Server) adminAccounts(c *fiber.Ctx) error {
	me, _ := s.currentAccount(c)
	accounts, err := s.store.Accounts(c.UserContext())
	if err != nil {
		return err
	}
	sort.Slice(accounts, func(i, j int) bool { return strings.ToLower(accounts[i].Email) < strings.ToLower(accounts[j].Email) })
	p := &adminAccountsPage{Layout: Layout{Title: "Comptes"}, Done: adminDone()[c.Query("fait")]}
	for _, a := range accounts {
		members, err := s.store.MembershipsOf(c.UserContext(), a.ID)
		if err != nil {
			return err
		}
		p.Accounts = append(p.Accounts, adminAccountView{ID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role.Label(len(members)),
			Created: frenchDate(a.CreatedAt.In(paris())), Verified: a.Verified, Disabled: a.Disabled, Self: a.ID == me.ID})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "admin_accounts", p)
}

// adminAccountAction disables, enables or sends a reset link to an
// account (:action is desactiver, activer or reinitialiser).
func (s *Server) adminAccountAction(c *fiber.Ctx) error {
	me, _ := s.currentAccount(c)
	ctx := c.UserContext()
	a, err := s.store.Account(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	var done string
	switch c.Params("action") {
	case "desactiver":
		if a.ID == me.ID {
			return &refusal{status: fiber.StatusConflict, message: "Vous ne pouvez pas désactiver votre propre compte.",
				err: fmt.Errorf("web: admin %s disabling itself: %w", me.ID, data.ErrConflict)}
		}
		if err := s.disableAccount(c, a, me.ID); err != nil {
			return err
		}
		done = "desactive"
	case "activer":
		a.Disabled = false
		if err := s.store.PutAccount(ctx, a, me.ID); err != nil {
			return err
		}
		if err := s.audit(c, me.ID, "account.enable", "account:"+a.ID, ""); err != nil {
			return err
		}
		done = "active"
	case "reinitialiser":
		if a.Disabled {
			return &refusal{status: fiber.StatusConflict, message: "Ce compte est désactivé : réactivez-le d'abord.",
				err: fmt.Errorf("web: reset link for disabled account %s: %w", a.ID, data.ErrConflict)}
		}
		if err := s.mailLink(ctx, a, resetLink, ""); err != nil {
			return err
		}
		if err := s.audit(c, me.ID, "account.reset.send", "account:"+a.ID, "lien envoyé par un administrateur"); err != nil {
			return err
		}
		done = "lien"
	default:
		return fmt.Errorf("web: account action %q: %w", c.Params("action"), data.ErrNotFound)
	}
	return c.Redirect("/admin/comptes?fait="+done, fiber.StatusSeeOther)
}

// disableAccount disables an account and ends its sessions.
func (s *Server) disableAccount(c *fiber.Ctx, a data.Account, actor string) error {
	ctx := c.UserContext()
	a.Disabled = true
	if err := s.store.PutAccount(ctx, a, actor); err != nil {
		return err
	}
	if _, err := s.store.DeleteSessionsOf(ctx, a.ID, ""); err != nil {
		return err
	}
	return s.audit(c, actor, "account.disable", "account:"+a.ID, "")
}

// outboxPage is the typed page of admin_outbox.html.
type outboxPage struct {
	Layout
	Mails []outboxView
	Limit int
}

type outboxView struct {
	Seq              uint64
	At, To, Subject  string
	Text, HTML, Kind string
	Erased           string // when its address and content were erased, or ""
}

// outboxShown is how many of the latest mails the outbox page lists.
const outboxShown = 100

func (s *Server) adminOutbox(c *fiber.Ctx) error {
	mails, err := s.store.Outbox(c.UserContext(), outboxShown)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return err
	}
	p := &outboxPage{Layout: Layout{Title: "Courriels en attente (boîte d'envoi)"}, Limit: outboxShown}
	for _, m := range mails {
		v := outboxView{Seq: m.Seq, At: frenchDateTime(m.At), To: m.To, Subject: m.Subject,
			Text: m.Text, Kind: m.Headers[data.MailKindHeader]}
		if !m.ErasedAt.IsZero() {
			v.Erased = frenchDateTime(m.ErasedAt)
		}
		p.Mails = append(p.Mails, v)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "admin_outbox", p)
}
