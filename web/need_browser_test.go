package web

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserNeedJourney plays a buyer in a real browser: the open
// tenders, then a « Nouveau besoin » typed with the keyboard, the CPV
// picker filled as one types, a lot added, and the shortlist it leads to.
// The pages must raise no script error and no Content-Security-Policy
// violation.
func TestBrowserNeedJourney(t *testing.T) {
	requireChromium(t)
	// The tenders are dated from today (listTenders): the pages, which
	// decide open or closed by the server's clock, run on today's.
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}, Now: time.Now})
	putTenders(t, s, listTenders()...)
	putTenders(t, s, loadNotice(t, "cn_24_FRA_comments.xml"))
	base := s.serveLoopback(t)

	b, consoleProblems := openBrowser(t, base)
	b.n = 50 // after the search journey's screenshots

	// 1. The open tenders, soonest first, and a tender page.
	b.do("open the tenders", chromedp.Navigate(base+"/appels-d-offres"), chromedp.WaitVisible(chromedp.CSS(".tender-list")))
	titles := eval[[]string](b, "tender titles", `[...document.querySelectorAll('.tender-row h3')].map(e => e.textContent.trim())`)
	if len(titles) != 3 || titles[0] != "Mobilier de la médiathèque" {
		t.Errorf("open tenders = %q, want 3, the one closing tomorrow first", titles)
	}
	b.screenshot("appels-d-offres")
	b.navigatingBy("filter the closed ones", chromedp.SetValue(chromedp.CSS("#state"), "closed"),
		chromedp.Click(chromedp.CSS(".tender-filters button[type=submit]")))
	b.navigatingBy("open the Rouen notice", chromedp.Click(chromedp.Search(`//a[contains(., "espaces verts")]`)))
	if n := eval[int](b, "rankings", `document.querySelectorAll('.shortlist .ranking').length`); n != 3 {
		t.Errorf("%d rankings on the tender page, want 3 (the tender and its 2 lots)", n)
	}
	b.screenshot("avis")

	// 2. A need typed with the keyboard; the CPV picker follows the typing.
	b.do("open the form", chromedp.Navigate(base+"/besoin"), chromedp.WaitVisible(chromedp.CSS("#title")))
	b.do("type the need",
		chromedp.SendKeys(chromedp.CSS("#title"), "Restauration des menuiseries en bois de la mairie"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Fenêtres et portes en chêne, ébénisterie."),
		chromedp.SendKeys(chromedp.CSS("#cpv-1"), "menuiser"),
	)
	b.do("wait for the CPV list", chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#cpv-options option')].some(o => o.value.includes('Travaux de menuiserie'))`))
	b.do("pick a code, then the place and value",
		chromedp.SetValue(chromedp.CSS("#cpv-1"), "45421000 — Travaux de menuiserie"),
		chromedp.Focus(chromedp.CSS("#departement")), chromedp.SetValue(chromedp.CSS("#departement"), "35"),
		chromedp.SendKeys(chromedp.CSS("#value"), "150 000"),
		chromedp.SendKeys(chromedp.CSS("#lot-1-title"), "Fenêtres en chêne"),
	)
	b.screenshot("besoin")
	b.navigatingBy("add a lot", chromedp.Click(chromedp.CSS(`button[value=add_lot]`)))
	if got := eval[string](b, "focus", `document.activeElement.id`); got != "lot-3-title" {
		t.Errorf("after « Ajouter un lot » the focus is on %q, want the new lot's title", got)
	}
	if got := eval[string](b, "kept title", `document.getElementById('title').value`); got != "Restauration des menuiseries en bois de la mairie" {
		t.Errorf("the title typed became %q", got)
	}
	b.do("type the third lot", chromedp.SendKeys(chromedp.CSS("#lot-3-title"), "Grilles en fer forgé"))
	b.navigatingBy("send the need", chromedp.SendKeys(chromedp.CSS("#value"), kb.Enter))
	if u := b.location(); !shortlistPathRe.MatchString(u.Path) {
		t.Fatalf("the need led to %s, want its shortlist", u)
	}
	headings := eval[[]string](b, "rankings", `[...document.querySelectorAll('.ranking h3')].map(e => e.textContent.trim())`)
	if strings.Join(headings, " | ") != "Ensemble du marché | Lot 1 : Fenêtres en chêne | Lot 2 : Grilles en fer forgé" {
		t.Errorf("rankings = %q", headings)
	}
	if n := eval[int](b, "reasons", `document.querySelectorAll('.match .reasons li').length`); n < 10 {
		t.Errorf("%d reasons on the shortlist", n)
	}
	b.screenshot("liste-fournisseurs")
	b.navigatingBy("open the report", chromedp.Click(chromedp.Search(`//a[contains(., "Rapport de sourcing")]`)))
	b.screenshot("rapport-besoin")

	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}

// TestBrowserShortlistTrades plays a buyer whose need names a kind of
// building and not the trade of its lot (a real award: Vichy's church
// works, won by a stained-glass workshop): the trades of the ranking are
// offered, one click shows the stained-glass workshops alone under a
// removable chip, and the chip's × brings the whole ranking back.
func TestBrowserShortlistTrades(t *testing.T) {
	requireChromium(t)
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	base := s.serveLoopback(t)
	page := postNeed(t, s, churchNeedForm())

	b, consoleProblems := openBrowser(t, base)
	b.n = 70
	b.do("open the shortlist", chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS(".trade-facets")))
	whole := eval[[]string](b, "whole ranking", `[...document.querySelectorAll('#ensemble .match h4')].map(e => e.textContent.trim())`)
	if len(whole) != pageMatchLimit {
		t.Fatalf("%d suppliers in the whole ranking, want %d", len(whole), pageMatchLimit)
	}
	shown := eval[int](b, "trades shown", `[...document.querySelectorAll('.trade-facets > ul > li')].filter(e => e.offsetParent !== null).length`)
	if shown < 3 || shown > shownTradeFacets {
		t.Errorf("%d trades shown at once, want 3 to %d", shown, shownTradeFacets)
	}
	b.screenshot("corps-d-etat")
	glass := `//nav[contains(@class,"trade-facets")]//a[contains(., "23.19Z")]`
	if eval[bool](b, "glass hidden", `(() => { const d = document.querySelector('.more-trades'); return !!d && !d.open && !!d.querySelector('a[href*="23.19Z"]'); })()`) {
		b.do("open the other trades", chromedp.Click(chromedp.CSS(".more-trades summary")))
	}
	b.navigatingBy("choose stained glass", chromedp.Click(chromedp.Search(glass)))
	if u := b.location(); u.Query().Get("metier") != "23.19Z" {
		t.Fatalf("the trade led to %s", u)
	}
	chip := eval[string](b, "chip", `document.querySelector('.trade-chip') ? document.querySelector('.trade-chip').textContent : ''`)
	if !strings.Contains(chip, "Corps d'état") || !strings.Contains(chip, "23.19Z") {
		t.Errorf("the chip reads %q", chip)
	}
	names := eval[[]string](b, "stained glass", `[...document.querySelectorAll('#ensemble .match h4')].map(e => e.textContent.trim())`)
	if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "THOMAS VITRAUX") }) {
		t.Errorf("the stained-glass ranking %q lacks the real winner", names)
	}
	if slices.Equal(names, whole[:min(len(names), len(whole))]) {
		t.Errorf("choosing the trade did not change the ranking")
	}
	b.screenshot("corps-d-etat-vitrail")
	b.navigatingBy("remove the chip", chromedp.Click(chromedp.CSS(".trade-chip a")))
	if u := b.location(); u.Query().Get("metier") != "" {
		t.Errorf("the chip's × led to %s", u)
	}
	if again := eval[[]string](b, "whole again", `[...document.querySelectorAll('#ensemble .match h4')].map(e => e.textContent.trim())`); !slices.Equal(again, whole) {
		t.Errorf("the whole ranking did not come back: %q", again)
	}
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}
