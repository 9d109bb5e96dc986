package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fabrique/data"
)

// pmiCompany is the company the PMI journey claims: a real-looking
// listing whose website OFG published, on a domain whose mail reaches the
// test SMTP server.
func pmiCompany() data.Supplier {
	siren := luhnComplete("91827364")
	siret := luhnComplete(siren + "0001")
	addr := data.ResolveAddress(data.Address{Street: "4 rue des Tanneurs", Postcode: "25000", Commune: "Besançon"})
	s := data.Supplier{ID: siren, SIREN: siren, Name: "Tôlerie Comtoise", Address: addr,
		Establishments: []data.Establishment{{SIRET: siret, HeadOffice: true, Production: true, Address: addr, Valid: true}},
		NAF:            "25.11Z", NAFLabel: "Fabrication de structures métalliques et de parties de structures",
		Website: "https://www.tolerie-comtoise.example/", Activities: []string{"Tôlerie fine"},
		Labels: []data.Label{{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "Armoires électriques", Source: "ofg",
			GrantedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	s.SetProvenance(data.FieldWebsite, data.Provenance{Source: "ofg", FetchedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	return s
}

// pmi is the browser of the PMI journey, with the inbox of the test SMTP
// server.
type pmi struct {
	*buyer
	inbox func() []receivedMail
	mails int // mails read so far
}

// nextMail waits for the next mail and checks who it goes to.
func (p *pmi) nextMail(to string) receivedMail {
	p.t.Helper()
	p.mails++
	m := waitMail(p.t, p.inbox, p.mails)
	if len(m.To) != 1 || !strings.EqualFold(m.To[0], to) {
		p.t.Fatalf("mail %d (%q) went to %v, want %s", p.mails, m.Subject, m.To, to)
	}
	return m
}

// signUp creates an account through the form and confirms it from the
// mail, which signs it in.
func (p *pmi) signUp(name, email, password string) {
	p.t.Helper()
	p.do("open the sign-up form", chromedp.Navigate(p.base+signUpPath), chromedp.WaitVisible(chromedp.CSS("#email")))
	p.do("type the account",
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.SendKeys(chromedp.CSS("#password2"), password))
	p.navigatingBy("create the account", chromedp.SendKeys(chromedp.CSS("#password2"), kb.Enter))
	link := linkIn(p.t, p.nextMail(email), confirmPath)
	p.do("open the confirmation link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#password")))
	p.do("type the password chosen at sign-up", chromedp.SendKeys(chromedp.CSS("#password"), password))
	p.navigatingBy("confirm the address", chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	if u := p.location(); u.Path != accountPath {
		p.t.Fatalf("after the confirmation: %s, want the account page", u)
	}
}

// claimByMail claims the company shown on the current supplier page with a
// code e-mailed to local@ its domain, and returns the claim page's text.
func (p *pmi) claimByMail(local, domain string) string {
	p.t.Helper()
	p.navigatingBy("open « Revendiquer la fiche »", chromedp.Click(chromedp.CSS(".claim-box a"), chromedp.NodeVisible))
	p.do("choose the e-mailed code", chromedp.Click(chromedp.CSS("#method-email_domain")),
		chromedp.SendKeys(chromedp.CSS("#local"), local))
	p.screenshot("revendiquer")
	p.navigatingBy("start the claim", chromedp.SendKeys(chromedp.CSS("#local"), kb.Enter))
	code := codeIn(p.t, p.nextMail(local+"@"+domain).Text)
	p.do("type the code", chromedp.SendKeys(chromedp.CSS("#code"), code))
	p.navigatingBy("send the code", chromedp.SendKeys(chromedp.CSS("#code"), kb.Enter))
	return eval[string](p.buyer, "claim page", `document.querySelector('main').innerText`)
}

func (p *pmi) signOut() {
	p.t.Helper()
	p.navigatingBy("sign out", chromedp.Click(chromedp.CSS(".account-nav form button")))
}

// TestBrowserPMIJourney plays two people of one company in a real
// browser: the first signs up, confirms the address from the mail the
// test SMTP server received, finds the company, claims it with a code
// e-mailed to the company's domain and becomes its member; the second's
// claim of the same listing waits until the first approves it.
func TestBrowserPMIJourney(t *testing.T) {
	requireChromium(t)
	company := pmiCompany()
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}}, company)
	addr, inbox := startTestSMTP(t)
	s.mail = testSMTPSender(t, addr) // before serving: nothing reads it yet
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)
	b.n = 70 // after the other journeys' screenshots
	p := &pmi{buyer: b, inbox: inbox}
	ctx := context.Background()

	// 1. Sign up and confirm from the mail.
	p.signUp("Anne Vasseur", "anne.vasseur@atelier.test", "un long mot de passe pour Anne")
	first, err := s.store.AccountByEmail(ctx, "anne.vasseur@atelier.test")
	if err != nil || !first.Verified {
		t.Fatalf("the first account = %+v, %v; want it confirmed", first, err)
	}

	// 2. Find the company and claim it with an e-mailed code.
	p.do("open the home page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#q")))
	p.navigatingBy("search the company", chromedp.SendKeys(chromedp.CSS("#q"), "Tôlerie Comtoise"+kb.Enter))
	// Follow the result's own link (a click on a node found by XPath failed
	// once under -race with « Could not find node with given id »).
	href := eval[string](p.buyer, "the result's link", `(() => { const a = [...document.querySelectorAll('.results-list h3 a')]
		.find(a => a.textContent.includes("Tôlerie Comtoise")); return a ? a.href : ""; })()`)
	if href == "" {
		t.Fatal("the search results do not list the company")
	}
	p.navigatingBy("open its page", chromedp.Navigate(href))
	if u := p.location(); u.Path != supplierURL(company.ID) {
		t.Fatalf("the search led to %s, want the company's page", u)
	}
	page := p.claimByMail("direction", "tolerie-comtoise.example")
	if !strings.Contains(page, "Code accepté") || !strings.Contains(page, "Vous gérez désormais cette fiche") {
		t.Fatalf("after the code, the claim page says:\n%s", page)
	}
	p.screenshot("revendication-acceptee")
	if ok, _ := s.store.IsMember(ctx, first.ID, company.ID); !ok {
		t.Fatal("the first claimant is not a member of the company")
	}

	// 3. A second person's claim of the managed listing waits for the first.
	p.signOut()
	p.signUp("Bruno Petit", "bruno.petit@atelier.test", "un autre mot de passe pour Bruno")
	p.do("open the company's page", chromedp.Navigate(base+supplierURL(company.ID)), chromedp.WaitVisible(chromedp.CSS(".claim-box a")))
	page = p.claimByMail("bruno.petit", "tolerie-comtoise.example")
	if !strings.Contains(page, "en attente d'approbation") {
		t.Fatalf("the second claim does not wait for approval:\n%s", page)
	}
	second, _ := s.store.AccountByEmail(ctx, "bruno.petit@atelier.test")
	if ok, _ := s.store.IsMember(ctx, second.ID, company.ID); ok {
		t.Fatal("the second claimant became a member without approval")
	}
	approval := p.nextMail("anne.vasseur@atelier.test")
	if !strings.Contains(approval.Text, "bruno.petit@atelier.test") {
		t.Errorf("the approval mail does not name the claimant:\n%s", approval.Text)
	}

	// 4. The first member signs in and approves from the link of the mail.
	p.signOut()
	p.navigatingBy("open the approval link", chromedp.Navigate(linkIn(t, approval, claimsPath)))
	p.do("sign in", chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#email"), "anne.vasseur@atelier.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), "un long mot de passe pour Anne"))
	p.navigatingBy("submit", chromedp.SendKeys(chromedp.CSS("#password"), kb.Enter))
	if u := p.location(); u.Path != claimsPath {
		t.Fatalf("after signing in: %s, want the claims page", u)
	}
	p.screenshot("demande-a-approuver")
	p.navigatingBy("approve", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Approuver"]`), chromedp.NodeVisible))
	if notice := eval[string](p.buyer, "notice", `document.querySelector('.notice').innerText`); !strings.Contains(notice, "approuvée") {
		t.Errorf("after the approval the page says %q", notice)
	}
	if ok, _ := s.store.IsMember(ctx, second.ID, company.ID); !ok {
		t.Fatal("the approved claimant is not a member")
	}
	if m := p.nextMail("bruno.petit@atelier.test"); !strings.Contains(m.Subject, "Vous gérez désormais") {
		t.Errorf("the second claimant's mail = %q", m.Subject)
	}

	for _, problem := range consoleProblems() {
		t.Errorf("browser console: %s", problem)
	}
}
