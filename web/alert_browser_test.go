package web

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/mmcdole/gofeed"

	"fabrique/data"
)

// unsubscribeLineRe finds, in a digest's text, the unsubscribe link of a
// profile: « - Name (fréquence) — ne plus recevoir cette alerte : URL ».
func unsubscribeLink(t testing.TB, text, profile string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^- ` + regexp.QuoteMeta(profile) + ` \(.*\) — ne plus recevoir cette alerte : (\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the digest has no unsubscribe link for « %s »:\n%s", profile, text)
	}
	return m[1]
}

// fetch gets a feed over loopback, as a feed reader would.
func fetch(t testing.TB, url, wantType string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), wantType) {
		t.Fatalf("GET %s: %d %s, %v", url, resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("GET %s: Cache-Control %q, want private", url, cc)
	}
	return string(b)
}

// TestBrowserAlertJourney plays issue 10's journey in a real browser: a
// member whose company declares a CPV code sees, after real notices are
// imported, the open tender on the company's dashboard; follows the link
// to the alerts, types a profile, previews what it would have sent last
// week and saves it; receives the digest through the test SMTP server;
// makes the feed addresses, whose Atom feed and calendar parse; follows
// the mail's unsubscribe link; the next digest serves the other profile
// only.
func TestBrowserAlertJourney(t *testing.T) {
	requireChromium(t)
	ctx := context.Background()
	now := time.Now().UTC()
	co := pmiCompany()
	co.CPVDeclared = []string{"71630000"} // the main code of cn_24_open
	co.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	s, inbox := listingServer(t, Config{RateLimit: RateLimit{PerSecond: -1}}, co)
	acc := createAccount(t, s, "claire.morel@tolerie-comtoise.example", listingPassword, data.RoleSupplier)
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: co.ID, AccountID: acc.ID, Role: data.MemberOwner, Since: now, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}

	// Real notices, imported as the importer folds them (dates moved
	// around now): one the company's code selects, one closing in 3 days.
	imp := &digestFixture{s: s, now: now}
	open := imp.importNotice(t, eformsNotice(t, "cn_24_open.xml"), 20)
	closing := imp.importNotice(t, eformsNotice(t, "cn_24_FRA_comments.xml"), 3)
	if open.CPV != "71630000" || closing.CPV[:2] != "77" {
		t.Fatalf("fixtures' codes %s and %s changed", open.CPV, closing.CPV)
	}
	// A second profile, saved earlier: divisions 71 and 77.
	other, err := s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: acc.ID, Name: "Ingénierie et espaces verts",
		CPV: []data.AlertCPV{{Code: "71000000", WithChildren: true}, {Code: "77000000", WithChildren: true}}, Frequency: data.AlertImmediate})
	if err != nil {
		t.Fatal(err)
	}

	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)
	b.n = 90 // after the other journeys' screenshots

	// 1. Sign in; the dashboard proposes the open tender.
	b.do("open the sign-in page", chromedp.Navigate(base+signInPath), chromedp.WaitVisible(chromedp.CSS("#password")))
	b.do("type the credentials", chromedp.SendKeys(chromedp.CSS("#email"), acc.Email), chromedp.SendKeys(chromedp.CSS("#password"), listingPassword))
	b.navigatingBy("sign in", chromedp.SendKeys(chromedp.CSS("#password"), kb.Enter))
	b.navigatingBy("open the dashboard", chromedp.Navigate(base+companyURL(co.ID)))
	section := eval[string](b, "tenders section", `document.querySelector('.company-tenders').innerText`)
	if !strings.Contains(section, open.Title) {
		t.Fatalf("the dashboard does not propose %q:\n%s", open.Title, section)
	}
	b.screenshot("appels-d-offres-pour-vous")

	// 2. From there to the alerts: a profile, previewed then saved.
	// Follow the link's own address (a click on a node found before the
	// page settled fails now and then with « Could not find node »).
	link := eval[string](b, "« créer une alerte »", `document.querySelector('.company-tenders .alert-link a').href`)
	b.navigatingBy("follow « créer une alerte »", chromedp.Navigate(link))
	if u := b.location(); u.Path != alertsPath {
		t.Fatalf("the link led to %s", u)
	}
	// The form starts from the listing: its name, its code with the codes
	// under it. This profile is another one: the name is retyped, the
	// company's code unticked.
	b.do("the form is filled", chromedp.WaitVisible(chromedp.CSS("#nom")))
	if name := eval[string](b, "name", `document.querySelector('#nom').value`); name != "Appels d'offres pour "+co.Name {
		t.Errorf("the form from the dashboard is named %q", name)
	}
	if !eval[bool](b, "company's code", `document.querySelector('input[name=cpv][value="71630000"]').checked && document.querySelector('input[name=cpv_enfants][value="71630000"]').checked`) {
		t.Errorf("the form from the dashboard does not tick the company's code with its children")
	}
	b.do("untick the company's code", chromedp.Click(chromedp.CSS(`input[name=cpv][value="71630000"]`), chromedp.NodeVisible))
	eval[string](b, "clear the name", `document.querySelector('#nom').value = ''`)
	b.do("name the profile", chromedp.SendKeys(chromedp.CSS("#nom"), "Ingénierie"),
		chromedp.SendKeys(chromedp.CSS("#cpv_ajout"), "71000000"),
		chromedp.Click(chromedp.CSS(`input[name=frequence][value=immediate]`)))
	b.navigatingBy("add the code", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Chercher"]`), chromedp.NodeVisible))
	b.do("with its children", chromedp.Click(chromedp.CSS(`input[name=cpv_enfants][value="71000000"]`), chromedp.NodeVisible))
	b.navigatingBy("preview", chromedp.Click(chromedp.CSS(`.form-actions button[value=apercu]`), chromedp.NodeVisible))
	preview := eval[string](b, "preview", `(document.querySelector('#apercu') || document.body).innerText`)
	if !strings.Contains(preview, "aurait envoyé la semaine dernière") || !strings.Contains(preview, open.Title) {
		t.Fatalf("the preview does not list %q:\n%s", open.Title, preview)
	}
	b.screenshot("apercu-alerte")
	b.navigatingBy("save", chromedp.Click(chromedp.CSS(`.form-actions button[value=enregistrer]`), chromedp.NodeVisible))
	if notice := eval[string](b, "notice", `document.querySelector('.notice').innerText`); !strings.Contains(notice, "Alerte enregistrée") {
		t.Fatalf("after saving the page says %q", notice)
	}
	profilePath := b.location().Path
	profiles, err := s.store.AlertProfilesOf(ctx, acc.ID)
	if err != nil || len(profiles) != 2 {
		t.Fatalf("profiles %+v, %v", profiles, err)
	}
	mine := profiles[1]
	if alertURL(mine.ID) != profilePath || len(mine.CPV) != 1 || mine.CPV[0] != (data.AlertCPV{Code: "71000000", WithChildren: true}) ||
		mine.Frequency != data.AlertImmediate {
		t.Fatalf("saved %+v at %s", mine, profilePath)
	}

	// 3. The digest arrives through SMTP, with a link per profile.
	if run, err := s.SendDueDigests(ctx, now.Add(time.Minute), false); err != nil || run.Sent != 1 {
		t.Fatalf("first run: %+v, %v", run, err)
	}
	first := waitMail(t, inbox, 1)
	for _, want := range []string{open.Title, closing.Title, "Ingénierie", "Ingénierie et espaces verts"} {
		if !strings.Contains(first.Text, want) {
			t.Errorf("the first digest lacks %q:\n%s", want, first.Text)
		}
	}
	unsubscribe := unsubscribeLink(t, first.Text, "Ingénierie")

	// 4. The feeds: made on the profile's page, fetched and parsed.
	b.navigatingBy("make the feed addresses", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Créer les adresses des flux"]`), chromedp.NodeVisible))
	atomURL := eval[string](b, "Atom address", `document.querySelector('#feed-atom').href`)
	icalURL := eval[string](b, "calendar address", `document.querySelector('#feed-ical').href`)
	b.screenshot("flux-alerte")
	atom, err := gofeed.NewParser().ParseString(fetch(t, atomURL, "application/atom+xml"))
	if err != nil || len(atom.Items) == 0 || !strings.Contains(atom.Items[0].Title+atom.Title, "Ingénierie") {
		t.Fatalf("Atom feed: %v, %+v", err, atom)
	}
	if !strings.Contains(atom.Items[len(atom.Items)-1].Title+atom.Items[0].Title, open.Title) {
		t.Errorf("the Atom feed lacks %q", open.Title)
	}
	icalText := fetch(t, icalURL, "text/calendar")
	checkICalLines(t, icalText)
	cal, err := ics.ParseCalendar(strings.NewReader(icalText))
	if err != nil {
		t.Fatalf("calendar: %v", err)
	}
	var found bool
	for _, e := range cal.Events() {
		if end, err := e.GetEndAt(); err == nil && end.Equal(open.Deadline.Truncate(time.Second)) && strings.Contains(e.Id(), open.ID) {
			found = true
		}
	}
	if !found {
		t.Errorf("the calendar has no event at the deadline of %s:\n%s", open.ID, icalText)
	}

	// 5. Unsubscribe with the mail's link: that profile only.
	b.navigatingBy("open the unsubscribe link", chromedp.Navigate(unsubscribe))
	b.navigatingBy("confirm", chromedp.Click(chromedp.CSS("main form button"), chromedp.NodeVisible))
	if h := eval[string](b, "done", `document.querySelector('h1').innerText`); !strings.Contains(h, "ne recevrez plus") {
		t.Fatalf("after unsubscribing the page says %q", h)
	}
	if p, _ := s.store.AlertProfile(ctx, mine.ID); p.Active {
		t.Fatal("the profile still sends")
	}

	// 6. A new notice both profiles select: only the other one's mail.
	later := imp.importNotice(t, eformsNotice(t, "cn_81_FRA.xml"), 15)
	if run, err := s.SendDueDigests(ctx, now.Add(2*time.Minute), false); err != nil || run.Sent != 1 {
		t.Fatalf("second run: %+v, %v", run, err)
	}
	second := waitMail(t, inbox, 2)
	if !strings.Contains(second.Text, later.Title) || unsubscribeLink(t, second.Text, other.Name) == "" {
		t.Errorf("the second digest lacks %q:\n%s", later.Title, second.Text)
	}
	if strings.Contains(second.Text, "- Ingénierie (") {
		t.Errorf("the unsubscribed profile is still in the second digest:\n%s", second.Text)
	}
	if len(inbox()) != 2 {
		t.Errorf("%d mails, want 2", len(inbox()))
	}
	for _, problem := range consoleProblems() {
		t.Errorf("browser console: %s", problem)
	}
}
