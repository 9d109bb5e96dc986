package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestAPIPage checks the page that explains the API to people: every
// operation of the document, the rate limit in force, the licences, the
// link to the document.
func TestAPIPage(t *testing.T) {
	tests := []struct {
		name  string
		limit RateLimit
		want  []string
	}{
		{"default limit", RateLimit{}, []string{"20 requêtes par seconde par adresse IP, par rafales de 40", "Retry-After"}},
		{"own limit", RateLimit{PerSecond: 5, Burst: 7}, []string{"5 requêtes par seconde par adresse IP, par rafales de 7"}},
		{"no limit", RateLimit{PerSecond: -1}, []string{"Ce serveur ne limite pas le nombre de requêtes."}},
	}
	_, ops, err := apiOperations(openAPIDocument)
	if err != nil || len(ops) < 10 {
		t.Fatalf("apiOperations = %d operations, %v", len(ops), err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSearchServer(t, Config{RateLimit: tt.limit, PublicURL: "https://fabrique.example.fr"})
			r := s.get(t, "/api")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET /api = %d %q, want an HTML page", r.status, r.header.Get("Content-Type"))
			}
			doc := parseHTML(t, r)
			if got := textOf(doc.Find("h1")); got != "L'API de Fabrique" {
				t.Errorf("h1 = %q", got)
			}
			if doc.Find(`a[href="/api/v1/openapi.json"]`).Length() == 0 {
				t.Error("no link to /api/v1/openapi.json")
			}
			if doc.Find(`nav a[href="/api"][aria-current="page"]`).Length() != 1 {
				t.Error("the navigation does not mark the API section")
			}
			rows := texts(doc, "table.api-operations tbody tr")
			if len(rows) != len(ops) {
				t.Errorf("%d operations listed, the document has %d", len(rows), len(ops))
			}
			for i, op := range ops {
				if i < len(rows) && rows[i] != normSpace(op.Method+" "+op.Path+" "+op.Summary) {
					t.Errorf("row %d = %q, want %s %s %s", i, rows[i], op.Method, op.Path, op.Summary)
				}
			}
			body := normSpace(textOf(doc.Find("main")))
			for _, want := range append(tt.want, "https://fabrique.example.fr/api/v1/suppliers?q=menuiserie&departement=69",
				"Licence Ouverte 2.0", "CC BY 4.0", "If-None-Match") {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			// Refused (no such route, and no CSRF token) with the site's HTML page, not JSON.
			if e := s.do(t, http.MethodPost, "/api", nil); (e.status != http.StatusMethodNotAllowed && e.status != http.StatusForbidden) || !strings.HasPrefix(e.header.Get("Content-Type"), "text/html") {
				t.Errorf("POST /api = %d %q, want the HTML error page of the site", e.status, e.header.Get("Content-Type"))
			}
		})
	}
}
