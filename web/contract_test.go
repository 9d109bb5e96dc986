package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"fabrique/crawler/notice"
	"fabrique/data"
)

// The contract test: the real server, on the embedded EPV companies and on
// real tender and award notices imported as `fabrique import` does, called
// over a real listener for every operation that openapi.json documents;
// each request and each answer (status, headers, body) is checked against
// the document by kin-openapi's validator.
//
// A new API route is documented in openapi.json (TestOpenAPIMatchesRoutes
// and TestAPIContract fail on an undocumented one) and gets its cases in
// contractCases, keyed by its operationId: at least one success and one
// client error, or TestAPIContract fails.

// contractCase is one request of the contract and the status it must get.
type contractCase struct {
	name   string
	target string // path and query
	body   string // POST body (JSON)
	header []string
	status int
	// contentType is the media type of the answer: application/json
	// unless told.
	contentType string
}

// contractFixtures are the identifiers of real records of the contract
// server, for the cases.
type contractFixtures struct {
	siren    string // a supplier, with public contracts when the notices have some
	tenderID string
}

// contractCases lists the cases of each documented operation, by
// operationId.
func contractCases(fx contractFixtures) map[string][]contractCase {
	const json = "application/json"
	ct := []string{"Content-Type", json}
	return map[string][]contractCase{
		"searchSuppliers": {
			{name: "text", target: "/api/v1/suppliers?q=menuiserie", status: 200},
			{name: "filters and place", target: "/api/v1/suppliers?q=bois&label=EPV&departement=69&near=Lyon%20(69)&radius_km=80&sort=distance&per_page=5&page=2", status: 200},
			{name: "facet filters", target: "/api/v1/suppliers?naf_section=C&cpv_division=39&headcount=11", status: 200},
			{name: "nothing found", target: "/api/v1/suppliers?q=zzzqqqxxwv&departement=976", status: 200},
			{name: "empty query", target: "/api/v1/suppliers", status: 200},
			{name: "unknown parameter", target: "/api/v1/suppliers?qq=bois", status: 400},
			{name: "page out of range", target: "/api/v1/suppliers?page=0", status: 400},
			{name: "unknown place", target: "/api/v1/suppliers?near=Nullepart-sur-Rien", status: 400},
		},
		"getSupplier": {
			{name: "by SIREN", target: "/api/v1/suppliers/" + fx.siren, status: 200},
			{name: "unknown SIREN", target: "/api/v1/suppliers/732829320", status: 404},
			{name: "malformed", target: "/api/v1/suppliers/abc", status: 400},
		},
		"suggestSuppliers": {
			{name: "prefix", target: "/api/v1/suggest?q=fauc&limit=5", status: 200},
			{name: "empty", target: "/api/v1/suggest", status: 200},
			{name: "limit too high", target: "/api/v1/suggest?q=a&limit=500", status: 400},
		},
		"suggestCommunes": {
			{name: "name", target: "/api/v1/communes?q=lyo", status: 200},
			{name: "postcode", target: "/api/v1/communes?q=35000&limit=3", status: 200},
			{name: "bad limit", target: "/api/v1/communes?q=lyo&limit=x", status: 400},
		},
		"suggestCPV": {
			{name: "code", target: "/api/v1/cpv?q=4542", status: 200},
			{name: "words", target: "/api/v1/cpv?q=menuiserie&limit=3", status: 200},
			{name: "trade word, through its NAF activity", target: "/api/v1/cpv?q=d%C3%A9colletage&limit=3", status: 200},
			{name: "unknown parameter", target: "/api/v1/cpv?code=45", status: 400},
		},
		"matchNeed": {
			{name: "need", target: "/api/v1/match", header: ct, status: 200,
				body: `{"title":"Restauration de menuiseries anciennes","cpv":["45421000"],"departement":"69","limit":5}`},
			{name: "need with lots", target: "/api/v1/match", header: ct, status: 200,
				body: `{"title":"Mobilier","lots":[{"title":"Tables en bois","cpv":["39121100"]},{"title":"Vitraux","departement":"35"}]}`},
			{name: "neither title nor CPV", target: "/api/v1/match", header: ct, status: 400, body: `{"departement":"69"}`},
			{name: "invalid CPV", target: "/api/v1/match", header: ct, status: 400, body: `{"cpv":["45421001"]}`},
			{name: "not JSON", target: "/api/v1/match", header: []string{"Content-Type", "text/plain"}, status: 415, body: `menuiserie`},
		},
		"listTenders": {
			{name: "all", target: "/api/v1/tenders?state=all", status: 200},
			{name: "open (default)", target: "/api/v1/tenders", status: 200},
			{name: "filters", target: "/api/v1/tenders?state=all&cpv=45&departement=81&per_page=1", status: 200},
			{name: "bad state", target: "/api/v1/tenders?state=maybe", status: 400},
			{name: "bad date", target: "/api/v1/tenders?deadline_from=demain", status: 400},
		},
		"getTender": {
			{name: "tender", target: "/api/v1/tenders/" + url.PathEscape(fx.tenderID), status: 200},
			{name: "unknown", target: "/api/v1/tenders/nope", status: 404},
		},
		"matchTender": {
			{name: "matches", target: "/api/v1/tenders/" + url.PathEscape(fx.tenderID) + "/matches?limit=5", status: 200},
			{name: "unknown", target: "/api/v1/tenders/nope/matches", status: 404},
			{name: "bad limit", target: "/api/v1/tenders/" + url.PathEscape(fx.tenderID) + "/matches?limit=0", status: 400},
		},
		"statsCoverage": {
			{name: "all", target: "/api/v1/stats/coverage", status: 200},
			{name: "region and label", target: "/api/v1/stats/coverage?region=84&label=EPV", status: 200},
			{name: "departement", target: "/api/v1/stats/coverage?departement=69&format=json", status: 200},
			{name: "csv", target: "/api/v1/stats/coverage?format=csv", status: 200, contentType: "text/csv"},
			{name: "accept csv", target: "/api/v1/stats/coverage?region=53", header: []string{"Accept", "text/csv"}, status: 200, contentType: "text/csv"},
			{name: "unknown region", target: "/api/v1/stats/coverage?region=99", status: 400},
			{name: "bad label", target: "/api/v1/stats/coverage?label=XYZ", status: 400},
			{name: "bad format", target: "/api/v1/stats/coverage?format=xlsx", status: 400},
			{name: "unknown parameter", target: "/api/v1/stats/coverage?regions=84", status: 400},
		},
		"statsTenders": {
			{name: "all", target: "/api/v1/stats/tenders", status: 200},
			{name: "period", target: "/api/v1/stats/tenders?period=2024-01..2026-12&region=84", status: 200},
			{name: "csv", target: "/api/v1/stats/tenders?format=csv", status: 200, contentType: "text/csv"},
			{name: "bad period", target: "/api/v1/stats/tenders?period=hier", status: 400},
			{name: "departement outside the region", target: "/api/v1/stats/tenders?region=53&departement=69", status: 400},
		},
		"statsAwards": {
			{name: "all", target: "/api/v1/stats/awards", status: 200},
			{name: "year and label", target: "/api/v1/stats/awards?period=2024&label=OFG", status: 200},
			{name: "nothing in the period", target: "/api/v1/stats/awards?period=1999-01", status: 200},
			{name: "csv", target: "/api/v1/stats/awards?format=csv&region=84", status: 200, contentType: "text/csv"},
			{name: "bad period", target: "/api/v1/stats/awards?period=2024-13", status: 400},
			{name: "unknown departement", target: "/api/v1/stats/awards?departement=00", status: 400},
		},
		"statsSources": {
			{name: "all", target: "/api/v1/stats/sources", status: 200},
			{name: "csv", target: "/api/v1/stats/sources?format=csv", status: 200, contentType: "text/csv"},
			{name: "filter not accepted", target: "/api/v1/stats/sources?region=84", status: 400},
			{name: "bad format", target: "/api/v1/stats/sources?format=pdf", status: 400},
		},
		"statsHistory": {
			{name: "all", target: "/api/v1/stats/history", status: 200},
			{name: "period", target: "/api/v1/stats/history?period=2020..", status: 200},
			{name: "nothing in the period", target: "/api/v1/stats/history?period=1999", status: 200},
			{name: "csv", target: "/api/v1/stats/history?format=csv", status: 200, contentType: "text/csv"},
			{name: "bad period", target: "/api/v1/stats/history?period=2024-02-30", status: 400},
			{name: "bad region", target: "/api/v1/stats/history?region=Bretagne-Sud", status: 400},
		},
		"openAPI": {
			{name: "document", target: "/api/v1/openapi.json", status: 200},
			{name: "unknown parameter", target: "/api/v1/openapi.json?format=yaml", status: 400},
		},
	}
}

// contractNotices are the real notices the contract server imports: tender
// notices (eForms, BOAMP, OCDS) and awards (eForms, DECP).
var contractNotices = []string{
	"../cmd/fabrique/testdata/notices",
	"../crawler/notice/testdata/boamp",
	"../crawler/notice/testdata/ocds",
	"../crawler/notice/testdata/decp",
}

// importNotices parses and stores the notices of paths as `fabrique
// import` does; files the readers refuse are skipped.
func importNotices(t testing.TB, s *testServer, paths ...string) (tenders, awards int) {
	t.Helper()
	ctx := context.Background()
	for _, root := range paths {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			format, err := notice.Detect(filepath.Base(path), b[:min(len(b), 4096)])
			if err != nil {
				return nil
			}
			opts := notice.Options{Now: func() time.Time { return testClock }, Previous: func(id string) (data.Tender, bool) {
				tender, err := s.store.TenderBySourceID(ctx, id)
				return tender, err == nil
			}}
			res, _ := notice.Parse(format, bytes.NewReader(b), opts)
			for _, tender := range res.Tenders {
				if _, _, err := s.store.FoldNotice(ctx, tender, "test:import"); err != nil {
					t.Logf("%s: %s not stored: %v", path, tender.ID, err)
					continue
				}
				tenders++
			}
			if len(res.Awards) > 0 {
				if err := s.store.PutAwards(ctx, res.Awards); err != nil {
					return err
				}
				awards += len(res.Awards)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("importing %s: %v", root, err)
		}
	}
	return tenders, awards
}

// contractServer is the server of the contract: the embedded EPV
// companies, real notices, no rate limit, on a real listener.
type contractServer struct {
	*testServer
	base   string // "http://127.0.0.1:PORT"
	doc    *openapi3.T
	router routers.Router
	fx     contractFixtures
}

func newContractServer(t *testing.T) *contractServer {
	t.Helper()
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	tenders, awards := importNotices(t, s, contractNotices...)
	if tenders == 0 || awards == 0 {
		t.Fatalf("imported %d tenders and %d awards, want some of each", tenders, awards)
	}
	// A day of the observatory's history, for /api/v1/stats/history; waiting
	// for it also waits out the first build of the figures (freshFacts).
	if _, err := s.TakeStatsSnapshot(context.Background(), true); err != nil {
		t.Fatalf("taking the stats snapshot: %v", err)
	}
	cs := &contractServer{testServer: s, base: s.serveLoopback(t)}
	cs.doc, cs.router = loadContract(t, cs.fetch(t, http.MethodGet, "/api/v1/openapi.json", "", nil).response.body, cs.base)

	ctx := context.Background()
	for _, sup := range epvSuppliers(t) {
		if cs.fx.siren == "" && data.ValidSIREN(sup.SIREN) == nil {
			cs.fx.siren = sup.SIREN
		}
		if aw, err := s.store.AwardsBySIREN(ctx, sup.SIREN); err == nil && len(aw) > 0 {
			cs.fx.siren = sup.SIREN
			break
		}
	}
	_ = s.store.Tenders(ctx, func(tender data.Tender) error {
		if cs.fx.tenderID == "" || len(tender.Lots) > 1 {
			cs.fx.tenderID = tender.ID
		}
		return nil
	})
	return cs
}

// loadContract loads and validates an OpenAPI document, its examples
// included unless told otherwise, and builds the router that finds the
// operation of a request.
func loadContract(t *testing.T, doc, base string, opts ...openapi3.ValidationOption) (*openapi3.T, routers.Router) {
	t.Helper()
	ctx := context.Background()
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData([]byte(doc))
	if err != nil {
		t.Fatalf("loading openapi.json: %v", err)
	}
	if opts == nil {
		opts = []openapi3.ValidationOption{openapi3.EnableExamplesValidation()}
	} else {
		dropExamples(d) // the router validates the document with them
	}
	if err := d.Validate(ctx, opts...); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	// The document's server is "/": the router needs the real address.
	d.Servers = openapi3.Servers{{URL: base}}
	r, err := legacy.NewRouter(d)
	if err != nil {
		t.Fatalf("routing openapi.json: %v", err)
	}
	return d, r
}

// missingExamples says what an operation lacks of an example request (a
// parameter's or the body's) and an example answer, or "".
func missingExamples(op *openapi3.Operation) string {
	var missing []string
	if len(op.Parameters) > 0 && !slices.ContainsFunc(op.Parameters, func(p *openapi3.ParameterRef) bool {
		return p.Value != nil && (p.Value.Example != nil || len(p.Value.Examples) > 0)
	}) {
		missing = append(missing, "an example of its parameters")
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt == nil || (mt.Example == nil && len(mt.Examples) == 0) {
			missing = append(missing, "an example of its request body")
		}
	}
	answered := false
	for status, r := range op.Responses.Map() {
		if strings.HasPrefix(status, "2") && r.Value != nil {
			if mt := r.Value.Content.Get("application/json"); mt != nil && (mt.Example != nil || len(mt.Examples) > 0) {
				answered = true
			}
		}
	}
	if !answered {
		missing = append(missing, "an example of its successful answer")
	}
	if missing == nil {
		return ""
	}
	return "the document lacks " + strings.Join(missing, ", ")
}

// dropExamples removes the examples of the operations' answers.
func dropExamples(d *openapi3.T) {
	for _, item := range d.Paths.Map() {
		for _, op := range item.Operations() {
			for _, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				for _, mt := range r.Value.Content {
					mt.Example = nil
				}
			}
		}
	}
}

// exchange is a request sent to the contract server and its answer.
type exchange struct {
	req  *http.Request
	body []byte // of the request
	response
}

// fetch sends one request to the server over its listener.
func (cs *contractServer) fetch(t *testing.T, method, target, body string, header []string) exchange {
	t.Helper()
	req, err := http.NewRequest(method, cs.base+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return exchange{req: req, body: []byte(body), response: readAnswer(t, method+" "+target, resp)}
}

// readAnswer reads and closes an answer received over the network.
func readAnswer(t *testing.T, what string, resp *http.Response) response {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the answer: %v", what, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// The CSV answers (the observatory's figures) are for French spreadsheets:
// a UTF-8 BOM, then records separated by ";". kin-openapi's own text/csv
// decoder splits on ","; this one checks that every record has the
// header's number of fields and hands the text to the schema (a string).
func init() {
	openapi3filter.RegisterBodyDecoder("text/csv", func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(b, []byte("\uFEFF")) {
			return nil, errors.New("the CSV does not start with a UTF-8 BOM")
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
		r.Comma = ';'
		records, err := r.ReadAll()
		if err != nil {
			return nil, err
		}
		if len(records) == 0 {
			return nil, errors.New("the CSV has no header")
		}
		return string(b), nil
	})
}

// validateExchange checks a request and its answer against the document
// behind router: the request's error, then the answer's.
func validateExchange(router routers.Router, x exchange) (reqErr, respErr error) {
	ctx := context.Background()
	req := x.req.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(x.body))
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		return err, err
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: opts}
	reqErr = openapi3filter.ValidateRequest(ctx, in)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.status, Header: x.header,
		Body: io.NopCloser(strings.NewReader(x.response.body)), Options: opts}
	return reqErr, openapi3filter.ValidateResponse(ctx, out)
}

// undocumentedRoutes lists the API routes of rs that no operation of the
// document ("GET /api/v1/suppliers/{siren}") describes.
func undocumentedRoutes(rs []route, documented []string) []string {
	var out []string
	for _, r := range rs {
		if isAPI(r.path) && !slices.Contains(documented, r.method+" "+openAPIPath(r.path)) {
			out = append(out, fmt.Sprintf("route %s %s is not documented in openapi.json: document it and add its cases to contractCases", r.method, r.path))
		}
	}
	return out
}

// operations lists the operations of a document as "GET /path" →
// operation, in a stable order.
func operations(doc *openapi3.T) (keys []string, ops map[string]*openapi3.Operation) {
	ops = map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			k := method + " " + path
			ops[k] = op
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys, ops
}

// TestAPIContract runs the contract on one server (building it costs
// seconds, and every validation compiles its schema).
func TestAPIContract(t *testing.T) {
	cs := newContractServer(t)
	t.Run("operations", func(t *testing.T) { testContractOperations(t, cs) })
	t.Run("drift is caught", func(t *testing.T) { testContractCatchesDrift(t, cs) })
	t.Run("protocol errors", func(t *testing.T) { testContractProtocolErrors(t, cs) })
	t.Run("every record", func(t *testing.T) { testContractEveryRecord(t, cs) })
	t.Run("search text forms", func(t *testing.T) { testContractSearchTextForms(t, cs) }) // contract_search_test.go
	t.Run("generated client", func(t *testing.T) { testGeneratedClient(t, cs) })          // apiclient_test.go
}

// TestUndocumentedRoutesAreCaught proves the contract fails on a new API
// route that openapi.json does not describe.
func TestUndocumentedRoutesAreCaught(t *testing.T) {
	documented := []string{"GET /api/v1/suppliers/{siren}", "POST /api/v1/match"}
	tests := []struct {
		name   string
		routes []route
		want   int
	}{
		{"documented", []route{{"GET", "/api/v1/suppliers/:siren", nil}, {"POST", "/api/v1/match", nil}}, 0},
		{"a page is not the API", []route{{"GET", "/api", nil}, {"GET", "/recherche", nil}}, 0},
		{"a new route", []route{{"GET", "/api/v1/stats", nil}}, 1},
		{"a new method on a documented path", []route{{"DELETE", "/api/v1/suppliers/:siren", nil}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := undocumentedRoutes(tt.routes, documented); len(got) != tt.want {
				t.Errorf("undocumentedRoutes = %q, want %d", got, tt.want)
			}
		})
	}
}

// testContractOperations calls every documented operation with its cases.
func testContractOperations(t *testing.T, cs *contractServer) {
	cases := contractCases(cs.fx)
	keys, ops := operations(cs.doc)

	for _, msg := range undocumentedRoutes(cs.routes(), keys) {
		t.Error(msg)
	}

	for _, k := range keys {
		op := ops[k]
		method, _, _ := strings.Cut(k, " ")
		t.Run(op.OperationID, func(t *testing.T) {
			list, ok := cases[op.OperationID]
			if !ok {
				t.Fatalf("%s (operationId %q) has no cases in contractCases", k, op.OperationID)
			}
			if msg := missingExamples(op); msg != "" {
				t.Errorf("%s: %s", k, msg)
			}
			var success, clientError bool
			for _, c := range list {
				success = success || c.status/100 == 2
				clientError = clientError || c.status/100 == 4
				t.Run(c.name, func(t *testing.T) {
					x := cs.fetch(t, method, c.target, c.body, c.header)
					if x.status != c.status {
						t.Errorf("%s %s = %d, want %d; body %.300s", method, c.target, x.status, c.status, x.response.body)
					}
					reqErr, respErr := validateExchange(cs.router, x)
					if c.status/100 == 2 && reqErr != nil {
						t.Errorf("the request does not follow the document: %v", reqErr)
					}
					if reqErr != nil && x.status/100 == 2 {
						t.Errorf("a request the document refuses was answered %d: %v", x.status, reqErr)
					}
					if respErr != nil {
						t.Errorf("the answer %d does not follow the document: %v\nbody: %.500s", x.status, respErr, x.response.body)
					}
					want := "application/json"
					if c.contentType != "" && x.status/100 == 2 {
						want = c.contentType
					}
					if ct := x.header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
						t.Errorf("Content-Type = %q, want %s", ct, want)
					}
				})
			}
			if !success || !clientError {
				t.Errorf("%s: the cases need at least one success (2xx) and one client error (4xx)", k)
			}
		})
	}
	for id := range cases {
		if !slices.ContainsFunc(keys, func(k string) bool { return ops[k].OperationID == id }) {
			t.Errorf("contractCases has cases for %q, which openapi.json does not document", id)
		}
	}
}

// testContractCatchesDrift proves the contract can fail: an answer
// that drifts from the document (a null where an array is promised) and a
// document that drifts from the answers (a schema broken on purpose) are
// both refused.
func testContractCatchesDrift(t *testing.T, cs *contractServer) {
	x := cs.fetch(t, http.MethodGet, "/api/v1/suppliers?q=menuiserie", "", nil)
	if _, err := validateExchange(cs.router, x); err != nil {
		t.Fatalf("the real answer does not follow the document: %v", err)
	}

	var page map[string]any
	if err := json.Unmarshal([]byte(x.response.body), &page); err != nil {
		t.Fatal(err)
	}
	page["facets"].(map[string]any)["cpv_division"] = nil
	mutated, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	bad := x
	bad.response.body = string(mutated)
	if _, err := validateExchange(cs.router, bad); err == nil {
		t.Error("an answer with a null facet passed the contract")
	}

	// The observatory's figures: a null list, and a CSV record short of
	// a field.
	awards := cs.fetch(t, http.MethodGet, "/api/v1/stats/awards", "", nil)
	if _, err := validateExchange(cs.router, awards); err != nil {
		t.Fatalf("the real stats answer does not follow the document: %v", err)
	}
	nullList := awards
	nullList.response.body = strings.Replace(awards.response.body, `"by_buyer_type":[`, `"by_buyer_type":null,"x":[`, 1)
	if nullList.response.body == awards.response.body {
		t.Fatal("by_buyer_type was not found to null")
	}
	if _, err := validateExchange(cs.router, nullList); err == nil {
		t.Error("a stats answer with a null list passed the contract")
	}
	sheet := cs.fetch(t, http.MethodGet, "/api/v1/stats/sources?format=csv", "", nil)
	if _, err := validateExchange(cs.router, sheet); err != nil {
		t.Fatalf("the real CSV answer does not follow the document: %v", err)
	}
	sheet.response.body += "epv;directory\n"
	if _, err := validateExchange(cs.router, sheet); err == nil {
		t.Error("a CSV answer with a short record passed the contract")
	}

	broken := strings.Replace(openAPIDocument, `"count": { "type": "integer" }`, `"count": { "type": "string" }`, 1)
	if broken == openAPIDocument {
		t.Fatal("the FacetCount schema was not found to break")
	}
	// The examples follow the real schema, not the broken one.
	_, router := loadContract(t, broken, cs.base, openapi3.DisableExamplesValidation())
	_, err = validateExchange(router, x)
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		t.Errorf("the real answer passed a document whose FacetCount.count is a string: err = %v", err)
	}
}

// testContractProtocolErrors validates against the document the answers
// that come from below the handlers: fasthttp's 431 and 413, the rate
// limit's 429.
func testContractProtocolErrors(t *testing.T, cs *contractServer) {
	limited := &contractServer{testServer: newTestServer(t, Config{RateLimit: RateLimit{PerSecond: 0.001, Burst: 1}})}
	limited.base = limited.serveLoopback(t)
	limited.fetch(t, http.MethodGet, "/api/v1/cpv?q=45", "", nil) // the only token

	long := "/api/v1/suppliers?q=" + strings.Repeat("menuiserie+", 800)
	chunked := "POST /api/v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody(2<<20)
	tests := []struct {
		name   string
		server *contractServer
		method string
		target string
		raw    string // sent as is over TCP; "" sends method and target
		status int
	}{
		{"query string too long", cs, http.MethodGet, long, "GET " + long + " HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge},
		{"chunked body too large", cs, http.MethodPost, "/api/v1/match", chunked, http.StatusRequestEntityTooLarge},
		{"rate limited", limited, http.MethodGet, "/api/v1/cpv?q=45", "", http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var x exchange
			if tt.raw == "" {
				x = tt.server.fetch(t, tt.method, tt.target, "", nil)
			} else {
				req, err := http.NewRequest(tt.method, cs.base+tt.target, nil)
				if err != nil {
					t.Fatal(err)
				}
				x = exchange{req: req, response: rawExchange(t, strings.TrimPrefix(cs.base, "http://"), tt.raw)}
			}
			if x.status != tt.status {
				t.Fatalf("status = %d, want %d: %.200s", x.status, tt.status, x.response.body)
			}
			// The limited server has the same document at another address.
			x.req.URL.Host = strings.TrimPrefix(cs.base, "http://")
			if _, err := validateExchange(cs.router, x); err != nil {
				t.Errorf("the answer does not follow the document: %v", err)
			}
		})
	}
}

// testContractEveryRecord validates the answer of every supplier and
// every tender of the contract server, not only the cases' ones: optional
// fields, empty lists and nulls vary from one record to the next. Each
// answer is fetched; one answer per distinct shape (the paths of its
// fields and the JSON kind of each) is validated, since kin-openapi
// compiles the schema at each validation.
func testContractEveryRecord(t *testing.T, cs *contractServer) {
	ctx := context.Background()
	var targets []string
	for _, sup := range epvSuppliers(t) {
		if data.ValidSIREN(sup.SIREN) == nil {
			targets = append(targets, "/api/v1/suppliers/"+sup.SIREN)
		}
	}
	if err := cs.store.Tenders(ctx, func(tender data.Tender) error {
		targets = append(targets, "/api/v1/tenders/"+url.PathEscape(tender.ID))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	shapes := map[string]bool{}
	failed := 0
	for _, target := range targets {
		x := cs.fetch(t, http.MethodGet, target, "", nil)
		var v any
		if x.status != http.StatusOK || json.Unmarshal([]byte(x.response.body), &v) != nil {
			failed++
			t.Errorf("GET %s = %d: %.200s", target, x.status, x.response.body)
			continue
		}
		shape := x.req.URL.Path[:strings.LastIndexByte(x.req.URL.Path, '/')] + " " + strings.Join(jsonShape("", v, nil), " ")
		if shapes[shape] {
			continue
		}
		shapes[shape] = true
		if _, err := validateExchange(cs.router, x); err != nil {
			if failed++; failed <= 5 {
				t.Errorf("GET %s: %v", target, err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d answers do not follow the document", failed, len(targets))
	}
	t.Logf("%d answers, %d shapes validated", len(targets), len(shapes))
}

// jsonShape lists the paths of a decoded JSON value with the kind of each
// ("/labels/*/expires_at:string"), array items folded into "*", sorted
// and without duplicates.
func jsonShape(path string, v any, out []string) []string {
	switch v := v.(type) {
	case map[string]any:
		out = append(out, path+":object")
		for k, x := range v {
			out = jsonShape(path+"/"+k, x, out)
		}
	case []any:
		kind := ":array"
		if len(v) == 0 {
			kind = ":empty-array"
		}
		out = append(out, path+kind)
		for _, x := range v {
			out = jsonShape(path+"/*", x, out)
		}
	case nil:
		out = append(out, path+":null")
	case string:
		out = append(out, path+":string")
	case float64:
		out = append(out, path+":number")
	case bool:
		out = append(out, path+":bool")
	}
	if path != "" {
		return out
	}
	slices.Sort(out)
	return slices.Compact(out)
}
