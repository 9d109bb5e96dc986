package web

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/web/password"
)

// testCSRFSecret is the CSRF cookie the test helpers send.
const testCSRFSecret = "test-csrf-secret-0123456789abcdefghijklmnop"

// withCSRF adds the token a browser would post after loading the form,
// and returns the Cookie header that goes with it.
func withCSRF(fields url.Values) (url.Values, string) {
	out := url.Values{}
	for k, v := range fields {
		out[k] = v
	}
	out.Set(csrfField, csrfTokenOf(testCSRFSecret))
	return out, csrfCookie + "=" + testCSRFSecret
}

// newMailServer is a test server whose mails go to an SMTP server
// started in the test; inbox lists what it received.
func newMailServer(t testing.TB, cfg Config) (*testServer, func() []receivedMail) {
	t.Helper()
	addr, inbox := startTestSMTP(t)
	return newTestServerDeps(t, cfg, Deps{Mail: testSMTPSender(t, addr)}), inbox
}

// createAccount stores a confirmed account with this password.
func createAccount(t testing.TB, s *testServer, email, pw string, role data.Role) data.Account {
	t.Helper()
	hash, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	a := data.Account{ID: newID("a"), Email: email, Role: role, PasswordHash: hash, Verified: true}
	if err := s.store.PutAccount(context.Background(), a, "test"); err != nil {
		t.Fatalf("PutAccount: %v", err)
	}
	return a
}

// client is a browser for app.Test: it keeps cookies and posts forms
// with the CSRF token of its cookie.
type client struct {
	s       *testServer
	cookies map[string]*http.Cookie
	header  []string // sent with every request ("X-Forwarded-Proto", "https")
}

func newClient(s *testServer, header ...string) *client {
	return &client{s: s, cookies: map[string]*http.Cookie{}, header: header}
}

func (cl *client) cookieHeader() string {
	var parts []string
	for _, c := range cl.cookies {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

func (cl *client) do(t testing.TB, method, target string, body io.Reader, header ...string) response {
	t.Helper()
	h := append(append([]string{}, cl.header...), header...)
	if ck := cl.cookieHeader(); ck != "" {
		h = append(h, "Cookie", ck)
	}
	r := cl.s.do(t, method, target, body, h...)
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(cl.cookies, c.Name)
		} else {
			cl.cookies[c.Name] = c
		}
	}
	return r
}

func (cl *client) get(t testing.TB, target string) response {
	t.Helper()
	return cl.do(t, http.MethodGet, target, nil)
}

// csrf returns the token of the client's CSRF cookie, loading a page to
// get one when it has none.
func (cl *client) csrf(t testing.TB) string {
	t.Helper()
	if _, ok := cl.cookies[csrfCookie]; !ok {
		cl.get(t, "/connexion")
	}
	c, ok := cl.cookies[csrfCookie]
	if !ok {
		t.Fatalf("no CSRF cookie after loading a page")
	}
	return csrfTokenOf(c.Value)
}

// post posts a form with the CSRF token, as a browser would.
func (cl *client) post(t testing.TB, target string, fields url.Values) response {
	t.Helper()
	f := url.Values{}
	for k, v := range fields {
		f[k] = v
	}
	f.Set(csrfField, cl.csrf(t))
	return cl.postRaw(t, target, f)
}

// postRaw posts a form as is, without adding a CSRF token.
func (cl *client) postRaw(t testing.TB, target string, fields url.Values) response {
	t.Helper()
	return cl.do(t, http.MethodPost, target, strings.NewReader(fields.Encode()), "Content-Type", "application/x-www-form-urlencoded")
}

// signIn signs an existing account in through /connexion and returns the
// signed-in client; its session cookie is cl.session().
func signIn(t testing.TB, s *testServer, email, pw string) *client {
	t.Helper()
	cl := newClient(s)
	r := cl.post(t, signInPath, url.Values{"email": {email}, "password": {pw}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: status %d, want 303\n%s", email, r.status, r.body)
	}
	if cl.session() == nil {
		t.Fatalf("sign-in of %s set no session cookie", email)
	}
	return cl
}

// session is the client's session cookie, nil when signed out.
func (cl *client) session() *http.Cookie { return cl.cookies[sessionCookie] }

// serveTLSLoopback serves the application over TLS on loopback with
// httptest's certificate; tlsClient trusts it.
func (s *testServer) serveTLSLoopback(t testing.TB) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	cert := ts.TLS.Certificates[0]
	ts.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		<-done
	})
	return "https://" + ln.Addr().String()
}

func tlsClient(t testing.TB) *http.Client {
	t.Helper()
	ts := httptest.NewTLSServer(nil)
	c := ts.Client()
	ts.Close()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}
