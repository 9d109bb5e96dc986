package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// openAPIDoc is the part of the OpenAPI document the test checks.
type openAPIDoc struct {
	OpenAPI string                                 `json:"openapi"`
	Paths   map[string]map[string]openAPIOperation `json:"paths"`
}

type openAPIOperation struct {
	Parameters []struct {
		Name string `json:"name"`
		In   string `json:"in"`
		Ref  string `json:"$ref"`
	} `json:"parameters"`
	Responses map[string]json.RawMessage `json:"responses"`
}

// fiberParamRe matches a path parameter of a fiber route (":id").
var fiberParamRe = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// openAPIPath writes a fiber route path the OpenAPI way ("{id}").
func openAPIPath(p string) string { return fiberParamRe.ReplaceAllString(p, "{$1}") }

// TestOpenAPIMatchesRoutes checks openapi.json against the real route
// table both ways, and the parameters of each operation against those the
// handlers accept (apiParams).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc openAPIDoc
	if err := json.Unmarshal([]byte(openAPIDocument), &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	s := newSearchServer(t, Config{}) // with an index: every route is registered
	routed := map[string]bool{}       // "GET /api/v1/suppliers/{siren}"
	params := apiParams()
	for _, r := range s.routes() {
		if !strings.HasPrefix(r.path, "/api/") {
			continue
		}
		key := r.method + " " + openAPIPath(r.path)
		routed[key] = true
		op, ok := doc.Paths[openAPIPath(r.path)][strings.ToLower(r.method)]
		if !ok {
			t.Errorf("route %s is not documented in openapi.json", key)
			continue
		}
		want, ok := params[r.path]
		if !ok {
			t.Errorf("route %s has no entry in apiParams (api.go): list the parameters it accepts", key)
			continue
		}
		var got []string
		for _, p := range op.Parameters {
			if p.Ref != "" {
				t.Errorf("%s: parameter $ref %q: write parameters inline so that this test can read them", key, p.Ref)
				continue
			}
			got = append(got, p.Name)
			if p.In == "path" && !strings.Contains(r.path, ":"+p.Name) {
				t.Errorf("%s: documented path parameter %q is not in the route %s", key, p.Name, r.path)
			}
		}
		for _, m := range fiberParamRe.FindAllStringSubmatch(r.path, -1) {
			if !slices.Contains(got, m[1]) {
				t.Errorf("%s: path parameter %q is not documented", key, m[1])
			}
		}
		sort.Strings(got)
		want = slices.Clone(want)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: documented parameters %v, the handler accepts %v", key, got, want)
		}
		if _, ok := op.Responses["429"]; !ok {
			t.Errorf("%s: the 429 answer of the rate limit is not documented", key)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			key := strings.ToUpper(method) + " " + path
			if !routed[key] {
				t.Errorf("openapi.json documents %s, which is not routed", key)
			}
		}
	}
	for p := range params {
		if !routed["GET "+openAPIPath(p)] && !routed["POST "+openAPIPath(p)] {
			t.Errorf("apiParams lists %s, which is not routed", p)
		}
	}

	r := s.get(t, "/api/v1/openapi.json")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || r.body != openAPIDocument {
		t.Errorf("GET /api/v1/openapi.json = %d %q, want the document as JSON", r.status, r.header.Get("Content-Type"))
	}
}
