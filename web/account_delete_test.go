package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fabrique/data"
)

// TestAccountDelete plays the deletion of a PMI member's account from
// /compte: refused without the CSRF token, with a wrong password or
// without the box ticked; then done. Her sessions end (the browser that
// deleted and another one), her alert is gone, the listing she managed
// alone is unclaimed, the confirmation goes out through SMTP, the page
// says it is done, and her old password, cookie and form open nothing.
func TestAccountDelete(t *testing.T) {
	s, inbox := newMailServer(t, Config{PublicURL: "https://fabrique.test"})
	ctx := context.Background()
	sup := pmiCompany()
	sup.Name = "Tôlerie <b>Comtoise</b> & fils"
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	const email = "claire.morel@tolerie-comtoise.example"
	claire := createAccount(t, s, email, testPassword, data.RoleSupplier)
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: claire.ID, Role: data.MemberOwner, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: claire.ID, Name: "Tôlerie", Keywords: "tôlerie",
		Frequency: data.AlertDaily}); err != nil {
		t.Fatal(err)
	}
	cl, other := signIn(t, s, email, testPassword), signIn(t, s, email, testPassword)
	stolen := *cl.session()

	r := cl.get(t, accountPath)
	mustContain(t, "account page", r.body, "Supprimer mon compte", `action="/compte/supprimer"`, "Ce qui sera supprimé",
		"Ce qui est conservé, et pourquoi", "1 alerte et son historique", "Vous êtes seul à gérer la fiche de Tôlerie &lt;b&gt;Comtoise&lt;/b&gt; &amp; fils")
	if strings.Contains(r.body, "<b>Comtoise") {
		t.Error("the company's name is not escaped in the account page")
	}

	exists := func(when string) {
		t.Helper()
		if _, err := s.store.Account(ctx, claire.ID); err != nil {
			t.Fatalf("%s: the account is gone (%v)", when, err)
		}
		if r := other.get(t, accountPath); r.status != http.StatusOK {
			t.Fatalf("%s: the other session no longer opens /compte: %d", when, r.status)
		}
	}
	right := url.Values{"current": {testPassword}, "confirmation": {deleteConfirmed}}
	if r := cl.postRaw(t, deletePath, right); r.status != http.StatusForbidden {
		t.Errorf("deletion without the CSRF token: %d, want 403", r.status)
	}
	exists("without the CSRF token")
	r = cl.post(t, deletePath, url.Values{"current": {"pas le bon mot de passe"}, "confirmation": {deleteConfirmed}})
	if r.status != http.StatusBadRequest {
		t.Errorf("deletion with a wrong password: %d, want 400", r.status)
	}
	mustContain(t, "wrong password", r.body, "à corriger", `href="#delete-current"`, "mot de passe incorrect", `id="delete-current-error"`)
	exists("with a wrong password")
	r = cl.post(t, deletePath, url.Values{"current": {testPassword}})
	if r.status != http.StatusBadRequest {
		t.Errorf("deletion without the confirmation: %d, want 400", r.status)
	}
	mustContain(t, "no confirmation", r.body, `href="#delete-confirm"`, "cochez la case")
	exists("without the confirmation")
	if n := len(inbox()); n != 0 {
		t.Fatalf("%d mails before the deletion, want none", n)
	}

	r = cl.post(t, deletePath, right)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != deletedPath {
		t.Fatalf("deletion: %d to %q, want 303 to %s\n%.2000s", r.status, r.header.Get("Location"), deletedPath, r.body)
	}
	if cl.session() != nil {
		t.Error("the session cookie was not dropped")
	}
	r = cl.get(t, deletedPath)
	mustContain(t, "deleted page", r.body, "Votre compte est supprimé", "Un dernier courriel vous le confirme")
	if strings.Contains(r.body, email) {
		t.Error("the page of a deletion names the address")
	}

	if _, err := s.store.Account(ctx, claire.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the account after its deletion: %v, want not found", err)
	}
	if ps, err := s.store.AlertProfilesOf(ctx, claire.ID); err != nil || len(ps) != 0 {
		t.Errorf("alerts after the deletion: %d (%v), want none", len(ps), err)
	}
	if ms, err := s.store.Members(ctx, sup.ID); err != nil || len(ms) != 0 {
		t.Errorf("the team of the listing she managed alone: %d members (%v), want none: unclaimed", len(ms), err)
	}
	if _, err := s.store.Supplier(ctx, sup.ID); err != nil {
		t.Errorf("the listing itself after the deletion: %v, want kept", err)
	}
	replay := newClient(s)
	replay.cookies[sessionCookie] = &stolen
	for what, c := range map[string]*client{"the other browser": other, "the old cookie": replay} {
		if r := c.get(t, accountPath); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), signInPath) {
			t.Errorf("%s opens /compte after the deletion: %d, want 303 to sign in", what, r.status)
		}
		if r := c.post(t, deletePath, right); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), signInPath) {
			t.Errorf("%s posts the deletion again: %d to %q, want 303 to sign in", what, r.status, r.header.Get("Location"))
		}
	}
	if r := newClient(s).post(t, signInPath, url.Values{"email": {email}, "password": {testPassword}}); r.status != http.StatusUnauthorized {
		t.Errorf("sign-in with the deleted account's password: %d, want 401", r.status)
	}

	// The admins' journal names the deleted account as such, without its
	// address, and keeps its entries.
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	r = signIn(t, s, "admin@alliance.test", testPassword).get(t, journalPath+"?acteur="+claire.ID)
	mustContain(t, "journal", r.body, "compte supprimé ("+claire.ID+")", "account.delete", "account.signin")
	if strings.Contains(r.body, email) {
		t.Error("the journal shows the deleted account's address")
	}

	m := waitMail(t, inbox, 1)
	if m.Subject != "Votre compte Fabrique est supprimé" || len(m.To) != 1 || m.To[0] != email {
		t.Fatalf("confirmation mail: subject %q to %v", m.Subject, m.To)
	}
	mustContain(t, "mail text", m.Text, "à votre demande", "vos alertes (1)", "Plus personne ne gère la fiche de Tôlerie <b>Comtoise</b> & fils",
		"https://fabrique.test/inscription")
	mustContain(t, "mail HTML", m.HTML, "Tôlerie &lt;b&gt;Comtoise&lt;/b&gt; &amp; fils")
	if n := len(inbox()); n != 1 {
		t.Errorf("%d mails, want the one confirmation", n)
	}
}

// TestAccountDeleteLastOwner: the only « responsable » of a team with
// other members is told to name another first, with a link to the team,
// and is not offered the form; a post is refused (409) and deletes
// nothing. Once a colleague is named, the deletion goes through and the
// team keeps its listing.
func TestAccountDeleteLastOwner(t *testing.T) {
	s := newTestServer(t, Config{})
	ctx := context.Background()
	sup := pmiCompany()
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	claire := createAccount(t, s, "claire@atelier.test", testPassword, data.RoleSupplier)
	bruno := createAccount(t, s, "bruno@atelier.test", testPassword, data.RoleSupplier)
	for _, m := range []data.Membership{{SupplierID: sup.ID, AccountID: claire.ID, Role: data.MemberOwner},
		{SupplierID: sup.ID, AccountID: bruno.ID, Role: data.MemberMember}} {
		if err := s.store.AddMember(ctx, m, "test"); err != nil {
			t.Fatal(err)
		}
	}
	cl := signIn(t, s, "claire@atelier.test", testPassword)
	r := cl.get(t, accountPath)
	mustContain(t, "account page", r.body, "Vous ne pouvez pas encore supprimer votre compte", companyURL(sup.ID)+"/equipe", "Nommer responsable")
	if strings.Contains(r.body, `action="/compte/supprimer"`) {
		t.Error("the last owner is offered the deletion form")
	}
	right := url.Values{"current": {testPassword}, "confirmation": {deleteConfirmed}}
	if r := cl.post(t, deletePath, right); r.status != http.StatusConflict || !strings.Contains(r.body, "Vous ne pouvez pas encore supprimer") {
		t.Errorf("deletion by the last owner: %d, want 409 with why", r.status)
	}
	if _, err := s.store.Account(ctx, claire.ID); err != nil {
		t.Fatalf("the refused deletion deleted the account: %v", err)
	}

	if err := s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: bruno.ID, Role: data.MemberOwner}, claire.ID); err != nil {
		t.Fatal(err)
	}
	r = cl.get(t, accountPath)
	mustContain(t, "account page, another owner named", r.body, `action="/compte/supprimer"`, "votre place dans l'équipe de "+sup.Name)
	if r := cl.post(t, deletePath, right); r.status != http.StatusSeeOther {
		t.Fatalf("deletion once another owner is named: %d, want 303", r.status)
	}
	if ms, err := s.store.Members(ctx, sup.ID); err != nil || len(ms) != 1 || ms[0].AccountID != bruno.ID {
		t.Errorf("the team after the deletion: %+v (%v), want Bruno alone", ms, err)
	}
}

// TestAccountDeleteWithoutPassword: an account that signs in by mailed
// links has no password to confirm with; the section asks to choose one
// first and a post is refused.
func TestAccountDeleteWithoutPassword(t *testing.T) {
	s := newTestServer(t, Config{})
	a := createAccount(t, s, "lien@atelier.test", testPassword, data.RoleBuyer)
	cl := signIn(t, s, "lien@atelier.test", testPassword)
	a.PasswordHash = ""
	if err := s.store.PutAccount(context.Background(), a, "test"); err != nil {
		t.Fatal(err)
	}
	r := cl.get(t, accountPath)
	mustContain(t, "account page", r.body, "Votre compte n'a pas de mot de passe : choisissez-en un ci-dessus")
	if strings.Contains(r.body, `action="/compte/supprimer"`) {
		t.Error("an account without password is offered the deletion form")
	}
	if r := cl.post(t, deletePath, url.Values{"current": {""}, "confirmation": {deleteConfirmed}}); r.status != http.StatusConflict {
		t.Errorf("deletion without a password: %d, want 409", r.status)
	}
	if _, err := s.store.Account(context.Background(), a.ID); err != nil {
		t.Errorf("the account was deleted: %v", err)
	}
}
