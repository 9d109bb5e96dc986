package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/data/store"
	fmail "fabrique/web/mail"
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
	sup, claire := newTolerie(t, s, "Tôlerie <b>Comtoise</b> & fils")
	const email = tolerieEmail
	if _, err := s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: claire.ID, Name: "Tôlerie", Keywords: "tôlerie",
		Frequency: data.AlertDaily}); err != nil {
		t.Fatal(err)
	}
	cl, other := signIn(t, s, email, testPassword), signIn(t, s, email, testPassword)
	stolen := *cl.session()
	// Mails the outbox kept before an SMTP server was configured: one to
	// her, and her invitation to a colleague, which names her.
	for _, m := range []fmail.Message{{To: email, Subject: "Votre lien de connexion", Text: "Bonjour, voici votre lien.",
		Headers: map[string]string{"X-Fabrique-Mail": "signin_link"}},
		{To: "bruno@tolerie-comtoise.example", Subject: "Invitation", Text: "Claire Morel (" + email + ") vous invite",
			Headers: map[string]string{"X-Fabrique-Mail": "listing_invite"}}} {
		if err := (fmail.Outbox{Store: s.store}).Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}

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
	// The confirmation delivered, no record of the file holds her address.
	if found, err := s.store.Mentions(ctx, email); err != nil || len(found) != 0 {
		t.Errorf("records holding the deleted address: %q (%v), want none", found, err)
	}
	outbox, err := s.store.Outbox(ctx, 10)
	if err != nil || len(outbox) != 2 || outbox[1].ErasedAt.IsZero() || outbox[1].Headers["X-Fabrique-Mail"] != "signin_link" ||
		outbox[0].Text != "Claire Morel ("+store.ErasedAddress+") vous invite" {
		t.Errorf("the outbox after the deletion: %+v (%v)\nwant her mail erased but its kind, the invitation without her address", outbox, err)
	}
}

// TestAccountDeleteOutbox: without an SMTP server, the last mail of a
// deletion goes to the outbox like any other, but nothing of its
// recipient is kept there: it is written already erased, and so are the
// earlier mails to her address (here a password link). The admins'
// outbox page says a mail of that kind was written, and when; no record
// of the file holds the address.
func TestAccountDeleteOutbox(t *testing.T) {
	s := newTestServer(t, Config{})
	ctx := context.Background()
	const email = "eve.durand@atelier.test"
	createAccount(t, s, email, testPassword, data.RoleBuyer)
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	if r := newClient(s).post(t, forgotPath, url.Values{"email": {email}}); r.status >= 400 {
		t.Fatalf("password link: %d", r.status)
	}
	if found, _ := s.store.Mentions(ctx, email); len(found) < 2 {
		t.Fatalf("before the deletion her address is in %q, want her account and the outbox's link at least", found)
	}
	cl := signIn(t, s, email, testPassword)
	if r := cl.post(t, deletePath, url.Values{"current": {testPassword}, "confirmation": {deleteConfirmed}}); r.status != http.StatusSeeOther {
		t.Fatalf("deletion: %d, want 303", r.status)
	}
	outbox, err := s.store.Outbox(ctx, 10)
	if err != nil || len(outbox) != 2 {
		t.Fatalf("the outbox after the deletion: %d mails (%v), want the link and the confirmation", len(outbox), err)
	}
	for i, m := range outbox {
		if m.To != store.ErasedAddress || m.Text != "" || m.HTML != "" || m.Subject != "" || m.ErasedAt.IsZero() {
			t.Errorf("outbox mail %d after the deletion: %+v, want erased", i, m)
		}
	}
	if kind := outbox[0].Headers["X-Fabrique-Mail"]; kind != "account_deleted" {
		t.Errorf("the last outbox mail is a %q, want account_deleted", kind)
	}
	if found, err := s.store.Mentions(ctx, email); err != nil || len(found) != 0 {
		t.Errorf("records holding the deleted address: %q (%v), want none", found, err)
	}
	r := signIn(t, s, "admin@alliance.test", testPassword).get(t, "/admin/courriels")
	mustContain(t, "outbox page", r.body, "Courriel effacé", "(account_deleted)", "son destinataire a supprimé son compte")
	if strings.Contains(r.body, email) {
		t.Error("the outbox page shows the deleted address")
	}
}

// tolerieEmail is the address of Claire, newTolerie's owner.
const tolerieEmail = "claire.morel@tolerie-comtoise.example"

// newTolerie stores a PMI company of that name and Claire's account, its
// only « responsable ».
func newTolerie(t *testing.T, s *testServer, name string) (data.Supplier, data.Account) {
	t.Helper()
	ctx := context.Background()
	sup := pmiCompany()
	sup.Name = name
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	claire := createAccount(t, s, tolerieEmail, testPassword, data.RoleSupplier)
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: claire.ID, Role: data.MemberOwner, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	return sup, claire
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

// TestAdminAccountDelete plays an erasure request received by letter: the
// administrator opens the account's deletion page from /admin/comptes.
// The only « responsable » of a team with other members is refused, as on
// /compte, with the team's page to name another; once another is named,
// the page names the account and asks for the reason, the post is
// refused without CSRF token or reason, and then deletes the account
// through store.DeleteAccount: her sessions end, the confirmation goes
// out by SMTP, and the journal keeps the admin's id and the reason,
// without her address or name. The admin cannot delete their own account
// there, and another account cannot open the page.
func TestAdminAccountDelete(t *testing.T) {
	s, inbox := newMailServer(t, Config{PublicURL: "https://fabrique.test"})
	ctx := context.Background()
	sup, claire := newTolerie(t, s, "Tôlerie <b>Comtoise</b>")
	const email = tolerieEmail
	claire.Name = "Claire <i>Morel</i>"
	if err := s.store.PutAccount(ctx, claire, "test"); err != nil {
		t.Fatal(err)
	}
	bruno := createAccount(t, s, "bruno@tolerie-comtoise.example", testPassword, data.RoleSupplier)
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: bruno.ID, Role: data.MemberMember}, "test"); err != nil {
		t.Fatal(err)
	}
	admin := createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	ad, cl := signIn(t, s, "admin@alliance.test", testPassword), signIn(t, s, email, testPassword)
	page := adminDeletePath(claire.ID)

	if r := cl.get(t, page); r.status != http.StatusForbidden {
		t.Errorf("the page opened by a non-admin: %d, want 403", r.status)
	}
	r := ad.get(t, "/admin/comptes")
	mustContain(t, "accounts", r.body, `href="`+page+`"`, "supprimer…")
	if strings.Contains(r.body, adminDeletePath(admin.ID)) {
		t.Error("the admin is offered the deletion of their own account")
	}
	for _, r := range []response{ad.get(t, adminDeletePath(admin.ID)), ad.post(t, adminDeletePath(admin.ID), url.Values{"motif": {"essai"}})} {
		if r.status != http.StatusConflict || !strings.Contains(r.body, "Vous ne pouvez pas supprimer votre propre compte depuis l&#39;administration") {
			t.Errorf("the admin's own deletion: %d, want 409 with why\n%.600s", r.status, r.body)
		}
	}
	if _, err := s.store.Account(ctx, admin.ID); err != nil {
		t.Fatalf("the admin's account: %v", err)
	}

	exists := func(when string) {
		t.Helper()
		if _, err := s.store.Account(ctx, claire.ID); err != nil {
			t.Fatalf("%s: the account is gone (%v)", when, err)
		}
	}
	const reason = "Courrier du 3 décembre 2026 de Claire <i>Morel</i> (Claire.Morel@Tolerie-Comtoise.example), réf. RGPD-17"
	r = ad.get(t, page)
	mustContain(t, "last owner", r.body, "Ce compte ne peut pas encore être supprimé", companyURL(sup.ID)+"/equipe", "Tôlerie &lt;b&gt;Comtoise&lt;/b&gt;")
	if strings.Contains(r.body, `name="motif"`) {
		t.Error("the deletion of a team's last owner is offered")
	}
	if r := ad.post(t, page, url.Values{"motif": {reason}}); r.status != http.StatusConflict || !strings.Contains(r.body, "Ce compte ne peut pas encore être supprimé") {
		t.Errorf("the deletion of a team's last owner: %d, want 409 with why", r.status)
	}
	exists("last owner")
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: bruno.ID, Role: data.MemberOwner}, claire.ID); err != nil {
		t.Fatal(err)
	}

	r = ad.get(t, page)
	mustContain(t, "deletion page", r.body, "<h1>Supprimer le compte "+email+"</h1>", "Claire &lt;i&gt;Morel&lt;/i&gt;",
		`action="`+page+`"`, `name="_csrf"`, `<label for="motif">Motif de la suppression</label>`, "Supprimer définitivement le compte",
		"sa place dans l'équipe de Tôlerie &lt;b&gt;Comtoise&lt;/b&gt;")
	if strings.Contains(r.body, "<i>Morel") || strings.Contains(r.body, "<b>Comtoise") {
		t.Error("the deletion page does not escape a name")
	}
	if r := ad.postRaw(t, page, url.Values{"motif": {reason}}); r.status != http.StatusForbidden {
		t.Errorf("deletion without the CSRF token: %d, want 403", r.status)
	}
	exists("without the CSRF token")
	r = ad.post(t, page, url.Values{"motif": {"  \n "}})
	if r.status != http.StatusBadRequest {
		t.Errorf("deletion without a reason: %d, want 400", r.status)
	}
	mustContain(t, "no reason", r.body, `href="#motif"`, "indiquez la demande reçue", `id="motif-error"`, `aria-invalid="true"`)
	exists("without a reason")
	r = ad.post(t, page, url.Values{"motif": {strings.Repeat("é", 501)}})
	mustContain(t, "long reason", r.body, "motif trop long (501 caractères, 500 au plus)")
	exists("with a reason too long")
	if n := len(inbox()); n != 0 {
		t.Fatalf("%d mails before the deletion, want none", n)
	}

	r = ad.post(t, page, url.Values{"motif": {reason}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/comptes?fait=supprime" {
		t.Fatalf("deletion: %d to %q, want 303 to /admin/comptes?fait=supprime\n%.2000s", r.status, r.header.Get("Location"), r.body)
	}
	r = ad.get(t, "/admin/comptes?fait=supprime")
	mustContain(t, "accounts after", r.body, "Compte supprimé.")
	if strings.Contains(r.body, email) {
		t.Error("the accounts page still lists the deleted account")
	}
	if _, err := s.store.Account(ctx, claire.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the account after its deletion: %v, want not found", err)
	}
	if r := cl.get(t, accountPath); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), signInPath) {
		t.Errorf("her browser opens /compte after the deletion: %d, want 303 to sign in", r.status)
	}
	if ms, err := s.store.Members(ctx, sup.ID); err != nil || len(ms) != 1 || ms[0].AccountID != bruno.ID {
		t.Errorf("the team after the deletion: %+v (%v), want Bruno alone", ms, err)
	}
	if r := ad.post(t, page, url.Values{"motif": {reason}}); r.status != http.StatusNotFound {
		t.Errorf("the form posted again: %d, want 404", r.status)
	}

	var entries []data.AuditEntry
	if err := s.store.Audit(ctx, "", func(e data.AuditEntry) error {
		if e.Action == "account.delete" {
			entries = append(entries, e)
		}
		if strings.Contains(strings.ToLower(e.Detail), strings.ToLower(email)) || strings.Contains(e.Detail, "Morel") {
			t.Errorf("journal entry %s names her: %q", e.Action, e.Detail)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := "compte supprimé par un administrateur, 1 équipe quittée ; motif : Courrier du 3 décembre 2026 de [nom effacé] ([adresse effacée]), réf. RGPD-17"
	if len(entries) != 1 || entries[0].Actor != admin.ID || entries[0].Entity != "account:"+claire.ID || entries[0].Detail != want {
		t.Errorf("journal of the deletion: %+v\nwant by %s on account:%s, %q", entries, admin.ID, claire.ID, want)
	}

	m := waitMail(t, inbox, 1)
	if m.Subject != "Votre compte Fabrique est supprimé" || len(m.To) != 1 || m.To[0] != email {
		t.Fatalf("confirmation mail: subject %q to %v", m.Subject, m.To)
	}
	mustContain(t, "mail text", m.Text, "à votre demande, par l'Alliance qui l'a reçue", "signalez-le sans tarder à l'Alliance",
		"Vous ne faites plus partie de l'équipe de Tôlerie <b>Comtoise</b>")
	if strings.Contains(m.Text, "mot de passe :") {
		t.Error("the mail of an admin's deletion speaks of a stolen password")
	}
}

// TestAccountDeleteMailFailure: when the last mail cannot leave (here no
// SMTP server answers), the deletion is done all the same, and the log
// says the mail failed without writing the address it was for.
func TestAccountDeleteMailFailure(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	s := newTestServerDeps(t, Config{}, Deps{Mail: testSMTPSender(t, closed)})
	const email = "Eve.Durand@Atelier.test"
	eve := createAccount(t, s, email, testPassword, data.RoleBuyer)
	cl := signIn(t, s, email, testPassword)
	if r := cl.post(t, deletePath, url.Values{"current": {testPassword}, "confirmation": {deleteConfirmed}}); r.status != http.StatusSeeOther {
		t.Fatalf("deletion: %d, want 303", r.status)
	}
	if _, err := s.store.Account(context.Background(), eve.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the account after a deletion whose mail failed: %v, want not found", err)
	}
	log := s.log.String()
	mustContain(t, "log", log, "account deletion mail failed", store.ErasedAddress)
	if strings.Contains(strings.ToLower(log), strings.ToLower(email)) {
		t.Errorf("the log writes the deleted address:\n%s", log)
	}
}
