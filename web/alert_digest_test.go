package web

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
)

// eformsNotice parses a real eForms notice of the crawler's fixtures.
func eformsNotice(t testing.TB, name string) data.Tender {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "crawler", "notice", "testdata", "eforms", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := notice.ParseEForms(f, notice.Options{Now: time.Now})
	if err != nil || len(res.Tenders) != 1 {
		t.Fatalf("ParseEForms(%s): %d tenders, %v", name, len(res.Tenders), err)
	}
	return res.Tenders[0]
}

// digestFixture is a mail server with one verified account, two real
// notices imported (dates moved around now: the first open for 20 days,
// the second closing in 3) and two immediate profiles that both select
// the first one.
type digestFixture struct {
	s       *testServer
	inbox   func() []receivedMail
	acc     data.Account
	open    data.Tender // cn_24_open, closes in 20 days
	closing data.Tender // cn_24_FRA_comments, closes in 3 days
	byCode  data.AlertProfile
	byDiv   data.AlertProfile
	now     time.Time
}

func newDigestFixture(t *testing.T) *digestFixture {
	t.Helper()
	s, inbox := newMailServer(t, Config{PublicURL: "https://fabrique.example"})
	return digestFixtureOn(t, s, inbox)
}

func digestFixtureOn(t *testing.T, s *testServer, inbox func() []receivedMail) *digestFixture {
	t.Helper()
	f := &digestFixture{s: s, inbox: inbox, now: time.Now().UTC()}
	f.acc = createAccount(t, s, "pmi@example.fr", "mot de passe très long", data.RoleSupplier)
	f.open = f.importNotice(t, eformsNotice(t, "cn_24_open.xml"), 20)
	f.closing = f.importNotice(t, eformsNotice(t, "cn_24_FRA_comments.xml"), 3)
	if f.open.CPV == "" || f.closing.CPV == "" || f.open.CPV[:2] == f.closing.CPV[:2] {
		t.Fatalf("fixtures' CPV codes %q and %q: want two divisions", f.open.CPV, f.closing.CPV)
	}
	f.byCode = f.profile(t, data.AlertProfile{Name: "Code exact", CPV: []data.AlertCPV{{Code: f.open.CPV}}})
	f.byDiv = f.profile(t, data.AlertProfile{Name: "Deux divisions", CPV: []data.AlertCPV{
		{Code: f.open.CPV[:2] + "000000", WithChildren: true}, {Code: f.closing.CPV[:2] + "000000", WithChildren: true}}})
	return f
}

// importNotice folds a notice published an hour ago, closing in days.
func (f *digestFixture) importNotice(t *testing.T, n data.Tender, days int) data.Tender {
	t.Helper()
	n.PublishedAt = f.now.Add(-time.Hour)
	n.Deadline = f.now.AddDate(0, 0, days)
	n.Lots = nil // the lots' own deadlines would be the fixture's
	got, _, err := f.s.store.FoldNotice(context.Background(), n, "test:import")
	if err != nil {
		t.Fatalf("FoldNotice(%s): %v", n.ID, err)
	}
	return got
}

func (f *digestFixture) profile(t *testing.T, p data.AlertProfile) data.AlertProfile {
	t.Helper()
	p.AccountID, p.Frequency = f.acc.ID, data.AlertImmediate
	got, err := f.s.store.PutAlertProfile(context.Background(), p)
	if err != nil {
		t.Fatalf("PutAlertProfile: %v", err)
	}
	return got
}

func (f *digestFixture) send(t *testing.T, at time.Time) DigestRun {
	t.Helper()
	run, err := f.s.SendDueDigests(context.Background(), at, false)
	if err != nil {
		t.Fatalf("SendDueDigests: %v", err)
	}
	return run
}

// sectionIDs maps each section kind of d to its tenders' ids.
func sectionIDs(d Digest) map[string][]string {
	out := map[string][]string{}
	for _, s := range d.Sections {
		for _, it := range s.Items {
			out[s.Kind] = append(out[s.Kind], it.Tender.ID)
		}
	}
	return out
}

func TestDigestSectionsAndDedupe(t *testing.T) {
	f := newDigestFixture(t)
	ctx := context.Background()
	at := f.now.Add(time.Minute)
	d, err := f.s.BuildDigest(ctx, f.acc.ID, at)
	if err != nil {
		t.Fatal(err)
	}
	got := sectionIDs(d)
	want := map[string][]string{SectionNew: {f.open.ID}, SectionClosing: {f.closing.ID}}
	if len(got) != len(want) || !slices.Equal(got[SectionNew], want[SectionNew]) || !slices.Equal(got[SectionClosing], want[SectionClosing]) {
		t.Fatalf("sections %v, want %v", got, want)
	}
	if d.Sections[0].Kind != SectionNew || d.Len() != 2 || len(d.Profiles) != 2 {
		t.Errorf("order %s, %d tenders, %d profiles", d.Sections[0].Kind, d.Len(), len(d.Profiles))
	}
	if names := d.Sections[0].Items[0].Profiles; !slices.Equal(names, []string{"Code exact", "Deux divisions"}) {
		t.Errorf("the tender both profiles select names %v", names)
	}

	// Dry run: the same digest, nothing sent or recorded.
	run, err := f.s.SendDueDigests(ctx, at, true)
	if err != nil || len(run.Digests) != 1 || run.Digests[0].Len() != 2 || run.Sent != 0 {
		t.Fatalf("dry run: %+v, %v", run, err)
	}
	if sent, _ := f.s.store.AlertSentTo(ctx, f.acc.ID); len(sent) != 0 || len(f.inbox()) != 0 {
		t.Fatalf("the dry run sent %d mails, recorded %v", len(f.inbox()), sent)
	}

	if run := f.send(t, at); run.Sent != 1 || run.Failed != 0 {
		t.Fatalf("run %+v", run)
	}
	mails := f.inbox()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	m := mails[0]
	if m.To[0] != f.acc.Email || m.Subject != "Fabrique : 2 appels d'offres pour vos alertes" {
		t.Errorf("to %v, subject %q", m.To, m.Subject)
	}
	for _, part := range []string{m.Text, html.UnescapeString(m.HTML)} {
		for _, want := range []string{"Nouveaux appels d'offres (1)", "Clôture cette semaine (1)", "Code exact", "Deux divisions",
			"https://fabrique.example/appels-d-offres/", "Vos alertes dans ce message", "ne plus recevoir cette alerte",
			"https://fabrique.example/compte/alertes"} {
			if !strings.Contains(part, want) {
				t.Errorf("mail part lacks %q:\n%s", want, part)
			}
		}
		if strings.Contains(part, "profil") { // the site says « alerte »
			t.Errorf("the mail speaks of « profils »:\n%s", part)
		}
		if strings.Count(part, "/alertes/desinscription/") != 2 {
			t.Errorf("want one unsubscribe link per profile:\n%s", part)
		}
		if strings.Count(part, f.open.Title) != 1 {
			t.Errorf("%q appears %d times, want once", f.open.Title, strings.Count(part, f.open.Title))
		}
	}
	checkUnsubscribeHeaders(t, f, m)

	// A week before its deadline, the first tender comes back once, in
	// « clôture cette semaine ».
	later := f.open.Deadline.AddDate(0, 0, -6)
	if d, _ := f.s.BuildDigest(ctx, f.acc.ID, later); !slices.Equal(sectionIDs(d)[SectionClosing], []string{f.open.ID}) || d.Len() != 1 {
		t.Errorf("six days before its deadline: %v, want the open tender in « clôture »", sectionIDs(d))
	}

	// Nothing new: no mail, the profiles served all the same.
	at2 := at.Add(10 * time.Minute)
	if run := f.send(t, at2); run.Sent != 0 || run.Empty != 1 {
		t.Errorf("second run %+v, want one empty digest", run)
	}
	if n := len(f.inbox()); n != 1 {
		t.Errorf("%d mails after an empty run, want 1", n)
	}
	if last, _ := f.s.store.AlertLastSent(ctx, f.byCode.ID); !last.Equal(at2) {
		t.Errorf("last send %v, want %v", last, at2)
	}
}

// checkUnsubscribeHeaders checks RFC 2369 and 8058 headers, as received.
func checkUnsubscribeHeaders(t *testing.T, f *digestFixture, m receivedMail) {
	t.Helper()
	lu := m.Header.Get("List-Unsubscribe")
	re := regexp.MustCompile(`^<https://fabrique\.example/alertes/desinscription/([A-Za-z0-9_-]+)>$`)
	sub := re.FindStringSubmatch(lu)
	if sub == nil {
		t.Fatalf("List-Unsubscribe %q", lu)
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}
	ps, err := f.s.store.UnsubscribeProfiles(context.Background(), sub[1])
	if got := profileIDs(ps); err != nil || !slices.Equal(got, []string{f.byCode.ID, f.byDiv.ID}) {
		t.Errorf("the header's token opens %v, %v; want both profiles of the mail", got, err)
	}
	id := m.Header.Get("Message-ID")
	rec, err := f.s.store.Digest(context.Background(), m.Header.Get("X-Fabrique-Digest"))
	if err != nil || id != "<"+rec.MessageID+">" || rec.State != data.DigestSent {
		t.Errorf("Message-ID %q, record %q (%s), %v", id, rec.MessageID, rec.State, err)
	}
}

func TestDigestRectificatif(t *testing.T) {
	f := newDigestFixture(t)
	ctx := context.Background()
	at := f.now.Add(time.Minute)
	f.send(t, at)
	// The real change notice of cn_24_open moves its dates; re-imported.
	change := eformsNotice(t, "change-cn_24_open_dates.xml")
	change.Deadline = f.now.AddDate(0, 0, 30)
	change.Lots = nil
	folded, changed, err := f.s.store.FoldNotice(ctx, change, "test:import")
	if err != nil || !changed || folded.ID != f.open.ID || !folded.Corrected() {
		t.Fatalf("change folded into %s (changed %v, corrected %v): %v", folded.ID, changed, folded.Corrected(), err)
	}
	// The same notice imported again changes nothing.
	if _, changed, _ := f.s.store.FoldNotice(ctx, change, "test:import"); changed {
		t.Fatal("re-import of the change changed the tender")
	}
	at2 := at.Add(10 * time.Minute)
	d, err := f.s.BuildDigest(ctx, f.acc.ID, at2)
	if err != nil {
		t.Fatal(err)
	}
	got := sectionIDs(d)
	if len(got) != 1 || !slices.Equal(got[SectionCorrection], []string{f.open.ID}) {
		t.Fatalf("sections %v, want only the corrected tender in rectificatifs", got)
	}
	it := d.Sections[0].Items[0]
	if len(it.Changes) != 1 || !strings.Contains(it.Changes[0], "date limite") || !it.Tender.Deadline.Equal(change.Deadline) {
		t.Errorf("changes %q, deadline %v", it.Changes, it.Tender.Deadline)
	}
	if run := f.send(t, at2); run.Sent != 1 {
		t.Fatalf("run %+v", run)
	}
	mails := f.inbox()
	if len(mails) != 2 || !strings.Contains(mails[1].Text, "Rectificatifs (1)") || !strings.Contains(mails[1].Text, "Rectificatif : avis du") {
		t.Fatalf("%d mails; last:\n%s", len(mails), mails[len(mails)-1].Text)
	}
	// Told once.
	if d, _ := f.s.BuildDigest(ctx, f.acc.ID, at2.Add(time.Minute)); !d.Empty() {
		t.Errorf("the rectificatif comes again: %v", sectionIDs(d))
	}
}

func TestDigestOnlyToVerifiedAndActive(t *testing.T) {
	f := newDigestFixture(t)
	ctx := context.Background()
	acc := f.acc
	acc.Verified = false
	if err := f.s.store.PutAccount(ctx, acc, "test"); err != nil {
		t.Fatal(err)
	}
	if run := f.send(t, f.now.Add(time.Minute)); run.Sent != 0 || len(f.inbox()) != 0 {
		t.Fatalf("mail to an unconfirmed address: %+v", run)
	}
	acc.Verified = true
	if err := f.s.store.PutAccount(ctx, acc, "test"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []data.AlertProfile{f.byCode, f.byDiv} {
		p.Active = false
		if _, err := f.s.store.PutAlertProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if run := f.send(t, f.now.Add(time.Hour)); run.Sent != 0 || len(f.inbox()) != 0 {
		t.Fatalf("mail for unsubscribed profiles: %+v", run)
	}
}

func TestPreviewAlert(t *testing.T) {
	f := newDigestFixture(t)
	items, err := f.s.PreviewAlert(context.Background(), data.AlertProfile{Name: "Essai", CPV: []data.AlertCPV{{Code: f.closing.CPV}}}, f.now)
	if err != nil || len(items) != 1 || items[0].Tender.ID != f.closing.ID || items[0].Profiles[0] != "Essai" {
		t.Fatalf("preview: %+v, %v", items, err)
	}
	if _, err := f.s.PreviewAlert(context.Background(), data.AlertProfile{Name: "Vide"}, f.now); err == nil {
		t.Error("a profile without criteria previewed")
	}
	// A week later the tenders are no longer « last week's ».
	if items, _ := f.s.PreviewAlert(context.Background(), data.AlertProfile{Name: "Essai", CPV: []data.AlertCPV{{Code: f.closing.CPV}}}, f.now.AddDate(0, 0, 8)); len(items) != 0 {
		t.Errorf("preview a week later: %d items", len(items))
	}
}

func TestAlertDue(t *testing.T) {
	paris := paris()
	created := time.Date(2026, 12, 1, 15, 0, 0, 0, paris) // a Tuesday
	tests := []struct {
		name string
		freq data.AlertFrequency
		last time.Time
		at   time.Time
		want bool
	}{
		{"immediate, never sent", data.AlertImmediate, time.Time{}, created.Add(time.Minute), true},
		{"immediate, just sent", data.AlertImmediate, created.Add(time.Minute), created.Add(time.Minute), false},
		{"daily, before the first 7:00", data.AlertDaily, time.Time{}, time.Date(2026, 12, 2, 6, 59, 0, 0, paris), false},
		{"daily, at the first 7:00", data.AlertDaily, time.Time{}, time.Date(2026, 12, 2, 7, 0, 0, 0, paris), true},
		{"daily, sent at 7:00, later that day", data.AlertDaily, time.Date(2026, 12, 2, 7, 0, 0, 0, paris), time.Date(2026, 12, 2, 23, 0, 0, 0, paris), false},
		{"daily, missed a day (server down)", data.AlertDaily, time.Date(2026, 12, 2, 7, 0, 0, 0, paris), time.Date(2026, 12, 4, 9, 0, 0, 0, paris), true},
		{"weekly, before Monday", data.AlertWeekly, time.Time{}, time.Date(2026, 12, 6, 20, 0, 0, 0, paris), false},
		{"weekly, Monday 7:00", data.AlertWeekly, time.Time{}, time.Date(2026, 12, 7, 7, 0, 0, 0, paris), true},
		{"weekly, sent Monday, Sunday after", data.AlertWeekly, time.Date(2026, 12, 7, 7, 0, 0, 0, paris), time.Date(2026, 12, 13, 23, 0, 0, 0, paris), false},
		{"weekly, sent Monday, next Monday", data.AlertWeekly, time.Date(2026, 12, 7, 7, 0, 0, 0, paris), time.Date(2026, 12, 14, 7, 10, 0, 0, paris), true},
	}
	for _, tc := range tests {
		p := data.AlertProfile{Frequency: tc.freq, Active: true, CreatedAt: created}
		if got := alertDue(p, tc.last, tc.at); got != tc.want {
			t.Errorf("%s: due = %v, want %v (slot %v)", tc.name, got, tc.want, alertSlot(tc.freq, tc.at))
		}
	}
}

func TestDigestSMTPFailures(t *testing.T) {
	s := newTestServerDeps(t, Config{AdminToken: testAdminToken, PublicURL: "https://fabrique.example"}, Deps{Mail: failingSender{}})
	f := digestFixtureOn(t, s, nil)
	ctx := context.Background()
	at := f.now.Add(time.Minute)
	for i := range data.MaxDigestAttempts {
		run := f.send(t, at.Add(time.Duration(i)*time.Minute))
		if run.Sent != 0 || run.Failed != 1 {
			t.Fatalf("attempt %d: %+v", i+1, run)
		}
	}
	pending, _ := s.store.PendingDigests(ctx)
	if len(pending) != 1 || pending[0].Attempts != data.MaxDigestAttempts || pending[0].Error == "" {
		t.Fatalf("pending %+v", pending)
	}
	// Given up at the next run; its tenders are not recorded as sent.
	if run := f.send(t, at.Add(time.Hour)); run.Failed != 1 {
		t.Errorf("run after %d failures: %+v", data.MaxDigestAttempts, run)
	}
	if rec, _ := s.store.Digest(ctx, pending[0].ID); rec.State != data.DigestFailed {
		t.Errorf("state %s, want failed", rec.State)
	}
	if sent, _ := s.store.AlertSentTo(ctx, f.acc.ID); len(sent) != 0 {
		t.Errorf("a digest never sent recorded %v", sent)
	}
	fams := scrape(t, s)
	if m := sample(fams, "fabrique_alert_digests_total", map[string]string{"outcome": "failed"}); m == nil || m.GetCounter().GetValue() != data.MaxDigestAttempts+1 {
		t.Errorf("fabrique_alert_digests_total{outcome=failed} = %v, want %d", m, data.MaxDigestAttempts+1)
	}
	// Once mail works, the next digest carries the same tenders.
	addr, inbox := startTestSMTP(t)
	s.mail = testSMTPSender(t, addr)
	if run := f.send(t, at.Add(2*time.Hour)); run.Sent != 1 || len(inbox()) != 1 || !strings.Contains(inbox()[0].Text, f.open.Title) {
		t.Errorf("after the failures: %+v, %d mails", run, len(inbox()))
	}
}
