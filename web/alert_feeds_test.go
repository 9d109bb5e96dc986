package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/mmcdole/gofeed"

	"fabrique/data"
)

// feedURLRe finds the feed addresses shown once on the profile's page.
var feedURLRe = regexp.MustCompile(`https://fabrique\.test/alertes/flux/([A-Za-z0-9_-]+)\.atom`)

func feedTokenIn(t testing.TB, body string) string {
	t.Helper()
	m := feedURLRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no feed address in the page")
	}
	if !strings.Contains(body, "https://fabrique.test/alertes/flux/"+m[1]+".ics") {
		t.Fatalf("no calendar address beside the Atom one")
	}
	return m[1]
}

// checkICalLines checks what a lenient parser would let through: CRLF
// line ends only and no line over 75 octets (RFC 5545, 3.1).
func checkICalLines(t testing.TB, body string) {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Errorf("the calendar does not end with CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") || len(l) > 75 {
			t.Errorf("line %d breaks RFC 5545: %q", i+1, l)
		}
	}
}

// TestAlertFeeds: a profile's page makes private feed addresses, shown
// once; the Atom feed and the calendar list the tenders it selects (a
// cancellation and a correction included) and validate; they are
// private, cached with validators; regenerating revokes the old address,
// revoking the new one.
func TestAlertFeeds(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	published := time.Now().Add(-5 * 24 * time.Hour)
	putTenders(t, w.s,
		data.Tender{ID: "boamp:26-804", Source: "boamp", SourceID: "26-804", Title: "Portes du musée; lot 1, chêne", CPV: "45421131",
			Place: data.Place{Departement: "69", Commune: "Lyon"}, PublishedAt: published, Deadline: inDays(5), State: data.StateCancelled,
			History: []data.TenderRevision{{SourceID: "26-804", State: data.StateOpen, At: published}, {SourceID: "26-904", State: data.StateCancelled, At: published.Add(time.Hour)}}},
		data.Tender{ID: "boamp:26-805", Source: "boamp", SourceID: "26-805", Title: "Fenêtres de l'école", CPV: "45421000",
			Place: data.Place{Departement: "69"}, PublishedAt: published, Deadline: inDays(20), State: data.StateCorrected,
			History: []data.TenderRevision{{SourceID: "26-805", State: data.StateOpen, At: published},
				{SourceID: "26-905", State: data.StateCorrected, At: published.Add(time.Hour), Summary: "date limite reportée"}}},
		// A prior-information notice that announces a date (eForms pin-rtl):
		// in the feed as such, not in the calendar as a deadline.
		data.Tender{ID: "ted:pin-rtl-1", Source: "ted", SourceID: "pin-rtl-1", NoticeType: "pin-rtl", Title: "Menuiseries de la médiathèque",
			CPV: "45421000", Place: data.Place{Departement: "69"}, PublishedAt: published, Deadline: inDays(30)},
	)
	p, err := w.s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: w.acc.ID, Name: "Menuiserie, Rhône",
		CPV: []data.AlertCPV{{Code: "45421000", WithChildren: true}}, Departements: []string{"69"}})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "no feed yet", w.member.get(t, alertURL(p.ID)).body, "Aucune adresse de flux n'est active.")

	r := w.member.post(t, alertURL(p.ID)+"/flux", nil)
	wantStatus(t, "new feed", r, http.StatusOK)
	mustContain(t, "new feed", r.body, "elles ne seront plus affichées")
	token := feedTokenIn(t, r.body)
	if feedURLRe.MatchString(w.member.get(t, alertURL(p.ID)).body) {
		t.Fatal("the feed address is shown again")
	}
	anon := newClient(w.s)

	atom := anon.get(t, feedPath+"/"+token+".atom")
	wantStatus(t, "atom", atom, http.StatusOK)
	for h, want := range map[string]string{"Content-Type": "application/atom+xml", "Cache-Control": "private"} {
		if got := atom.header.Get(h); !strings.Contains(got, want) {
			t.Errorf("atom %s = %q, want %q", h, got, want)
		}
	}
	parsed, err := gofeed.NewParser().ParseString(atom.body)
	if err != nil {
		t.Fatalf("the Atom feed does not parse: %v\n%s", err, atom.body)
	}
	titles := map[string]*gofeed.Item{}
	for _, it := range parsed.Items {
		titles[it.Title] = it
	}
	for _, want := range []string{"Menuiseries extérieures du gymnase", "Annulé : Portes du musée; lot 1, chêne", "Fenêtres de l'école (rectifié)",
		"Pré-information : Menuiseries de la médiathèque"} {
		if titles[want] == nil {
			t.Errorf("the Atom feed lacks %q (has %v)", want, parsed.Items)
		}
	}
	if len(parsed.Items) != 4 {
		t.Errorf("the Atom feed has %d entries, want 4", len(parsed.Items))
	}
	if it := titles["Menuiseries extérieures du gymnase"]; it != nil {
		if it.Link != "https://fabrique.test/appels-d-offres/boamp:26-801" || !strings.Contains(it.Description, "Ville de Villeurbanne") {
			t.Errorf("entry link %q, summary %q", it.Link, it.Description)
		}
	}
	if strings.Contains(parsed.FeedLink+parsed.Link, "flux") && !strings.Contains(parsed.FeedLink, token) {
		t.Errorf("feed links %q %q", parsed.Link, parsed.FeedLink)
	}

	// Validators: the same feed is not sent twice.
	etag, modified := atom.header.Get("ETag"), atom.header.Get("Last-Modified")
	if etag == "" || modified == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, modified)
	}
	wantStatus(t, "If-None-Match", anon.do(t, http.MethodGet, feedPath+"/"+token+".atom", nil, "If-None-Match", etag), http.StatusNotModified)
	wantStatus(t, "If-Modified-Since", anon.do(t, http.MethodGet, feedPath+"/"+token+".atom", nil, "If-Modified-Since", modified), http.StatusNotModified)
	wantStatus(t, "stale ETag", anon.do(t, http.MethodGet, feedPath+"/"+token+".atom", nil, "If-None-Match", `"stale"`), http.StatusOK)

	cal := anon.get(t, feedPath+"/"+token+".ics")
	wantStatus(t, "ics", cal, http.StatusOK)
	if ct, cc := cal.header.Get("Content-Type"), cal.header.Get("Cache-Control"); !strings.HasPrefix(ct, "text/calendar") || !strings.Contains(cc, "private") || cal.header.Get("ETag") == "" {
		t.Errorf("ics Content-Type %q, Cache-Control %q, ETag %q", ct, cc, cal.header.Get("ETag"))
	}
	checkICalLines(t, cal.body)
	parsedCal, err := ics.ParseCalendar(strings.NewReader(cal.body))
	if err != nil {
		t.Fatalf("the calendar does not parse: %v\n%s", err, cal.body)
	}
	events := map[string]*ics.VEvent{}
	for _, e := range parsedCal.Events() {
		events[e.Id()] = e
		for _, prop := range []ics.ComponentProperty{ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart, ics.ComponentPropertySequence, ics.ComponentPropertyStatus} {
			if e.GetProperty(prop) == nil {
				t.Errorf("event %s has no %s", e.Id(), prop)
			}
		}
	}
	if len(events) != 3 {
		t.Errorf("the calendar has %d events, want 3:\n%s", len(events), cal.body)
	}
	for _, tt := range []struct {
		uid, status, sequence, summary string
		deadline                       time.Time
	}{
		{"appel-d-offres-boamp:26-801@fabrique.test", "CONFIRMED", "0", "Date limite : Menuiseries extérieures du gymnase", inDays(12)},
		{"appel-d-offres-boamp:26-804@fabrique.test", "CANCELLED", "1", "Annulé : Portes du musée; lot 1, chêne", inDays(5)},
		{"appel-d-offres-boamp:26-805@fabrique.test", "CONFIRMED", "1", "Date limite : Fenêtres de l'école", inDays(20)},
	} {
		e := events[tt.uid]
		if e == nil {
			t.Errorf("no event %s", tt.uid)
			continue
		}
		if got := e.GetProperty(ics.ComponentPropertyStatus).Value; got != tt.status {
			t.Errorf("%s STATUS = %s, want %s", tt.uid, got, tt.status)
		}
		if got := e.GetProperty(ics.ComponentPropertySequence).Value; got != tt.sequence {
			t.Errorf("%s SEQUENCE = %s, want %s", tt.uid, got, tt.sequence)
		}
		if got := e.GetProperty(ics.ComponentPropertySummary).Value; got != tt.summary {
			t.Errorf("%s SUMMARY = %q, want %q", tt.uid, got, tt.summary)
		}
		if end, err := e.GetEndAt(); err != nil || !end.Equal(tt.deadline) {
			t.Errorf("%s DTEND = %v (%v), want the deadline %v", tt.uid, end, err, tt.deadline)
		}
	}
	if e := events["appel-d-offres-boamp:26-805@fabrique.test"]; e != nil {
		if d := e.GetProperty(ics.ComponentPropertyDescription); d == nil || !strings.Contains(d.Value, "date limite reportée") {
			t.Errorf("the corrected event does not say what changed: %v", d)
		}
	}

	// Regenerating revokes the old address.
	r = w.member.post(t, alertURL(p.ID)+"/flux", nil)
	wantStatus(t, "regenerate", r, http.StatusOK)
	fresh := feedTokenIn(t, r.body)
	if fresh == token {
		t.Fatal("the regenerated token is the old one")
	}
	for _, ext := range []string{".atom", ".ics"} {
		wantStatus(t, "old "+ext, anon.get(t, feedPath+"/"+token+ext), http.StatusNotFound)
		wantStatus(t, "new "+ext, anon.get(t, feedPath+"/"+fresh+ext), http.StatusOK)
	}
	mustContain(t, "feed state", w.member.get(t, alertURL(p.ID)).body, "Des adresses de flux sont actives depuis le", "Révoquer les adresses")

	wantStatus(t, "revoke", w.member.post(t, alertURL(p.ID)+"/flux/revoquer", nil), http.StatusSeeOther)
	for _, ext := range []string{".atom", ".ics"} {
		wantStatus(t, "revoked "+ext, anon.get(t, feedPath+"/"+fresh+ext), http.StatusNotFound)
	}
	mustContain(t, "after revoke", w.member.get(t, alertURL(p.ID)).body, "Aucune adresse de flux n'est active.")
	for _, secret := range []string{token, fresh} {
		if strings.Contains(w.s.log.String(), secret) {
			t.Errorf("the logs hold a feed token")
		}
	}
	mustContain(t, "logs", w.s.log.String(), "path=/alertes/flux/[jeton].atom", "path=/alertes/flux/[jeton].ics")
	for _, target := range []string{feedPath + "/inconnu.atom", feedPath + "/.ics", feedPath + "/" + fresh + ".rss"} {
		wantStatus(t, target, anon.get(t, target), http.StatusNotFound)
	}
}

// TestUnsubscribe: the mail's link shows a page with a button and changes
// nothing; the one-click POST (no session, no CSRF token) stops that
// profile only, and again answers the same; a token that opens no profile
// (its alert deleted) says « Cette alerte n'existe plus », 404 to GET and
// 200 to the one-click POST, which mail clients take as done.
func TestUnsubscribe(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	a, err := w.s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: w.acc.ID, Name: "Menuiserie", Keywords: "menuiseries"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: w.acc.ID, Name: "Nettoyage", Keywords: "nettoyage"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := w.s.store.NewAlertToken(ctx, a.ID, data.AlertTokenUnsubscribe)
	if err != nil {
		t.Fatal(err)
	}
	feedToken, err := w.s.store.NewAlertToken(ctx, b.ID, data.AlertTokenFeed)
	if err != nil {
		t.Fatal(err)
	}
	target := unsubscribePath + "/" + token
	mail := newClient(w.s) // a mail client: no cookie at all

	r := mail.get(t, target)
	wantStatus(t, "confirmation", r, http.StatusOK)
	mustContain(t, "confirmation", r.body, "Ne plus recevoir les courriels de l&#39;alerte « Menuiserie » ?",
		`name="List-Unsubscribe" value="One-Click"`, `action="`+target+`"`, "Me désinscrire de cette alerte")
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if got, _ := w.s.store.AlertProfile(ctx, a.ID); !got.Active {
		t.Fatal("the GET unsubscribed")
	}

	oneClick := func() response {
		return w.s.do(t, http.MethodPost, target, strings.NewReader("List-Unsubscribe=One-Click"),
			"Content-Type", "application/x-www-form-urlencoded")
	}
	for i := range 2 {
		r = oneClick()
		wantStatus(t, "one-click", r, http.StatusOK)
		mustContain(t, "one-click", r.body, "Vous ne recevrez plus les courriels de l&#39;alerte « Menuiserie »")
		if got, _ := w.s.store.AlertProfile(ctx, a.ID); got.Active {
			t.Fatalf("POST %d: still active", i+1)
		}
		if got, _ := w.s.store.AlertProfile(ctx, b.ID); !got.Active {
			t.Fatalf("POST %d: the other profile was unsubscribed too", i+1)
		}
	}
	mustContain(t, "already", mail.get(t, target).body, "Vous êtes déjà désinscrit")
	if strings.Contains(w.s.log.String(), token) {
		t.Errorf("the logs hold the unsubscribe token")
	}

	// The digests now serve the other profile only.
	d, err := w.s.BuildDigest(ctx, w.acc.ID, time.Now().Add(8*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Profiles) != 1 || d.Profiles[0].ID != b.ID {
		t.Errorf("digest profiles = %+v, want only %s", d.Profiles, b.ID)
	}

	if err := w.s.store.DeleteAlertProfile(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, token string }{
		{"deleted alert", token}, {"unknown", "inconnu"}, {"a feed token", feedToken}, {"empty-ish", "-"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := mail.get(t, unsubscribePath+"/"+url.PathEscape(tt.token))
			wantStatus(t, "GET", r, http.StatusNotFound)
			mustContain(t, "GET", r.body, "<h1>Cette alerte n&#39;existe plus</h1>", "Mes alertes")
			r = w.s.do(t, http.MethodPost, unsubscribePath+"/"+url.PathEscape(tt.token), bytes.NewReader([]byte("List-Unsubscribe=One-Click")),
				"Content-Type", "application/x-www-form-urlencoded")
			wantStatus(t, "POST", r, http.StatusOK)
			mustContain(t, "POST", r.body, "<h1>Cette alerte n&#39;existe plus</h1>")
			if strings.Contains(r.body, "Page introuvable") || r.header.Get("Location") != "" || r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("POST: the generic 404, a redirect or a cacheable answer (Cache-Control %q)", r.header.Get("Cache-Control"))
			}
		})
	}
	if got, _ := w.s.store.AlertProfile(ctx, b.ID); !got.Active {
		t.Error("a feed token unsubscribed its profile")
	}
}
