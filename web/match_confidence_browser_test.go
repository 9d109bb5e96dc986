package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserWeakShortlist plays a buyer whose need no labelled company
// fits: the shortlist says so above its ranking, and marks every
// supplier's confidence as weak; a need the directory does fit shows no
// warning and its strong matches first.
func TestBrowserWeakShortlist(t *testing.T) {
	requireChromium(t)
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)
	b.n = 80

	send := func(title string) {
		b.do("open the form", chromedp.Navigate(base+"/besoin"), chromedp.WaitVisible(chromedp.CSS("#title")))
		b.do("type the need", chromedp.SendKeys(chromedp.CSS("#title"), title),
			chromedp.Focus(chromedp.CSS("#departement")), chromedp.SetValue(chromedp.CSS("#departement"), "35"))
		b.navigatingBy("send the need", chromedp.SendKeys(chromedp.CSS("#title"), kb.Enter))
		if u := b.location(); !shortlistPathRe.MatchString(u.Path) {
			t.Fatalf("the need led to %s, want its shortlist", u)
		}
	}

	send("Prestations de gardiennage")
	warning := eval[string](b, "warning", `(document.querySelector('#ensemble .no-good-match') || {}).textContent || ''`)
	if !strings.Contains(warning, "aucun fournisseur labellisé ne correspond bien") {
		t.Errorf("weak shortlist warning = %q, want « aucun fournisseur labellisé ne correspond bien »", warning)
	}
	levels := eval[[]string](b, "levels", `[...document.querySelectorAll('#ensemble .match .confidence')].map(e => e.textContent.trim())`)
	if len(levels) == 0 {
		t.Fatal("no match shown with its confidence")
	}
	for i, l := range levels {
		if l != "confiance faible" {
			t.Errorf("#%d shows %q, want « confiance faible »", i+1, l)
		}
	}
	// The need's word no company holds is said, beside the searched terms.
	unheld := eval[string](b, "unheld", `(document.querySelector('#ensemble .unheld') || {}).textContent || ''`)
	if !strings.Contains(unheld, "« gardiennage »") {
		t.Errorf("unheld words line = %q, want « gardiennage » named", unheld)
	}
	b.screenshot("liste-faible")

	send("Restauration des vitraux de l'église")
	if n := eval[int](b, "warnings", `document.querySelectorAll('.no-good-match').length`); n != 0 {
		t.Errorf("a need the directory fits shows %d warnings", n)
	}
	first := eval[string](b, "first level", `document.querySelector('#ensemble .match .confidence').textContent.trim()`)
	if first != "confiance forte" {
		t.Errorf("first match of the stained-glass need shows %q, want « confiance forte »", first)
	}
	tail := eval[string](b, "weak tail", `(document.querySelector('#ensemble .weak-tail') || {}).textContent || ''`)
	if !strings.Contains(tail, "l'adéquation est faible") {
		t.Errorf("no line where the fit becomes weak (got %q)", tail)
	}
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}
