package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"fabrique/data"
)

// feedbackForm is the vote form of one supplier on a shortlist page.
func feedbackForm(t testing.TB, doc *goquery.Document, supplier string) *goquery.Selection {
	t.Helper()
	f := feedbackFormOf(doc, supplier).First()
	if f.Length() == 0 {
		t.Fatalf("no vote form for supplier %s", supplier)
	}
	return f
}

// feedbackFormOf are the vote forms of one supplier on a shortlist page
// (one per ranking it is proposed in).
func feedbackFormOf(doc *goquery.Document, supplier string) *goquery.Selection {
	return doc.Find(`form.feedback`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		v, _ := s.Find(`input[name=supplier]`).Attr("value")
		return v == supplier
	})
}

// voteState reads a vote form: which button is pressed, the counts, and
// whether « retirer mon avis » shows.
func voteState(f *goquery.Selection) (pressed string, relevant, irrelevant string, withdraw bool) {
	f.Find(`button[name=vote]`).Each(func(_ int, b *goquery.Selection) {
		if p, _ := b.Attr("aria-pressed"); p == "true" {
			pressed, _ = b.Attr("value")
		}
		if v, _ := b.Attr("value"); v == voteWithdraw {
			_, hidden := b.Attr("hidden")
			withdraw = !hidden
		}
	})
	return pressed, f.Find(`[data-count=pertinent]`).Text(), f.Find(`[data-count=pas_pertinent]`).Text(), withdraw
}

func TestNeedFeedback(t *testing.T) {
	s := newSearchServer(t, Config{})
	createAccount(t, s, "acheteuse@mairie.test", testPassword, data.RoleBuyer)
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)

	a := newClient(s)
	r := a.post(t, "/besoin", validNeedForm())
	if r.status != http.StatusSeeOther || !shortlistPathRe.MatchString(r.header.Get("Location")) {
		t.Fatalf("need: status %d to %q", r.status, r.header.Get("Location"))
	}
	page := r.header.Get("Location")
	action := page + "/retours"
	doc := parseHTML(t, a.get(t, page))
	forms := doc.Find("form.feedback")
	if forms.Length() < 5 || forms.Length() != doc.Find("li.match").Length() {
		t.Fatalf("%d vote forms for %d suppliers", forms.Length(), doc.Find("li.match").Length())
	}
	if n := doc.Find(`script[src*="feedback"]`).Length(); n != 1 {
		t.Errorf("%d feedback scripts, want 1", n)
	}
	if act, _ := forms.First().Attr("action"); act != action {
		t.Errorf("form action %q, want %q", act, action)
	}
	supplier, _ := forms.First().Find("input[name=supplier]").Attr("value")
	const organBuilder = "342853082"
	if _, err := s.store.Supplier(context.Background(), organBuilder); err != nil || feedbackFormOf(doc, organBuilder).Length() > 0 {
		t.Fatalf("supplier %s: %v, or proposed for joinery: the test needs a supplier of the directory not proposed", organBuilder, err)
	}
	second, _ := forms.Eq(1).Find("input[name=supplier]").Attr("value")

	vote := func(cl *client, sup, v string) response {
		t.Helper()
		return cl.post(t, action, url.Values{"supplier": {sup}, "vote": {v}})
	}
	state := func(cl *client, sup string) []string {
		t.Helper()
		p, rel, irr, w := voteState(feedbackForm(t, parseHTML(t, cl.get(t, page)), sup))
		ws := "no-withdraw"
		if w {
			ws = "withdraw"
		}
		return []string{p, rel, irr, ws}
	}
	check := func(name string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: pressed, counts, withdraw = %q, want %q", name, got, want)
		}
	}

	check("before any vote", state(a, supplier), "", "(0)", "(0)", "no-withdraw")
	if r := vote(a, supplier, "pertinent"); r.status != http.StatusSeeOther || r.header.Get("Location") != page+"#ensemble-"+supplier {
		t.Fatalf("vote without JavaScript: status %d to %q, want 303 to the supplier's row of the shortlist", r.status, r.header.Get("Location"))
	}
	if doc.Find("li#ensemble-"+supplier).Find(`input[name=supplier][value="`+supplier+`"]`).Length() != 1 {
		t.Errorf("no row li#ensemble-%s holding its vote form", supplier)
	}
	check("after a vote", state(a, supplier), "pertinent", "(1)", "(0)", "withdraw")
	vote(a, supplier, "pas_pertinent")
	check("a changed vote replaces the first", state(a, supplier), "pas_pertinent", "(0)", "(1)", "withdraw")
	check("another supplier is untouched", state(a, second), "", "(0)", "(0)", "no-withdraw")

	b := newClient(s)
	vote(b, supplier, "pertinent")
	check("another session votes on its own", state(b, supplier), "pertinent", "(1)", "(1)", "withdraw")
	check("and the first keeps its vote", state(a, supplier), "pas_pertinent", "(1)", "(1)", "withdraw")

	t.Run("a script gets JSON and no reload", func(t *testing.T) {
		f := url.Values{"supplier": {supplier}, "vote": {voteWithdraw}, csrfField: {b.csrf(t)}}
		r := b.do(t, http.MethodPost, action, strings.NewReader(f.Encode()),
			"Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json")
		var ans feedbackAnswer
		decodeJSON(t, r, &ans)
		if r.status != http.StatusOK || ans.Vote != "" || ans.Relevant != 0 || ans.Irrelevant != 1 || ans.Message != "Avis retiré." {
			t.Errorf("withdraw: status %d, answer %+v", r.status, ans)
		}
		f.Set("vote", "pertinent")
		r = b.do(t, http.MethodPost, action, strings.NewReader(f.Encode()),
			"Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json")
		decodeJSON(t, r, &ans)
		if ans.Vote != "pertinent" || ans.Relevant != 1 || !strings.Contains(ans.Message, "« pertinent » enregistré") {
			t.Errorf("vote: answer %+v", ans)
		}
	})

	t.Run("a signed-in buyer keeps one vote across sessions", func(t *testing.T) {
		c1 := signIn(t, s, "acheteuse@mairie.test", testPassword)
		vote(c1, second, "pertinent")
		c2 := signIn(t, s, "acheteuse@mairie.test", testPassword)
		check("second session", state(c2, second), "pertinent", "(1)", "(0)", "withdraw")
		vote(c2, second, "pas_pertinent")
		check("changed from the second session", state(c1, second), "pas_pertinent", "(0)", "(1)", "withdraw")
	})

	t.Run("bad votes are refused in French and change nothing", func(t *testing.T) {
		for name, tc := range map[string]struct {
			sup, vote string
			status    int
			msg       string
		}{
			"unknown supplier": {"999999999", "pertinent", http.StatusBadRequest, "inconnu de l&#39;annuaire"},
			// An organ builder of the directory, not proposed for joinery.
			"supplier not proposed": {organBuilder, "pertinent", http.StatusBadRequest, "ce fournisseur n&#39;est pas proposé pour ce besoin"},
			"unknown vote":          {supplier, "génial", http.StatusBadRequest, "avis inconnu"},
			"no supplier":           {"", "pertinent", http.StatusBadRequest, "fournisseur inconnu"},
		} {
			r := vote(a, tc.sup, tc.vote)
			if r.status != tc.status || !strings.Contains(r.body, tc.msg) {
				t.Errorf("%s: status %d, want %d with %q", name, r.status, tc.status, tc.msg)
			}
		}
		r := a.postRaw(t, action, url.Values{"supplier": {supplier}, "vote": {"pertinent"}})
		if r.status != http.StatusForbidden {
			t.Errorf("no CSRF token: status %d, want 403", r.status)
		}
		if r := vote(a, supplier, "pertinent"); r.status != http.StatusSeeOther {
			t.Fatalf("status %d", r.status)
		}
		if r := a.post(t, "/besoins/0123456789abcdef/retours", url.Values{"supplier": {supplier}, "vote": {"pertinent"}}); r.status != http.StatusNotFound {
			t.Errorf("unknown need: status %d, want 404", r.status)
		}
		check("after the refusals", state(a, supplier), "pertinent", "(2)", "(0)", "withdraw")
	})

	t.Run("admins export the votes as CSV", func(t *testing.T) {
		if r := newClient(s).get(t, adminFeedbackPath); r.status != http.StatusSeeOther {
			t.Errorf("anonymous: status %d, want 303 to sign in", r.status)
		}
		if r := signIn(t, s, "acheteuse@mairie.test", testPassword).get(t, adminFeedbackPath); r.status != http.StatusForbidden {
			t.Errorf("a buyer: status %d, want 403", r.status)
		}
		r := signIn(t, s, "admin@alliance.test", testPassword).get(t, adminFeedbackPath)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("admin: status %d, %s", r.status, r.header.Get("Content-Type"))
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, csvBOM)))
		cr.Comma = ';'
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || strings.Join(rows[0], "|") != "Besoin|Intitulé|Liste|Fournisseur|Raison sociale|Avis|Votant|Date" {
			t.Fatalf("CSV = %q, want a header and 3 votes", rows)
		}
		var got []string
		for _, row := range rows[1:] {
			if !strings.HasSuffix(row[2], page) || row[1] != "Restauration des menuiseries en bois de la mairie" || row[4] == "" {
				t.Errorf("row %q", row)
			}
			got = append(got, row[3]+" "+row[5]+" "+row[6])
		}
		want := []string{supplier + " pertinent anonyme", supplier + " pertinent anonyme", second + " pas pertinent compte"}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("votes = %q, want %q", got, want)
		}
	})
}

// rankingSuppliers are the suppliers of one ranking of a shortlist page,
// by the section's anchor.
func rankingSuppliers(doc *goquery.Document, anchor string) []string {
	var ids []string
	doc.Find(`section#` + anchor + ` form.feedback input[name=supplier]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("value")
		ids = append(ids, v)
	})
	return ids
}

// TestNeedFeedbackFollowsTheRankingShown votes on suppliers that only a
// lot's ranking, or only the chosen trade's, proposes: taken, and a vote
// without JavaScript comes back to the row voted on, trade kept.
func TestNeedFeedbackFollowsTheRankingShown(t *testing.T) {
	s := newSearchServer(t, Config{})
	a := newClient(s)
	vote := func(action, sup, ranking string) response {
		t.Helper()
		return a.post(t, action, url.Values{"supplier": {sup}, "vote": {"pertinent"}, rankingField: {ranking}})
	}
	onlyIn := func(doc *goquery.Document, anchor string, not []string) string {
		t.Helper()
		for _, id := range rankingSuppliers(doc, anchor) {
			if !slices.Contains(not, id) {
				return id
			}
		}
		t.Fatalf("no supplier of %s outside %q", anchor, not)
		return ""
	}

	t.Run("a lot's ranking", func(t *testing.T) {
		page := a.post(t, "/besoin", validNeedForm()).header.Get("Location")
		doc := parseHTML(t, a.get(t, page))
		sup := onlyIn(doc, "lot-1", rankingSuppliers(doc, wholeAnchor))
		if r := vote(page+"/retours", sup, "lot-1"); r.status != http.StatusSeeOther || r.header.Get("Location") != page+"#lot-1-"+sup {
			t.Errorf("vote on lot 1's %s: status %d to %q, want 303 to %s", sup, r.status, r.header.Get("Location"), page+"#lot-1-"+sup)
		}
	})

	t.Run("the chosen trade's ranking", func(t *testing.T) {
		form := validNeedForm()
		for _, k := range []string{"lot-1-title", "lot-1-cpv"} {
			form.Set(k, "")
		}
		page := a.post(t, "/besoin", form).header.Get("Location")
		doc := parseHTML(t, a.get(t, page))
		whole := rankingSuppliers(doc, wholeAnchor)
		var trade, sup string
		doc.Find(`nav.trade-facets a[href*="metier="]`).EachWithBreak(func(_ int, l *goquery.Selection) bool {
			href, _ := l.Attr("href")
			u, _ := url.Parse(href)
			for _, id := range rankingSuppliers(parseHTML(t, a.get(t, page+"?metier="+u.Query().Get("metier"))), wholeAnchor) {
				if !slices.Contains(whole, id) {
					trade, sup = u.Query().Get("metier"), id
					return false
				}
			}
			return true
		})
		if sup == "" {
			t.Fatal("no trade proposes a supplier the whole ranking does not")
		}
		tradePage := page + "?metier=" + url.QueryEscape(trade)
		if act, _ := feedbackForm(t, parseHTML(t, a.get(t, tradePage)), sup).Attr("action"); act != page+"/retours?metier="+url.QueryEscape(trade) {
			t.Errorf("form action %q, want the trade kept", act)
		}
		if r := vote(page+"/retours", sup, wholeAnchor); r.status != http.StatusBadRequest {
			t.Errorf("vote on %s without the trade: status %d, want 400", sup, r.status)
		}
		want := tradePage + "#ensemble-" + sup
		if r := vote(page+"/retours?metier="+url.QueryEscape(trade), sup, wholeAnchor); r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("vote on %s with trade %s: status %d to %q, want 303 to %s", sup, trade, r.status, r.header.Get("Location"), want)
		}
		if r := a.post(t, page+"/retours?metier=99.99Z", url.Values{"supplier": {sup}, "vote": {"pertinent"}}); r.status != http.StatusBadRequest {
			t.Errorf("vote with an unknown trade: status %d, want 400", r.status)
		}
	})
}
