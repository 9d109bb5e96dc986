package web

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func profileIDs(ps []data.AlertProfile) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestDigestOneClickStopsEveryAlert: a digest mail of two alerts, received
// over SMTP, carries in its List-Unsubscribe header a link that stops both
// — a mail client's « Se désabonner » means no more of these mails. Its
// GET page names them and changes nothing; the one-click POST (no
// session, no CSRF token) stops both and says which; an alert made after
// the mail keeps writing; the per-alert links of the body still stop one
// alert each.
func TestDigestOneClickStopsEveryAlert(t *testing.T) {
	f := newDigestFixture(t)
	ctx := context.Background()
	at := f.now.Add(time.Minute)
	if run := f.send(t, at); run.Sent != 1 {
		t.Fatalf("run %+v", run)
	}
	mails := f.inbox()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	m := mails[0]
	header := regexp.MustCompile(`^<https://fabrique\.example(/alertes/desinscription/[A-Za-z0-9_-]+)>$`).FindStringSubmatch(m.Header.Get("List-Unsubscribe"))
	if header == nil || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe %q, List-Unsubscribe-Post %q", m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
	}
	target := header[1]
	body := regexp.MustCompile(`https://fabrique\.example(/alertes/desinscription/[A-Za-z0-9_-]+)`).FindAllStringSubmatch(m.Text, -1)
	if len(body) != 2 || body[0][1] == target || body[1][1] == target {
		t.Fatalf("the body's unsubscribe links %v: want one per alert, apart from the header's %s", body, target)
	}
	later := f.profile(t, data.AlertProfile{Name: "Après le courriel", Keywords: "visserie"})

	mail := newClient(f.s) // a mail client: no cookie at all
	r := mail.get(t, target)
	wantStatus(t, "GET", r, http.StatusOK)
	mustContain(t, "GET", r.body, "<h1>Ne plus recevoir les courriels de ces 2 alertes ?</h1>",
		"<li>« Code exact »</li>", "<li>« Deux divisions »</li>", "Ce courriel vous a été envoyé pour ces 2 alertes.",
		`name="List-Unsubscribe" value="One-Click"`, `action="`+target+`"`, "Me désinscrire de ces alertes")
	for _, p := range []data.AlertProfile{f.byCode, f.byDiv} {
		if got, _ := f.s.store.AlertProfile(ctx, p.ID); !got.Active {
			t.Fatalf("the GET stopped %q", p.Name)
		}
	}

	for i := range 2 { // idempotent
		r = f.s.do(t, http.MethodPost, target, strings.NewReader("List-Unsubscribe=One-Click"),
			"Content-Type", "application/x-www-form-urlencoded")
		wantStatus(t, "one-click", r, http.StatusOK)
		mustContain(t, "one-click", r.body, "<h1>Vous ne recevrez plus les courriels de ces 2 alertes</h1>",
			"<li>« Code exact »</li>", "<li>« Deux divisions »</li>")
		for _, p := range []data.AlertProfile{f.byCode, f.byDiv} {
			if got, _ := f.s.store.AlertProfile(ctx, p.ID); got.Active {
				t.Errorf("POST %d: %q still active", i+1, p.Name)
			}
		}
		if got, _ := f.s.store.AlertProfile(ctx, later.ID); !got.Active {
			t.Fatalf("POST %d: the alert made after the mail was stopped", i+1)
		}
	}
	mustContain(t, "again", mail.get(t, target).body, "Vous êtes déjà désinscrit de ces 2 alertes")
	if strings.Contains(f.s.log.String(), strings.TrimPrefix(target, unsubscribePath+"/")) {
		t.Error("the logs hold the unsubscribe token")
	}

	// A per-alert link of the body opens its alert alone, as before.
	r = mail.get(t, body[0][1])
	wantStatus(t, "per-alert link", r, http.StatusOK)
	mustContain(t, "per-alert link", r.body, "Vous êtes déjà désinscrit de l&#39;alerte « Code exact »")
	if strings.Contains(r.body, "Deux divisions") {
		t.Error("the per-alert link speaks of the other alert")
	}

	// The next digests serve the alert made after the mail only.
	d, err := f.s.BuildDigest(ctx, f.acc.ID, at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := profileIDs(d.Profiles); !slices.Equal(got, []string{later.ID}) {
		t.Errorf("the next digest serves %v, want %s alone", got, later.ID)
	}
}
