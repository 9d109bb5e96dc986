package web

import (
	"encoding/json"
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/observatory"
)

// TestObservatoryRecentTendersOnRealNotices: on the default server in
// December 2026 every one of the 90 BOAMP notices shipped (15 March 2026)
// is past its deadline, and the section « Appels d'offres ouverts :
// trouvent-ils des fabricants ? » said « 0 » and nothing else, with or
// without period=2026-03. The 68 calls for tenders among them (the 22
// others are result notices without their call) are now evaluated in a
// block of the notices published in the last twelve months, open or
// closed, and for a period, in the page, the JSON and the CSV; the
// OpenAPI example of /api/v1/stats/tenders is this server's answer.
func TestObservatoryRecentTendersOnRealNotices(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the 17 300 embedded awards")
	}
	day := time.Date(2026, 12, 7, 23, 40, 0, 0, time.UTC) // 8 December in Paris
	s := newSearchServer(t, Config{Now: func() time.Time { return day }})
	if tenders, _ := importEmbeddedNotices(t, s); tenders != 90 {
		t.Fatalf("imported %d notices, want the 90 BOAMP notices", tenders)
	}
	var open, recent, march observatory.TenderCoverage
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders"), &open)
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders?scope=published"), &recent)
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders?scope=published&period=2026-03"), &march)
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("default scope", open.Scope, observatory.ScopeOpen)
	check("open tenders", open.Tenders, 0)
	check("12 months: scope", recent.Scope, observatory.ScopePublished)
	check("12 months: from", recent.PublishedFrom, time.Date(2025, 12, 8, 0, 0, 0, 0, time.UTC))
	check("12 months: tenders", recent.Tenders, 68)
	check("12 months: closed", recent.Closed, 68)
	check("12 months: evaluated", recent.Evaluated, 68)
	check("12 months: at least 1 + none", recent.AtLeast1+recent.None, 68)
	check("12 months: unmatched listed", len(recent.Unmatched), recent.None)
	if recent.None == 0 || len(recent.Gaps) == 0 {
		t.Fatalf("12 months: %d without a capable supplier, %d gap rows; the real notices have gaps", recent.None, len(recent.Gaps))
	}
	for _, u := range recent.Unmatched {
		if u.Status != data.StatusClosed || u.PublishedAt.In(paris()).Format(time.DateOnly) != "2026-03-15" {
			t.Errorf("unmatched %s: %s, published %v; want closed, 15 March 2026", u.ID, u.Status, u.PublishedAt)
		}
	}
	check("March 2026: tenders", march.Tenders, recent.Tenders)
	check("March 2026: none", march.None, recent.None)
	check("March 2026: to", march.PublishedTo, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if r := s.get(t, "/api/v1/stats/tenders?scope=all"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "portée attendue") {
		t.Errorf("scope=all: %d %s", r.status, r.body)
	}

	none := strconv.Itoa(recent.None)
	page := html.UnescapeString(s.get(t, "/observatoire").body)
	mustContain(t, "the page", page,
		`<h2 id="obs-tenders">Appels d'offres ouverts : trouvent-ils des fabricants ?</h2>`,
		"Aucun appel d'offres ouvert en France, donc aucun à évaluer : les 90 avis publiés que Fabrique a importés "+
			"(le dernier publié le 15 mars 2026) sont tous clos, attribués ou annulés.",
		`<h3 id="obs-recent">Avis publiés ces 12 derniers mois, ouverts ou clos</h3>`,
		"Les mêmes chiffres pour les appels d'offres publiés depuis le 8 décembre 2025, qu'ils soient encore ouverts, clos ou attribués",
		"<div><dt>Appels d'offres publiés</dt><dd>68</dd></div>",
		"<div><dt>sans aucun fournisseur capable</dt><dd>"+none+"</dd></div>",
		`<p class="note" id="obs-tender-status-recent">Tous sont clos.</p>`,
		"Sur 68 appels d'offres évalués :",
		`id="obs-heat-recent"`, `<ul class="obs-unmatched" id="obs-unmatched-recent">`,
		" — publié le 15 mars 2026 — clos — date limite : ")

	csv := s.get(t, "/api/v1/stats/tenders?scope=published&format=csv").body
	mustContain(t, "the CSV", csv, "synthese;tenders;appels d'offres comptés;;;68;", "synthese;closed;clos;;;68;",
		"synthese;none;aucun fournisseur capable;;;"+none+";", ";2026-03-15;clos\r\n")

	period := html.UnescapeString(s.get(t, "/observatoire?period=2026-03").body)
	mustContain(t, "the page of March 2026", period,
		`<h2 id="obs-tenders">Appels d'offres publiés en mars 2026 : trouvent-ils des fabricants ?</h2>`,
		"Sont comptés les appels d'offres publiés en mars 2026, qu'ils soient encore ouverts, clos ou attribués",
		"<div><dt>Appels d'offres publiés</dt><dd>68</dd></div>",
		`<ul class="obs-unmatched" id="obs-unmatched">`, "scope=published")
	if strings.Contains(period, `id="obs-recent"`) {
		t.Error("the page of a period shows the block of the last twelve months")
	}

	// The OpenAPI example is this answer (its lists cut short).
	var ex observatory.TenderCoverage
	if err := json.Unmarshal(openAPIExample(t, "/api/v1/stats/tenders"), &ex); err != nil {
		t.Fatal(err)
	}
	check("example: scope", ex.Scope, march.Scope)
	check("example: from", ex.PublishedFrom, march.PublishedFrom)
	check("example: tenders", ex.Tenders, march.Tenders)
	check("example: closed", ex.Closed, march.Closed)
	check("example: evaluated", ex.Evaluated, march.Evaluated)
	check("example: none", ex.None, march.None)
	check("example: at least 1", ex.AtLeast1, march.AtLeast1)
}
