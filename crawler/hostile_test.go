package crawler_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/crawler/crawltest"
	"fabrique/data"
)

// site is a test server with one handler per path, counting requests.
type site struct {
	mu       sync.Mutex
	hits     map[string]int
	handlers map[string]http.HandlerFunc
}

func newSite(t *testing.T, handlers map[string]http.HandlerFunc) *httptest.Server {
	s := &site{hits: map[string]int{}, handlers: handlers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { hitsOf[srv.URL] = nil })
	hitsOf[srv.URL] = s
	return srv
}

var hitsOf = map[string]*site{} // by server URL, for assertions

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	h, ok := s.handlers[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func hits(srv *httptest.Server, path string) int {
	s := hitsOf[srv.URL]
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func html(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(body))
	}
}

func fiche(name, postcode, desc string) string {
	return `<html><body><div class="fiche"><h1 class="nom">` + name + `</h1><span class="cp">` + postcode +
		`</span><div class="desc">` + desc + `</div></div></body></html>`
}

// listing links to the given paths.
func listing(paths ...string) string {
	var b strings.Builder
	b.WriteString("<html><body><ul>")
	for _, p := range paths {
		b.WriteString(`<li><a class="fiche" href="` + p + `">fiche</a></li>`)
	}
	b.WriteString("</ul></body></html>")
	return b.String()
}

// hostileConfig declares an HTML directory at srv: /liste links to fiche
// pages, each holding one company. Timeouts and retries are short.
func hostileConfig(t *testing.T, srv *httptest.Server) crawler.Config {
	t.Helper()
	cfg := crawler.DefaultConfig()
	cfg.Politeness = crawler.Politeness{NoDelay: true, ReadTimeout: crawler.Duration(400 * time.Millisecond),
		ConnectTimeout: crawler.Duration(time.Second), MaxRetries: 2, RetryBase: crawler.Duration(20 * time.Millisecond),
		MaxRetryAfter: crawler.Duration(3 * time.Second), MaxBodyBytes: 64 << 10, UserAgent: "FabriqueBot/test (+https://example.org/bot)"}
	d := &crawler.Definition{Name: "annuaire", Kind: crawler.KindHTML, Label: "TEST", BaseURL: srv.URL,
		Start:  []string{"{base_url}/liste"},
		Follow: []crawler.Follow{{Selector: "a.fiche", Pattern: "^{base_url}/"}},
		Records: crawler.RecordRule{URLPattern: "^{base_url}/.*fiche", Selector: "div.fiche", Fields: []crawler.FieldRule{
			{Field: "name", Selector: ".nom"}, {Field: "postcode", Selector: ".cp"}, {Field: "description", Selector: ".desc"},
			{Field: "record_url", Template: "{page_url}"}}}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg.Sources = map[string]*crawler.Definition{"annuaire": d}
	return cfg
}

// crawlHostile runs the crawl and checks what every hostile case shares:
// the run ends, the good page's company is stored, and the bad page is
// one clear entry of the report.
func crawlHostile(t *testing.T, cfg crawler.Config, kind, badPath string) (data.CrawlRun, *crawltest.Memory) {
	t.Helper()
	mem := crawltest.New()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := crawler.Run(ctx, cfg, nil, mem, mem, nil)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if run.FinishedAt.IsZero() {
		t.Error("run not finished")
	}
	if run.PagesFailed[kind] != 1 {
		t.Errorf("failures %v, want one %q", run.PagesFailed, kind)
	}
	found := false
	for _, e := range run.Errors {
		if e.Kind == kind && strings.HasSuffix(e.URL, badPath) && e.Message != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("no %q entry for %s in the report: %+v", kind, badPath, run.Errors)
	}
	good := false
	for _, s := range mem.Suppliers() {
		good = good || s.Name == "Forge Normale"
	}
	if !good {
		t.Errorf("the good page was not crawled: %+v", mem.Suppliers())
	}
	return run, mem
}

var goodFiche = html(fiche("Forge Normale", "63300", "Couteaux forgés."))

func TestHostileMalformedHTML(t *testing.T) {
	srv := newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1", "/fiche2", "/fiche3")),
		"/fiche1": goodFiche,
		// Unclosed tags, broken attributes, stray brackets: the parser recovers.
		"/fiche2": html(`<html><body><div class="fiche"><h1 class=nom>Tôlerie <i>Cassée</h1><span class="cp">42300<<span>
			<div class="desc"><p>Texte <b>non fermé<div></body`),
		// No record element at all: the markup changed.
		"/fiche3": html(`<html><body><table><tr><td>Rien à extraire`),
	})
	_, mem := crawlHostile(t, hostileConfig(t, srv), crawler.FailParse, "/fiche3")
	s := supplierNamed(t, mem, "Tôlerie Cassée")
	if s.Address.Postcode != "42300" || s.Address.Departement != "42" {
		t.Errorf("malformed page gave %+v", s.Address)
	}
}

func TestHostileTruncatedJSON(t *testing.T) {
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }
	}
	rec := func(name, siret string) string {
		return `{"raison_sociale":"` + name + `","siret":"` + siret + `","region":"GRAND-EST"}`
	}
	full := map[string]string{
		"0": `{"total_count":6,"results":[` + rec("HORUS", "44270113200049") + `,` + rec("Forge Normale", "") + `]}`,
		"2": `{"total_count":6,"results":[` + rec("DRYADE CREATIONS", "44404700500020") + `,{"raison_sociale":"MAURI`,
		"4": `{"total_count":6,"results":[` + rec("ENTREPRISE NEVEU", "34455528900018") + `,` + rec("MAURICE NAILLER", "44925719500080") + `]}`,
	}
	srv := newSite(t, map[string]http.HandlerFunc{
		"/records": func(w http.ResponseWriter, r *http.Request) { page(full[r.URL.Query().Get("offset")])(w, r) },
	})
	cfg := hostileConfig(t, srv)
	d := &crawler.Definition{Name: "api", Kind: crawler.KindJSON, Label: data.LabelEPV, BaseURL: srv.URL,
		Start:      []string{"{base_url}/records?limit=2&offset=0"},
		Pagination: crawler.Pagination{OffsetParam: "offset", LimitParam: "limit", Limit: 2, TotalPath: "total_count"},
		Records: crawler.RecordRule{Path: "results", Fields: []crawler.FieldRule{
			{Field: "name", Path: "raison_sociale"}, {Field: "siret", Path: "siret"}, {Field: "region", Path: "region"}}}}
	cfg.Sources = map[string]*crawler.Definition{"api": d}
	run, mem := crawlHostile(t, cfg, crawler.FailParse, "offset=2")
	if got := len(mem.Suppliers()); got != 4 || run.Complete {
		t.Errorf("stored %d companies (complete %v), want the 4 of the readable pages and an incomplete run", got, run.Complete)
	}
}

func TestHostilePageTooLarge(t *testing.T) {
	big := fiche("Géant", "75001", strings.Repeat("bla ", 64<<10))
	srv := newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1", "/fiche2")),
		"/fiche1": goodFiche,
		"/fiche2": html(big), // with Content-Length: refused before reading
	})
	crawlHostile(t, hostileConfig(t, srv), crawler.FailTooLarge, "/fiche2")

	chunked := newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1", "/fiche2")),
		"/fiche1": goodFiche,
		"/fiche2": func(w http.ResponseWriter, r *http.Request) { // no Content-Length: cut at the limit
			for i := 0; i < 8; i++ {
				_, _ = w.Write([]byte(big[i*len(big)/8 : (i+1)*len(big)/8]))
				w.(http.Flusher).Flush()
			}
		},
	})
	crawlHostile(t, hostileConfig(t, chunked), crawler.FailTooLarge, "/fiche2")
}

func TestHostileRedirectLoop(t *testing.T) {
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
	}
	srv := newSite(t, map[string]http.HandlerFunc{
		"/liste":    html(listing("/fiche1", "/fiche2")),
		"/fiche1":   goodFiche,
		"/fiche2":   redirect("/boucle-a"),
		"/boucle-a": redirect("/boucle-b"),
		"/boucle-b": redirect("/boucle-a"),
	})
	crawlHostile(t, hostileConfig(t, srv), crawler.FailRedirect, "/fiche2")
	if n := hits(srv, "/boucle-a"); n > 3 {
		t.Errorf("the loop was followed %d times", n)
	}
}

func TestHostileRobotsDisallow(t *testing.T) {
	srv := newSite(t, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("User-agent: *\nDisallow: /prive/\n"))
		},
		"/liste":        html(listing("/fiche1", "/prive/fiche2")),
		"/fiche1":       goodFiche,
		"/prive/fiche2": html(fiche("Secret", "75001", "")),
	})
	crawlHostile(t, hostileConfig(t, srv), crawler.FailRobots, "/prive/fiche2")
	if n := hits(srv, "/prive/fiche2"); n != 0 {
		t.Errorf("a disallowed page was requested %d times", n)
	}
}

func TestHostileRetryAfterStorm(t *testing.T) {
	var mu sync.Mutex
	var calm []time.Time
	srv := newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1", "/fiche-calme", "/fiche-tempete", "/fiche-trop-long")),
		"/fiche1": goodFiche,
		"/fiche-calme": func(w http.ResponseWriter, r *http.Request) { // 429 once, then fine
			mu.Lock()
			calm = append(calm, time.Now())
			n := len(calm)
			mu.Unlock()
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			html(fiche("Patience Récompensée", "44000", ""))(w, r)
		},
		"/fiche-tempete": func(w http.ResponseWriter, r *http.Request) { // 429 for ever
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		},
		"/fiche-trop-long": func(w http.ResponseWriter, r *http.Request) { // asks for an hour: given up at once
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		},
	})
	run, mem := crawlHostileN(t, hostileConfig(t, srv), crawler.FailRateLimit, 2)
	supplierNamed(t, mem, "Patience Récompensée")
	if len(calm) != 2 || calm[1].Sub(calm[0]) < time.Second {
		t.Errorf("Retry-After not honoured: %d requests, %v apart", len(calm), calm)
	}
	if n := hits(srv, "/fiche-tempete"); n != 3 {
		t.Errorf("storm page requested %d times, want 1 + 2 retries", n)
	}
	if n := hits(srv, "/fiche-trop-long"); n != 1 {
		t.Errorf("page asking for an hour requested %d times, want 1", n)
	}
	_ = run
}

// crawlHostileN is crawlHostile for a case expecting n failures of kind.
func crawlHostileN(t *testing.T, cfg crawler.Config, kind string, n int) (data.CrawlRun, *crawltest.Memory) {
	t.Helper()
	mem := crawltest.New()
	run, err := crawler.Run(context.Background(), cfg, nil, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.PagesFailed[kind] != n || run.FinishedAt.IsZero() {
		t.Errorf("failures %v, want %d %q", run.PagesFailed, n, kind)
	}
	supplierNamed(t, mem, "Forge Normale")
	return run, mem
}

func TestHostileStallMidBody(t *testing.T) {
	srv := newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1", "/fiche2")),
		"/fiche1": goodFiche,
		"/fiche2": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "5000")
			_, _ = w.Write([]byte(`<html><body><div class="fiche"><h1 class="nom">Muet`))
			w.(http.Flusher).Flush()
			select { // stall until the client gives up
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		},
	})
	start := time.Now()
	crawlHostile(t, hostileConfig(t, srv), crawler.FailTimeout, "/fiche2")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stalled page held the crawl %s", d)
	}
}

func TestHostileMarkupInTextFields(t *testing.T) {
	srv := newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1", "/fiche2")),
		"/fiche1": goodFiche,
		"/fiche2": html(fiche(`<script>alert('nom')</script>Forge &amp; Fils<img src=x onerror="alert(1)">`, "69001",
			`&lt;script&gt;alert("desc")&lt;/script&gt;Acier &lt;b&gt;trempé&lt;/b&gt; <style>p{}</style>`)),
	})
	mem := crawltest.New()
	if _, err := crawler.Run(context.Background(), hostileConfig(t, srv), nil, mem, mem, nil); err != nil {
		t.Fatal(err)
	}
	s := supplierNamed(t, mem, "Forge & Fils")
	for _, text := range []string{s.Name, s.Description} {
		if strings.ContainsAny(text, "<>") || strings.Contains(text, "alert") || strings.Contains(text, "{}") {
			t.Errorf("markup kept in stored text %q", text)
		}
	}
	if s.Description != "Acier trempé" {
		t.Errorf("description = %q, want %q", s.Description, "Acier trempé")
	}
}

func supplierNamed(t *testing.T, mem *crawltest.Memory, name string) data.Supplier {
	t.Helper()
	for _, s := range mem.Suppliers() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no supplier named %q among %d", name, len(mem.Suppliers()))
	return data.Supplier{}
}
