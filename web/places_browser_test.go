package web

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserPlaceInSearch: a buyer types « menuiserie Lyon »; the place
// shows as a chip and Lyon's joiner comes first; removing the chip with
// the keyboard searches the words, Lyon among them.
func TestBrowserPlaceInSearch(t *testing.T) {
	requireChromium(t)
	s := newSearchServer(t, Config{})
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)

	b.do("open the search page", chromedp.Navigate(base+"/recherche"), chromedp.WaitVisible(chromedp.CSS("#q")))
	b.navigatingBy("search", chromedp.SendKeys(chromedp.CSS("#q"), "menuiserie Lyon"+kb.Enter))
	chip := eval[string](b, "chip", `(document.querySelector('.active-filters .place-chip') || {innerText: ''}).innerText`)
	if !strings.Contains(chip, "« Lyon »") || !strings.Contains(chip, "Lyon (69)") {
		b.screenshot("lieu-echec")
		t.Fatalf("place chip = %q, want « Lyon » and Lyon (69)", chip)
	}
	names := eval[[]string](b, "result names", `[...document.querySelectorAll('.results-list h3')].map(e => e.textContent.trim())`)
	if len(names) == 0 || names[0] != "MENUISERIE JACQUES" || slices.Contains(names, "VELOURS DE LYON") {
		t.Fatalf("results = %q, want Lyon's joiner first and no VELOURS DE LYON", names)
	}
	b.screenshot("lieu-puce")

	b.navigatingBy("remove the chip with the keyboard", chromedp.Focus(chromedp.CSS(".place-chip a")), chromedp.KeyEvent(kb.Enter))
	u := b.location()
	if u.Query().Get("q") != "menuiserie Lyon" || u.Query().Get("lieu") != "non" {
		t.Fatalf("after removing the chip: %s", u)
	}
	if n := eval[int](b, "chips", `document.querySelectorAll('.place-chip').length`); n != 0 {
		t.Errorf("%d chips after removing it", n)
	}
	words := eval[[]string](b, "result names", `[...document.querySelectorAll('.results-list h3')].map(e => e.textContent.trim())`)
	if len(words) <= len(names) || !slices.Contains(words, "VELOURS DE LYON") || !strings.Contains(words[0], "MENUISERIE") {
		t.Errorf("without the place, results = %q: want more, a joiner first, VELOURS DE LYON among them", words)
	}
	if v := eval[string](b, "search box", `document.querySelector('#q').value`); v != "menuiserie Lyon" {
		t.Errorf("search box = %q", v)
	}
	b.screenshot("lieu-retire")
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}

// TestBrowserNeedFeedback: on a need's shortlist, « pertinent » is
// recorded without reloading the page, pressing it again withdraws it,
// and the vote is there after a reload.
func TestBrowserNeedFeedback(t *testing.T) {
	requireChromium(t)
	s := newSearchServer(t, Config{})
	r := s.postForm(t, "/besoin", validNeedForm())
	if r.status != http.StatusSeeOther {
		t.Fatalf("need: status %d", r.status)
	}
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)
	page := base + r.header.Get("Location")
	b.do("open the shortlist", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("form.feedback")))
	poll[bool](b, "feedback.js loaded", `window.fabriqueFeedback === true`)
	eval[string](b, "mark the page", `document.documentElement.dataset.same = "1"`)

	type state struct {
		Relevant, Irrelevant, RelevantCount, IrrelevantCount, Status string
		Withdraw                                                     bool
	}
	const read = `(() => { const f = document.querySelector('form.feedback');
		const b = v => f.querySelector('button[value="' + v + '"]');
		return {Relevant: b('pertinent').getAttribute('aria-pressed'), Irrelevant: b('pas_pertinent').getAttribute('aria-pressed'),
			RelevantCount: f.querySelector('[data-count=pertinent]').textContent, IrrelevantCount: f.querySelector('[data-count=pas_pertinent]').textContent,
			Status: f.querySelector('.feedback-status').textContent, Withdraw: !b('retirer').hidden}; })()`
	click := func(what, value, waitFor string) state {
		t.Helper()
		b.do(what, chromedp.Focus(chromedp.CSS(`form.feedback button[value="`+value+`"]`)), chromedp.KeyEvent(kb.Enter))
		poll[bool](b, what+": answer shown", waitFor)
		return eval[state](b, what, read)
	}

	got := click("vote pertinent", "pertinent", `document.querySelector('form.feedback .feedback-status').textContent.includes('enregistré')`)
	if got.Relevant != "true" || got.Irrelevant != "false" || got.RelevantCount != "(1)" || !got.Withdraw {
		t.Errorf("after « pertinent »: %+v", got)
	}
	elementShot(b, "avis-pertinent", "li.match")
	got = click("press it again", "pertinent", `document.querySelector('form.feedback .feedback-status').textContent === 'Avis retiré.'`)
	if got.Relevant != "false" || got.RelevantCount != "(0)" || got.Withdraw {
		t.Errorf("after pressing it again: %+v", got)
	}
	got = click("vote pas pertinent", "pas_pertinent", `document.querySelector('form.feedback button[value=pas_pertinent]').getAttribute('aria-pressed') === 'true'`)
	if got.IrrelevantCount != "(1)" || got.RelevantCount != "(0)" {
		t.Errorf("after « pas pertinent »: %+v", got)
	}
	if same := eval[string](b, "same page", `document.documentElement.dataset.same || ''`); same != "1" {
		t.Errorf("the page was reloaded: the votes must be sent in the background")
	}

	b.navigatingBy("reload", chromedp.Reload())
	got = eval[state](b, "after a reload", read)
	if got.Irrelevant != "true" || got.IrrelevantCount != "(1)" || got.Relevant != "false" || !got.Withdraw {
		t.Errorf("after a reload: %+v, want the vote kept", got)
	}
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}

// elementShot saves the first element sel matches as NN-name.png.
func elementShot(b *buyer, name, sel string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.n++
	path := filepath.Join(b.shots, strconv.Itoa(b.n/10)+strconv.Itoa(b.n%10)+"-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
}
