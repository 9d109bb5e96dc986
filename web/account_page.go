package web

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/web/password"
)

// The account page: profile, password, sessions, the buyer's needs and
// the companies the account is a member of.

// accountPage is the typed page of account.html.
type accountPage struct {
	Layout
	Email, Name, Role string
	Since             string
	Done              string // the message of ?fait=, from a fixed list
	HasPassword       bool   // false after a sign-in link proved a new address
	Errors            []formError
	Sessions          []sessionView
	Needs             []needView
	Companies         []companyView
	Deletion          deletionView // the « Supprimer mon compte » section (account_delete.go)
}

// ErrorFor returns the message of a field, for the template.
func (p *accountPage) ErrorFor(id string) string {
	for _, e := range p.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

type sessionView struct {
	ID, Device, Addr, Created, LastSeen string
	Current                             bool
}

type needView struct {
	Title, URL, Created string
}

type companyView struct {
	Name, URL, ManageURL, Role string
	// Requests says how many requests to join the team await the
	// account's decision (claimsAwaiting), "" when none; RequestsURL is
	// where it decides.
	Requests, RequestsURL string
}

// doneMessages are the confirmations an action redirects to (?fait=).
func doneMessages() map[string]string {
	return map[string]string{
		"bienvenue":  "Votre adresse est confirmée : bienvenue sur Fabrique.",
		"motdepasse": "Mot de passe enregistré. Vos autres sessions ont été fermées.",
		"profil":     "Profil enregistré.",
		"session":    "La session a été fermée.",
	}
}

// deviceOf shortens a user agent to what a person recognises.
func deviceOf(ua string) string {
	if ua == "" {
		return "navigateur inconnu"
	}
	var browser, system string
	for _, b := range []struct{ key, name string }{{"Edg/", "Edge"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}} {
		if strings.Contains(ua, b.key) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ key, name string }{{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o.key) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " sous " + system
	case browser != "":
		return browser
	}
	return truncate(ua, 60)
}

// account shows the account page.
func (s *Server) account(c *fiber.Ctx) error {
	a, _ := s.currentAccount(c)
	p, err := s.accountPageOf(c, a)
	if err != nil {
		return err
	}
	p.Done = doneMessages()[c.Query("fait")]
	return s.renderAccount(c, fiber.StatusOK, p)
}

func (s *Server) renderAccount(c *fiber.Ctx, status int, p *accountPage) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if len(p.Errors) > 0 {
		p.Title += fieldsToCorrect(len(p.Errors))
	}
	return s.render(c, status, "account", p)
}

func (s *Server) accountPageOf(c *fiber.Ctx, a data.Account) (*accountPage, error) {
	ctx := c.UserContext()
	p := &accountPage{Layout: Layout{Title: "Mon compte"}, Email: a.Email, Name: a.Name,
		Since: frenchDate(a.CreatedAt.In(paris())), HasPassword: a.PasswordHash != ""}
	st, err := s.session(c)
	if err != nil {
		return nil, err
	}
	sessions, err := s.store.SessionsOf(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].LastSeen.After(sessions[j].LastSeen) })
	for _, se := range sessions {
		p.Sessions = append(p.Sessions, sessionView{ID: se.ID, Device: deviceOf(se.UserAgent), Addr: se.Addr,
			Created: frenchDateTime(se.CreatedAt), LastSeen: frenchDateTime(se.LastSeen), Current: se.ID == st.session.ID})
	}
	needs, err := s.store.AccountNeeds(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range needs {
		title := t.Title
		if title == "" {
			title = "besoin sans intitulé"
		}
		p.Needs = append(p.Needs, needView{Title: title, URL: needURL(t.SourceID), Created: parisDate(t.PublishedAt)})
	}
	members, err := s.store.MembershipsOf(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	p.Role = a.Role.Label(len(members))
	awaiting, err := s.claimsAwaiting(ctx, a.ID) // claim_decide.go
	if err != nil {
		return nil, err
	}
	requests, names := map[string]int{}, map[string]string{}
	for _, cl := range awaiting {
		requests[cl.SupplierID]++
	}
	for _, m := range members {
		name := m.SupplierID
		if sup, err := s.store.Supplier(ctx, m.SupplierID); err == nil {
			name = sup.Name
		} else if !errors.Is(err, data.ErrNotFound) {
			return nil, err
		}
		names[m.SupplierID] = name
		role := "membre"
		if m.Role == data.MemberOwner {
			role = "responsable"
		}
		cv := companyView{Name: name, URL: supplierURL(m.SupplierID),
			ManageURL: "/compte/entreprises/" + url.PathEscape(m.SupplierID), Role: role}
		if n := requests[m.SupplierID]; n > 0 {
			cv.Requests = pluralFR(n, "demande pour rejoindre l'équipe attend", "demandes pour rejoindre l'équipe attendent") + " votre décision"
			cv.RequestsURL = claimsPath + "#a-approuver"
		}
		p.Companies = append(p.Companies, cv)
	}
	if p.Deletion, err = s.deletionOf(ctx, a, members, names); err != nil {
		return nil, err
	}
	return p, nil
}

// accountProfile saves the account's name.
func (s *Server) accountProfile(c *fiber.Ctx) error {
	a, _ := s.currentAccount(c)
	name, msg := readName(c.FormValue("name"))
	if msg != "" {
		p, err := s.accountPageOf(c, a)
		if err != nil {
			return err
		}
		p.Name = name
		p.Errors = []formError{{ID: "name", Label: "Nom", Message: msg}}
		return s.renderAccount(c, fiber.StatusBadRequest, p)
	}
	a.Name = name
	if err := s.store.PutAccount(c.UserContext(), a, a.ID); err != nil {
		return err
	}
	return c.Redirect(accountPath+"?fait=profil", fiber.StatusSeeOther)
}

// accountPassword changes the password after checking the current one;
// every other session ends.
func (s *Server) accountPassword(c *fiber.Ctx) error {
	a, _ := s.currentAccount(c)
	var errs []formError
	ok := a.PasswordHash == "" // none yet: nothing to check
	if !ok {
		var err error
		if ok, err = s.passwordProven(c, a, c.FormValue("current")); err != nil {
			return err
		}
	}
	pw := c.FormValue("password")
	switch {
	case !ok:
		errs = append(errs, formError{ID: "current", Label: "Mot de passe actuel", Message: "mot de passe incorrect"})
	case password.Weakness(pw, a.Email) != "":
		errs = append(errs, formError{ID: "password", Label: "Nouveau mot de passe", Message: password.Weakness(pw, a.Email)})
	case c.FormValue("password2") != pw:
		errs = append(errs, formError{ID: "password2", Label: "Confirmation", Message: "les deux mots de passe diffèrent"})
	}
	if len(errs) > 0 {
		p, err := s.accountPageOf(c, a)
		if err != nil {
			return err
		}
		p.Errors = errs
		return s.renderAccount(c, fiber.StatusBadRequest, p)
	}
	if err := s.setPassword(c, a, pw, "mot de passe changé depuis le compte"); err != nil {
		return err
	}
	return c.Redirect(accountPath+"?fait=motdepasse", fiber.StatusSeeOther)
}

// passwordProven checks the account's current password, typed again to
// confirm a sensitive change (a new password, the account's deletion):
// wrong ones count against the account as at sign-in, and too many are
// refused (429) before any check.
func (s *Server) passwordProven(c *fiber.Ctx, a data.Account, typed string) (bool, error) {
	key := strings.ToLower(a.Email)
	if err := s.throttledNow("login", key); err != nil {
		return false, err
	}
	ok, err := s.checkPassword(c.UserContext(), typed, a.PasswordHash)
	if err != nil && !errors.Is(err, password.ErrMalformed) {
		return false, fmt.Errorf("web: account %s: %w", a.ID, err)
	}
	if !ok {
		s.failedAttempt("login", key)
	}
	return ok, nil
}

// accountEndSession ends one of the account's sessions (« déconnecter »).
func (s *Server) accountEndSession(c *fiber.Ctx) error {
	a, _ := s.currentAccount(c)
	ctx := c.UserContext()
	id := c.FormValue("session")
	sess, err := s.store.Session(ctx, id)
	if err != nil || sess.AccountID != a.ID { // another account's session: as if unknown
		return fmt.Errorf("web: session to end: %w", data.ErrNotFound)
	}
	if err := s.store.DeleteSession(ctx, sess.ID); err != nil {
		return err
	}
	if err := s.audit(c, a.ID, "account.session.end", "account:"+a.ID, deviceOf(sess.UserAgent)); err != nil {
		return err
	}
	return c.Redirect(accountPath+"?fait=session", fiber.StatusSeeOther)
}
