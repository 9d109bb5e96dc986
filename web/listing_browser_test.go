package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fabrique/data"
)

// TestBrowserListingJourney plays a member in a real browser: sign in,
// the dashboard, CPV codes found by their words and ticked, the public
// page and the search showing them at once, without script errors.
func TestBrowserListingJourney(t *testing.T) {
	requireChromium(t)
	sup := listingCompany(9, "Optique Fabrique")
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}}, sup)
	b, consoleProblems, base := openMemberBrowser(t, s, sup, "gerant@optique-fabrique.fr")
	b.n = 80
	if got := eval[string](b, "suggestion", `document.querySelector('.listing-suggestions li').textContent`); !strings.Contains(got, "codes CPV") {
		t.Errorf("first suggestion %q, want the CPV codes", got)
	}
	b.screenshot("fiche-tableau-de-bord")
	b.navigatingBy("open the CPV form", chromedp.Click(chromedp.Search(`//a[contains(., "Ajoutez vos codes CPV")]`)))
	b.do("type words", chromedp.SendKeys(chromedp.CSS("#cpv_ajout"), "télescope"))
	b.do("wait for the suggestions", chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#cpv-options option')].some(o => o.value.startsWith('38635000'))`))
	b.navigatingBy("search", chromedp.Click(chromedp.CSS(`button[value=search]`)))
	b.do("tick the code", chromedp.Click(chromedp.CSS(`input[name=cpv][value="38635000"]`)))
	b.screenshot("fiche-cpv")
	b.navigatingBy("save", chromedp.Click(chromedp.CSS(`.form-actions button[value=save]`)))
	if got := eval[string](b, "confirmation", `document.querySelector('.alert-success').textContent`); !strings.Contains(got, "Codes CPV") {
		t.Errorf("confirmation %q", got)
	}
	b.do("open the public page", chromedp.Navigate(base+supplierURL(sup.ID)), chromedp.WaitVisible(chromedp.CSS("#supplier-name")))
	if got := eval[string](b, "declared codes", `document.getElementById('offre').parentElement.textContent`); !strings.Contains(got, "Télescopes") {
		t.Errorf("public page lacks the declared code: %.300q", got)
	}
	b.screenshot("fiche-publique")
	b.do("search", chromedp.Navigate(base+"/recherche?q=t%C3%A9lescopes"), chromedp.WaitReady(chromedp.CSS("main")))
	if n := eval[int](b, "hits", `document.querySelectorAll('a[href="`+supplierURL(sup.ID)+`"]').length`); n == 0 {
		t.Error("the search does not find the company by its declared code")
	}
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}

// openMemberBrowser makes an account with that address an owner of the
// company, serves s on loopback, opens a browser and signs in from the
// company's dashboard, where it stays.
func openMemberBrowser(t *testing.T, s *testServer, sup data.Supplier, email string) (*buyer, func() []string, string) {
	t.Helper()
	acc := createAccount(t, s, email, listingPassword, data.RoleSupplier)
	if err := s.store.AddMember(context.Background(), data.Membership{SupplierID: sup.ID, AccountID: acc.ID,
		Role: data.MemberOwner, Since: time.Now(), Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)
	b.do("open the dashboard", chromedp.Navigate(base+companyURL(sup.ID)), chromedp.WaitVisible(chromedp.CSS("#password")))
	b.navigatingBy("sign in", chromedp.SendKeys(chromedp.CSS("#email"), acc.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), listingPassword), chromedp.Click(chromedp.CSS(`button[value=motdepasse]`)))
	if p := b.location().Path; p != companyURL(sup.ID) {
		t.Fatalf("after sign-in the browser is at %s, want the dashboard", p)
	}
	return b, consoleProblems, base
}
