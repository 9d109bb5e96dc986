package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestAPISuppliers(t *testing.T) {
	rich := richSupplier()
	s := newSearchServer(t, Config{}, rich)

	t.Run("shape", func(t *testing.T) {
		r := s.get(t, "/api/v1/suppliers?q=ebenisterie&per_page=3")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d, Content-Type %q; want 200 application/json", r.status, r.header.Get("Content-Type"))
		}
		var raw map[string]json.RawMessage
		decodeJSON(t, r, &raw)
		for _, k := range []string{"total", "results", "facets"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("answer lacks %q", k)
			}
		}
		var results []map[string]any
		if err := json.Unmarshal(raw["results"], &results); err != nil || len(results) != 3 {
			t.Fatalf("results: %v, %d of them; want 3", err, len(results))
		}
		var keys []string
		for k := range results[0] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := []string{"departement", "distance_km", "id", "label_states", "labels", "naf", "name", "region", "commune", "score", "siren", "siret", "url"}
		sort.Strings(want)
		if !slices.Equal(keys, want) {
			t.Errorf("result keys = %v, want %v", keys, want)
		}
		if u, _ := results[0]["url"].(string); !strings.HasPrefix(u, "http") || !strings.Contains(u, "/fournisseurs/") {
			t.Errorf("url = %q, want an absolute link to the supplier page", u)
		}
		var page apiSuppliersPage
		decodeJSON(t, r, &page)
		if page.Total < 5 || page.Page != 1 || page.PerPage != 3 {
			t.Errorf("total %d page %d per_page %d", page.Total, page.Page, page.PerPage)
		}
		for _, f := range []string{"label", "region", "departement", "naf_section", "naf_division", "univers"} {
			if len(page.Facets[f]) == 0 {
				t.Errorf("facet %q missing or empty", f)
			}
		}
		for _, c := range page.Facets["region"] {
			if c.Value == "" || c.Label == "" || c.Count <= 0 {
				t.Errorf("région facet entry %+v, want value, French label and count", c)
			}
		}
	})

	t.Run("filters and radius", func(t *testing.T) {
		var page apiSuppliersPage
		decodeJSON(t, s.get(t, "/api/v1/suppliers?near=Lyon&radius_km=30&sort=distance&per_page=100&label=EPV"), &page)
		if page.Near == nil || page.Near.Label != "Lyon (69)" {
			t.Fatalf("near = %+v, want Lyon (69)", page.Near)
		}
		if len(page.Results) < 10 {
			t.Fatalf("%d results within 30 km of Lyon, want at least 10", len(page.Results))
		}
		prev := 0.0
		for _, r := range page.Results {
			if r.DistanceKm == nil || *r.DistanceKm > 30 || *r.DistanceKm < prev {
				t.Fatalf("%s at %v km: want within 30 km, nearest first", r.Name, r.DistanceKm)
			}
			prev = *r.DistanceKm
			if !slices.Contains(r.Labels, "EPV") {
				t.Errorf("%s lacks the EPV label it was filtered on", r.Name)
			}
		}
		var byNAF apiSuppliersPage
		decodeJSON(t, s.get(t, "/api/v1/suppliers?naf=31&per_page=100"), &byNAF)
		for _, r := range byNAF.Results {
			if !strings.HasPrefix(r.NAF, "31.") {
				t.Errorf("naf=31 returned %s with NAF %s", r.Name, r.NAF)
			}
		}
		if byNAF.Total == 0 {
			t.Errorf("no furniture maker (NAF 31) found")
		}
	})

	t.Run("invalid parameters answer 400 in French", func(t *testing.T) {
		for _, q := range []string{
			"per_page=101", "per_page=0", "per_page=abc", "page=0", "page=200&per_page=100",
			"radius_km=-1", "radius_km=10", "sort=distance", "sort=proximite", "region=99", "departement=999",
			"label=XYZ", "naf=99.99Z", "cpv=45212350-9", "headcount=77", "near=Atlantide", "near=95.1,200",
			"departement_code=69", "q=" + strings.Repeat("x", 300),
		} {
			r := s.get(t, "/api/v1/suppliers?"+q)
			var body map[string]string
			if r.status != http.StatusBadRequest || json.Unmarshal([]byte(r.body), &body) != nil || body["error"] == "" {
				t.Errorf("%s: %d %s; want 400 {\"error\": …}", q, r.status, r.body)
				continue
			}
			if strings.Contains(body["error"], "invalid") || strings.Contains(body["error"], "web:") {
				t.Errorf("%s: error %q is not a message for people", q, body["error"])
			}
		}
		r := s.get(t, "/api/v1/suppliers?departement_code=69")
		if !strings.Contains(r.body, "paramètre inconnu") || !strings.Contains(r.body, "departement_code") {
			t.Errorf("unknown parameter: %s", r.body)
		}
	})

	t.Run("one supplier with provenance", func(t *testing.T) {
		if err := s.store.PutAwards(context.Background(), []data.Award{{ID: "decp-2019-pes:7", Source: "decp-2019-pes",
			Buyer: data.Buyer{Name: "Métropole de Lyon"}, CPV: "39241000", Amount: 1000,
			NotifiedAt: time.Date(2019, 1, 7, 0, 0, 0, 0, time.UTC),
			Winners:    []data.Winner{{Name: rich.Name, SIRET: rich.Establishments[0].SIRET}}}}); err != nil {
			t.Fatal(err)
		}
		r := s.get(t, "/api/v1/suppliers/"+rich.SIREN)
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var got map[string]any
		decodeJSON(t, r, &got)
		for _, k := range []string{"id", "siren", "name", "establishments", "address", "naf", "labels", "products", "provenance", "url", "claimed", "awards"} {
			if _, ok := got[k]; !ok {
				t.Errorf("listing lacks %q", k)
			}
		}
		if _, ok := got["claimed_by"]; ok {
			t.Errorf("the listing exposes the account that claimed it")
		}
		prov, _ := got["provenance"].(map[string]any)
		if p, _ := prov["products"].(map[string]any); p["owner"] != true || p["source"] != "owner" {
			t.Errorf("provenance of products = %v, want declared by the owner", prov["products"])
		}
		if aw, _ := got["awards"].([]any); len(aw) != 1 {
			t.Errorf("awards = %v, want the one contract won", got["awards"])
		}
		bySIRET := s.get(t, "/api/v1/suppliers/"+rich.Establishments[0].SIRET)
		if bySIRET.status != http.StatusOK || !strings.Contains(bySIRET.body, `"id":"`+rich.ID+`"`) {
			t.Errorf("by SIRET: %d, want the company's listing", bySIRET.status)
		}
	})

	t.Run("404 and 400 for one supplier", func(t *testing.T) {
		for _, tt := range []struct {
			path   string
			status int
		}{
			{"/api/v1/suppliers/" + luhnComplete("12345678"), http.StatusNotFound},
			{"/api/v1/suppliers/123", http.StatusBadRequest},
			{"/api/v1/suppliers/" + url.PathEscape("<script>"), http.StatusBadRequest},
			{"/api/v1/suppliers/" + rich.SIREN + "?fields=name", http.StatusBadRequest},
		} {
			r := s.get(t, tt.path)
			var body map[string]string
			if r.status != tt.status || json.Unmarshal([]byte(r.body), &body) != nil || body["error"] == "" {
				t.Errorf("GET %s = %d %s; want %d with {\"error\": …}", tt.path, r.status, r.body, tt.status)
			}
		}
	})

	t.Run("suggestions", func(t *testing.T) {
		var got struct {
			Suggestions []apiSuggestion `json:"suggestions"`
		}
		decodeJSON(t, s.get(t, "/api/v1/suggest?q=coutellerie+des+pen"), &got)
		if len(got.Suggestions) == 0 || got.Suggestions[0].Name != rich.Name || got.Suggestions[0].URL != supplierURL(rich.ID) {
			t.Errorf("suggestions for « coutellerie des pen » = %+v, want %s first", got.Suggestions, rich.Name)
		}
		empty := s.get(t, "/api/v1/suggest?q=")
		if empty.status != http.StatusOK || !strings.Contains(empty.body, `"suggestions":[]`) {
			t.Errorf("empty prefix: %d %s, want an empty list", empty.status, empty.body)
		}
		if r := s.get(t, "/api/v1/suggest?q=ab&limit=21"); r.status != http.StatusBadRequest {
			t.Errorf("limit 21 = %d, want 400", r.status)
		}
		var communes struct {
			Communes []struct{ Label string } `json:"communes"`
		}
		decodeJSON(t, s.get(t, "/api/v1/communes?q=lyo&limit=3"), &communes)
		if len(communes.Communes) == 0 || len(communes.Communes) > 3 || communes.Communes[0].Label != "Lyon (69)" {
			t.Errorf("communes for « lyo » = %+v, want Lyon (69) first, 3 at most", communes.Communes)
		}
	})
}

func BenchmarkAPISuppliersWithFacets(b *testing.B) {
	s := newSearchServer(b, Config{RateLimit: RateLimit{PerSecond: -1}})
	queries := []string{"q=ebenisterie", "q=bijou&region=84", "near=Lyon&radius_km=50", "label=EPV&naf=C", "q=verre&near=Paris"}
	i := 0
	for b.Loop() {
		if r := s.get(b, "/api/v1/suppliers?"+queries[i%len(queries)]); r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
		i++
	}
}

// A repeated search is answered from the cache of encoded answers, yet a
// write to the index shows at once, and a forged Host header never reaches
// the URLs (they come from Config.PublicURL).
func TestAPISuppliersCachedAnswersFollowWrites(t *testing.T) {
	s := newSearchServer(t, Config{})
	const target = "/api/v1/suppliers?q=%C3%A9b%C3%A9nisterie&per_page=50"
	first := s.get(t, target)
	if first.status != 200 {
		t.Fatalf("status %d: %s", first.status, first.body)
	}
	if again := s.get(t, target); again.body != first.body || again.header.Get("Content-Type") != first.header.Get("Content-Type") {
		t.Fatalf("a repeated search answered differently:\n%s\n%s", first.body, again.body)
	}
	other := s.get(t, "http://evil.example"+target)
	var page apiSuppliersPage
	decodeJSON(t, other, &page)
	if len(page.Results) == 0 || !strings.HasPrefix(page.Results[0].URL, "http://127.0.0.1:8080/") || strings.Contains(other.body, "evil.example") {
		t.Fatalf("a forged Host header reached the URLs: %+v", page.Results)
	}

	decodeJSON(t, first, &page)
	ctx := context.Background()
	sup, err := s.store.Supplier(ctx, page.Results[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	sup.Name = "Ébénisterie Témoin du Cache"
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.index.Apply(ctx, s.store, []string{sup.ID}); err != nil {
		t.Fatal(err)
	}
	after := s.get(t, target)
	if !strings.Contains(after.body, "Ébénisterie Témoin du Cache") {
		t.Fatalf("the cached answer outlived the write: %s", after.body)
	}
}
