package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestUnansweredMethods: a method the server does not know gets 501, a
// known one that the path does not answer gets 405 with Allow, and both
// come as every other error does: the French page (JSON under /api/),
// the security headers, a request ID, one log line with the real method.
func TestUnansweredMethods(t *testing.T) {
	s := newSearchServer(t, Config{})
	form, cookie := withCSRF(url.Values{})
	withToken := []string{"Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie}
	tests := []struct {
		name, method, path string
		header             []string
		status             int
		allow              string // the Allow header, when 405
		text               string // in the page or the JSON error
	}{
		{"unknown method", "FOO", "/", nil, http.StatusNotImplemented, "", "ne prend pas en charge"},
		{"WebDAV method", "PROPFIND", "/recherche", nil, http.StatusNotImplemented, "", "ne prend pas en charge"},
		{"lowercase method", "get", "/", nil, http.StatusNotImplemented, "", "ne prend pas en charge"},
		{"unknown method, API", "FOO", "/api/v1/tenders", nil, http.StatusNotImplemented, "", "ne prend pas en charge"},
		{"unknown method, no such path", "FOO", "/nulle-part", nil, http.StatusNotImplemented, "", "ne prend pas en charge"},
		{"PUT on the home page", http.MethodPut, "/", nil, http.StatusMethodNotAllowed, "GET, HEAD", "n'accepte pas"},
		{"DELETE on the home page", http.MethodDelete, "/", nil, http.StatusMethodNotAllowed, "GET, HEAD", "n'accepte pas"},
		{"PATCH on the home page", http.MethodPatch, "/", nil, http.StatusMethodNotAllowed, "GET, HEAD", "n'accepte pas"},
		{"TRACE on the home page", http.MethodTrace, "/", nil, http.StatusMethodNotAllowed, "GET, HEAD", "n'accepte pas"},
		{"POST with its token on the home page", http.MethodPost, "/", withToken, http.StatusMethodNotAllowed, "GET, HEAD", "n'accepte pas"},
		{"PUT on a form", http.MethodPut, "/besoin", nil, http.StatusMethodNotAllowed, "GET, HEAD, POST", "n'accepte pas"},
		{"PUT on the API", http.MethodPut, "/api/v1/tenders", nil, http.StatusMethodNotAllowed, "GET, HEAD, OPTIONS", "n'accepte pas"},
		{"POST without token on a form still refused", http.MethodPost, "/besoin", nil, http.StatusForbidden, "", "Ce formulaire a expiré"},
		{"PUT on no path at all", http.MethodPut, "/nulle-part", nil, http.StatusNotFound, "", "n'existe pas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.log.String())
			r := s.do(t, tt.method, tt.path, strings.NewReader(form.Encode()), tt.header...)
			if r.status != tt.status {
				t.Fatalf("%s %s = %d, want %d; body:\n%.300s", tt.method, tt.path, r.status, tt.status, r.body)
			}
			if got := r.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "X-Request-Id"} {
				if r.header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
			if isAPI(tt.path) {
				var body map[string]string
				if err := json.Unmarshal([]byte(r.body), &body); err != nil || !strings.Contains(body["error"], tt.text) {
					t.Errorf("API body = %q, want JSON whose error says %q", r.body, tt.text)
				}
			} else {
				mustContain(t, "error page", html.UnescapeString(r.body), `<html lang="fr">`, tt.text)
			}
			logged := s.log.String()[before:]
			if want := "method=" + tt.method + " "; !strings.Contains(logged, want) {
				t.Errorf("log lacks %q:\n%s", want, logged)
			}
			if strings.Contains(logged, "level=ERROR") {
				t.Errorf("a client's method was logged as a server error:\n%s", logged)
			}
		})
	}
}
