package web

import (
	"context"
	"iter"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserTypingWhileTheLibraryLoads: the search field becomes the
// library's combobox when the library arrives, fetched on the first focus;
// on a slow machine or network that is while the buyer types. The browser
// holds the library's request until a word is typed, then lets it through:
// the buyer types on, and nothing typed before is lost. (The library
// selected the whole field when it saw it focused: the next key replaced
// the word, and « menuiserie Lyon » searched « e Lyon ».)
func TestBrowserTypingWhileTheLibraryLoads(t *testing.T) {
	requireChromium(t)
	s := newSearchServer(t, Config{})
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)

	b.do("open the search page", chromedp.Navigate(base+"/recherche"), chromedp.WaitVisible(chromedp.CSS("#q")))
	paused, stop := iter.Pull2(chromedp.Events(b.ctx, cdpfetch.RequestPaused))
	defer stop()
	b.do("hold the library's request", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: []*cdpfetch.RequestPattern{{URLPattern: "*/accessible-autocomplete*.js"}}})
		return err
	}))
	b.do("type a word", chromedp.SendKeys(chromedp.CSS("#q"), "menuiserie"))
	req, err, ok := paused()
	if !ok || err != nil {
		t.Fatalf("the first focus fetched no library (%v)", err)
	}
	if plain := eval[bool](b, "field before the library", `(() => { const q = document.getElementById('q');
		return q.getAttribute('role') === null && q.value === 'menuiserie'; })()`); !plain {
		t.Fatalf("before the library arrived, #q is not the plain field holding « menuiserie »")
	}
	b.do("let the library through", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdpfetch.ContinueRequest, cdpfetch.ContinueRequestParams{RequestID: req.RequestID})
		return err
	}))
	poll[bool](b, "#q enhanced and still focused", `document.activeElement && document.activeElement.id === 'q' &&
		document.activeElement.getAttribute('role') === 'combobox'`)

	b.do("type on", chromedp.KeyEvent(" Lyon"))
	type field struct {
		Value      string
		Start, End int
	}
	got := eval[field](b, "field after typing on", `(() => { const q = document.getElementById('q');
		return {Value: q.value, Start: q.selectionStart, End: q.selectionEnd}; })()`)
	if want := (field{"menuiserie Lyon", 15, 15}); got != want {
		b.screenshot("saisie-perdue")
		t.Fatalf("typing on after the library arrived: field %+v, want %+v", got, want)
	}
	b.navigatingBy("search", chromedp.KeyEvent(kb.Enter))
	if q := b.location().Query().Get("q"); q != "menuiserie Lyon" {
		t.Errorf("searched %q, want « menuiserie Lyon »", q)
	}
	if chip := eval[string](b, "chip", `(document.querySelector('.place-chip') || {innerText: ''}).innerText`); !strings.Contains(chip, "Lyon (69)") {
		t.Errorf("place chip %q, want Lyon (69)", chip)
	}
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}
