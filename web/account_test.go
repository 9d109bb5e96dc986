package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fabrique/data"
)

const testPassword = "une phrase de passe assez longue"

// TestSignUpConfirmSignIn plays the whole path: sign-up, the confirmation
// mail received over SMTP, confirmation, sign-out and sign-in.
func TestSignUpConfirmSignIn(t *testing.T) {
	s, inbox := newMailServer(t, Config{PublicURL: "https://fabrique.test"})
	cl := newClient(s)

	r := cl.post(t, signUpPath, url.Values{"email": {"Claire.Martin@atelier.test"}, "name": {"Claire Martin"},
		"password": {testPassword}, "password2": {testPassword}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Vérifiez votre messagerie") {
		t.Fatalf("sign-up: status %d\n%s", r.status, r.body)
	}
	if cl.session() != nil {
		t.Fatalf("signed in before the address was confirmed")
	}
	// Not usable before confirmation.
	if r := newClient(s).post(t, signInPath, url.Values{"email": {"claire.martin@atelier.test"}, "password": {testPassword}}); r.status != http.StatusForbidden || !strings.Contains(r.body, "pas encore confirmée") {
		t.Errorf("sign-in before confirmation: status %d, want 403 « pas encore confirmée »", r.status)
	}

	m := waitMail(t, inbox, 1)
	if m.Subject != "Confirmez votre adresse sur Fabrique" || len(m.To) != 1 || m.To[0] != "Claire.Martin@atelier.test" {
		t.Fatalf("confirmation mail: subject %q to %v", m.Subject, m.To)
	}
	if m.HTML == "" || !strings.Contains(m.HTML, "Confirmer mon adresse") {
		t.Errorf("the mail has no HTML part with the button:\n%s", m.Raw)
	}
	link := linkIn(t, m, "https://fabrique.test"+confirmPath+"?jeton=")
	u, _ := url.Parse(link)

	// Opening the link does not spend it; the button does.
	r = cl.get(t, u.RequestURI())
	if r.status != http.StatusOK || !strings.Contains(r.body, "Confirmer mon adresse") {
		t.Fatalf("GET the confirmation link: %d\n%s", r.status, r.body)
	}
	// Confirming asks for the password chosen at sign-up.
	r = cl.post(t, confirmPath, url.Values{"jeton": {u.Query().Get("jeton")}, "password": {"pas le mot de passe choisi"}})
	if r.status != http.StatusUnauthorized || cl.session() != nil {
		t.Fatalf("confirm with a wrong password: %d, want 401 and no session", r.status)
	}
	r = cl.post(t, confirmPath, url.Values{"jeton": {u.Query().Get("jeton")}, "password": {testPassword}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != accountPath+"?fait=bienvenue" {
		t.Fatalf("confirm: status %d location %q", r.status, r.header.Get("Location"))
	}
	r = cl.get(t, accountPath+"?fait=bienvenue")
	mustContain(t, "account page", r.body, "Claire.Martin@atelier.test", "bienvenue sur Fabrique", "Se déconnecter", "(cette session)")
	// The link works once.
	if r := newClient(s).post(t, confirmPath, url.Values{"jeton": {u.Query().Get("jeton")}, "password": {testPassword}}); r.status != http.StatusNotFound {
		t.Errorf("second use of the confirmation link: %d, want 404", r.status)
	}

	if r := cl.post(t, signOutPath, nil); r.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", r.status)
	}
	if r := cl.get(t, accountPath); r.status != http.StatusSeeOther {
		t.Fatalf("/compte after sign-out: %d, want 303 to sign in", r.status)
	}
	cl2 := signIn(t, s, "claire.martin@atelier.test", testPassword)
	if r := cl2.get(t, accountPath); r.status != http.StatusOK {
		t.Errorf("/compte after sign-in: %d", r.status)
	}
}

func TestSignInLink(t *testing.T) {
	s, inbox := newMailServer(t, Config{})
	createAccount(t, s, "lien@atelier.test", testPassword, data.RoleBuyer)
	cl := newClient(s)
	r := cl.post(t, signInPath, url.Values{"email": {"lien@atelier.test"}, "action": {"lien"}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "un lien de connexion vient d&#39;y être envoyé") {
		t.Fatalf("ask for a link: %d\n%s", r.status, r.body)
	}
	// An unknown address gets the same answer, and no mail.
	if r := newClient(s).post(t, signInPath, url.Values{"email": {"personne@atelier.test"}, "action": {"lien"}}); r.status != http.StatusOK {
		t.Errorf("unknown address: %d", r.status)
	}
	m := waitMail(t, inbox, 1)
	u, _ := url.Parse(linkIn(t, m, linkPath))
	r = cl.post(t, linkPath, url.Values{"jeton": {u.Query().Get("jeton")}})
	if r.status != http.StatusSeeOther || cl.session() == nil {
		t.Fatalf("use the link: %d, session %v", r.status, cl.session())
	}
	if n := len(inbox()); n != 1 {
		t.Errorf("%d mails sent, want 1 (none to the unknown address)", n)
	}
}

func TestPasswordReset(t *testing.T) {
	s, inbox := newMailServer(t, Config{})
	createAccount(t, s, "oubli@atelier.test", testPassword, data.RoleBuyer)
	other := signIn(t, s, "oubli@atelier.test", testPassword)
	cl := newClient(s)
	if r := cl.post(t, forgotPath, url.Values{"email": {"oubli@atelier.test"}}); r.status != http.StatusOK {
		t.Fatalf("forgot: %d", r.status)
	}
	u, _ := url.Parse(linkIn(t, waitMail(t, inbox, 1), resetPath))
	jeton := u.Query().Get("jeton")
	if r := cl.get(t, u.RequestURI()); r.status != http.StatusOK || !strings.Contains(r.body, `name="jeton"`) {
		t.Fatalf("reset form: %d", r.status)
	}
	r := cl.post(t, resetPath, url.Values{"jeton": {jeton}, "password": {"motdepasse123"}, "password2": {"motdepasse123"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "au moins 12 caractères") && !strings.Contains(r.body, "plus courants") {
		t.Fatalf("weak password: %d\n%s", r.status, r.body)
	}
	const newPW = "un tout nouveau mot de passe"
	r = cl.post(t, resetPath, url.Values{"jeton": {jeton}, "password": {newPW}, "password2": {newPW}})
	if r.status != http.StatusSeeOther || cl.session() == nil {
		t.Fatalf("reset: %d", r.status)
	}
	if r := other.get(t, accountPath); r.status != http.StatusSeeOther {
		t.Errorf("a session opened before the reset still works: %d", r.status)
	}
	signIn(t, s, "oubli@atelier.test", newPW)
}

// TestPasswordResetKeepsSuite: a reset asked from a sign-in page that
// had somewhere to go (suite=) leads there once the new password is set,
// through the forgot form, the mailed link and the reset form; suite= is
// checked as sign-in checks it at every step, so that a hostile one never
// reaches the link nor the redirect.
func TestPasswordResetKeepsSuite(t *testing.T) {
	s, inbox := newMailServer(t, Config{})
	createAccount(t, s, "suite-oubli@atelier.test", testPassword, data.RoleBuyer)
	const next = "/compte/alertes?fait=x"
	cl := newClient(s)
	// leadsTo reports whether a link goes to path with suite=next.
	leadsTo := func(href, path string) bool {
		u, err := url.Parse(href)
		return err == nil && u.Path == path && u.Query().Get("suite") == next
	}

	signin := cl.get(t, signInPath+"?suite="+url.QueryEscape(next))
	forgot, _ := parseHTML(t, signin).Find(`.auth a[href^="` + forgotPath + `"]`).Attr("href")
	if !leadsTo(forgot, forgotPath) {
		t.Fatalf("sign-in page: forgot link %q, want it to carry suite=%s", forgot, next)
	}
	doc := parseHTML(t, cl.get(t, forgot))
	if v, _ := doc.Find(`form input[name=suite]`).Attr("value"); v != next {
		t.Errorf("forgot form: suite = %q, want %q", v, next)
	}
	if back, _ := doc.Find(`.auth a[href^="` + signInPath + `"]`).Attr("href"); !leadsTo(back, signInPath) {
		t.Errorf("forgot page: back to sign-in %q, want suite kept", back)
	}

	if r := cl.post(t, forgotPath, url.Values{"email": {"suite-oubli@atelier.test"}, "suite": {next}}); r.status != http.StatusOK {
		t.Fatalf("forgot: %d", r.status)
	}
	u, _ := url.Parse(linkIn(t, waitMail(t, inbox, 1), resetPath))
	if u.Query().Get("suite") != next {
		t.Fatalf("mailed link %s: suite = %q, want %q", u, u.Query().Get("suite"), next)
	}
	if v, _ := parseHTML(t, cl.get(t, u.RequestURI())).Find(`form input[name=suite]`).Attr("value"); v != next {
		t.Errorf("reset form: suite = %q, want %q", v, next)
	}
	const newPW = "un autre mot de passe tout neuf"
	r := cl.post(t, resetPath, url.Values{"jeton": {u.Query().Get("jeton")}, "suite": {next}, "password": {"court"}, "password2": {"court"}})
	if v, _ := parseHTML(t, r).Find(`form input[name=suite]`).Attr("value"); r.status != http.StatusBadRequest || v != next {
		t.Errorf("weak password: %d, suite %q; want 400 and the form keeping suite", r.status, v)
	}
	r = cl.post(t, resetPath, url.Values{"jeton": {u.Query().Get("jeton")}, "suite": {next}, "password": {newPW}, "password2": {newPW}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != next || cl.session() == nil {
		t.Errorf("reset: %d to %q, session %v; want %q signed in", r.status, r.header.Get("Location"), cl.session() != nil, next)
	}

	t.Run("a hostile suite is dropped", func(t *testing.T) {
		for i, hostile := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			cl := newClient(s)
			doc := parseHTML(t, cl.get(t, forgotPath+"?suite="+url.QueryEscape(hostile)))
			if n := doc.Find(`input[name=suite]`).Length(); n != 0 {
				t.Errorf("%q: forgot form carries suite", hostile)
			}
			if r := cl.post(t, forgotPath, url.Values{"email": {"suite-oubli@atelier.test"}, "suite": {hostile}}); r.status != http.StatusOK {
				t.Fatalf("forgot: %d", r.status)
			}
			u, _ := url.Parse(linkIn(t, waitMail(t, inbox, 2+i), resetPath))
			if u.Query().Has("suite") {
				t.Errorf("%q: the mailed link carries suite: %s", hostile, u)
			}
			// The link forged with it, and the form posted with it.
			forged := u.RequestURI() + "&suite=" + url.QueryEscape(hostile)
			if n := parseHTML(t, cl.get(t, forged)).Find(`input[name=suite]`).Length(); n != 0 {
				t.Errorf("%q: the reset form carries suite", hostile)
			}
			r := cl.post(t, resetPath, url.Values{"jeton": {u.Query().Get("jeton")}, "suite": {hostile}, "password": {newPW}, "password2": {newPW}})
			if r.status != http.StatusSeeOther || r.header.Get("Location") != accountPath+"?fait=motdepasse" {
				t.Errorf("%q: reset led %d to %q, want %s", hostile, r.status, r.header.Get("Location"), accountPath+"?fait=motdepasse")
			}
		}
	})
}

func TestSessionEndsAtSignOutAndPasswordChange(t *testing.T) {
	s := newTestServer(t, Config{})
	createAccount(t, s, "sessions@atelier.test", testPassword, data.RoleBuyer)

	t.Run("sign-out", func(t *testing.T) {
		cl := signIn(t, s, "sessions@atelier.test", testPassword)
		stolen := *cl.session()
		cl.post(t, signOutPath, nil)
		if cl.session() != nil {
			t.Errorf("the cookie was not deleted")
		}
		replay := newClient(s)
		replay.cookies[sessionCookie] = &stolen
		if r := replay.get(t, accountPath); r.status != http.StatusSeeOther {
			t.Errorf("the old session id still opens /compte: %d", r.status)
		}
	})

	t.Run("password change ends the other sessions", func(t *testing.T) {
		a := signIn(t, s, "sessions@atelier.test", testPassword)
		b := signIn(t, s, "sessions@atelier.test", testPassword)
		const newPW = "encore un autre mot de passe"
		r := a.post(t, accountPath+"/mot-de-passe", url.Values{"current": {testPassword}, "password": {newPW}, "password2": {newPW}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("change password: %d\n%s", r.status, r.body)
		}
		if r := a.get(t, accountPath); r.status != http.StatusOK {
			t.Errorf("the session that changed the password was closed: %d", r.status)
		}
		if r := b.get(t, accountPath); r.status != http.StatusSeeOther {
			t.Errorf("another session survived the password change: %d", r.status)
		}
	})
}

func TestEndOneSession(t *testing.T) {
	s := newTestServer(t, Config{})
	acc := createAccount(t, s, "une@atelier.test", testPassword, data.RoleBuyer)
	a := signIn(t, s, "une@atelier.test", testPassword)
	b := signIn(t, s, "une@atelier.test", testPassword)
	sessions, err := s.store.SessionsOf(context.Background(), acc.ID)
	if err != nil || len(sessions) != 2 {
		t.Fatalf("SessionsOf = %d, %v", len(sessions), err)
	}
	bID := secretHash(b.session().Value)
	if r := a.post(t, accountPath+"/sessions/deconnecter", url.Values{"session": {bID}}); r.status != http.StatusSeeOther {
		t.Fatalf("end session: %d", r.status)
	}
	if r := b.get(t, accountPath); r.status != http.StatusSeeOther {
		t.Errorf("the ended session still works: %d", r.status)
	}
	// Another account cannot end a's session.
	createAccount(t, s, "autre@atelier.test", testPassword, data.RoleBuyer)
	c := signIn(t, s, "autre@atelier.test", testPassword)
	if r := c.post(t, accountPath+"/sessions/deconnecter", url.Values{"session": {secretHash(a.session().Value)}}); r.status != http.StatusNotFound {
		t.Errorf("ending another account's session: %d, want 404", r.status)
	}
	if r := a.get(t, accountPath); r.status != http.StatusOK {
		t.Errorf("a's session was ended by another account: %d", r.status)
	}
}

func TestDisabledAccountCannotSignIn(t *testing.T) {
	s := newTestServer(t, Config{})
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	target := createAccount(t, s, "cible@atelier.test", testPassword, data.RoleBuyer)
	victim := signIn(t, s, "cible@atelier.test", testPassword)
	admin := signIn(t, s, "admin@alliance.test", testPassword)
	if r := admin.post(t, "/admin/comptes/"+target.ID+"/desactiver", nil); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.status)
	}
	if r := victim.get(t, accountPath); r.status != http.StatusSeeOther {
		t.Errorf("the disabled account's session still works: %d", r.status)
	}
	r := newClient(s).post(t, signInPath, url.Values{"email": {"cible@atelier.test"}, "password": {testPassword}})
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "désactivé") {
		t.Errorf("sign-in of a disabled account: %d", r.status)
	}
	if r := admin.post(t, "/admin/comptes/"+target.ID+"/activer", nil); r.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.status)
	}
	signIn(t, s, "cible@atelier.test", testPassword)
}

func TestTenthWrongPasswordThrottled(t *testing.T) {
	s := newTestServer(t, Config{TrustProxy: true}) // X-Forwarded-For gives each attempt its own address
	createAccount(t, s, "cible@atelier.test", testPassword, data.RoleBuyer)
	wrong := url.Values{"email": {"cible@atelier.test"}, "password": {"pas le bon mot de passe"}}
	for i := 1; i <= 9; i++ {
		// each attempt from a new address: the per-account limit is tested
		r := newClient(s, "X-Forwarded-For", "192.0.2."+string(rune('0'+i))).post(t, signInPath, wrong)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, r.status)
		}
	}
	r := newClient(s, "X-Forwarded-For", "198.51.100.10").post(t, signInPath, wrong)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("10th wrong password: %d, want 429", r.status)
	}
	if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	mustContain(t, "429 page", r.body, "Trop de tentatives : réessayez dans 1 minute")
	// The right password is refused too while throttled.
	if r := newClient(s).post(t, signInPath, url.Values{"email": {"cible@atelier.test"}, "password": {testPassword}}); r.status != http.StatusTooManyRequests {
		t.Errorf("right password while throttled: %d, want 429", r.status)
	}
}

func TestWrongPasswordsThrottledPerAddress(t *testing.T) {
	s := newTestServer(t, Config{})
	for i := 1; i <= 9; i++ {
		r := newClient(s).post(t, signInPath, url.Values{"email": {"compte" + string(rune('0'+i)) + "@atelier.test"}, "password": {"devine-t-on ceci"}})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i, r.status)
		}
	}
	if r := newClient(s).post(t, signInPath, url.Values{"email": {"autre@atelier.test"}, "password": {"devine-t-on ceci"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("10th wrong password from one address: %d, want 429", r.status)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	tests := []struct {
		name       string
		trustProxy bool
		header     []string
		wantSecure bool
	}{
		{"plain HTTP", false, nil, false},
		{"proxy says https but is not trusted", false, []string{"X-Forwarded-Proto", "https"}, false},
		{"trusted proxy says https", true, []string{"X-Forwarded-Proto", "https"}, true},
		{"trusted proxy says http", true, []string{"X-Forwarded-Proto", "http"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Config{TrustProxy: tt.trustProxy})
			createAccount(t, s, "cookie@atelier.test", testPassword, data.RoleBuyer)
			cl := newClient(s, tt.header...)
			cl.post(t, signInPath, url.Values{"email": {"cookie@atelier.test"}, "password": {testPassword}})
			first := cl.session()
			if first == nil {
				t.Fatal("no session cookie")
			}
			if !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Path != "/" || first.Secure != tt.wantSecure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v; want true, Lax, /, %v",
					first.HttpOnly, first.SameSite, first.Path, first.Secure, tt.wantSecure)
			}
			// A new session id at every sign-in.
			cl.post(t, signInPath, url.Values{"email": {"cookie@atelier.test"}, "password": {testPassword}})
			if cl.session() == nil || cl.session().Value == first.Value {
				t.Errorf("the session id was not renewed at sign-in")
			}
		})
	}
}

func TestSessionCookieSecureOverTLS(t *testing.T) {
	s := newTestServer(t, Config{})
	createAccount(t, s, "tls@atelier.test", testPassword, data.RoleBuyer)
	base := s.serveTLSLoopback(t)
	c := tlsClient(t)
	resp, err := c.Get(base + signInPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var csrf string
	for _, ck := range resp.Cookies() {
		if ck.Name == csrfCookie {
			csrf = ck.Value
			if !ck.Secure {
				t.Errorf("CSRF cookie over TLS is not Secure")
			}
		}
	}
	form := url.Values{"email": {"tls@atelier.test"}, "password": {testPassword}, csrfField: {csrfTokenOf(csrf)}}
	req, _ := http.NewRequest(http.MethodPost, base+signInPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: csrf})
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	found := false
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			found = true
			if !ck.Secure || !ck.HttpOnly {
				t.Errorf("session cookie over TLS: Secure=%v HttpOnly=%v", ck.Secure, ck.HttpOnly)
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie over TLS (status %d)", resp.StatusCode)
	}
}

func TestOpenRedirectRefused(t *testing.T) {
	s := newTestServer(t, Config{})
	createAccount(t, s, "suite@atelier.test", testPassword, data.RoleBuyer)
	tests := []struct {
		name, next, want string
	}{
		{"local path", "/recherche?q=bois", "/recherche?q=bois"},
		{"protocol-relative", "//evil.example/x", accountPath},
		{"backslash", "/\\evil.example", accountPath},
		{"absolute", "https://evil.example/", accountPath},
		{"scheme without slashes", "https:evil.example", accountPath},
		{"javascript", "javascript:alert(1)", accountPath},
		{"tab trick", "/\t/evil.example", accountPath},
		{"empty", "", accountPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := newClient(s)
			r := cl.post(t, signInPath, url.Values{"email": {"suite@atelier.test"}, "password": {testPassword}, "suite": {tt.next}})
			if r.status != http.StatusSeeOther || r.header.Get("Location") != tt.want {
				t.Errorf("suite=%q: %d to %q, want %q", tt.next, r.status, r.header.Get("Location"), tt.want)
			}
		})
	}
}

func TestRequireSignInAndAdmin(t *testing.T) {
	s := newTestServer(t, Config{})
	createAccount(t, s, "acheteur@atelier.test", testPassword, data.RoleBuyer)
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	anon := newClient(s)
	if r := anon.get(t, "/admin/comptes"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/connexion?suite=%2Fadmin%2Fcomptes" {
		t.Errorf("anonymous /admin/comptes: %d to %q", r.status, r.header.Get("Location"))
	}
	buyer := signIn(t, s, "acheteur@atelier.test", testPassword)
	for _, p := range []string{"/admin/comptes", "/admin/courriels"} {
		if r := buyer.get(t, p); r.status != http.StatusForbidden || !strings.Contains(r.body, "réservée aux administrateurs") {
			t.Errorf("buyer on %s: %d, want 403", p, r.status)
		}
	}
	admin := signIn(t, s, "admin@alliance.test", testPassword)
	r := admin.get(t, "/admin/comptes")
	mustContain(t, "admin accounts", r.body, "acheteur@atelier.test", "désactiver", "Administration")
}

// TestPreHijackingPrevented: someone signs up first with another person's
// address and a password of their own. The owner of the address can
// neither confirm with the stranger's password nor be trapped with it: a
// sign-in link (or a reset) drops it, and the stranger cannot sign in.
func TestPreHijackingPrevented(t *testing.T) {
	s, inbox := newMailServer(t, Config{})
	const strangers = "le mot de passe de l'intrus"
	newClient(s).post(t, signUpPath, url.Values{"email": {"victime@atelier.test"}, "password": {strangers}, "password2": {strangers}})
	confirm := linkIn(t, waitMail(t, inbox, 1), confirmPath)
	u, _ := url.Parse(confirm)

	owner := newClient(s)
	r := owner.post(t, confirmPath, url.Values{"jeton": {u.Query().Get("jeton")}, "password": {testPassword}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Mot de passe oublié") {
		t.Fatalf("the owner confirming with their own password: %d, want 401 pointing to the reset", r.status)
	}
	// The owner signs in by link instead.
	owner.post(t, signInPath, url.Values{"email": {"victime@atelier.test"}, "action": {"lien"}})
	l, _ := url.Parse(linkIn(t, waitMail(t, inbox, 2), linkPath))
	if r := owner.post(t, linkPath, url.Values{"jeton": {l.Query().Get("jeton")}}); r.status != http.StatusSeeOther || owner.session() == nil {
		t.Fatalf("sign-in link: %d", r.status)
	}
	if r := newClient(s).post(t, signInPath, url.Values{"email": {"victime@atelier.test"}, "password": {strangers}}); r.status != http.StatusUnauthorized {
		t.Errorf("the stranger's password still signs in: %d", r.status)
	}
	// The owner chooses a password without knowing the stranger's.
	page := owner.get(t, accountPath).body
	mustContain(t, "account page", page, "Choisir un mot de passe")
	if strings.Contains(page, `name="current"`) {
		t.Errorf("the form asks for a current password the account does not have")
	}
	if r := owner.post(t, accountPath+"/mot-de-passe", url.Values{"password": {testPassword}, "password2": {testPassword}}); r.status != http.StatusSeeOther {
		t.Fatalf("choose a password: %d", r.status)
	}
	signIn(t, s, "victime@atelier.test", testPassword)
}
