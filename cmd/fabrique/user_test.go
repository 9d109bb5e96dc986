package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web/password"
)

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	const pw = "la première administratrice"

	out, _, err := runCmd(t, env(), "user", "add", "--admin", "admin@alliance.test", "--password", pw, "--data", dir)
	if err != nil || !strings.Contains(out, "Compte admin@alliance.test créé (administrateur de l'Alliance)") {
		t.Fatalf("user add --admin: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, env(), "user", "add", "acheteur@mairie.test", "--password", "motdepasse123", "--data", dir); err == nil ||
		!strings.Contains(err.Error(), "mot de passe refusé") {
		t.Errorf("a common password was accepted: %v", err)
	}
	if _, _, err := runCmd(t, env(), "user", "add", "court@mairie.test", "--password", "court", "--data", dir); err == nil {
		t.Errorf("a short password was accepted")
	}
	if _, _, err := runCmd(t, env(), "user", "add", "acheteur@mairie.test", "--password", "acheteur@mairie.test", "--data", dir); err == nil {
		t.Errorf("the address as password was accepted")
	}
	out, _, err = runCmd(t, env(), "user", "add", "acheteur@mairie.test", "--password", "une phrase de l'acheteur", "--data", dir)
	if err != nil || !strings.Contains(out, "Compte acheteur@mairie.test créé (acheteur).") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, env(), "user", "add", "acheteur@mairie.test", "--password", "une autre phrase encore", "--data", dir); err == nil {
		t.Errorf("adding an existing account twice succeeded")
	}
	if _, _, err := runCmd(t, env(), "user", "add", "pas une adresse", "--password", pw, "--data", dir); err == nil {
		t.Errorf("an invalid address was accepted")
	}

	out, _, err = runCmd(t, env(), "user", "list", "--data", dir)
	if err != nil {
		t.Fatalf("user list: %v", err)
	}
	for _, want := range []string{"administrateur de l'Alliance", "acheteur@mairie.test  acheteur ", "actif"} {
		if !strings.Contains(out, want) {
			t.Errorf("user list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "buyer") || strings.Contains(out, "admin ") {
		t.Errorf("user list shows the roles' codes, not their French names:\n%s", out)
	}

	out, _, err = runCmd(t, env(), "user", "disable", "acheteur@mairie.test", "--data", dir)
	if err != nil || !strings.Contains(out, "désactivé") {
		t.Fatalf("user disable: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, env(), "user", "disable", "inconnu@mairie.test", "--data", dir); err == nil {
		t.Errorf("disabling an unknown account succeeded")
	}
	if _, _, err := runCmd(t, env(), "user", "remove", "--data", dir); err == nil {
		t.Errorf("an unknown subcommand succeeded")
	}
	if _, _, err := runCmd(t, env(), "user", "add", "efface@mairie.test", "--password", pw, "--data", dir); err != nil {
		t.Fatalf("user add: %v", err)
	}
	out, _, err = runCmd(t, env(), "user", "delete", "efface@mairie.test", "--motif", "Courrier du 3 décembre (efface@mairie.test)", "--data", dir)
	if err != nil || !strings.Contains(out, "Compte efface@mairie.test supprimé (0 session fermée") {
		t.Fatalf("user delete: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, env(), "user", "delete", "efface@mairie.test", "--data", dir); err == nil {
		t.Errorf("deleting a deleted account succeeded")
	}

	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	admin, err := st.AccountByEmail(ctx, "admin@alliance.test")
	if err != nil {
		t.Fatal(err)
	}
	var deletion []string
	if err := st.Audit(ctx, "", func(e data.AuditEntry) error {
		if e.Action == "account.delete" {
			deletion = append(deletion, e.Actor+": "+e.Detail)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := "cli:user: compte supprimé par un administrateur ; motif : Courrier du 3 décembre (" + store.ErasedAddress + ")"; len(deletion) != 1 || deletion[0] != want {
		t.Errorf("journal of user delete: %q, want %q", deletion, want)
	}
	if admin.Role != data.RoleAdmin || !admin.Verified || admin.Disabled {
		t.Errorf("admin account = %+v", admin)
	}
	if ok, err := password.Check(pw, admin.PasswordHash); !ok || err != nil {
		t.Errorf("the admin's password does not check: %v, %v", ok, err)
	}
	if !strings.HasPrefix(admin.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id with OWASP parameters", admin.PasswordHash)
	}
	buyer, err := st.AccountByEmail(ctx, "acheteur@mairie.test")
	if err != nil || !buyer.Disabled || buyer.Role != data.RoleBuyer {
		t.Errorf("buyer = %+v, %v; want disabled buyer", buyer, err)
	}
}

func TestReadPasswordLine(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"line", "une phrase de passe\nreste", "une phrase de passe", false},
		{"CRLF", "une phrase de passe\r\n", "une phrase de passe", false},
		{"no newline", "une phrase de passe", "une phrase de passe", false},
		{"empty", "", "", true},
		{"empty line", "\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readPasswordLine(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("readPasswordLine(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			var ue *userError
			if err != nil && !errors.As(err, &ue) {
				t.Errorf("error %v is not a userError", err)
			}
		})
	}
}

func TestMailOptions(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"bad TLS mode", []string{"--smtp-tls", "ssl"}, "--smtp-tls"},
		{"bad port", []string{"--smtp-port", "99999"}, "--smtp-port"},
		{"bad sender", []string{"--mail-from", "pas une adresse"}, "--mail-from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tt.args...)
			_, _, err := runCmd(t, env(), args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("serve %v: %v, want an error about %s", tt.args, err, tt.wantErr)
			}
		})
	}
}

// TestFirstAdminSignsIn follows the README's first steps: user add
// --admin, then serve behind a proxy; the admin signs in and reads the
// outbox, and serve's log says where mail goes.
func TestFirstAdminSignsIn(t *testing.T) {
	dir := t.TempDir()
	const pw = "la première administratrice"
	if _, _, err := runCmd(t, env(), "user", "add", "--admin", "admin@alliance.test", "--password", pw, "--data", dir); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, env("FABRIQUE_BEHIND_PROXY", "1"), "--data", dir)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// The form's token is in the page (its cookie in the jar), as a browser
	// reads it.
	resp, err := c.Get(s.url + "connexion")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in /connexion")
	}
	form := url.Values{"email": {"admin@alliance.test"}, "password": {pw}, "_csrf": {string(m[1])}}
	req, _ := http.NewRequest(http.MethodPost, s.url+"connexion", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "fabrique_session" {
			session = ck
		}
	}
	if session == nil || !session.Secure {
		t.Fatalf("session cookie behind a proxy saying https: %+v, want Secure", session)
	}
	// The jar keeps Secure cookies for https only: send it by hand.
	req, _ = http.NewRequest(http.MethodGet, s.url+"admin/courriels", nil)
	req.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /admin/courriels as the admin: %d", resp.StatusCode)
	}
	if log := s.stderr.String(); !strings.Contains(log, "mail=") || !strings.Contains(log, "outbox") {
		t.Errorf("serve does not log where mail goes:\n%s", log)
	}
}

// TestAskPasswordFromPipe: without --password and without a terminal, the
// password is the first line of standard input.
func TestAskPasswordFromPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		_, _ = w.WriteString("une phrase de passe lue\n")
		_ = w.Close()
	}()
	var prompt strings.Builder
	got, err := askPassword(r, &prompt)
	if err != nil || got != "une phrase de passe lue" {
		t.Errorf("askPassword = %q, %v", got, err)
	}
	if prompt.Len() != 0 {
		t.Errorf("prompted %q without a terminal", prompt.String())
	}
}
