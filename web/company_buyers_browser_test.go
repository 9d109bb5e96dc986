package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fabrique/data"
)

// TestBrowserCompanyPastTendersAndBuyers plays a member of a claimed
// company in a real browser when no open tender fits: the dashboard leads
// to the recent closed tenders, each said closed or awarded, and to the
// buyers of its sector, whose table reads in order with the keyboard; the
// page of all its tenders lists them too, without script errors.
func TestBrowserCompanyPastTendersAndBuyers(t *testing.T) {
	requireChromium(t)
	sup := listingCompany(45, "Menuiserie Navigatrice")
	sup.CPVDeclared = []string{"45421000"}
	sup.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}, Now: time.Now}, sup)
	ctx := context.Background()
	if err := s.store.PutAwards(ctx, sectorAwardsFixture()); err != nil {
		t.Fatal(err)
	}
	putTenders(t, s,
		data.Tender{ID: "boamp:26-981", Source: "boamp", SourceID: "26-981", Title: "Menuiseries de la médiathèque", CPV: "45421000",
			Buyer: data.Buyer{Name: "COMMUNE DE BRON"}, Place: data.Place{Departement: "69"}, PublishedAt: inDays(-90), Deadline: inDays(-60)},
		data.Tender{ID: "boamp:26-982", Source: "boamp", SourceID: "26-982", Title: "Portes du groupe scolaire", CPV: "45421131",
			Buyer: data.Buyer{Name: "Lyon Métropole Habitat"}, Place: data.Place{Departement: "69"}, PublishedAt: inDays(-100),
			State: data.StateAwarded, Winners: []data.Winner{{Name: "MENUISERIE LYONNAISE", SIRET: "34883030800010"}}})
	b, consoleProblems, base := openMemberBrowser(t, s, sup, "gerant@menuiserie-navigatrice.fr")
	b.n = 60
	// The open list says none fits and links to the recent ones.
	b.do("follow the link to the recent tenders", chromedp.Click(chromedp.CSS(`a[href="#avis-recents"]`)))
	if h := eval[string](b, "fragment", `location.hash`); h != "#avis-recents" {
		t.Errorf("the link leads to %q", h)
	}
	past := eval[[]string](b, "recent rows", `[...document.querySelectorAll('#avis-recents ~ ol .tender-row')].map(r => r.innerText)`)
	if len(past) != 2 {
		t.Fatalf("%d recent rows, want 2: %q", len(past), past)
	}
	joined := strings.Join(past, "\n")
	for _, want := range []string{"Menuiseries de la médiathèque", "clôturé le " + frenchDate(inDays(-60)), "Portes du groupe scolaire",
		"attribué à MENUISERIE LYONNAISE"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the recent rows lack %q: %q", want, joined)
		}
	}
	if n := eval[int](b, "set-aside buttons", `document.querySelectorAll('.company-tenders-past button').length`); n != 0 {
		t.Errorf("%d buttons in the recent closed tenders, want none (nothing to set aside)", n)
	}
	b.screenshot("entreprise-avis-recents")

	buyers := eval[[]string](b, "buyers", `[...document.querySelectorAll('#acheteurs-secteur ~ table tbody th')].map(th => th.innerText)`)
	if len(buyers) != 2 || !strings.HasPrefix(buyers[0], "COMMUNE DE BRON") {
		t.Errorf("buyers %q, want COMMUNE DE BRON first of two", buyers)
	}
	// The buyer's link is reached with the keyboard and leads to its tenders.
	b.do("focus the buyer's link", chromedp.Focus(chromedp.CSS(`#acheteurs-secteur ~ table a`)))
	b.navigatingBy("follow it with Enter", pressEnter())
	if u := b.location(); u.Path != tenderPath || u.Query().Get("buyer") != "COMMUNE DE BRON" {
		t.Errorf("the buyer's link leads to %s", u)
	}
	if n := eval[int](b, "buyer's tenders", `document.querySelectorAll('a[href$="26-981"]').length`); n == 0 {
		t.Error("the buyer's tenders do not list its closed tender")
	}
	b.do("open the company's tenders page", chromedp.Navigate(base+companyURL(sup.ID)+"/appels-d-offres"), chromedp.WaitVisible(chromedp.CSS("#acheteurs-secteur")))
	if got := eval[string](b, "page", `document.querySelector('main').innerText`); !strings.Contains(got, "Avis récents qui vous auraient correspondu") ||
		!strings.Contains(got, "Acheteurs publics de votre secteur") {
		t.Errorf("the company's tenders page lacks a section: %.500q", got)
	}
	b.screenshot("entreprise-acheteurs")
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}
