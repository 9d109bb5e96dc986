package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"fabrique/data"
	"fabrique/data/observatory"
)

// TestObservatoryLeavesNeedsAndForeignTendersOut puts a buyer's need and
// a German TED notice, both open, beside the observatory's two open
// tenders: the need is no published tender (no figure, no title, no
// source), and the notice abroad is counted apart, never as a French
// tender without a place.
func TestObservatoryLeavesNeedsAndForeignTendersOut(t *testing.T) {
	s := newObservatoryServer(t)
	putTenders(t, s,
		data.Tender{ID: "besoin:0a1b2c3d4e5f6071", Source: data.SourceNeed, SourceID: "0a1b2c3d4e5f6071",
			Title: "Besoin confidentiel de fauteuils de bureau", CPV: "39110000", Place: data.Place{Departement: "29"},
			PublishedAt: obsDay.AddDate(0, 0, -1), Deadline: obsDay.AddDate(0, 0, 30)},
		data.Tender{ID: "ted:obs-9", Source: "ted", SourceID: "obs-9", Title: "Instandhaltung Brandschutztüren",
			CPV: "50000000", Place: data.Place{NUTS: "DE123"}, PublishedAt: obsDay.AddDate(0, 0, -1), Deadline: obsDay.AddDate(0, 0, 30)},
	)

	var tc observatory.TenderCoverage
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders"), &tc)
	if tc.Open != 2 || tc.Evaluated != 2 || tc.NoPlace != 0 || tc.Abroad != 1 {
		t.Errorf("open %d, evaluated %d, no place %d, abroad %d; want 2, 2, 0, 1 (the need left out, the German notice apart)",
			tc.Open, tc.Evaluated, tc.NoPlace, tc.Abroad)
	}
	for _, a := range tc.Regions {
		if a.Code == "53" || a.Code == "" {
			t.Errorf("the gap matrix has a column %q (%s): only the observatory's tenders are in France with a place", a.Code, a.Name)
		}
	}
	for _, u := range tc.Unmatched {
		if u.ID != "boamp:obs-2" {
			t.Errorf("unmatched lists %s (%s)", u.ID, u.Title)
		}
	}
	csv := s.get(t, "/api/v1/stats/tenders?format=csv")
	mustContain(t, "the tenders CSV", csv.body, "synthese;open;appels d'offres ouverts;;;2;", "synthese;abroad;hors de France (non comptés);;;1;")
	if strings.Contains(csv.body, "besoin:") || strings.Contains(csv.body, "Instandhaltung") {
		t.Error("the tenders CSV names the need or the German notice")
	}

	page := s.get(t, "/observatoire")
	if page.status != http.StatusOK {
		t.Fatalf("GET /observatoire = %d", page.status)
	}
	for _, secret := range []string{"Besoin confidentiel", "besoin:0a1b2c3d4e5f6071", "Instandhaltung"} {
		if strings.Contains(page.body, secret) {
			t.Errorf("the observatory shows %q", secret)
		}
	}
	// The notices of the last twelve months: the closed boamp:obs-3, the
	// one without a place, is the only tender of the column « Lieu
	// inconnu »; the German notice stays apart.
	var recent observatory.TenderCoverage
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders?scope=published"), &recent)
	if recent.Tenders != 3 || recent.NoPlace != 1 || recent.Abroad != 1 {
		t.Errorf("12 months: %d tenders, %d without a place, %d abroad; want 3, 1 (boamp:obs-3), 1", recent.Tenders, recent.NoPlace, recent.Abroad)
	}
	mustContain(t, "the page", page.body, `<div><dt>Appels d'offres ouverts</dt><dd>2</dd></div>`, `id="obs-tenders-abroad"`, "Hors de France : 1 appel d&#39;offres ouvert dont le lieu d'exécution est à l'étranger (avis européens TED), compté à part")

	var sources []observatory.SourceHealth
	decodeJSON(t, s.get(t, "/api/v1/stats/sources"), &sources)
	for _, h := range sources {
		if h.Source == data.SourceNeed {
			t.Errorf("the sources list the needs as a feed: %+v", h)
		}
	}
	snap, err := s.TakeStatsSnapshot(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if snap.OpenTenders != 2 || snap.EvaluatedTenders != 2 {
		t.Errorf("snapshot: %d open, %d evaluated tenders; want 2 and 2", snap.OpenTenders, snap.EvaluatedTenders)
	}
}

// TestObservatoryTendersByLabel asks the tender figures for each label:
// the fixture lists EPV companies only, so with OFG no tender has a
// capable supplier, while the silverware tender has three EPV ones.
func TestObservatoryTendersByLabel(t *testing.T) {
	s := newObservatoryServer(t)
	var all, epv, ofg observatory.TenderCoverage
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders"), &all)
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders?label=EPV"), &epv)
	decodeJSON(t, s.get(t, "/api/v1/stats/tenders?label=ofg"), &ofg)
	for _, tt := range []struct {
		name                      string
		tc                        observatory.TenderCoverage
		label                     data.LabelType
		evaluated, atLeast3, none int
	}{
		{"all labels", all, "", 2, 1, 1},
		{"EPV", epv, data.LabelEPV, 2, 1, 1},
		{"OFG", ofg, data.LabelOFG, 2, 0, 2},
	} {
		if tt.tc.Label != tt.label || tt.tc.Evaluated != tt.evaluated || tt.tc.AtLeast3 != tt.atLeast3 || tt.tc.None != tt.none {
			t.Errorf("%s: label %q, evaluated %d, at least 3 %d, none %d; want %q, %d, %d, %d", tt.name,
				tt.tc.Label, tt.tc.Evaluated, tt.tc.AtLeast3, tt.tc.None, tt.label, tt.evaluated, tt.atLeast3, tt.none)
		}
	}
	if ofg.AtLeast1 != 0 || len(ofg.Unmatched) != 2 {
		t.Errorf("OFG: %d tenders with a capable supplier, %d unmatched; want 0 and 2", ofg.AtLeast1, len(ofg.Unmatched))
	}
	page := s.get(t, "/observatoire?label=OFG")
	mustContain(t, "the OFG page", page.body, "et qu'il est référencé avec le label <strong>OFG</strong>", `href="/appels-d-offres/boamp:obs-1"`)
}

// TestObservatoryLinksKeepFilters follows every link of a filtered page to
// the stats API: each answers, with the page's filters.
func TestObservatoryLinksKeepFilters(t *testing.T) {
	s := newObservatoryServer(t)
	page := s.get(t, "/observatoire?label=OFG&region=84&period=2026-12")
	if page.status != http.StatusOK {
		t.Fatalf("GET /observatoire = %d", page.status)
	}
	links := map[string]bool{}
	parseHTML(t, page).Find(`a[href^="/api/v1/stats/"]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		links[href] = true
	})
	want := []string{
		"/api/v1/stats/coverage?label=OFG&period=2026-12-01..2026-12-31&region=84",
		// With a period, the tenders are those published in it, open or
		// closed: the page's figures are the API's with scope=published.
		"/api/v1/stats/tenders?label=OFG&period=2026-12-01..2026-12-31&region=84&scope=published",
		"/api/v1/stats/awards?label=OFG&period=2026-12-01..2026-12-31&region=84",
		"/api/v1/stats/history?label=OFG&period=2026-12-01..2026-12-31&region=84",
		"/api/v1/stats/history?format=csv&label=OFG&period=2026-12-01..2026-12-31&region=84",
	}
	for _, w := range want {
		if !links[w] {
			t.Errorf("the page has no link to %s; it has %v", w, links)
		}
	}
	for href := range links {
		if r := s.get(t, href); r.status != http.StatusOK {
			t.Errorf("GET %s = %d: %.200s", href, r.status, r.body)
		}
	}
	var tc observatory.TenderCoverage
	decodeJSON(t, s.get(t, want[1]), &tc)
	if tc.Label != data.LabelOFG {
		t.Errorf("the tenders link answers for label %q, want OFG", tc.Label)
	}
}

// TestStatsTendersCSVUnmatchedRows: a notice's title comes from the web,
// and a spreadsheet runs a cell that starts with = + - @ as a formula: the
// CSV of the tenders without a capable supplier neutralised it nowhere,
// unlike every other export. Its column « Nom de la région ou
// département » held the bare département code.
func TestStatsTendersCSVUnmatchedRows(t *testing.T) {
	s := newObservatoryServer(t)
	putTenders(t, s, data.Tender{ID: "boamp:obs-evil", Source: "boamp", SourceID: "obs-evil", Title: "@SUM(1+1) assurance des véhicules",
		CPV: "66514110", Place: data.Place{Departement: "973"}, PublishedAt: obsDay.AddDate(0, 0, -1), Deadline: obsDay.AddDate(0, 0, 30)})
	csv := s.get(t, "/api/v1/stats/tenders?format=csv")
	mustContain(t, "the tenders CSV", csv.body,
		"sans_fournisseur;boamp:obs-evil;'@SUM(1+1) assurance des véhicules;03;Guyane (973);1;1;",
		"sans_fournisseur;boamp:obs-2;Services d'assurance dommages aux biens;03;Guyane (973);1;1;")
}
