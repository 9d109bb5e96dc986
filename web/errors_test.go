package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		header     []string
		wantStatus int
		wantText   string // French text expected in the page and the JSON
		apiText    string // when the JSON says it otherwise
	}{
		{"not found", fmt.Errorf("store: supplier 1: %w", data.ErrNotFound), nil, 404, "La page demandée n'existe pas", "La ressource demandée n'existe pas"},
		{"too many requests", fiber.ErrTooManyRequests, nil, 429, "trop de demandes", ""},
		{"invalid", data.ErrInvalid, nil, 400, "La demande contient une valeur incorrecte.", ""},
		{"validation message shown", fmt.Errorf("store: %w", &data.ValidationError{Field: "siret", Message: "le SIRET doit compter 14 chiffres"}), nil, 400, "le SIRET doit compter 14 chiffres", ""},
		{"conflict", fmt.Errorf("store: %w", data.ErrConflict), nil, 409, "conflit avec l'état actuel", ""},
		{"unauthorized without credentials", data.ErrUnauthorized, nil, 401, "identifier", ""},
		{"forbidden with credentials", data.ErrUnauthorized, []string{"Authorization", "Bearer nope"}, 403, "pas le droit", ""},
		{"too large", fmt.Errorf("import: %w", data.ErrTooLarge), nil, 413, "dépasse la taille autorisée", ""},
		{"store locked", fmt.Errorf("x: %w", store.ErrLocked), nil, 503, "occupées par une autre opération", ""},
		{"fiber error keeps its status", fiber.ErrMethodNotAllowed, nil, 405, "n'accepte pas", ""},
		{"anything else", errors.New("boom: secret detail"), nil, 500, "Une erreur inattendue", ""},
	}
	s := newTestServer(t, Config{})
	for i, tt := range tests {
		path := fmt.Sprintf("/test-error/%d", i)
		s.app.Get(path, func(*fiber.Ctx) error { return tt.err })
		s.app.Get("/api"+path, func(*fiber.Ctx) error { return tt.err })
	}
	for i, tt := range tests {
		t.Run(tt.name+"/html", func(t *testing.T) {
			r := s.get(t, fmt.Sprintf("/test-error/%d", i), tt.header...)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", r.status, tt.wantStatus)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q, want text/html", ct)
			}
			page := unescapeHTML(r.body)
			if !strings.Contains(page, tt.wantText) || !strings.Contains(page, `<html lang="fr">`) {
				t.Errorf("page lacks %q or lang=fr:\n%s", tt.wantText, r.body)
			}
			if strings.Contains(r.body, "secret detail") {
				t.Errorf("page leaks the internal error text")
			}
		})
		t.Run(tt.name+"/json", func(t *testing.T) {
			r := s.get(t, fmt.Sprintf("/api/test-error/%d", i), tt.header...)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", r.status, tt.wantStatus)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var got struct{ Error string }
			if err := json.Unmarshal([]byte(r.body), &got); err != nil {
				t.Fatalf("body %q is not JSON: %v", r.body, err)
			}
			want := tt.wantText
			if tt.apiText != "" {
				want = tt.apiText
			}
			if !strings.Contains(got.Error, want) {
				t.Errorf("error = %q, want it to contain %q", got.Error, want)
			}
		})
	}
	// Two 5xx cases (503, 500), each requested as HTML and as JSON.
	if n := strings.Count(s.log.String(), `msg="request failed"`); n != 4 {
		t.Errorf("server errors logged %d times, want 4 (once per 5xx request); log:\n%s", n, s.log)
	}
}

// unescapeHTML undoes html/template's escaping of apostrophes and quotes,
// so that expectations read as French.
func unescapeHTML(s string) string {
	return strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&amp;", "&").Replace(s)
}

func TestNotFoundPageIsFrench(t *testing.T) {
	s := newTestServer(t, Config{})
	r := s.get(t, "/nulle-part")
	if r.status != http.StatusNotFound {
		t.Fatalf("GET /nulle-part = %d, want 404", r.status)
	}
	for _, want := range []string{`<html lang="fr">`, "<h1>Page introuvable</h1>", "Erreur 404", "Retour à l'accueil"} {
		if !strings.Contains(unescapeHTML(r.body), want) {
			t.Errorf("404 page lacks %q", want)
		}
	}
	r = s.get(t, "/api/nulle-part")
	if r.status != http.StatusNotFound || !strings.HasPrefix(r.body, `{"error":`) {
		t.Errorf("GET /api/nulle-part = %d %q, want 404 with a JSON error", r.status, r.body)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	s := newTestServer(t, Config{})
	s.app.Get("/test-panic", func(*fiber.Ctx) error { panic("kaboom") })
	r := s.get(t, "/test-panic")
	if r.status != http.StatusInternalServerError || !strings.Contains(r.body, "Erreur interne") {
		t.Fatalf("GET /test-panic = %d, want 500 with the French error page", r.status)
	}
	if log := s.log.String(); !strings.Contains(log, "kaboom") || !strings.Contains(log, "goroutine") {
		t.Errorf("the panic and its stack were not logged:\n%s", log)
	}
	// The server still answers after a panic.
	if r := s.get(t, "/healthz"); r.status != http.StatusOK {
		t.Errorf("GET /healthz after a panic = %d, want 200", r.status)
	}
}

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, Config{BodyLimit: 1024})
	s.app.Post("/test-body", func(c *fiber.Ctx) error { return c.SendString(fmt.Sprint(len(c.Body()))) })
	// fasthttp rejects an oversized body before any handler and app.Test
	// reports that as an error, so this test goes through a real listener.
	base := s.serveLoopback(t)
	tests := []struct {
		name string
		size int
		want int
	}{
		{"under the limit", 1000, http.StatusOK},
		{"over the limit", 4096, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, base+"/test-body", strings.NewReader(strings.Repeat("x", tt.size)))
			if err != nil {
				t.Fatal(err)
			}
			_, cookie := withCSRF(nil) // the CSRF check runs before the handler
			req.Header.Set("Content-Type", "text/plain")
			req.Header.Set("Cookie", cookie)
			req.Header.Set(csrfHeader, csrfTokenOf(testCSRFSecret))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("POST %d bytes = %d, want %d", tt.size, resp.StatusCode, tt.want)
			}
			if tt.want == http.StatusRequestEntityTooLarge {
				if !strings.Contains(string(body), "Contenu trop volumineux") {
					t.Errorf("413 page is not the French error page:\n%s", body)
				}
				if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("413 page: X-Content-Type-Options = %q, want nosniff", got)
				}
			}
		})
	}
}

func TestTemplateErrorSendsNoHalfPage(t *testing.T) {
	s := newTestServer(t, Config{})
	broken := template.Must(template.New("layout.html").Parse(`<p>DÉBUT DE PAGE</p>{{.Missing}}`))
	s.pages.pages["broken"] = broken
	s.app.Get("/test-broken", func(c *fiber.Ctx) error {
		return s.render(c, http.StatusOK, "broken", &homePage{})
	})
	r := s.get(t, "/test-broken")
	if r.status != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", r.status)
	}
	if strings.Contains(r.body, "DÉBUT DE PAGE") {
		t.Errorf("a half-rendered page was sent:\n%s", r.body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, path := range []string{"/", "/healthz", "/nulle-part"} {
		r := s.get(t, path)
		for header, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "strict-origin-when-cross-origin",
			"X-Frame-Options":         "DENY",
		} {
			if got := r.header.Get(header); !strings.HasPrefix(got, want) {
				t.Errorf("GET %s: %s = %q, want %q", path, header, got, want)
			}
		}
	}
}

func TestRequestsAreLogged(t *testing.T) {
	s := newTestServer(t, Config{})
	s.get(t, "/nulle-part")
	log := s.log.String()
	for _, want := range []string{`msg=request`, `method=GET`, `path=/nulle-part`, `status=404`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}
