package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestForgedHostNeverReachesAbsoluteLinks requests, with a forged Host
// header, every page and export that writes absolute links: the share
// link of a need and the « Fiche Fabrique » column of the CSV exports
// come from the configured public URL, or by default from the address
// served, never from the request.
func TestForgedHostNeverReachesAbsoluteLinks(t *testing.T) {
	for _, tt := range []struct {
		name, publicURL, want string
	}{
		{"configured public URL", "https://fabrique.example.fr", "https://fabrique.example.fr/"},
		{"default: the address served", "", "http://127.0.0.1:8080/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSearchServer(t, Config{PublicURL: tt.publicURL})
			r := s.postForm(t, "http://evil.example/besoin", validNeedForm())
			need := r.header.Get("Location")
			if r.status != http.StatusSeeOther || !strings.HasPrefix(need, "/besoins/") {
				t.Fatalf("post = %d, Location %q", r.status, need)
			}
			pages := []struct {
				path string
				want string // an absolute link the answer must hold
			}{
				{need, tt.want + strings.TrimPrefix(need, "/")},         // the share link
				{need + "/fournisseurs.csv", tt.want + "fournisseurs/"}, // « Fiche Fabrique »
				{"/recherche.csv?q=faience", tt.want + "fournisseurs/"},
			}
			for _, p := range pages {
				for _, forged := range [][]string{
					{"Host", "evil.example"},
					{"X-Forwarded-Host", "evil.example"},
				} {
					req := "http://127.0.0.1:8080" + p.path
					if forged[0] == "Host" {
						req = "http://evil.example" + p.path
					}
					got := s.get(t, req, forged...)
					if got.status != http.StatusOK {
						t.Fatalf("GET %s (%s: evil.example) = %d", p.path, forged[0], got.status)
					}
					if strings.Contains(got.body, "evil.example") {
						t.Errorf("GET %s: the forged %s header reached the answer", p.path, forged[0])
					}
					if !strings.Contains(got.body, p.want) {
						t.Errorf("GET %s: no absolute link %q", p.path, p.want)
					}
				}
			}
		})
	}
}
