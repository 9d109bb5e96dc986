package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"fabrique/data"
)

func TestListingReport(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	admin, _ := w.person(t, "admin@alliance.example", data.RoleAdmin)
	sup := w.company(t, 1, "")
	anon := newClient(w.s)

	page := parseHTML(t, anon.get(t, supplierURL(sup.ID)))
	if href, ok := page.Find(`a[href$="/signaler"]`).Attr("href"); !ok || href != supplierURL(sup.ID)+"/signaler" {
		t.Fatalf("the supplier page has no « Signaler cette fiche » link (%q)", href)
	}
	if r := anon.post(t, supplierURL(sup.ID)+"/signaler", url.Values{"reason": {"   "}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("empty reason: status %d, want 422", r.status)
	} else if msg := textOf(parseHTML(t, r).Find(`[role="alert"]`)); !isSentence(msg) {
		// The refusal stands alone in its box: a sentence, as the claim form's.
		t.Errorf("empty reason: the refusal %q is no sentence", msg)
	}
	reason := "L'entreprise a fermé en 2024. <script>alert(1)</script>"
	r := anon.post(t, supplierURL(sup.ID)+"/signaler", url.Values{"reason": {reason}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Merci") {
		t.Fatalf("report: status %d\n%s", r.status, r.body)
	}
	desk := admin.get(t, "/admin")
	if !strings.Contains(desk.body, "L&#39;entreprise a fermé en 2024. &lt;script&gt;") || strings.Contains(desk.body, "<script>alert(1)") {
		t.Fatalf("the desk does not show the report escaped:\n%s", desk.body)
	}
	rs, _ := w.s.store.Reports(context.Background())
	if len(rs) != 1 || rs[0].Addr == "" || rs[0].AccountID != "" {
		t.Fatalf("stored reports = %+v", rs)
	}
	if r := admin.post(t, "/admin/signalements/"+rs[0].ID+"/clore", nil); r.status != http.StatusSeeOther {
		t.Errorf("close: status %d", r.status)
	}
	if got, _ := w.s.store.Report(context.Background(), rs[0].ID); got.ClosedAt.IsZero() {
		t.Error("the report is not closed")
	}

	// Reports are throttled per client address.
	throttled := false
	for range 30 {
		r := anon.post(t, supplierURL(sup.ID)+"/signaler", url.Values{"reason": {"encore"}})
		if r.status == http.StatusTooManyRequests {
			throttled = r.header.Get("Retry-After") != "" && strings.Contains(r.body, "Trop de tentatives")
			break
		}
	}
	if !throttled {
		t.Error("30 reports from one address were not throttled")
	}
}

func TestAdminJournalFiltersAndShowsAddresses(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	admin, _ := w.person(t, "admin@alliance.example", data.RoleAdmin)
	alice, aliceAcc := w.person(t, "alice@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	id := w.begin(t, alice, sup, url.Values{"method": {"document"}})

	rows := func(query string) []string {
		t.Helper()
		r := admin.get(t, journalPath+query)
		if r.status != http.StatusOK {
			t.Fatalf("journal%s: status %d\n%s", query, r.status, r.body)
		}
		var out []string
		parseHTML(t, r).Find("table.journal tbody tr").Each(func(_ int, tr *goquery.Selection) {
			out = append(out, strings.Join(strings.Fields(textOf(tr)), " "))
		})
		return out
	}
	got := rows("?action=claim.create")
	if len(got) != 1 || !strings.Contains(got[0], "alice@example.org") || !strings.Contains(got[0], "claim:"+id) {
		t.Fatalf("claim.create rows = %q", got)
	}
	addr := parseHTML(t, admin.get(t, journalPath+"?action=claim.create")).Find("table.journal tbody tr td").Last()
	if strings.TrimSpace(textOf(addr)) == "" {
		t.Error("the journal does not show the client address")
	}
	if got := rows("?acteur=" + url.QueryEscape("alice@example.org")); len(got) == 0 {
		t.Error("no row for alice by e-mail")
	}
	for _, row := range rows("?acteur=" + aliceAcc.ID) {
		if !strings.Contains(row, "alice@example.org") {
			t.Errorf("actor filter let through %q", row)
		}
	}
	if got := rows("?objet=supplier:" + sup.ID); len(got) == 0 || !strings.Contains(got[0], "supplier.create") {
		t.Errorf("entity filter = %q", got)
	}
	if got := rows("?du=2000-01-01&au=2000-12-31"); len(got) != 0 {
		t.Errorf("period in 2000 = %q", got)
	}
	if r := admin.get(t, journalPath+"?du=hier"); r.status != http.StatusBadRequest {
		t.Errorf("bad date: status %d, want 400", r.status)
	}

	// Paging: more than a page of entries.
	for i := range journalPageSize + 5 {
		if err := w.s.store.AppendAudit(context.Background(), data.AuditEntry{Actor: "test", Action: "test.step", Entity: "test:" + string(rune('a'+i%26))}); err != nil {
			t.Fatal(err)
		}
	}
	page := parseHTML(t, admin.get(t, journalPath+"?action=test"))
	if n := page.Find("table.journal tbody tr").Length(); n != journalPageSize {
		t.Fatalf("first page: %d rows, want %d", n, journalPageSize)
	}
	next, ok := page.Find(`a[rel="next"]`).Attr("href")
	if !ok {
		t.Fatal("no link to the next page")
	}
	if got := rows(strings.TrimPrefix(next, journalPath)); len(got) != 5 {
		t.Errorf("second page: %d rows, want 5", len(got))
	}
}

// TestJournalOffersEveryActionFamily: the journal's action filter
// proposes the family of every action the store and the handlers audit,
// the team's invitations (sent, accepted, cancelled) and the listing's
// edits among them.
func TestJournalOffersEveryActionFamily(t *testing.T) {
	for _, action := range []string{"account.signin", "claim.accept", "member.remove", "report.create", "supplier.update",
		"tender.dismiss", "team.invite", "team.invite_revoke", "listing.edit", "listing.undo"} {
		family, _, _ := strings.Cut(action, ".")
		if !slices.Contains(journalActions(), family) {
			t.Errorf("the journal's filter does not offer %q, the family of %q", family, action)
		}
	}
}
