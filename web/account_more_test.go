package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/web/password"
)

// TestMailHeaderInjection feeds line breaks to every mail header a
// visitor can reach: the sign-up form refuses them, and sendMail refuses
// a recipient or subject with one, so nothing reaches the SMTP server.
func TestMailHeaderInjection(t *testing.T) {
	s, inbox := newMailServer(t, Config{})
	cl := newClient(s)
	tests := []struct {
		name         string
		email, uname string
	}{
		{"CRLF in the name", "claire@atelier.test", "Claire\r\nBcc: victime@exemple.fr"},
		{"LF in the name", "claire@atelier.test", "Claire\nBcc: victime@exemple.fr"},
		{"CRLF in the address", "claire@atelier.test\r\nBcc: victime@exemple.fr", "Claire"},
		{"a name and two addresses", "Claire <claire@atelier.test>, victime@exemple.fr", "Claire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cl.post(t, signUpPath, url.Values{"email": {tt.email}, "name": {tt.uname}, "password": {testPassword}, "password2": {testPassword}})
			if r.status != http.StatusBadRequest {
				t.Errorf("sign-up: %d, want 400", r.status)
			}
		})
	}
	ctx := context.Background()
	if err := s.sendMail(ctx, "claire@atelier.test\r\nBcc: victime@exemple.fr", "already", nil); err == nil {
		t.Errorf("sendMail accepted a recipient with CRLF")
	}
	msg, err := s.renderMail("claire@atelier.test", "already", nil)
	if err != nil {
		t.Fatal(err)
	}
	msg.Subject += "\r\nBcc: victime@exemple.fr"
	if err := s.mail.Send(ctx, msg); err == nil {
		t.Errorf("the SMTP sender accepted a subject with CRLF")
	}
	// A legitimate mail goes through, with only its own headers.
	if err := s.sendMail(ctx, "claire@atelier.test", "already", nil); err != nil {
		t.Fatal(err)
	}
	m := waitMail(t, inbox, 1)
	if n := len(inbox()); n != 1 {
		t.Errorf("%d mails reached the server, want 1", n)
	}
	if m.Header.Get("Bcc") != "" || strings.Contains(m.Raw, "victime@") || len(m.To) != 1 {
		t.Errorf("injected header or recipient in:\n%s", m.Raw)
	}
	if !strings.Contains(m.Text, "/mot-de-passe-oublie") || m.HTML == "" {
		t.Errorf("mail lacks its text or HTML part:\n%s", m.Raw)
	}
}

func TestSignUpExistingAddress(t *testing.T) {
	s, inbox := newMailServer(t, Config{})
	createAccount(t, s, "deja@atelier.test", testPassword, data.RoleBuyer)
	r := newClient(s).post(t, signUpPath, url.Values{"email": {"DEJA@atelier.test"}, "password": {"une autre phrase de passe"}, "password2": {"une autre phrase de passe"}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Vérifiez votre messagerie") {
		t.Fatalf("sign-up with a known address: %d (the answer must not tell)", r.status)
	}
	if m := waitMail(t, inbox, 1); m.Subject != "Votre compte Fabrique existe déjà" {
		t.Errorf("mail %q, want the « already » mail", m.Subject)
	}
	accounts, _ := s.store.Accounts(context.Background())
	if len(accounts) != 1 {
		t.Errorf("%d accounts, want 1", len(accounts))
	}
	// The password did not change.
	signIn(t, s, "deja@atelier.test", testPassword)

	// Signed up from a page that asked to come back (suite=): the mail's
	// links keep it, as the sign-in and reset forms do; a foreign one is
	// dropped (no open redirect through the mail).
	for i, tt := range []struct{ suite, want string }{
		{"/compte/entreprises/123456789/revendiquer", "?suite=%2Fcompte%2Fentreprises%2F123456789%2Frevendiquer"},
		{"//evil.example/x", ""},
	} {
		r := newClient(s).post(t, signUpPath, url.Values{"email": {"deja@atelier.test"}, "suite": {tt.suite},
			"password": {"une autre phrase de passe"}, "password2": {"une autre phrase de passe"}})
		if r.status != http.StatusOK {
			t.Fatalf("sign-up again with suite %q: %d", tt.suite, r.status)
		}
		m := waitMail(t, inbox, i+2)
		for _, link := range []string{"/connexion", "/mot-de-passe-oublie"} {
			if !strings.Contains(m.Text, link+tt.want+"\n") && !strings.Contains(m.Text, link+tt.want+"\r\n") {
				t.Errorf("suite %q: the text lacks %s%s:\n%s", tt.suite, link, tt.want, m.Text)
			}
		}
		if strings.Contains(m.Raw, "evil.example") {
			t.Errorf("a foreign suite reached the mail:\n%s", m.Raw)
		}
	}
}

func TestSignUpRefusals(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct {
		name   string
		fields url.Values
		want   string
	}{
		{"short password", url.Values{"email": {"a@atelier.test"}, "password": {"court"}, "password2": {"court"}}, "au moins 12 caractères"},
		{"common password", url.Values{"email": {"a@atelier.test"}, "password": {"azertyuiop123"}, "password2": {"azertyuiop123"}}, "plus courants"},
		{"the address as password", url.Values{"email": {"claire.martin@atelier.test"}, "password": {"claire.martin@atelier.test"}, "password2": {"claire.martin@atelier.test"}}, "adresse électronique"},
		{"confirmation differs", url.Values{"email": {"a@atelier.test"}, "password": {testPassword}, "password2": {testPassword + "!"}}, "diffèrent"},
		{"no address", url.Values{"password": {testPassword}, "password2": {testPassword}}, "indiquez votre adresse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newClient(s).post(t, signUpPath, tt.fields)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, tt.want) {
				t.Errorf("status %d, want 400 with %q", r.status, tt.want)
			}
			if strings.Contains(r.body, testPassword) {
				t.Errorf("the page shows the password back")
			}
		})
	}
	if as, _ := s.store.Accounts(context.Background()); len(as) != 0 {
		t.Errorf("%d accounts created by refused sign-ups", len(as))
	}
}

func TestSignUpThrottled(t *testing.T) {
	s := newTestServer(t, Config{})
	var last response
	for i := 0; i < 20; i++ {
		last = newClient(s).post(t, signUpPath, url.Values{"email": {"n" + string(rune('a'+i)) + "@atelier.test"},
			"password": {"court"}, "password2": {"court"}})
		if i < 19 && last.status != http.StatusBadRequest {
			t.Fatalf("sign-up %d: %d, want 400 (short password)", i+1, last.status)
		}
	}
	if last.status != http.StatusTooManyRequests || !strings.Contains(last.body, "Trop de tentatives : réessayez dans") {
		t.Errorf("20th sign-up from one address within an hour: %d, want 429", last.status)
	}
	if ra := last.header.Get("Retry-After"); ra == "" {
		t.Errorf("no Retry-After")
	}
}

func TestThrottlerWindow(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	th := newThrottler(func() time.Time { return now })
	for i := 0; i < 9; i++ {
		if w := th.wait("login", "k"); w != 0 {
			t.Fatalf("attempt %d waits %s", i+1, w)
		}
		th.hit("login", "k")
		now = now.Add(time.Second)
	}
	// 9 attempts from 9:00:00 to 9:00:08: the 10th waits until the first
	// leaves the minute, at 9:01:00.
	if w := th.wait("login", "k"); w != 51*time.Second {
		t.Errorf("10th attempt waits %s, want 51s", w)
	}
	if w := th.wait("login", "other"); w != 0 {
		t.Errorf("another key waits %s", w)
	}
	now = now.Add(51 * time.Second)
	if w := th.wait("login", "k"); w != 0 {
		t.Errorf("after the window: waits %s", w)
	}
	if got := throttled("login", 61*time.Second).(*refusal); !strings.Contains(got.message, "2 minutes") || got.retryAfterSeconds() != 61 {
		t.Errorf("61 s: %q, Retry-After %d", got.message, got.retryAfterSeconds())
	}
}

func TestAccountPageListsNeedsAndCompanies(t *testing.T) {
	s := newSearchServer(t, Config{})
	acc := createAccount(t, s, "acheteur@mairie.test", testPassword, data.RoleBuyer)
	cl := signIn(t, s, "acheteur@mairie.test", testPassword)
	r := cl.post(t, "/besoin", validNeedForm())
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST /besoin: %d", r.status)
	}
	// An anonymous need is not filed under anyone.
	if r := newClient(s).post(t, "/besoin", url.Values{"title": {"Vitraux de l'église"}, "departement": {"35"}, "action": {"match"}}); r.status != http.StatusSeeOther {
		t.Fatalf("anonymous POST /besoin: %d", r.status)
	}
	ctx := context.Background()
	var supID, supName string
	_ = s.store.Suppliers(ctx, func(sup data.Supplier) error {
		if supID == "" {
			supID, supName = sup.ID, sup.Name
		}
		return nil
	})
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: supID, AccountID: acc.ID, Role: data.MemberOwner, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	page := cl.get(t, accountPath).body
	mustContain(t, "account page", page, "Restauration des menuiseries en bois de la mairie", r.header.Get("Location"),
		`href="/compte/entreprises/`+supID+`"`, template.HTMLEscapeString(supName), "(responsable)")
	if strings.Contains(page, "Vitraux") {
		t.Errorf("another visitor's need is listed")
	}
}

func TestAdminOutboxAndResetLink(t *testing.T) {
	s := newTestServer(t, Config{}) // no SMTP: the outbox
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	target := createAccount(t, s, "cible@atelier.test", testPassword, data.RoleBuyer)
	admin := signIn(t, s, "admin@alliance.test", testPassword)
	if r := admin.post(t, "/admin/comptes/"+target.ID+"/reinitialiser", nil); r.status != http.StatusSeeOther {
		t.Fatalf("send reset link: %d", r.status)
	}
	r := admin.get(t, "/admin/courriels")
	mustContain(t, "outbox", r.body, "Choisissez un nouveau mot de passe Fabrique", "cible@atelier.test", "/mot-de-passe/nouveau?jeton=")
	if r := admin.post(t, "/admin/comptes/"+target.ID+"/inconnu", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown action: %d, want 404", r.status)
	}
	me, _ := s.store.AccountByEmail(context.Background(), "admin@alliance.test")
	if r := admin.post(t, "/admin/comptes/"+me.ID+"/desactiver", nil); r.status != http.StatusConflict {
		t.Errorf("an admin disabling itself: %d, want 409", r.status)
	}
}

func TestSignInPurgesExpiredSessions(t *testing.T) {
	s := newTestServer(t, Config{})
	acc := createAccount(t, s, "purge@atelier.test", testPassword, data.RoleBuyer)
	ctx := context.Background()
	old := time.Now().UTC().Add(-40 * 24 * time.Hour)
	if err := s.store.PutSession(ctx, data.Session{ID: "vieille", AccountID: acc.ID, CreatedAt: old, LastSeen: old, ExpiresAt: old.Add(sessionLifetime)}); err != nil {
		t.Fatal(err)
	}
	signIn(t, s, "purge@atelier.test", testPassword)
	ss, _ := s.store.SessionsOf(ctx, acc.ID)
	if len(ss) != 1 || ss[0].ID == "vieille" {
		t.Errorf("sessions after a sign-in: %+v; want only the new one", ss)
	}
}

func TestPasswordHashingIsBounded(t *testing.T) {
	s := newTestServer(t, Config{})
	for i := 0; i < hashSlotCount; i++ { // every slot taken
		s.hasher.slots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.hashPassword(ctx, testPassword); err == nil {
		t.Errorf("hashPassword ran with every slot taken")
	}
	<-s.hasher.slots // one slot frees up
	hash, err := s.hashPassword(context.Background(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.checkPassword(context.Background(), testPassword, hash); !ok || err != nil {
		t.Errorf("checkPassword = %v, %v", ok, err)
	}
	if ok, err := s.checkPassword(context.Background(), testPassword, ""); ok || err != nil {
		t.Errorf("checkPassword without a hash = %v, %v; want false", ok, err)
	}
}

// FuzzIsLocalPath: whatever isLocalPath accepts, a browser resolves on
// this site.
func FuzzIsLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/compte", "//evil.example", "/\\evil", "https://evil", "/\t/evil", "/a?b=//c", "/%2F%2Fevil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://fabrique.test/connexion")
	f.Fuzz(func(t *testing.T, p string) {
		if !isLocalPath(p) {
			return
		}
		// Browsers drop tabs and newlines and read \ as /.
		cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(p)
		u, err := base.Parse(cleaned)
		if err != nil || u.Host != "fabrique.test" || u.Scheme != "https" {
			t.Errorf("isLocalPath(%q) but it resolves to %v (%v)", p, u, err)
		}
	})
}

func TestServerHashesWithOWASPParameters(t *testing.T) {
	s := newTestServer(t, Config{})
	srv, err := New(Config{}, Deps{Store: s.store})
	if err != nil {
		t.Fatal(err)
	}
	if srv.hasher.params != password.OWASP {
		t.Errorf("the server hashes with %+v, want OWASP's %+v", srv.hasher.params, password.OWASP)
	}
}
