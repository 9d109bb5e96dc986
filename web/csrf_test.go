package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fabrique/data"
)

// TestCSRFRefused posts to every state-changing route without a token and
// with a wrong one: each is refused with 403 and changes nothing; the
// same request with the token is not refused for CSRF.
func TestCSRFRefused(t *testing.T) {
	s := newTestServer(t, Config{})
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	target := createAccount(t, s, "cible@atelier.test", testPassword, data.RoleBuyer)
	admin := signIn(t, s, "admin@alliance.test", testPassword)

	routes := []struct {
		path   string
		fields url.Values
	}{
		{signUpPath, url.Values{"email": {"nouveau@atelier.test"}, "password": {testPassword}, "password2": {testPassword}}},
		{confirmPath, url.Values{"jeton": {"x"}}},
		{signInPath, url.Values{"email": {"admin@alliance.test"}, "password": {testPassword}}},
		{linkPath, url.Values{"jeton": {"x"}}},
		{signOutPath, nil},
		{forgotPath, url.Values{"email": {"cible@atelier.test"}}},
		{resetPath, url.Values{"jeton": {"x"}}},
		{accountPath + "/profil", url.Values{"name": {"Nouveau nom"}}},
		{accountPath + "/mot-de-passe", url.Values{"current": {testPassword}, "password": {"un autre mot de passe sûr"}, "password2": {"un autre mot de passe sûr"}}},
		{accountPath + "/sessions/deconnecter", url.Values{"session": {"x"}}},
		{"/admin/comptes/" + target.ID + "/desactiver", nil},
		{"/admin/comptes/" + target.ID + "/reinitialiser", nil},
	}
	for _, rt := range routes {
		t.Run(rt.path, func(t *testing.T) {
			for _, token := range []string{"", "wrong-token"} {
				f := url.Values{}
				for k, v := range rt.fields {
					f[k] = v
				}
				if token != "" {
					f.Set(csrfField, token)
				}
				r := admin.postRaw(t, rt.path, f)
				if r.status != http.StatusForbidden || !strings.Contains(r.body, "Ce formulaire a expiré") {
					t.Errorf("POST %s with token %q: %d, want 403", rt.path, token, r.status)
				}
			}
		})
	}
	// Nothing changed: the admin is still signed in, the target enabled,
	// no account created, no mail queued.
	if r := admin.get(t, accountPath); r.status != http.StatusOK || strings.Contains(r.body, "Nouveau nom") {
		t.Errorf("the admin's session or name changed: %d", r.status)
	}
	ctx := context.Background()
	if a, _ := s.store.Account(ctx, target.ID); a.Disabled {
		t.Errorf("the target was disabled without a CSRF token")
	}
	if _, err := s.store.AccountByEmail(ctx, "nouveau@atelier.test"); err == nil {
		t.Errorf("an account was created without a CSRF token")
	}
	if mails, _ := s.store.Outbox(ctx, 10); len(mails) != 0 {
		t.Errorf("%d mails queued without a CSRF token", len(mails))
	}
	// With the token, the same request goes through.
	if r := admin.post(t, accountPath+"/profil", url.Values{"name": {"Nouveau nom"}}); r.status != http.StatusSeeOther {
		t.Errorf("with the token: %d, want 303", r.status)
	}
}

func TestCSRFOnNeedForm(t *testing.T) {
	s := newSearchServer(t, Config{})
	r := s.do(t, http.MethodPost, "/besoin", strings.NewReader(validNeedForm().Encode()), "Content-Type", "application/x-www-form-urlencoded")
	if r.status != http.StatusForbidden {
		t.Errorf("POST /besoin without a token: %d, want 403", r.status)
	}
	if r := s.postForm(t, "/besoin", validNeedForm()); r.status != http.StatusSeeOther {
		t.Errorf("POST /besoin with the token: %d, want 303", r.status)
	}
	mustContain(t, "need form", s.get(t, "/besoin").body, `<input type="hidden" name="_csrf" value="`)
}

func TestCSRFOnJSONAPI(t *testing.T) {
	s := newSearchServer(t, Config{})
	body := `{"title": "Menuiserie", "cpv": ["45421000"]}`
	if r := s.postJSON(t, "/api/v1/match", body); r.status == http.StatusForbidden {
		t.Errorf("API request without the session cookie refused: %d", r.status)
	}
	createAccount(t, s, "api@atelier.test", testPassword, data.RoleBuyer)
	cl := signIn(t, s, "api@atelier.test", testPassword)
	if r := cl.do(t, http.MethodPost, "/api/v1/match", strings.NewReader(body), "Content-Type", "application/json"); r.status != http.StatusForbidden {
		t.Errorf("API request with the session cookie and no token: %d, want 403", r.status)
	}
	r := cl.do(t, http.MethodPost, "/api/v1/match", strings.NewReader(body), "Content-Type", "application/json", csrfHeader, cl.csrf(t))
	if r.status != http.StatusOK {
		t.Errorf("API request with the session cookie and the token: %d, want 200\n%s", r.status, r.body)
	}
}
