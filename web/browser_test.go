package web

import (
	"context"
	"encoding/csv"
	"errors"
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

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fabrique/data"
)

// chromiumPath is Debian's chromium, which CI installs.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds the whole browser session: long enough for a
// journey on a loaded machine (the longest, 10 s on an idle one, took up
// to 90 s under the race detector with the page's CPU throttled 20×, and
// the former bound of 90 s failed them there), short enough that a hung
// browser fails its test rather than the package's -timeout.
const browserTimeout = 4 * time.Minute

// pollTimeout bounds a wait for a condition of the page (poll).
const pollTimeout = 30 * time.Second

// buyer drives a headless chromium through the pages, as a buyer would.
type buyer struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string // where screenshots go
	n     int

	console func() []string // script errors and CSP violations so far
}

func (b *buyer) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	again := make([]chromedp.Action[chromedp.Void], len(steps))
	for i, s := range steps {
		again[i] = retryStaleNode(s)
	}
	if err := chromedp.Do(b.ctx, again...); err != nil {
		b.fatal(what, err)
	}
}

// retryStaleNode runs a step again when the node it found was gone before
// it acted on it (« Could not find node with given id »): after a page
// replaced its document, chromedp reads the new one when the browser says
// so (DOM.documentUpdated), which on a loaded machine can come after a
// query already found its node in that document, and reading it again
// renumbers the nodes. The node steps (focus, scroll, box) fail so before
// typing or clicking anything, so running the step again repeats nothing.
// Seen on TestBrowserListingJourney: « type words: Could not find node
// with given id (-32000) » right after the CPV form opened.
func retryStaleNode(step chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for tries := 1; ; tries++ {
			v, err := step(ctx, t)
			var e *cdproto.Error
			if tries == 5 || !errors.As(err, &e) || e.Message != "Could not find node with given id" {
				return v, err
			}
		}
	}
}

// fatal ends the test on a failed step, saying which bound ran out and
// what the page looked like then: a failure seen once in CI must say
// enough to be understood without reproducing it.
func (b *buyer) fatal(what string, err error) {
	b.t.Helper()
	b.logPageState()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		b.t.Fatalf("%s: the browser session's %v ran out (%v)", what, browserTimeout, err)
	case errors.Is(err, chromedp.ErrPollingTimeout):
		b.t.Fatalf("%s: still not so after %v (%v)", what, pollTimeout, err)
	}
	b.t.Fatalf("%s: %v", what, err)
}

// pageState is what the page says of itself when a step fails: where it
// is, how far it loaded, the viewport's width and the scripts it fetched
// (a deferred script that never arrived leaves the page without its
// enhancements).
const pageState = `JSON.stringify({url: location.href, readyState: document.readyState,
	viewport: innerWidth + 'x' + innerHeight, focused: document.activeElement && document.activeElement.outerHTML.slice(0, 120),
	scripts: performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script')
		.map(e => e.name.replace(location.origin, '') + ' ' + (e.responseStatus || '?') + ' ' + Math.round(e.duration) + ' ms')})`

// logPageState logs pageState and the console's problems, within a few
// seconds: the browser session may be what ran out.
func (b *buyer) logPageState() {
	b.t.Helper()
	if b.console != nil {
		for _, p := range b.console() {
			b.t.Logf("console: %s", p)
		}
	}
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](pageState))
	if err != nil {
		b.t.Logf("page state: %v", err)
		return
	}
	b.t.Logf("page state: %s", state)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *buyer, what, js string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		b.fatal(what, err)
	}
	return v
}

// navigatingBy runs steps that load a new page and waits for that page:
// the old document is marked first, so that its content is never taken
// for the new one's.
func (b *buyer) navigatingBy(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	eval[string](b, what+" (mark the page)", `document.documentElement.dataset.stale = "1"`)
	// The new page's main may be visible while the parser is still inside
	// it (a large page arrives in pieces): wait for the whole document too.
	b.do(what, append(steps, chromedp.WaitVisible(chromedp.CSS("html:not([data-stale]) main")),
		chromedp.Poll[chromedp.Void](`!document.documentElement.dataset.stale && document.readyState !== "loading"`))...)
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
// the keyboard, downloads the CSV, opens a supplier page and the sourcing
// report, then picks a company and a commune from the suggestion lists
// with the keyboard. The page must raise no script error and no
// Content-Security-Policy violation.
func TestBrowserBuyerJourney(t *testing.T) {
	requireChromium(t)
	s := newSearchServer(t, Config{}, evilSupplier()) // a name made of HTML, for the suggestion list
	base := s.serveLoopback(t)

	b, consoleProblems := openBrowser(t, base)

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
		t.Fatalf("results = %q, want the ébénisteries, JOUSSOT among them; the page says:\n%.1500s", names,
			eval[string](b, "page text", `document.querySelector('main').innerText`))
	}
	title := eval[string](b, "results title", `document.querySelector('h2.results-title').textContent.trim()`)
	if title != strconv.Itoa(len(names))+" fournisseurs" {
		t.Errorf("results title %q for %d results", title, len(names))
	}
	if n := eval[int](b, "highlights", `document.querySelectorAll('.results-list mark').length`); n < len(names) {
		t.Errorf("%d highlighted words for %d results", n, len(names))
	}
	if n := eval[int](b, "map", `document.querySelectorAll('.map-section svg use[data-dep]').length`); n != 96 {
		t.Errorf("the map draws %d départements, want 96", n)
	}
	b.screenshot("resultats")

	// 3. Narrow to a région and the EPV label with the keyboard only: with
	// JavaScript, a ticked filter applies at once (search.js).
	type facet struct{ ID, Value, Label string }
	// search.js (deferred) hides the « Appliquer les filtres » button
	// (filters apply on change) and opens the filters on a wide screen.
	poll[bool](b, "search.js ran: apply button hidden", `document.querySelector('.facets button.apply').hidden`)
	poll[bool](b, "filters open on a wide screen", `document.querySelector('details.facets-box').open`)
	region := eval[facet](b, "first région", `(() => { const i = document.querySelector('.facets input[name=region]');
		return {ID: i.id, Value: i.value, Label: document.querySelector('label[for="' + i.id + '"]').textContent.trim()}; })()`)
	b.navigatingBy("tick "+region.Value+" (applied at once)", chromedp.Focus(chromedp.ID(region.ID)), chromedp.KeyEvent(" "))
	poll[bool](b, "filters open again", `document.querySelector('details.facets-box').open`)
	label := eval[facet](b, "EPV label", `(() => { const i = document.querySelector('.facets input[name=label][value=EPV]');
		return {ID: i.id, Value: i.value, Label: ''}; })()`)
	b.navigatingBy("tick EPV (applied at once)", chromedp.Focus(chromedp.ID(label.ID)), chromedp.KeyEvent(" "))
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

	// 4. Download the CSV of the narrowed list.
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

	// 5. Open the first supplier.
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

	// 6. The printable sourcing report of the same search.
	b.navigatingBy("open the report", chromedp.Navigate(reportURL))
	if !eval[bool](b, "print button", `!document.querySelector('button[data-print]').hidden`) {
		t.Errorf("the print button stays hidden although JavaScript runs")
	}
	report := eval[string](b, "report text", `document.querySelector('main').innerText`)
	if !strings.Contains(report, "Rapport de sourcing") || !strings.Contains(report, first) || !strings.Contains(report, "Preuves des labels") {
		t.Errorf("report lacks its title, the supplier or the label evidence")
	}
	b.screenshot("rapport")

	// 7. The search and place fields as comboboxes (accessible-autocomplete).
	bad := b.suggestJourney()

	for _, p := range consoleProblems() {
		if bad > 0 && strings.HasSuffix(p, "status of 400 (Bad Request)") {
			bad-- // a page answered 400 on purpose
			continue
		}
		t.Errorf("browser console: %s", p)
	}
}

// pressEnter presses Enter as a keyboard does, as one keydown carrying its
// text then a keyup: the browser makes the keypress (which submits a form)
// only when no handler cancelled the keydown. chromedp.KeyEvent sends the
// keypress as an event of its own, which submits even then.
func pressEnter() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
		up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		for _, p := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// poll waits until the JavaScript expression is truthy and returns it.
func poll[T any](b *buyer, what, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Poll[T](js, chromedp.WithPollingTimeout(pollTimeout)))
	if err != nil {
		if b.ctx.Err() == nil {
			b.screenshot("echec")
		}
		b.fatal(what, err)
	}
	return v
}

// combobox is what the page shows of a field enhanced by the library.
type combobox struct {
	Role, Name, DescribedBy, Expanded, Controls, Invalid, ErrorMessage string
	Named, Labels                                                      int // inputs with its name, <label for> it
}

func (b *buyer) combobox(id string) combobox {
	b.t.Helper()
	return eval[combobox](b, "combobox "+id, `(() => { const i = document.getElementById(`+strconv.Quote(id)+`);
		const a = n => i.getAttribute(n) || '';
		return {Role: a('role'), Name: i.name, DescribedBy: a('aria-describedby'), Expanded: a('aria-expanded'),
			Controls: a('aria-controls'), Invalid: a('aria-invalid'), ErrorMessage: a('aria-errormessage'),
			Named: document.getElementsByName(i.name).length, Labels: i.labels.length}; })()`)
}

// typeInto empties a combobox as the user would and types text in it.
func (b *buyer) typeInto(id, text string) {
	b.t.Helper()
	// The first focus fetches the library and enhances the field (search.js).
	b.do("focus #"+id, chromedp.Focus(chromedp.ID(id)))
	poll[bool](b, "#"+id+" enhanced and focused", `document.activeElement && document.activeElement.id === `+strconv.Quote(id)+
		` && document.activeElement.getAttribute('role') === 'combobox'`)
	n := eval[int](b, "length of #"+id, `[...document.getElementById(`+strconv.Quote(id)+`).value].length`)
	b.do("empty #"+id, chromedp.Focus(chromedp.ID(id)), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(strings.Repeat(kb.Backspace, n)))
	if v := eval[string](b, "emptied #"+id, `document.getElementById(`+strconv.Quote(id)+`).value`); v != "" {
		b.t.Fatalf("#%s still holds %q after %d × Backspace", id, v, n)
	}
	b.do("type « "+text+" » in #"+id, chromedp.SendKeys(chromedp.ID(id), text))
}

// suggestions waits for the open list of a combobox to offer an option
// starting with want, and returns the texts of its options.
func (b *buyer) suggestions(id, want string) []string {
	b.t.Helper()
	return poll[[]string](b, "suggestion « "+want+"… » under #"+id, `(() => {
		const m = document.getElementById(`+strconv.Quote(id+"__listbox")+`);
		if (!m || !m.classList.contains('autocomplete__menu--visible')) return null;
		const texts = [...m.querySelectorAll('li[role=option]')].map(li => li.textContent);
		return texts.some(x => x.startsWith(`+strconv.Quote(want)+`)) ? texts : null; })()`)
}

// choose moves down the open list to the option at index with the arrow
// key, checks that it is the one announced, and picks it with Enter.
func (b *buyer) choose(id string, index int, text string) {
	b.t.Helper()
	for range index + 1 {
		b.do("press ArrowDown in the list of #"+id, chromedp.KeyEvent(kb.ArrowDown))
	}
	type active struct{ ID, Text, Selected, Descendant string }
	got := poll[active](b, "option "+strconv.Itoa(index)+" of #"+id+" focused", `(() => {
		const o = document.activeElement, i = document.getElementById(`+strconv.Quote(id)+`);
		if (!o || o.getAttribute('role') !== 'option') return null;
		return {ID: o.id, Text: o.textContent, Selected: o.getAttribute('aria-selected') || '',
			Descendant: i.getAttribute('aria-activedescendant') || ''}; })()`)
	wantID := id + "__option--" + strconv.Itoa(index)
	if got.ID != wantID || got.Text != text || got.Selected != "true" || got.Descendant != wantID {
		b.t.Errorf("after %d × ArrowDown: focused option %+v, want %s « %s » selected and active", index+1, got, wantID, text)
	}
	b.screenshot("choix-" + id)
	b.do("press Enter on the option", pressEnter())
}

// suggestJourney: on the search page, the search and place fields are
// comboboxes of the vendored library; the buyer submits free text with
// suggestions shown, then picks a company and a commune with the keyboard.
// It returns how many pages it opened that answer 400 on purpose (the
// console reports them as errors).
func (b *buyer) suggestJourney() (bad int) {
	t := b.t
	t.Helper()
	b.navigatingBy("open the search page", chromedp.Navigate(b.base+"/recherche?q=atelier"))
	// The library is fetched when a field is first focused (search.js).
	if n := eval[int](b, "library before focus", `document.querySelectorAll('script[data-autocomplete]').length`); n != 0 {
		t.Errorf("the autocomplete library is loaded with the page, want it on first focus")
	}
	b.do("focus the place field", chromedp.Focus(chromedp.ID("near")))
	poll[bool](b, "the library's comboboxes (vendor/accessible-autocomplete.min.js)",
		`!!document.querySelector('.suggest-field #q[role=combobox]') && !!document.querySelector('.suggest-field #near[role=combobox]')`)
	for _, id := range []string{"q", "near"} {
		c := b.combobox(id)
		if c.Role != "combobox" || c.Name != id || c.Named != 1 || c.Labels != 1 || c.Expanded != "false" || c.Controls != id+"__listbox" {
			t.Errorf("#%s enhanced as %+v, want one combobox named %s with its label and list", id, c, id)
		}
		if !slices.Contains(strings.Fields(c.DescribedBy), id+"-hint") {
			t.Errorf("#%s: aria-describedby %q lost the hint %s-hint", id, c.DescribedBy, id)
		}
	}
	if got := eval[string](b, "restored query", `document.getElementById('q').value`); got != "atelier" {
		t.Errorf("the combobox shows %q, want the query « atelier » of the URL", got)
	}
	if n := eval[int](b, "datalists", `document.querySelectorAll('datalist').length`); n != 0 {
		t.Errorf("%d <datalist> left beside the library's lists", n)
	}

	// Free text: with suggestions on screen, Enter submits what was typed.
	b.typeInto("q", "ébénisterie")
	b.suggestions("q", "EBENISTERIE")
	if got := eval[string](b, "hint after typing", `document.getElementById('q').getAttribute('aria-describedby')`); got != "q-hint" {
		t.Errorf("aria-describedby = %q while typing, want the page's hint only", got)
	}
	status := poll[string](b, "French status message", `[...document.querySelectorAll('#q__status--A, #q__status--B')].map(e => e.textContent).join('')`)
	if !regexp.MustCompile(`^\d+ suggestions? disponibles?\.$`).MatchString(status) {
		t.Errorf("live region says %q, want « N suggestions disponibles. »", status)
	}
	b.navigatingBy("submit the typed text", pressEnter())
	if got := b.location().Query().Get("q"); got != "ébénisterie" {
		t.Fatalf("Enter with the list open searched %q, want the typed « ébénisterie »", got)
	}

	// Names come from the web: the list shows their HTML as text.
	b.typeInto("q", "scrip")
	b.suggestions("q", "<script>alert(1)</script> — Lyon (69)")
	if n := eval[int](b, "markup in the list", `document.querySelectorAll('#q__listbox li *:not(span)').length`); n != 0 {
		t.Errorf("%d elements other than the template's <span> inside the suggestions", n)
	}

	// A company: « jall », ArrowDown to JALLU EBENISTES, Enter, then submit.
	b.typeInto("q", "jall")
	texts := b.suggestions("q", "JALLU EBENISTES")
	b.screenshot("suggestions-entreprise")
	companyRe := regexp.MustCompile(`^\S.* — .+ \([0-9][0-9AB]\d?\)$`)
	at := -1
	for i, x := range texts {
		if !companyRe.MatchString(x) {
			t.Errorf("company suggestion %q, want « Nom — Commune (dép.) »", x)
		}
		if at < 0 && strings.HasPrefix(x, "JALLU EBENISTES — ") {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("no « JALLU EBENISTES — commune » among %q", texts)
	}
	b.choose("q", at, texts[at])
	poll[bool](b, "field filled with the company", `document.getElementById('q').value === 'JALLU EBENISTES' &&
		document.activeElement.id === 'q' && document.getElementById('q').getAttribute('aria-expanded') === 'false'`)
	b.navigatingBy("submit the chosen company", pressEnter())
	if got := b.location().Query().Get("q"); got != "JALLU EBENISTES" {
		t.Fatalf("searched %q, want the chosen « JALLU EBENISTES »", got)
	}
	names := eval[[]string](b, "result names", `[...document.querySelectorAll('.results-list h3')].map(e => e.textContent.trim())`)
	if !slices.Contains(names, "JALLU EBENISTES") {
		t.Errorf("results %q lack the chosen company", names)
	}

	// A commune: « renn », Rennes (35) with its postcode, then submit.
	b.typeInto("near", "renn")
	texts = b.suggestions("near", "Rennes (35) — ")
	placeRe := regexp.MustCompile(`^.+ \([0-9][0-9AB]\d?\) — \d{5}$`)
	at = -1
	for i, x := range texts {
		if !placeRe.MatchString(x) {
			t.Errorf("place suggestion %q, want « Commune (dép.) — code postal »", x)
		}
		if at < 0 && strings.HasPrefix(x, "Rennes (35) — ") {
			at = i
		}
	}
	b.screenshot("suggestions-commune")
	b.choose("near", at, texts[at])
	poll[bool](b, "field filled with the commune", `document.getElementById('near').value === 'Rennes (35)'`)
	b.navigatingBy("submit the chosen commune", pressEnter())
	q := b.location().Query()
	if q.Get("near") != "Rennes (35)" || q.Get("q") != "JALLU EBENISTES" {
		t.Fatalf("searched %s, want JALLU EBENISTES around Rennes (35)", b.location())
	}
	title := eval[string](b, "results title", `document.querySelector('h2.results-title').textContent.trim()`)
	if !strings.HasSuffix(title, "autour de Rennes (35)") {
		t.Errorf("results title %q, want the search around Rennes (35)", title)
	}
	if got := eval[string](b, "restored place", `document.getElementById('near').value`); got != "Rennes (35)" {
		t.Errorf("the place combobox shows %q after the search, want « Rennes (35) »", got)
	}
	b.screenshot("recherche-autour")

	// An error on the place keeps its ARIA state on the combobox.
	b.navigatingBy("search around nowhere", chromedp.Navigate(b.base+"/recherche?q=atelier&near=zzzzzz"))
	bad++
	b.do("focus the place field", chromedp.Focus(chromedp.ID("near")))
	poll[bool](b, "the place combobox", `!!document.querySelector('.suggest-field #near[role=combobox]')`)
	if c := b.combobox("near"); c.Invalid != "true" || c.ErrorMessage != "form-error" {
		t.Errorf("#near in error: aria-invalid %q, aria-errormessage %q, want true and form-error", c.Invalid, c.ErrorMessage)
	}
	return bad
}

// requireChromium skips the test without Chromium, except in CI where
// the browser tests must run.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: the browser test must run in CI (apt-get install chromium)", chromiumPath)
		}
		t.Skipf("%s not installed: browser test skipped (apt-get install -y --no-install-recommends chromium)", chromiumPath)
	}
}

// slowDownVar names the environment variable that slows the page's
// scripts down by its factor (Chromium's CPU throttling), to look for
// races a loaded machine would show: FABRIQUE_BROWSER_SLOWDOWN=20 go test
// ./web -run Browser. A page that loses what was typed or a test that reads
// the page too early fails there within a few runs.
const slowDownVar = "FABRIQUE_BROWSER_SLOWDOWN"

// slowDown throttles the page's CPU when slowDownVar asks for it.
func (b *buyer) slowDown() {
	b.t.Helper()
	v := os.Getenv(slowDownVar)
	if v == "" {
		return
	}
	rate, err := strconv.ParseFloat(v, 64)
	if err != nil || rate < 1 {
		b.t.Fatalf("%s=%q: want a factor of at least 1", slowDownVar, v)
	}
	b.do("throttle the page's CPU", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: rate})
		return err
	}))
	b.t.Logf("page CPU throttled %g×", rate)
}

// openBrowser starts a headless Chromium for the rest of the test and
// returns a buyer on base, with what the console has reported so far:
// script errors and Content-Security-Policy violations reach it.
func openBrowser(t *testing.T, base string) (*buyer, func() []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)

	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(bctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleError {
				mu.Lock()
				problems = append(problems, string(m.Type)+": "+m.Text)
				mu.Unlock()
			}
		}
	}()
	console := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
	b := &buyer{t: t, ctx: bctx, base: base, shots: artifactsDir(t), console: console}
	b.slowDown()
	t.Logf("screenshots in %s", b.shots)
	return b, console
}

// TestRetryStaleNode: a step whose node was renumbered runs again, up to
// five times; any other error ends it at once.
func TestRetryStaleNode(t *testing.T) {
	stale := &cdproto.Error{Code: -32000, Message: "Could not find node with given id"}
	other := &cdproto.Error{Code: -32000, Message: "Node is not an element"}
	for _, c := range []struct {
		name      string
		errs      []error // what the step answers, call after call
		wantCalls int
		wantErr   error
	}{
		{"succeeds at once", []error{nil}, 1, nil},
		{"stale twice, then succeeds", []error{stale, stale, nil}, 3, nil},
		{"another error is not retried", []error{other, nil}, 1, other},
		{"stale five times gives up", []error{stale, stale, stale, stale, stale, nil}, 5, stale},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			step := chromedp.Func(func(context.Context, *chromedp.Target) error {
				calls++
				return c.errs[calls-1]
			})
			_, err := retryStaleNode(step)(context.Background(), nil)
			if calls != c.wantCalls || !errors.Is(err, c.wantErr) {
				t.Errorf("%d calls, error %v; want %d calls, error %v", calls, err, c.wantCalls, c.wantErr)
			}
		})
	}
}
