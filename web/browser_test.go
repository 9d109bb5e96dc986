package web

import (
	"context"
	"encoding/csv"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fabrique/data"
)

// chromiumPath is Debian's chromium, which CI installs.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds the whole browser session.
const browserTimeout = 90 * time.Second

// buyer drives a headless chromium through the pages, as a buyer would.
type buyer struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string // where screenshots go
	n     int
}

func (b *buyer) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *buyer, what, js string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// navigatingBy runs steps that load a new page and waits for that page:
// the old document is marked first, so that its content is never taken
// for the new one's.
func (b *buyer) navigatingBy(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	eval[string](b, what+" (mark the page)", `document.documentElement.dataset.stale = "1"`)
	b.do(what, append(steps, chromedp.WaitVisible(chromedp.CSS("html:not([data-stale]) main")))...)
}

// screenshot saves the whole page as NN-name.png.
func (b *buyer) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.n++
	path := filepath.Join(b.shots, strconv.Itoa(b.n/10)+strconv.Itoa(b.n%10)+"-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
}

func (b *buyer) location() *url.URL {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("location %q: %v", loc, err)
	}
	return u
}

// artifactsDir is where the test keeps its screenshots: $FABRIQUE_ARTIFACTS
// (CI points it at ./artifacts), else a temporary directory.
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("FABRIQUE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "artifacts")
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	return dir
}

// TestBrowserBuyerJourney plays a buyer in a real browser on the real EPV
// companies: searches « ébénisterie », narrows to a région and a label with
// the keyboard, checks the autocomplete, downloads the CSV, opens a
// supplier page and the sourcing report. The page must raise no script
// error and no Content-Security-Policy violation.
func TestBrowserBuyerJourney(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: the browser test must run in CI (apt-get install chromium)", chromiumPath)
		}
		t.Skipf("%s not installed: browser test skipped (apt-get install -y --no-install-recommends chromium)", chromiumPath)
	}
	s := newSearchServer(t, Config{})
	base := s.serveLoopback(t)

	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	// Script errors and CSP violations reach the console.
	var consoleMu sync.Mutex
	var problems []string
	messages := chromedp.Console(bctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleError {
				consoleMu.Lock()
				problems = append(problems, string(m.Type)+": "+m.Text)
				consoleMu.Unlock()
			}
		}
	}()

	b := &buyer{t: t, ctx: bctx, base: base, shots: artifactsDir(t)}
	t.Logf("screenshots in %s", b.shots)

	// 1. The home page; the first Tab reaches the skip link.
	b.do("open the home page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#q")))
	b.do("press Tab", chromedp.KeyEvent(kb.Tab))
	if got := eval[string](b, "focused element", `document.activeElement.className`); got != "skip-link" {
		t.Errorf("first Tab focuses %q, want the skip link", got)
	}
	b.screenshot("accueil")

	// 2. Search « ébénisterie » from the home page's form.
	b.navigatingBy("search", chromedp.SendKeys(chromedp.CSS("#q"), "ébénisterie"+kb.Enter))
	if u := b.location(); u.Path != "/recherche" || u.Query().Get("q") != "ébénisterie" {
		t.Fatalf("search landed on %s", u)
	}
	names := eval[[]string](b, "result names", `[...document.querySelectorAll('.results-list h3')].map(e => e.textContent.trim())`)
	if len(names) < 5 || !slices.Contains(names, "EBENISTERIE PIERRE JOUSSOT ET FILS") {
		t.Fatalf("results = %q, want the ébénisteries, JOUSSOT among them", names)
	}
	title := eval[string](b, "results title", `document.querySelector('h2.results-title').textContent.trim()`)
	if title != strconv.Itoa(len(names))+" fournisseurs" {
		t.Errorf("results title %q for %d results", title, len(names))
	}
	if n := eval[int](b, "highlights", `document.querySelectorAll('.results-list mark').length`); n < len(names) {
		t.Errorf("%d highlighted words for %d results", n, len(names))
	}
	if n := eval[int](b, "map", `document.querySelectorAll('.map-section svg path[data-dep]').length`); n != 96 {
		t.Errorf("the map draws %d départements, want 96", n)
	}
	b.screenshot("resultats")

	// 3. Narrow to a région and the EPV label with the keyboard only.
	type facet struct{ ID, Value, Label string }
	region := eval[facet](b, "first région", `(() => { const i = document.querySelector('.facets input[name=region]');
		return {ID: i.id, Value: i.value, Label: document.querySelector('label[for="' + i.id + '"]').textContent.trim()}; })()`)
	label := eval[facet](b, "EPV label", `(() => { const i = document.querySelector('.facets input[name=label][value=EPV]');
		return {ID: i.id, Value: i.value, Label: ''}; })()`)
	for _, f := range []facet{region, label} {
		b.do("tick "+f.Value, chromedp.Focus(chromedp.ID(f.ID)), chromedp.KeyEvent(" "))
		if !eval[bool](b, "checked", `document.getElementById('`+f.ID+`').checked`) {
			t.Fatalf("Space did not tick the facet %s", f.Value)
		}
	}
	b.navigatingBy("apply the filters", chromedp.Focus(chromedp.CSS(".facets button.apply")), chromedp.KeyEvent(kb.Enter))
	q := b.location().Query()
	if !slices.Contains(q["region"], region.Value) || !slices.Contains(q["label"], "EPV") || q.Get("q") != "ébénisterie" {
		t.Fatalf("filters not applied: %s", b.location())
	}
	places := eval[[]string](b, "places", `[...document.querySelectorAll('.results-list .place')].map(e => e.textContent.trim())`)
	if len(places) == 0 || len(places) >= len(names) {
		b.screenshot("filtres-echec")
		t.Fatalf("after narrowing %s: %d results, before %d", b.location(), len(places), len(names))
	}
	depRe := regexp.MustCompile(`\((\w{2,3})\)$`)
	for _, p := range places {
		m := depRe.FindStringSubmatch(p)
		if m == nil {
			t.Errorf("result place %q has no département", p)
			continue
		}
		if d, ok := data.LookupDepartement(m[1]); !ok || d.Region != region.Value {
			t.Errorf("result in %q, outside the région %s", p, region.Label)
		}
	}
	if n := eval[int](b, "badges", `document.querySelectorAll('.results-list .result:not(:has(.badge-EPV))').length`); n != 0 {
		t.Errorf("%d results without the EPV badge after filtering on it", n)
	}
	b.screenshot("filtres")

	// 4. Autocomplete of a company name and of a commune (JavaScript).
	eval[string](b, "clear the query", `document.getElementById('q').value = ''`)
	b.do("type a company name", chromedp.SendKeys(chromedp.CSS("#q"), "jall"))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`[...document.querySelectorAll('#q-suggestions option')].some(o => o.value === 'JALLU EBENISTES')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("no suggestion « JALLU EBENISTES » for « jall »: %v", err)
	}
	b.do("type a commune", chromedp.SendKeys(chromedp.CSS("#near"), "lyo"))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`[...document.querySelectorAll('#near-suggestions option')].some(o => o.value === 'Lyon (69)')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("no suggestion « Lyon (69) » for « lyo »: %v", err)
	}

	// 5. Download the CSV of the narrowed list.
	type download struct {
		Status      int
		Type        string
		Disposition string
		BOM         []int
		Text        string
	}
	dl := eval[download](b, "download the CSV", `(async () => {
		const a = document.querySelector('.exports a[href^="/recherche.csv"]');
		const r = await fetch(a.href);
		const buf = new Uint8Array(await r.arrayBuffer());
		return {Status: r.status, Type: r.headers.get('content-type'), Disposition: r.headers.get('content-disposition'),
			BOM: Array.from(buf.slice(0, 3)), Text: new TextDecoder().decode(buf)};
	})()`, chromedp.EvalAwaitPromise)
	if dl.Status != 200 || dl.Type != "text/csv; charset=utf-8" || !strings.HasPrefix(dl.Disposition, "attachment;") {
		t.Errorf("CSV answer: %d %q %q", dl.Status, dl.Type, dl.Disposition)
	}
	if !slices.Equal(dl.BOM, []int{0xEF, 0xBB, 0xBF}) {
		t.Errorf("CSV starts with %v, want the UTF-8 BOM", dl.BOM)
	}
	cr := csv.NewReader(strings.NewReader(dl.Text))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	if len(rows) != len(places)+1 || !slices.Equal(rows[0], csvHeader()) {
		t.Errorf("CSV has %d rows (header %q) for %d results", len(rows), rows[0], len(places))
	}
	r, _ := data.LookupRegion(region.Value)
	for _, row := range rows[1:] {
		if row[5] != r.Name || row[8] != "EPV" {
			t.Errorf("CSV row %q: want région %s and label EPV", row, r.Name)
		}
	}

	// 6. Open the first supplier.
	first := eval[string](b, "first result", `document.querySelector('.results-list h3 a').textContent.trim()`)
	reportURL := eval[string](b, "report link", `document.querySelector('.exports a[href^="/recherche/rapport"]').href`)
	b.navigatingBy("open a supplier", chromedp.Click(chromedp.CSS(".results-list h3 a"), chromedp.NodeVisible))
	if u := b.location(); !strings.HasPrefix(u.Path, "/fournisseurs/") {
		t.Fatalf("the result link led to %s", u)
	}
	if h1 := eval[string](b, "h1", `document.querySelector('h1').textContent.trim()`); h1 != first {
		t.Errorf("supplier page titled %q, want %q", h1, first)
	}
	page := eval[string](b, "page text", `document.querySelector('main').innerText`)
	for _, want := range []string{"SIREN", "SIRET", "Code NAF", "Labels et preuves", "Entreprise du Patrimoine Vivant",
		"Provenance des données", "Vous êtes cette entreprise ?"} {
		if !strings.Contains(page, want) {
			t.Errorf("supplier page lacks %q", want)
		}
	}
	b.screenshot("fiche")

	// 7. The printable sourcing report of the same search.
	b.navigatingBy("open the report", chromedp.Navigate(reportURL))
	if !eval[bool](b, "print button", `!document.querySelector('button[data-print]').hidden`) {
		t.Errorf("the print button stays hidden although JavaScript runs")
	}
	report := eval[string](b, "report text", `document.querySelector('main').innerText`)
	if !strings.Contains(report, "Rapport de sourcing") || !strings.Contains(report, first) || !strings.Contains(report, "Preuves des labels") {
		t.Errorf("report lacks its title, the supplier or the label evidence")
	}
	b.screenshot("rapport")

	consoleMu.Lock()
	defer consoleMu.Unlock()
	for _, p := range problems {
		t.Errorf("browser console: %s", p)
	}
}
