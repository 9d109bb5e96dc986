package web

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"fabrique/data"
	"fabrique/web/mail"
	"fabrique/web/metrics"
)

// scrape reads /metrics with the admin token and parses the text format.
func scrape(t *testing.T, s *testServer) map[string]*dto.MetricFamily {
	t.Helper()
	r := s.get(t, "/metrics", "Authorization", "Bearer "+testAdminToken)
	if r.status != http.StatusOK {
		t.Fatalf("GET /metrics with the admin token = %d: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, r.body)
	}
	return fams
}

// sample returns the metric of fam whose labels include want, nil if none.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	fam := fams[name]
	if fam == nil {
		return nil
	}
next:
	for _, m := range fam.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

func TestMetricsCountRequestsByRoutePattern(t *testing.T) {
	s := newSearchServer(t, Config{AdminToken: testAdminToken})
	s.get(t, "/fournisseurs/inexistant-1")
	s.get(t, "/fournisseurs/inexistant-2")
	s.get(t, "/nulle-part/secret-token-in-url")
	s.get(t, "/healthz")
	s.do(t, "PROPFIND", "/", nil) // a scanner's method: 501, the client's mistake
	s.do(t, "FOO", "/recherche", nil)
	fams := scrape(t, s)

	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"two 404 under one pattern", map[string]string{"method": "GET", "route": "/fournisseurs/:id", "class": "4xx"}, 2},
		{"no route", map[string]string{"method": "GET", "route": "unmatched", "class": "4xx"}, 1},
		{"health check", map[string]string{"method": "GET", "route": "/healthz", "class": "2xx"}, 1},
		{"unknown methods, with the client errors", map[string]string{"method": "OTHER", "route": "unmatched", "class": "4xx"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sample(fams, "fabrique_http_requests_total", tt.labels)
			if m == nil || m.GetCounter().GetValue() != tt.want {
				t.Fatalf("fabrique_http_requests_total%v = %v, want %v; all: %v", tt.labels, m, tt.want, fams["fabrique_http_requests_total"])
			}
			h := sample(fams, "fabrique_http_request_duration_seconds", tt.labels)
			if h == nil || h.GetHistogram().GetSampleCount() != uint64(tt.want) {
				t.Errorf("latency histogram %v = %v, want %v samples", tt.labels, h, tt.want)
			}
		})
	}
	for _, m := range fams["fabrique_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "class" && l.GetValue() == "5xx" {
				t.Errorf("a server error counted, where the server failed nowhere: %v", m)
			}
			if strings.Contains(l.GetValue(), "inexistant") || strings.Contains(l.GetValue(), "secret") {
				t.Errorf("a raw URL leaked into a label: %s=%q", l.GetName(), l.GetValue())
			}
		}
	}

	// Gauges read at scrape time agree with the store and the index.
	n, err := s.store.CountSuppliers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fabrique_store_suppliers", "fabrique_index_suppliers"} {
		if m := sample(fams, name, nil); m == nil || m.GetGauge().GetValue() != float64(n) {
			t.Errorf("%s = %v, want %d", name, m, n)
		}
	}
	if m := sample(fams, "fabrique_store_size_bytes", nil); m == nil || m.GetGauge().GetValue() <= 0 {
		t.Errorf("fabrique_store_size_bytes = %v, want > 0", m)
	}
}

func TestMetricsAccess(t *testing.T) {
	s := newTestServer(t, Config{AdminToken: testAdminToken})
	createAccount(t, s, "acheteur@atelier.test", testPassword, data.RoleBuyer)
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	base := s.serveLoopback(t)

	inProcess := func(header ...string) func(t *testing.T) int {
		return func(t *testing.T) int { return s.get(t, "/metrics", header...).status }
	}
	tests := []struct {
		name string
		do   func(t *testing.T) int
		want int
	}{
		{"anonymous from afar", inProcess(), http.StatusUnauthorized},
		{"wrong admin token", inProcess("Authorization", "Bearer "+strings.Repeat("0", 32)), http.StatusForbidden},
		{"admin token", inProcess("Authorization", "Bearer "+testAdminToken), http.StatusOK},
		{"signed-in buyer", func(t *testing.T) int {
			return signIn(t, s, "acheteur@atelier.test", testPassword).get(t, "/metrics").status
		}, http.StatusUnauthorized},
		{"signed-in admin", func(t *testing.T) int {
			return signIn(t, s, "admin@alliance.test", testPassword).get(t, "/metrics").status
		}, http.StatusOK},
		{"loopback scraper", func(t *testing.T) int { return httpStatus(t, base+"/metrics") }, http.StatusOK},
		{"relayed by a local proxy", func(t *testing.T) int {
			return httpStatus(t, base+"/metrics", "X-Forwarded-For", "203.0.113.7")
		}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.do(t); got != tt.want {
				t.Errorf("GET /metrics = %d, want %d", got, tt.want)
			}
		})
	}
}

// httpStatus sends a real GET over loopback.
func httpStatus(t *testing.T, target string, header ...string) int {
	t.Helper()
	return httpGet(t, target, header...).status
}

// httpGet sends a real GET over loopback and reads the answer.
func httpGet(t *testing.T, target string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readAnswer(t, "GET "+target, resp) // contract_test.go
}

// failingSender refuses every mail.
type failingSender struct{}

func (failingSender) Send(context.Context, mail.Message) error { return errors.New("smtp: refused") }

func TestMetricsCountMails(t *testing.T) {
	s := newTestServerDeps(t, Config{AdminToken: testAdminToken}, Deps{Mail: failingSender{}})
	msg := mail.Message{To: "acheteur@atelier.test", Subject: "Essai", Text: "Bonjour"}
	_ = s.mail.Send(context.Background(), msg)
	_ = s.mail.Send(context.Background(), msg)
	fams := scrape(t, s)
	if m := sample(fams, "fabrique_mails_total", map[string]string{"outcome": "failed"}); m == nil || m.GetCounter().GetValue() != 2 {
		t.Errorf("fabrique_mails_total{outcome=failed} = %v, want 2", m)
	}
	if m := sample(fams, "fabrique_mails_total", map[string]string{"outcome": "sent"}); m != nil {
		t.Errorf("fabrique_mails_total{outcome=sent} = %v, want none", m)
	}
}

func TestMetricsCrawlImportAndSchedulerLag(t *testing.T) {
	s := newTestServer(t, Config{AdminToken: testAdminToken})
	s.Metrics().CrawlRun(true, nil, 3, 2)
	s.Metrics().CrawlRun(false, errors.New("source down"), 0, 1)
	s.Metrics().SchedulerLag("crawl", 1500*time.Millisecond)
	s.Metrics().ImportRun("boamp", 12, nil)
	s.Metrics().ImportRun("boamp", 3, errors.New("portail indisponible"))
	s.Metrics().ImportRun("ted", 0, nil)
	s.Metrics().SchedulerLag("import", 250*time.Millisecond)
	fams := scrape(t, s)
	tests := []struct {
		name, metric string
		labels       map[string]string
		want         float64
	}{
		{"complete run", "fabrique_crawl_runs_total", map[string]string{"outcome": "complete"}, 1},
		{"failed run", "fabrique_crawl_runs_total", map[string]string{"outcome": "failed"}, 1},
		{"new listings", "fabrique_crawl_listings_total", map[string]string{"kind": "new"}, 3},
		{"updated listings", "fabrique_crawl_listings_total", map[string]string{"kind": "updated"}, 3},
		{"lag", "fabrique_scheduler_lag_seconds", map[string]string{"job": "crawl"}, 1.5},
		{"complete import", "fabrique_import_runs_total", map[string]string{"feed": "boamp", "outcome": "complete"}, 1},
		{"failed import", "fabrique_import_runs_total", map[string]string{"feed": "boamp", "outcome": "failed"}, 1},
		{"notices stored, a failed run's too", "fabrique_imported_notices_total", map[string]string{"feed": "boamp"}, 15},
		{"a feed with nothing new", "fabrique_imported_notices_total", map[string]string{"feed": "ted"}, 0},
		{"import lag", "fabrique_scheduler_lag_seconds", map[string]string{"job": "import"}, 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sample(fams, tt.metric, tt.labels)
			if m == nil {
				t.Fatalf("%s%v missing", tt.metric, tt.labels)
			}
			if got := m.GetCounter().GetValue() + m.GetGauge().GetValue(); got != tt.want {
				t.Errorf("%s%v = %v, want %v", tt.metric, tt.labels, got, tt.want)
			}
		})
	}
}

func TestStatusClass(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   string
	}{{200, "2xx"}, {304, "3xx"}, {404, "4xx"}, {500, "5xx"}, {501, "4xx"}, {503, "5xx"}, {0, "other"}, {600, "other"}} {
		if got := metrics.StatusClass(tt.status); got != tt.want {
			t.Errorf("StatusClass(%d) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestRequestIDInAnswersLogsAndErrorPages(t *testing.T) {
	tests := []struct {
		name, sent string
		generated  bool
	}{
		{"client's UUID kept", "3f2c9a10-7b4e-4c1d-9e8f-0a1b2c3d4e5f", false},
		{"no ID", "", true},
		{"markup refused", `<script>alert(1)</script>`, true},
		{"log forging refused", "abc\" level=ERROR msg=forged", true},
		{"too long refused", strings.Repeat("a", maxRequestIDLength+1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Config{})
			var header []string
			if tt.sent != "" {
				header = []string{HeaderRequestID, tt.sent}
			}
			r := s.get(t, "/fournisseurs/inexistant", header...)
			id := r.header.Get(HeaderRequestID)
			if tt.generated && !generatedID.MatchString(id) {
				t.Fatalf("X-Request-ID = %q, want a generated ID", id)
			}
			if !tt.generated && id != tt.sent {
				t.Fatalf("X-Request-ID = %q, want the client's %q", id, tt.sent)
			}
			if r.status != http.StatusNotFound || !strings.Contains(r.body, "<code>"+id+"</code>") {
				t.Errorf("error page (%d) does not show the request ID %q:\n%s", r.status, id, r.body)
			}
			if !strings.Contains(s.log.String(), "request_id="+id) {
				t.Errorf("request log lacks request_id=%s:\n%s", id, s.log.String())
			}
		})
	}
}

func TestRequestIDInEveryLogLineOfAFailedRequest(t *testing.T) {
	s := newTestServer(t, Config{})
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}
	const id = "panne-42"
	r := s.get(t, "/healthz", HeaderRequestID, id)
	if r.status != http.StatusInternalServerError {
		t.Fatalf("GET /healthz on a closed store = %d, want 500", r.status)
	}
	var lines int
	for _, line := range strings.Split(strings.TrimSpace(s.log.String()), "\n") {
		if strings.Contains(line, "path=/healthz") {
			lines++
			if !strings.Contains(line, "request_id="+id) {
				t.Errorf("log line without the request ID: %s", line)
			}
		}
	}
	if lines < 2 { // "request failed" and "request"
		t.Errorf("%d log lines for the request, want the error and the request lines:\n%s", lines, s.log.String())
	}
}

func TestRequestIDInAPIErrors(t *testing.T) {
	s := newTestServer(t, Config{})
	r := s.get(t, "/api/v1/suppliers/000000000", HeaderRequestID, "api-7")
	var body struct {
		Error     string `json:"error"`
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatalf("API error %d is not JSON: %v\n%s", r.status, err, r.body)
	}
	if r.status < 400 || body.Error == "" || body.RequestID != "api-7" {
		t.Errorf("API error = %d %+v, want an error with request_id api-7", r.status, body)
	}
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, s *testServer)
		status  int
		body    string
	}{
		{"ready", func(*testing.T, *testServer) {}, http.StatusOK, "ready"},
		{"store closed", func(t *testing.T, s *testServer) {
			if err := s.store.Close(); err != nil {
				t.Fatal(err)
			}
		}, http.StatusServiceUnavailable, "données indisponibles"},
		{"shutting down", func(_ *testing.T, s *testServer) { s.BeginShutdown() }, http.StatusServiceUnavailable, "arrêt en cours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Config{})
			tt.prepare(t, s)
			r := s.get(t, "/readyz")
			if r.status != tt.status || r.body != tt.body {
				t.Errorf("GET /readyz = %d %q, want %d %q", r.status, r.body, tt.status, tt.body)
			}
			if tt.status != http.StatusOK && r.header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			if h := s.get(t, "/healthz"); tt.name == "shutting down" && h.status != http.StatusOK {
				t.Errorf("/healthz while shutting down = %d, want 200 (alive)", h.status)
			}
		})
	}
}

// TestReadyzDuringShutdown: once Shutdown has begun, while a request is
// still in flight, the server reports itself not ready; the request still
// completes. (Requests go over real loopback connections: fasthttp's
// ServeConn, behind app.Test, never releases its connection count, which
// would make Shutdown wait for ever.)
func TestReadyzDuringShutdown(t *testing.T) {
	s := newTestServer(t, Config{})
	started, release := make(chan struct{}), make(chan struct{})
	s.app.Get("/test/lent", func(c *fiber.Ctx) error {
		close(started)
		<-release
		return c.SendString(s.notReady(c.UserContext()))
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	base := "http://" + l.Addr().String()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	get := func(path string) (int, string) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before shutdown = %d %q, want 200", code, body)
	}
	type answer struct {
		code int
		body string
	}
	inFlight := make(chan answer, 1)
	go func() { code, body := get("/test/lent"); inFlight <- answer{code, body} }()
	<-started
	shutDown := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shutDown <- s.Shutdown(ctx)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !s.shuttingDown.Load() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	if a := <-inFlight; a.code != http.StatusOK || a.body != "arrêt en cours" {
		t.Errorf("request in flight during shutdown = %d, readiness %q, want 200 and \"arrêt en cours\"", a.code, a.body)
	}
	if err := <-shutDown; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// TestMetricsCompressedOnce: a scraper asking for gzip gets the text
// format compressed once, by the server's compressor.
func TestMetricsCompressedOnce(t *testing.T) {
	s := newTestServer(t, Config{AdminToken: testAdminToken})
	r := s.get(t, "/metrics", "Authorization", "Bearer "+testAdminToken, "Accept-Encoding", "gzip")
	if r.status != http.StatusOK || r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET /metrics (gzip) = %d, Content-Encoding %q", r.status, r.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(zr)
	if err != nil || fams["fabrique_store_size_bytes"] == nil {
		t.Errorf("gunzipped once, /metrics does not parse as the text format with the store size: %v", err)
	}
}
