package web

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// buyerPages are the pages a buyer acts on, each opened at several widths.
func buyerPages(t *testing.T, s *testServer) map[string]string {
	t.Helper()
	r := s.postForm(t, "/besoin", validNeedForm())
	if r.status != http.StatusSeeOther {
		t.Fatalf("need: status %d", r.status)
	}
	rich := richSupplier()
	return map[string]string{
		"recherche":         "/recherche?q=menuiserie",
		"recherche-vide":    "/recherche?q=zzzyyyxxx&near=Lyon&radius_km=10&label=OFG",
		"fournisseur":       supplierURL(rich.ID),
		"besoin":            "/besoin",
		"liste-fournisseur": r.header.Get("Location"),
		"rapport-besoin":    r.header.Get("Location") + "/rapport",
		"appels-d-offres":   "/appels-d-offres",
		"avis":              tenderURL(&listTenders()[0]),
		"rapport":           "/recherche/rapport?q=menuiserie",
		"accueil":           "/",
		"revendiquer":       supplierURL(rich.ID) + "/revendiquer",
	}
}

// TestBrowserNoSidewaysScroll opens every buyer page at the width of a
// phone (390 and 320 px) and of a laptop (1 280 px): none may scroll
// sideways. Screenshots go to $FABRIQUE_ARTIFACTS.
func TestBrowserNoSidewaysScroll(t *testing.T) {
	requireChromium(t)
	// What a company declares may hold a word longer than a phone is wide.
	rich := richSupplier()
	unbroken := strings.Repeat("Coutellerie", 18) // 198 characters, no space
	rich.Products = append(rich.Products, unbroken)
	rich.Description += " " + unbroken
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}}, rich)
	putTenders(t, s, listTenders()...)
	pages := buyerPages(t, s)
	base := s.serveLoopback(t)
	names := []string{"recherche", "recherche-vide", "fournisseur", "besoin", "liste-fournisseur", "rapport-besoin",
		"appels-d-offres", "avis", "rapport", "accueil", "revendiquer"}
	var problems []string
	for i, width := range []int64{390, 320, 1280} {
		// One browser per width: the session timeout bounds each.
		b, consoleProblems := openBrowser(t, base)
		b.n = 70 + 10*i
		b.do("resize to "+strconv.FormatInt(width, 10), chromedp.EmulateViewport(width, 844))
		for _, name := range names {
			b.do("open "+name, chromedp.Navigate(base+pages[name]), chromedp.WaitVisible(chromedp.CSS("main")))
			type sizes struct{ Scroll, Inner int }
			got := eval[sizes](b, "widths of "+name, `({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`)
			if got.Scroll > got.Inner {
				wide := eval[[]string](b, "too wide", `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
					.slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`)
				t.Errorf("%s at %d px: scrollWidth %d > innerWidth %d; too wide: %q", name, width, got.Scroll, got.Inner, wide)
			}
			if width != 320 {
				b.screenshot(name + "-" + strconv.FormatInt(width, 10))
			}
		}
		problems = append(problems, consoleProblems()...)
	}

	b, consoleProblems := openBrowser(t, base)
	b.n = 99
	t.Run("search on a phone: results first, filters behind a disclosure", func(t *testing.T) {
		b.do("phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+pages["recherche"]), chromedp.WaitVisible(chromedp.CSS("main")))
		type layout struct {
			FirstResult, Facets int
			Open                bool
		}
		got := eval[layout](b, "layout", `({FirstResult: Math.round(document.querySelector('.results-list .result').getBoundingClientRect().top + scrollY),
			Facets: document.querySelectorAll('.facets-box .facet').length,
			Open: document.querySelector('details.facets-box').open})`)
		if got.Open || got.Facets == 0 {
			t.Errorf("filters on a phone: %+v, want them behind a closed disclosure", got)
		}
		if got.FirstResult > 1100 {
			t.Errorf("first result at %d px down a phone's page, want it within the first screens", got.FirstResult)
		}
		// Tab, Tab: « Aller aux résultats »; Enter; then a few Tabs to the
		// first result.
		b.do("Tab twice", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
		if got := eval[string](b, "second skip link", `document.activeElement.textContent.trim()`); got != "Aller aux résultats" {
			t.Fatalf("the second Tab reaches %q, want « Aller aux résultats »", got)
		}
		b.do("follow it", chromedp.KeyEvent(kb.Enter))
		first := eval[string](b, "first result", `document.querySelector('.results-list .result a').href`)
		presses := 0
		for ; presses < 8; presses++ {
			if eval[string](b, "focus", `document.activeElement.href || ''`) == first {
				break
			}
			b.do("Tab", chromedp.KeyEvent(kb.Tab))
		}
		if presses > 4 {
			t.Errorf("the first result is %d Tab presses after « Aller aux résultats », want at most 4", presses)
		}
	})

	t.Run("the filters open when the window widens", func(t *testing.T) {
		b.do("phone", chromedp.EmulateViewport(390, 844))
		b.navigatingBy("open the search", chromedp.Navigate(base+pages["recherche"]))
		poll[bool](b, "search.js ran", `document.querySelector('.facets button.apply').hidden`)
		if eval[bool](b, "disclosure", `document.querySelector('details.facets-box').open`) {
			t.Fatalf("filters open on a phone")
		}
		b.do("turn into a laptop", chromedp.EmulateViewport(1280, 900))
		poll[bool](b, "disclosure open once wide", `document.querySelector('details.facets-box').open`)
	})

	t.Run("facets apply on change", func(t *testing.T) {
		b.do("laptop", chromedp.EmulateViewport(1280, 900))
		b.navigatingBy("open the search", chromedp.Navigate(base+pages["recherche"]))
		poll[bool](b, "disclosure open on a wide screen", `document.querySelector('details.facets-box').open`)
		b.navigatingBy("tick a département", chromedp.Click(chromedp.CSS(".facets-box input[name=departement]")))
		if u := b.location(); u.Query().Get("departement") == "" {
			t.Errorf("ticking a facet did not apply it: %s", u)
		}
	})

	for _, p := range append(problems, consoleProblems()...) {
		t.Errorf("browser console: %s", p)
	}
}

// pdfPagesRe counts the pages of a PDF: one /Type /Page object each.
var pdfPagesRe = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestBrowserReportPrintsCompactly prints the sourcing report of six
// suppliers to PDF from Chromium: they must fit on a few A4 pages (not one
// each), with each URL printed once.
func TestBrowserReportPrintsCompactly(t *testing.T) {
	requireChromium(t)
	s := newSearchServer(t, Config{})
	base := s.serveLoopback(t)
	b, _ := openBrowser(t, base)
	const report = "/recherche/rapport?q=ébénisterie&departement=44&departement=35&departement=43&departement=50&departement=67"
	b.do("open the report", chromedp.Navigate(base+report), chromedp.WaitVisible(chromedp.CSS("main")))
	n := eval[int](b, "suppliers", `document.querySelectorAll('.report-supplier').length`)
	if n != 6 {
		t.Fatalf("the report lists %d suppliers, want 6 for this test", n)
	}
	pdf, err := chromedp.Run(b.ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		a4w, a4h := 8.27, 11.69
		res, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PaperWidth: a4w, PaperHeight: a4h})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, "rapport-6-fournisseurs.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	pages := len(pdfPagesRe.FindAll(pdf, -1))
	t.Logf("report of %d suppliers: %d A4 pages (%s)", n, pages, filepath.Join(b.shots, "rapport-6-fournisseurs.pdf"))
	if pages < 1 || pages > 3 {
		t.Errorf("the report of %d suppliers prints on %d pages, want at most 3", n, pages)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("not a PDF")
	}
	// Each supplier's page address printed once: the link shows it, the
	// print stylesheet must not append it again.
	b.do("print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	doubled := eval[int](b, "URLs printed twice", `[...document.querySelectorAll('main a[href^="http"]')].filter(a => {
		const after = getComputedStyle(a, '::after').content;
		return a.textContent.trim() === a.href && after && after !== 'none' && after !== 'normal'; }).length`)
	if doubled != 0 {
		t.Errorf("%d links would print their address twice", doubled)
	}
}
