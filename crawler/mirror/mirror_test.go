package mirror

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"fabrique/data"
)

func get(t *testing.T, srv *httptest.Server, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func TestEPVRecords(t *testing.T) {
	srv := httptest.NewServer(New(Config{}).Handler())
	defer srv.Close()
	const records = "/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/records"
	seen := 0
	for offset := 0; ; offset += 100 {
		res, b := get(t, srv, records+"?limit=100&offset="+strconv.Itoa(offset), nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("offset %d: status %d", offset, res.StatusCode)
		}
		var page struct {
			Total   int              `json:"total_count"`
			Results []map[string]any `json:"results"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		if page.Total != 1298 {
			t.Fatalf("total_count = %d, want 1298", page.Total)
		}
		if len(page.Results) == 0 {
			break
		}
		seen += len(page.Results)
		if g, ok := page.Results[0]["geolocetablissement"].(map[string]any); !ok || g["lat"] == nil || g["lon"] == nil {
			t.Errorf("offset %d: geolocetablissement = %v, want {lat, lon}", offset, page.Results[0]["geolocetablissement"])
		}
	}
	if seen != 1298 {
		t.Errorf("records served = %d, want 1298", seen)
	}
	tests := []struct {
		name   string
		query  string
		status int
	}{
		{"default limit", "", http.StatusOK},
		{"limit over 100", "?limit=101", http.StatusBadRequest},
		{"negative offset", "?offset=-1", http.StatusBadRequest},
		{"beyond Opendatasoft's depth", "?limit=100&offset=9950", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if res, _ := get(t, srv, records+tc.query, nil); res.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tc.status)
			}
		})
	}
}

func TestConditionalAnswers(t *testing.T) {
	srv := httptest.NewServer(New(Config{}).Handler())
	defer srv.Close()
	path := "/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/records?limit=100&offset=0"
	res, body := get(t, srv, path, nil)
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") || len(body) == 0 {
		t.Fatalf("ETag %q: want a strong ETag", etag)
	}
	if res, b := get(t, srv, path, map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified || len(b) != 0 {
		t.Errorf("matching If-None-Match: status %d, %d bytes; want 304, empty", res.StatusCode, len(b))
	}
	if res, _ := get(t, srv, path, map[string]string{"If-None-Match": `"other"`}); res.StatusCode != http.StatusOK {
		t.Errorf("other ETag: status %d, want 200", res.StatusCode)
	}
	if res, _ := get(t, srv, path, map[string]string{"If-Modified-Since": res.Header.Get("Last-Modified")}); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", res.StatusCode)
	}
	other := strings.Replace(path, "offset=0", "offset=100", 1)
	if res2, _ := get(t, srv, other, nil); res2.Header.Get("ETag") == etag {
		t.Error("two different pages share an ETag")
	}
}

func TestEPVCSVExport(t *testing.T) {
	srv := httptest.NewServer(New(Config{}).Handler())
	defer srv.Close()
	res, b := get(t, srv, "/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/exports/csv", nil)
	if res.StatusCode != http.StatusOK || !bytes.Equal(b, data.EmbeddedEPVCSV()) {
		t.Errorf("CSV export: status %d, %d bytes; want the embedded export", res.StatusCode, len(b))
	}
}

func TestSitesAndFeeds(t *testing.T) {
	srv := httptest.NewServer(New(Config{}).Handler())
	defer srv.Close()
	tests := []struct {
		path   string
		status int
		has    []string
	}{
		{"/robots.txt", 200, []string{"Disallow: /jsonld/prive/"}},
		{"/ofg/annuaire-des-produits-certifies/", 200, []string{"Exemple fictif", "categorie/maison-ameublement/"}},
		{"/ofg/annuaire-des-produits-certifies/categorie/maison-ameublement/", 200, []string{"Exemple fictif", `class="next page-numbers"`, "OFG-FIC-0101"}},
		{"/ofg/annuaire-des-produits-certifies/categorie/maison-ameublement/page/2/", 200, []string{"Exemple fictif", `class="prev page-numbers"`}},
		{"/ofg/annuaire-des-produits-certifies/categorie/maison-ameublement/page/9/", 404, nil},
		{"/ofg/annuaire-des-produits-certifies/produit/couteaux-de-table-monts/", 200, []string{"Exemple fictif", "titulaire__nom", "(fictif)", `datetime="2027-02-28"`}},
		{"/ofg/annuaire-des-produits-certifies/produit/inconnu/", 404, nil},
		{"/jsonld/sitemap.xml", 200, []string{"<sitemapindex", srv.URL + "/jsonld/sitemap-fabricants.xml"}},
		{"/jsonld/sitemap-fabricants.xml", 200, []string{"<urlset", "/jsonld/fabricants/verrerie-des-brumes.html"}},
		{"/jsonld/fabricants/verrerie-des-brumes.html", 200, []string{`application/ld+json`, `"@type":"Organization"`, "Exemple fictif"}},
		{"/api/explore/v2.1/catalog/datasets/boamp/records?limit=100", 200, []string{`"total_count":90`, `"idweb"`}},
		{"/boamp/xml/", 200, []string{`"test-pub"`, "/boamp/xml/test-pub.xml"}},
		{"/boamp/xml/test-pub.xml", 200, []string{"<?xml"}},
		{"/ted/eforms/", 200, []string{`"E1_minimal"`}},
		{"/ted/eforms/E1_minimal.xml", 200, []string{"PriorInformationNotice"}},
		{"/ted/eforms/absent.xml", 404, nil},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res, b := get(t, srv, tc.path, nil)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			for _, s := range tc.has {
				if !strings.Contains(string(b), s) {
					t.Errorf("body lacks %q", s)
				}
			}
		})
	}
	res, b := get(t, srv, "/ted/eforms/", nil)
	var idx struct {
		Notices []struct{ ID, URL string } `json:"notices"`
	}
	if err := json.Unmarshal(b, &idx); err != nil || res.StatusCode != 200 || len(idx.Notices) != 80 {
		t.Errorf("TED index: %d notices (%v), want 80", len(idx.Notices), err)
	}
}

func TestBaseURLs(t *testing.T) {
	got := BaseURLs("http://127.0.0.1:8081/")
	if got["epv"] != "http://127.0.0.1:8081" || got["ofg"] != "http://127.0.0.1:8081/ofg" || got["jsonld"] != "http://127.0.0.1:8081/jsonld" {
		t.Errorf("BaseURLs = %v", got)
	}
}
