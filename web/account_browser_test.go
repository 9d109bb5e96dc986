package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserAccountJourney signs up, confirms the address from the mail
// the test SMTP server received, signs out and back in, in a real browser
// and with the keyboard only. The pages raise no script error and no
// Content-Security-Policy violation.
func TestBrowserAccountJourney(t *testing.T) {
	requireChromium(t)
	s, inbox := newMailServer(t, Config{})
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)
	b.n = 80

	b.do("open the sign-up form", chromedp.Navigate(base+signUpPath), chromedp.WaitVisible(chromedp.CSS("#email")))
	b.do("type the form",
		chromedp.SendKeys(chromedp.CSS("#email"), "claire@atelier.test"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Claire Martin"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.SendKeys(chromedp.CSS("#password2"), testPassword),
	)
	b.screenshot("inscription")
	b.navigatingBy("send it with Enter", chromedp.SendKeys(chromedp.CSS("#password2"), kb.Enter))
	if h := eval[string](b, "heading", `document.querySelector('h1').textContent`); h != "Vérifiez votre messagerie" {
		t.Fatalf("after sign-up: %q", h)
	}

	link := linkIn(t, waitMail(t, inbox, 1), confirmPath)
	b.do("open the link of the mail", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("main form button")))
	b.navigatingBy("confirm with the keyboard", chromedp.Focus(chromedp.CSS("main form button")), chromedp.KeyEvent(kb.Enter))
	if u := b.location(); u.Path != accountPath {
		t.Fatalf("confirmation led to %s, want %s", u, accountPath)
	}
	b.screenshot("compte")
	if who := eval[string](b, "header", `document.querySelector('.account-nav a').textContent`); who != "Claire Martin" {
		t.Errorf("header names %q, want the account's name", who)
	}

	b.navigatingBy("sign out", chromedp.Focus(chromedp.CSS(".account-nav button")), chromedp.KeyEvent(kb.Enter))
	if txt := eval[string](b, "header", `document.querySelector('.account-nav').textContent`); !strings.Contains(txt, "Se connecter") {
		t.Errorf("after sign-out the header says %q", txt)
	}

	b.do("open the sign-in form", chromedp.Navigate(base+signInPath+"?suite="+url.QueryEscape("/appels-d-offres")), chromedp.WaitVisible(chromedp.CSS("#email")))
	b.do("type the credentials",
		chromedp.SendKeys(chromedp.CSS("#email"), "claire@atelier.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	b.screenshot("connexion")
	b.navigatingBy("sign in with Enter", chromedp.SendKeys(chromedp.CSS("#password"), kb.Enter))
	if u := b.location(); u.Path != "/appels-d-offres" {
		t.Errorf("sign-in led to %s, want back to the page of suite=", u)
	}
	if who := eval[string](b, "header", `document.querySelector('.account-nav a').textContent`); who != "Claire Martin" {
		t.Errorf("after sign-in the header names %q", who)
	}
	for _, p := range consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
}
