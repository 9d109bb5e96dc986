package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/observatory"
	"fabrique/index"
)

// obsDay is the observatory's "today" in these tests: the count of
// EPV labels (1 012 valid of 1 291) is on this day.
var obsDay = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

// newObservatoryServer is the search server (the real EPV list, indexed)
// with a fixed clock, an admin token, two open tenders and four awards.
func newObservatoryServer(t testing.TB) *testServer {
	t.Helper()
	s := newSearchServer(t, Config{Now: func() time.Time { return obsDay }, AdminToken: "3f9c2a7e41b8d05c6e92f1a4b7d3c8e0"})
	putTenders(t, s,
		data.Tender{ID: "boamp:obs-1", Source: "boamp", SourceID: "obs-1", Title: "Fourniture d'orfèvrerie et d'argenterie de table",
			CPV: "39220000", Place: data.Place{Departement: "75"}, PublishedAt: obsDay.AddDate(0, 0, -3), Deadline: obsDay.AddDate(0, 1, 0)},
		data.Tender{ID: "boamp:obs-2", Source: "boamp", SourceID: "obs-2", Title: "Services d'assurance dommages aux biens",
			CPV: "66515000", Place: data.Place{Departement: "973"}, PublishedAt: obsDay.AddDate(0, 0, -2), Deadline: obsDay.AddDate(0, 0, 20)},
		data.Tender{ID: "boamp:obs-3", Source: "boamp", SourceID: "obs-3", Title: "Clos", CPV: "45000000",
			PublishedAt: obsDay.AddDate(0, -2, 0), Deadline: obsDay.AddDate(0, -1, 0)},
	)
	return s
}

// epvCompanies returns n listed EPV companies with a SIREN: the first
// holds its label on obsDay when valid is true, else it has expired.
func epvCompanies(t testing.TB, s *testServer, valid bool, n int) []data.Supplier {
	t.Helper()
	var out []data.Supplier
	err := s.store.Suppliers(context.Background(), func(sup data.Supplier) error {
		if len(out) < n && sup.SIREN != "" && len(sup.Labels) > 0 && sup.Labels[0].StateOn(obsDay).Holds() == valid {
			out = append(out, sup)
		}
		return nil
	})
	if err != nil || len(out) < n {
		t.Fatalf("found %d EPV companies (valid=%v), want %d: %v", len(out), valid, n, err)
	}
	return out
}

func putObservatoryAwards(t testing.TB, s *testServer) {
	t.Helper()
	holder := epvCompanies(t, s, true, 1)[0]
	expired := epvCompanies(t, s, false, 1)[0]
	w := func(sup data.Supplier) []data.Winner { return []data.Winner{{Name: sup.Name, SIRET: sup.SIREN}} }
	awards := []data.Award{
		{ID: "decp:1", Source: "decp", Buyer: data.Buyer{Name: "Mairie de Lyon"}, CPV: "39100000", Place: data.Place{Departement: "69"},
			NotifiedAt: obsDay.AddDate(0, -1, 0), Amount: 1000, Winners: w(holder)},
		{ID: "decp:2", Source: "decp", Buyer: data.Buyer{Name: "CHU de Rennes"}, CPV: "39100000", Place: data.Place{Departement: "35"},
			NotifiedAt: obsDay.AddDate(0, -1, 0), Amount: 3000, Winners: w(expired)},
		{ID: "decp:3", Source: "decp", Buyer: data.Buyer{Name: "Région Bretagne"}, CPV: "45000000", Place: data.Place{Departement: "35"},
			NotifiedAt: obsDay.AddDate(-1, 0, 0), Amount: 5000, Winners: []data.Winner{{Name: "Inconnu SA"}}},
		{ID: "decp:4", Source: "decp", Buyer: data.Buyer{Name: "Ville de Brest"}, CPV: "45000000", Place: data.Place{Departement: "29"},
			NotifiedAt: obsDay.AddDate(-1, 0, 0), Amount: 1000, Winners: w(holder)},
	}
	if err := s.store.PutAwards(context.Background(), awards); err != nil {
		t.Fatal(err)
	}
}

// capableByHand counts the capable suppliers of a tender from the
// matcher's own ranking, with the rule the page states.
func capableByHand(t *testing.T, s *testServer, id string) int {
	t.Helper()
	tender, err := s.store.Tender(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.index.Match(context.Background(), s.store, tender, index.MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range res.Tender {
		if m.Score >= observatory.CapableScore && m.DistanceKm != nil && *m.DistanceKm <= observatory.CapableRadiusKm {
			n++
		}
	}
	return n
}

func TestObservatoryPage(t *testing.T) {
	s := newObservatoryServer(t)
	putObservatoryAwards(t, s)
	r := s.get(t, "/observatoire")
	if r.status != http.StatusOK {
		t.Fatalf("GET /observatoire = %d:\n%.2000s", r.status, r.body)
	}
	mustContain(t, "the page", r.body,
		"Observatoire du fabriqué en France",
		"<dt>dont titulaires d'un label valide</dt><dd>1\u202f012</dd>", // the count
		"Entreprise du Patrimoine Vivant : 1\u202f291 entreprises, dont 1\u202f012 titulaires",
		`<svg viewBox="0 0 600`, `class="obs-overseas"`, `data-dep="973"`,
		"Creuse (23) : ", "pour 100 000 habitants</title>",
		"<strong>40 sur 100</strong>", "<strong>150 km</strong>",
		`href="/appels-d-offres/boamp:obs-2"`, // no insurer among EPV companies
		"Auvergne-Rhône-Alpes", "Communes", "Santé (hôpitaux, CHU)",
		"réservée à ses administrateurs")
	if strings.Contains(r.body, "Santé des sources") {
		t.Error("the public page shows the admin block")
	}
	if n := capableByHand(t, s, "boamp:obs-1"); n < 3 {
		t.Errorf("the silverware tender has %d capable EPV suppliers by hand, the fixture wants at least 3", n)
	} else if strings.Contains(r.body, `href="/appels-d-offres/boamp:obs-1"`) {
		t.Error("the silverware tender is listed without a capable supplier")
	}
	check := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
	}
	check("capable suppliers of the insurance tender, by hand", capableByHand(t, s, "boamp:obs-2"), 0)

	admin := s.get(t, "/observatoire", "Authorization", "Bearer 3f9c2a7e41b8d05c6e92f1a4b7d3c8e0")
	mustContain(t, "the admin page", admin.body, "Vue de l'Alliance (administrateurs)", "Santé des sources",
		"Fiches revendiquées et complétude", `id="obs-sources"`, "Liste officielle des Entreprises du Patrimoine Vivant")
	wrong := s.get(t, "/observatoire", "Authorization", "Bearer wrong")
	if strings.Contains(wrong.body, "Santé des sources") {
		t.Error("a wrong token shows the admin block")
	}

	t.Run("tender figures", func(t *testing.T) {
		var tc observatory.TenderCoverage
		decodeJSON(t, s.get(t, "/api/v1/stats/tenders"), &tc)
		check("open", tc.Open, 2)
		check("evaluated", tc.Evaluated, 2)
		check("none", tc.None, 1)
		check("at least 3", tc.AtLeast3, 1)
		if len(tc.Unmatched) != 1 || tc.Unmatched[0].ID != "boamp:obs-2" {
			t.Errorf("unmatched = %+v, want boamp:obs-2", tc.Unmatched)
		}
	})
	t.Run("award figures", func(t *testing.T) {
		var as observatory.AwardShare
		decodeJSON(t, s.get(t, "/api/v1/stats/awards"), &as)
		check("all", as.All.Count, 4)
		check("labelled", as.Labelled.Count, 2)
		check("listed", as.Listed.Count, 3)
		check("unidentified", as.Unidentified.Count, 1)
		if as.Labelled.Amount != 2000 || as.All.Amount != 10000 {
			t.Errorf("amounts labelled %v of %v, want 2000 of 10000", as.Labelled.Amount, as.All.Amount)
		}
		decodeJSON(t, s.get(t, "/api/v1/stats/awards?region=53"), &as)
		check("Bretagne", as.All.Count, 3)
		check("Bretagne labelled", as.Labelled.Count, 1)
		decodeJSON(t, s.get(t, "/api/v1/stats/awards?period=2026-11"), &as)
		check("November 2026", as.All.Count, 2)
	})
}

// TestStatsSourcesNamed: /api/v1/stats/sources gives, beside each
// source's key, the French name that the Alliance's page and the CSV show
// (« boamp » alone, or « decp-aife », told a reader nothing).
func TestStatsSourcesNamed(t *testing.T) {
	s := newObservatoryServer(t)
	var sources []struct {
		Source, Kind string
		Label        *string
	}
	decodeJSON(t, s.get(t, "/api/v1/stats/sources"), &sources)
	admin := s.get(t, "/observatoire", "Authorization", "Bearer 3f9c2a7e41b8d05c6e92f1a4b7d3c8e0").body
	kinds := map[string]bool{}
	for _, h := range sources {
		kinds[h.Kind] = true
		want := healthSourceName(observatory.SourceHealth{Source: h.Source, Kind: h.Kind})
		switch {
		case h.Label == nil:
			t.Errorf("source %s (%s) has no label", h.Source, h.Kind)
		case *h.Label != want || *h.Label == h.Source:
			t.Errorf("source %s (%s) labelled %q, want %q", h.Source, h.Kind, *h.Label, want)
		case !strings.Contains(admin, html.EscapeString(want)):
			t.Errorf("label %q of source %s is not the name the Alliance's page shows", want, h.Source)
		}
	}
	if !kinds["directory"] || !kinds["tenders"] {
		t.Errorf("sources %+v: want a directory and a feed of tenders at least", sources)
	}
}

func TestObservatoryCoverageAPI(t *testing.T) {
	s := newObservatoryServer(t)
	var c observatory.Coverage
	decodeJSON(t, s.get(t, "/api/v1/stats/coverage?label=epv"), &c)
	if c.Suppliers != 1291 || c.Holding != 1012 {
		t.Errorf("EPV coverage: %d listed, %d holding; want 1 291 and 1 012", c.Suppliers, c.Holding)
	}
	decodeJSON(t, s.get(t, "/api/v1/stats/coverage?region=84"), &c)
	for _, a := range c.Departements {
		if a.Region != "84" {
			t.Errorf("région 84 lists département %s of région %s", a.Code, a.Region)
		}
	}
	csv := s.get(t, "/api/v1/stats/coverage?format=csv&departement=23")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV = %d %s", csv.status, csv.header.Get("Content-Type"))
	}
	mustContain(t, "the coverage CSV", csv.body, "\ufeffTableau;Code;Nom;", "departement;23;Creuse;", "label_EPV;expired;expiré;")
	accept := s.get(t, "/api/v1/stats/sources", "Accept", "text/csv")
	mustContain(t, "the sources CSV (Accept)", accept.body, "Source;Nom de la source;Type;Type de source;Dernière collecte",
		"\r\nepv;Liste officielle des Entreprises du Patrimoine Vivant (data.economie.gouv.fr);directory;annuaire de labels;",
		"\r\nboamp;BOAMP;tenders;avis de marché;")

	tests := []struct {
		name, target, want string
	}{
		{"unknown région", "/api/v1/stats/coverage?region=99", "code de région inconnu"},
		{"département outside the région", "/api/v1/stats/coverage?region=11&departement=69", "n'est pas dans la région"},
		{"unknown label", "/api/v1/stats/awards?label=ISO", "label inconnu"},
		{"bad period", "/api/v1/stats/tenders?period=hier", "période attendue"},
		{"bad format", "/api/v1/stats/history?format=xml", "format attendu"},
		{"unknown parameter", "/api/v1/stats/coverage?regoin=84", "paramètre inconnu"},
		{"filter on sources", "/api/v1/stats/sources?region=84", "paramètre inconnu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.target)
			var body struct{ Error string }
			decodeJSON(t, r, &body)
			if r.status != http.StatusBadRequest || !strings.Contains(body.Error, tt.want) {
				t.Errorf("GET %s = %d %q, want 400 with %q", tt.target, r.status, body.Error, tt.want)
			}
		})
	}
	page := s.get(t, "/observatoire?period=2024-13")
	if page.status != http.StatusBadRequest || !strings.Contains(page.body, "période attendue") {
		t.Errorf("page with a bad period = %d, want 400 with the French message", page.status)
	}
}

func TestObservatoryEmptyCollections(t *testing.T) {
	const token = "3f9c2a7e41b8d05c6e92f1a4b7d3c8e0"
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }, AdminToken: token})
	for _, path := range []string{"/api/v1/stats/coverage", "/api/v1/stats/tenders", "/api/v1/stats/awards",
		"/api/v1/stats/sources", "/api/v1/stats/history"} {
		r := s.get(t, path)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", path, r.status, r.body)
		}
		// A list is [] when empty; a mean of nothing is null, the one value
		// that says so (mean_completeness and claimed_mean_completeness,
		// documented nullable).
		if strings.Contains(strings.NewReplacer(`"claimed_mean_completeness":null`, "", `"mean_completeness":null`, "").Replace(r.body), "null") {
			t.Errorf("GET %s on an empty store has a null: %s", path, r.body)
		}
		var v any
		if err := json.Unmarshal([]byte(r.body), &v); err != nil {
			t.Errorf("GET %s: %v", path, err)
		}
	}
	r := s.get(t, "/observatoire", "Authorization", "Bearer "+token)
	if r.status != http.StatusOK {
		t.Errorf("GET /observatoire on an empty store = %d", r.status)
	}
	// French uses the singular for 0 and 1, and the pages never write « (s) ».
	mustContain(t, "the empty page", r.body, "Origine France Garantie : 0 entreprise, dont 0 titulaire d'un label valide",
		"(0 jour relevé)", "Aucune fiche revendiquée par son entreprise.")
	if strings.Contains(r.body, "(s)") || strings.Contains(r.body, "0 entreprises") {
		t.Errorf("the empty page writes a plural with « (s) » or after 0")
	}
	r = s.get(t, "/statistiques?region=84")
	if r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/observatoire?region=84" {
		t.Errorf("GET /statistiques = %d → %q, want 301 → /observatoire?region=84", r.status, r.header.Get("Location"))
	}
}

func TestStatsSnapshotHistory(t *testing.T) {
	day := obsDay
	s := newTestServer(t, Config{Now: func() time.Time { return day }})
	ctx := context.Background()
	sup := data.Supplier{ID: "732829320", SIREN: "732829320", Name: "Atelier", Labels: []data.Label{{Type: data.LabelEPV,
		Source: "epv", GrantedAt: obsDay.AddDate(-1, 0, 0), ExpiresAt: obsDay.AddDate(4, 0, 0)}}}
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	took, err := s.TakeDailyStatsSnapshot(ctx)
	if err != nil || took == nil {
		t.Fatalf("first snapshot: %v, %v", took, err)
	}
	if took, _ := s.TakeDailyStatsSnapshot(ctx); took != nil {
		t.Error("a second snapshot the same day was taken")
	}
	day = obsDay.AddDate(0, 0, 1)
	if took, err := s.TakeDailyStatsSnapshot(ctx); err != nil || took == nil {
		t.Fatalf("next day's snapshot: %v, %v", took, err)
	}
	// A write since the facts were built: the snapshot waits for fresh ones.
	sup.ID, sup.SIREN, sup.Name = "552100554", "552100554", "Forge"
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	snap, err := s.TakeStatsSnapshot(ctx, true)
	if err != nil || snap.Suppliers != 2 || snap.Day != "2026-12-07" {
		t.Fatalf("snapshot after a write = %+v, %v; want 2 suppliers on 2026-12-07", snap, err)
	}
	var snaps []data.StatsSnapshot
	decodeJSON(t, s.get(t, "/api/v1/stats/history"), &snaps)
	if len(snaps) != 2 || snaps[0].Day != "2026-12-06" || snaps[1].Day != "2026-12-07" || snaps[1].Holding != 2 {
		t.Fatalf("history = %+v, want 2026-12-06 and 2026-12-07 with two labelled companies", snaps)
	}
	decodeJSON(t, s.get(t, "/api/v1/stats/history?period=2026-12-07"), &snaps)
	if len(snaps) != 1 {
		t.Errorf("history of 2026-12-07 has %d days, want 1", len(snaps))
	}
	csv := s.get(t, "/api/v1/stats/history?format=csv")
	mustContain(t, "the history CSV", csv.body, "Jour;Relevé le;Entreprises;Labellisées;EPV valides",
		"2026-12-06;2026-12-06T10:00:00Z;1;1;1;", "2026-12-07;")
	page := s.get(t, "/observatoire")
	mustContain(t, "the page", page.body, `id="hist-labelled"`, "<title>7 décembre 2026 : 2</title>", "<title>6 décembre 2026 : 1</title>", "(2 jours relevés)")
}

// TestObservatoryFilterErrors: an invalid filter shows the observatory
// with its form, the values as written and the message next to the
// faulty field (400), not the bare error page.
func TestObservatoryFilterErrors(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	tests := []struct {
		name, target, field, message string
		kept                         []string
	}{
		{"bad period", "/observatoire?period=zzz", "f-period", "période attendue sous la forme",
			[]string{`value="zzz"`}},
		{"département outside the région", "/observatoire?region=84&departement=29", "f-dep", "le département 29 n&#39;est pas dans la région 84",
			[]string{`<option value="84" selected>Auvergne-Rhône-Alpes</option>`, `<option value="29" selected>29 – Finistère</option>`}},
		{"unknown région", "/observatoire?region=99&label=OFG&period=2024", "f-region", "code de région inconnu",
			[]string{`<option value="99" selected>99 (inconnu)</option>`, `<option value="OFG" selected>OFG – Origine France Garantie</option>`, `value="2024"`}},
		{"unknown label", "/observatoire?label=iso", "f-label", "label inconnu",
			[]string{`<option value="ISO" selected>ISO (inconnu)</option>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.target)
			if r.status != http.StatusBadRequest {
				t.Fatalf("GET %s = %d, want 400", tt.target, r.status)
			}
			mustContain(t, "the page", r.body, append([]string{`<form class="obs-filters" action="/observatoire"`,
				`id="` + tt.field + `"`, `aria-invalid="true" aria-describedby="filter-error"`,
				`<p class="field-error" id="filter-error" role="alert">`}, tt.kept...)...)
			// The message sits in the faulty field's block, after its control.
			field := strings.Index(r.body, `id="`+tt.field+`"`)
			msg := strings.Index(r.body, tt.message)
			next := strings.Index(r.body[field:], "</div>")
			if field < 0 || msg < field || next < 0 || msg > field+next {
				t.Errorf("the message %q is not next to the field %s", tt.message, tt.field)
			}
			if strings.Count(r.body, `aria-invalid="true"`) != 1 {
				t.Errorf("%d fields marked invalid, want 1", strings.Count(r.body, `aria-invalid="true"`))
			}
			if strings.Contains(r.body, "Retour à l'accueil") || strings.Contains(r.body, `id="obs-labels"`) {
				t.Error("the page is the error page, or shows figures for an invalid filter")
			}
		})
	}
}

// TestObservatoryAwardShareWithoutBase: a share of nothing is no figure.
// With no award in the scope the page wrote « 0,0 % en nombre, 0,0 % en
// montant », and with no identifiable winner « 0,0 % des marchés dont le
// titulaire est identifiable », as if labelled companies had won none of
// them; a region's awards without an amount showed « 0,0 % » of 0 €.
func TestObservatoryAwardShareWithoutBase(t *testing.T) {
	s := newObservatoryServer(t)
	if err := s.store.PutAwards(context.Background(), []data.Award{
		{ID: "decp:u1", Source: "decp", Buyer: data.Buyer{Name: "Mairie de Lyon"}, CPV: "39100000", Place: data.Place{Departement: "69"},
			NotifiedAt: obsDay.AddDate(0, -1, 0), Winners: []data.Winner{{Name: "Inconnu SA"}}},
	}); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, "/observatoire")
	mustContain(t, "the page with one unidentified award", r.body, `<strong id="obs-award-share">0,0`)
	for _, bad := range []string{"des marchés dont le titulaire est identifiable", "0,0\u00a0%</td><td class=\"num\">1</td>"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("the page with one unidentified award of no amount writes %q", bad)
		}
	}
	if strings.Contains(r.body, "en montant") {
		t.Error("the page gives a share of an amount of 0 €")
	}
	r = s.get(t, "/observatoire?region=53")
	mustContain(t, "the page without an award in Bretagne", r.body, "Aucun marché attribué dans ce périmètre")
	if strings.Contains(r.body, `id="obs-award-share"`) {
		t.Error("the page without an award in Bretagne gives a share of them")
	}
}

// TestObservatoryHistoryIsNational: the daily snapshots hold national
// figures for every label. Under « Auvergne-Rhône-Alpes » the page showed
// 147 labelled companies at the top and 1 012 in the history below,
// without a word; the page now says the history is national.
func TestObservatoryHistoryIsNational(t *testing.T) {
	s := newObservatoryServer(t)
	if _, err := s.TakeStatsSnapshot(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	const note = "Chiffres nationaux, tous labels confondus"
	for _, tt := range []struct {
		query string
		says  bool
	}{{"", false}, {"?period=2026", false}, {"?region=84", true}, {"?departement=69", true}, {"?label=EPV", true}} {
		r := s.get(t, "/observatoire"+tt.query)
		if got := strings.Contains(r.body, note); got != tt.says {
			t.Errorf("/observatoire%s says the history is national: %v, want %v", tt.query, got, tt.says)
		}
	}
}

// TestObservatoryCPVCaptionSaysTheRest: the NAF divisions' caption said
// how many more the API gives, the CPV divisions' caption only « les 25
// premières ».
func TestObservatoryCPVCaptionSaysTheRest(t *testing.T) {
	s := newObservatoryServer(t)
	var cov observatory.Coverage
	decodeJSON(t, s.get(t, "/api/v1/stats/coverage"), &cov)
	if len(cov.CPVDivisions) <= observatoryListCap {
		t.Fatalf("%d CPV divisions, the fixture wants more than %d", len(cov.CPVDivisions), observatoryListCap)
	}
	want := fmt.Sprintf("Divisions CPV que l'annuaire peut fournir (les %d premières ; %d autres dans l'API)",
		observatoryListCap, len(cov.CPVDivisions)-observatoryListCap)
	mustContain(t, "the page", html.UnescapeString(s.get(t, "/observatoire").body), want)
}

// TestObservatoryNoOpenTender: on the first start with the real notices
// of 15 March 2026, none is open in December; the section showed four
// zeros and « Aucun appel d'offres évalué n'est resté sans fournisseur
// capable », which an analyst reads as every tender finding a supplier.
func TestObservatoryNoOpenTender(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	march := time.Date(2026, 3, 15, 0, 0, 0, 0, paris())
	putTenders(t, s,
		data.Tender{ID: "boamp:26-1", Source: "boamp", SourceID: "26-1", Title: "Travaux de voirie", CPV: "45233000",
			Place: data.Place{Departement: "69"}, PublishedAt: march, Deadline: march.AddDate(0, 1, 0)},
		data.Tender{ID: "boamp:26-2", Source: "boamp", SourceID: "26-2", Title: "Assurance dommages aux biens",
			PublishedAt: march}, // no deadline: presumed closed 90 days later
	)
	const stale = "Aucun appel d'offres évalué n'est resté sans fournisseur capable"
	for _, tt := range []struct{ query, want string }{
		{"", "Aucun appel d'offres ouvert en France, donc aucun à évaluer : les 2 avis publiés que Fabrique a importés " +
			"(le dernier publié le 15 mars 2026) sont tous clos, attribués ou annulés."},
		{"?region=84", "Aucun appel d'offres ouvert dans ce périmètre, donc aucun à évaluer : les 2 avis publiés"},
	} {
		body := html.UnescapeString(s.get(t, "/observatoire"+tt.query).body)
		mustContain(t, "/observatoire"+tt.query, body, tt.want)
		if strings.Contains(body, stale) {
			t.Errorf("/observatoire%s without any open tender says %q", tt.query, stale)
		}
	}
	empty := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	body := html.UnescapeString(empty.get(t, "/observatoire").body)
	mustContain(t, "the page of a store without tenders", body, "Aucun appel d'offres ouvert en France, donc aucun à évaluer.")
}

// TestObservatoryDuplicateAwards: a contract published by two platforms
// (the DECP of marches-publics.info and of the PES) counts once, and the
// page, the JSON and the CSV say how many records were left out.
func TestObservatoryDuplicateAwards(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	award := func(source string) data.Award {
		return data.Award{ID: source + ":2176032240001520191812000", UID: "2176032240001520191812000", Source: source,
			Buyer: data.Buyer{Name: "Commune du Havre"}, CPV: "45000000", Place: data.Place{Departement: "76"},
			NotifiedAt: obsDay.AddDate(-1, 0, 0), Amount: 28000, Winners: []data.Winner{{Name: "Atelier", SIRET: "38775718000030"}}}
	}
	if err := s.store.PutAwards(context.Background(), []data.Award{award("decp-marches-publics-info"), award("decp-pes")}); err != nil {
		t.Fatal(err)
	}
	var as observatory.AwardShare
	decodeJSON(t, s.get(t, "/api/v1/stats/awards"), &as)
	if as.All.Count != 1 || as.All.Amount != 28000 || as.Duplicates != 1 {
		t.Errorf("awards = %d (%v €), %d duplicates; want 1 of 28 000 €, 1 duplicate", as.All.Count, as.All.Amount, as.Duplicates)
	}
	page := html.UnescapeString(s.get(t, "/observatoire").body)
	mustContain(t, "the page", page, "<th scope=\"row\">Tous les marchés attribués</th><td class=\"num\">1</td>",
		"pour le montant de sa dernière publication : 1 ligne regroupée avec un marché déjà compté.")
	mustContain(t, "the CSV", s.get(t, "/api/v1/stats/awards?format=csv").body, "total;duplicates;lignes regroupées avec un marché déjà compté;1;")
}

// TestObservatoryAwardYears: the DECP shipped cover 2018-2019 and the
// second half of 2024; the page said « notifiés du 1er janvier 2018 au 1er
// janvier 2025 », which reads as seven years of contracts. It now names
// the years without any award and gives the share year by year.
func TestObservatoryAwardYears(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	award := func(id string, at time.Time) data.Award {
		return data.Award{ID: "decp:" + id, Source: "decp", Buyer: data.Buyer{Name: "Ville de Brest"}, CPV: "45000000",
			Place: data.Place{Departement: "29"}, NotifiedAt: at, Amount: 1000, Winners: []data.Winner{{Name: "SAS X", SIRET: "38775718000030"}}}
	}
	if err := s.store.PutAwards(context.Background(), []data.Award{award("1", time.Date(2019, 1, 10, 0, 0, 0, 0, paris())),
		award("2", time.Date(2021, 5, 3, 0, 0, 0, 0, paris())), award("3", time.Date(2024, 8, 5, 0, 0, 0, 0, paris())),
		award("4", time.Time{})}); err != nil {
		t.Fatal(err)
	}
	var as observatory.AwardShare
	decodeJSON(t, s.get(t, "/api/v1/stats/awards"), &as)
	var years []string
	for _, r := range as.ByYear {
		years = append(years, r.Code+":"+fmt.Sprint(r.All.Count))
	}
	if got := strings.Join(years, " "); got != "2019:1 2020:0 2021:1 2022:0 2023:0 2024:1 :1" {
		t.Errorf("by_year = %s", got)
	}
	page := html.UnescapeString(s.get(t, "/observatoire").body)
	mustContain(t, "the page", page, "notifiés du 10 janvier 2019 au 5 août 2024 (aucun marché notifié en 2020 ni de 2022 à 2023).",
		"<caption>Par année de notification</caption>", "<th scope=\"row\">2022</th><td class=\"num\">0</td>",
		"<th scope=\"row\">Date de notification inconnue</th>")
	mustContain(t, "the CSV", s.get(t, "/api/v1/stats/awards?format=csv").body, "\nyear;2020;2020;0;0;")
	page = html.UnescapeString(s.get(t, "/observatoire?period=2024").body)
	if strings.Contains(page, "aucun marché notifié") {
		t.Error("the page of 2024 names a gap")
	}
}

// TestObservatoryCompletenessWithoutClaims: with no claimed listing (the
// first start), the admin view said « Complétude moyenne : 29,2 % (fiches
// revendiquées : 0,0 %) », a mean of no listing read as empty listings.
func TestObservatoryCompletenessWithoutClaims(t *testing.T) {
	const token = "3f9c2a7e41b8d05c6e92f1a4b7d3c8e0"
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }, AdminToken: token})
	sup := data.Supplier{ID: "732829320", SIREN: "732829320", Name: "Atelier", NAF: "25.71Z"}
	if err := s.store.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}
	body := html.UnescapeString(s.get(t, "/observatoire", "Authorization", "Bearer "+token).body)
	mustContain(t, "the admin view", body, "Aucune fiche revendiquée par son entreprise.", "Complétude moyenne : 10,0\u00a0% (aucune fiche revendiquée).")
	if strings.Contains(body, "fiches revendiquées : ") {
		t.Error("the admin view gives the mean completeness of the claimed listings while none is claimed")
	}
	// The JSON gave 0 as the claimed listings' mean completeness: a mean
	// of no listing, read as empty listings. It is null.
	api := s.get(t, "/api/v1/stats/coverage", "Authorization", "Bearer "+token).body
	mustContain(t, "the coverage JSON", api, `"claimed_mean_completeness":null`)

	// A filter with no listing: the mean completeness was 0 while the
	// claimed listings' was null, and the page read « Complétude moyenne :
	// 0,0 % ». Both are null, and the page says there is no listing.
	api = s.get(t, "/api/v1/stats/coverage?departement=29", "Authorization", "Bearer "+token).body
	mustContain(t, "the coverage JSON of an empty département", api, `"mean_completeness":null`, `"claimed_mean_completeness":null`)
	body = html.UnescapeString(s.get(t, "/observatoire?departement=29", "Authorization", "Bearer "+token).body)
	mustContain(t, "the admin view of an empty département", body, "Aucune fiche dans ce périmètre, donc pas de complétude moyenne.")
	if strings.Contains(body, "Complétude moyenne : ") {
		t.Error("the admin view of an empty département gives a mean completeness")
	}

	s = newTestServer(t, Config{Now: func() time.Time { return obsDay }, AdminToken: token})
	sup.ClaimedBy, sup.Website = "acct-1", "https://atelier.example"
	if err := s.store.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}
	var c observatory.Coverage
	decodeJSON(t, s.get(t, "/api/v1/stats/coverage", "Authorization", "Bearer "+token), &c)
	if m := c.Claims.ClaimedMean; m == nil || *m != 20 {
		got := "null"
		if m != nil {
			got = strconv.FormatFloat(*m, 'g', -1, 64)
		}
		t.Errorf("claimed mean completeness = %s, want 20 (one claimed listing of 20 %%)", got)
	}
}

// TestObservatoryLabelWithoutCompanies: the directory of the first start
// holds EPV companies only; the OFG and MIF tables listed five states of
// 0 with an empty share, as if the label were tracked and lost by all.
func TestObservatoryLabelWithoutCompanies(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	sup := data.Supplier{ID: "732829320", SIREN: "732829320", Name: "Atelier", Labels: []data.Label{{Type: data.LabelEPV,
		Source: "epv", GrantedAt: obsDay.AddDate(-1, 0, 0), ExpiresAt: obsDay.AddDate(4, 0, 0)}}}
	if err := s.store.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}
	body := html.UnescapeString(s.get(t, "/observatoire").body)
	mustContain(t, "the page", body, "Origine France Garantie : 0 entreprise", `<td colspan="3">Aucune entreprise OFG dans l'annuaire.</td>`,
		`<td colspan="3">Aucune entreprise MIF dans l'annuaire.</td>`, `<th scope="row">valide</th><td class="num">1</td>`)
	if strings.Count(body, `<th scope="row">valide</th>`) != 1 {
		t.Error("the page lists the states of a label no company holds")
	}
	mustContain(t, "the page of a région", html.UnescapeString(s.get(t, "/observatoire?region=84").body),
		`<td colspan="3">Aucune entreprise EPV dans ce périmètre.</td>`)
}

// TestObservatoryAwardSourcesScope: on first start every labelled win
// comes from the DECP 2024 extract, works of CPV 4521* only, and the page
// gave « 22 marchés remportés » without saying so: a reader took the DECP
// of 2019, all sectors, for the same denominator. The page and the JSON
// say, per source, how many contracts, notified when, in which CPV
// divisions, and how many labelled companies won.
func TestObservatoryAwardSourcesScope(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	sup := data.Supplier{ID: "732829320", SIREN: "732829320", Name: "Atelier", NAF: "25.11Z", Labels: []data.Label{{
		Type: data.LabelEPV, Source: "epv", GrantedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	if err := s.store.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}
	award := func(id, source, cpv string, at time.Time, siret string) data.Award {
		return data.Award{ID: source + ":" + id, Source: source, Buyer: data.Buyer{Name: "Ville de Brest"}, CPV: cpv,
			Place: data.Place{Departement: "29"}, NotifiedAt: at, Amount: 1000, Winners: []data.Winner{{Name: "SAS X", SIRET: siret}}}
	}
	if err := s.store.PutAwards(context.Background(), []data.Award{
		award("w1", "decp", "45211000", time.Date(2024, 8, 5, 0, 0, 0, 0, paris()), "73282932000074"),
		award("a1", "decp-aife", "30192000", time.Date(2019, 1, 10, 0, 0, 0, 0, paris()), "38775718000030"),
		award("a2", "decp-aife", "79340000", time.Date(2019, 3, 4, 0, 0, 0, 0, paris()), "38775718000030"),
		award("a3", "decp-aife", "", time.Date(2018, 11, 20, 0, 0, 0, 0, paris()), "38775718000030"),
	}); err != nil {
		t.Fatal(err)
	}
	var as observatory.AwardShare
	decodeJSON(t, s.get(t, "/api/v1/stats/awards"), &as)
	if len(as.BySource) != 2 || as.BySource[0].Source != "decp-aife" || as.BySource[1].Source != "decp" ||
		!slices.Equal(as.BySource[1].CPVDivisions, []string{"45"}) || as.BySource[1].Labelled.Count != 1 ||
		!slices.Equal(as.BySource[0].CPVDivisions, []string{"30", "79"}) || as.BySource[0].UnknownCPV != 1 {
		t.Errorf("by_source = %+v", as.BySource)
	}
	page := html.UnescapeString(s.get(t, "/observatoire").body)
	mustContain(t, "the page", page,
		`<th scope="row">DECP (données essentielles de la commande publique)</th><td class="num">1</td><td class="num">1</td>`+
			`<td class="num">100,0`+"\u00a0"+`%</td><td>le 5 août 2024</td><td>45 seulement (Travaux de construction)</td>`,
		`<th scope="row">DECP de l'État (AIFE, plateforme PLACE)</th><td class="num">3</td><td class="num">0</td>`+
			`<td class="num">0,0`+"\u00a0"+`%</td><td>du 20 novembre 2018 au 4 mars 2019</td><td>30 et 79 ; 1 marché sans code CPV</td>`,
		// The reader learns that the labelled wins all come from one
		// source, and on which denominators.
		`Le marché remporté par une entreprise labellisée vient d'une seule source, « DECP (données essentielles de la commande publique) » : `+
			`1 sur 1 marché (100,0`+"\u00a0"+`%), notifiés le 5 août 2024, divisions CPV 45 seulement (Travaux de construction). `+
			`Les 3 marchés des autres sources n'en comptent aucun mais entrent dans la part de l'ensemble (1 sur 4).`)
	mustContain(t, "the CSV", s.get(t, "/api/v1/stats/awards?format=csv").body,
		"\nsource;decp;\"DECP (données essentielles de la commande publique) : notifiés le 5 août 2024 ; "+
			"divisions CPV 45 seulement (Travaux de construction)\";1;1;1,0000;")
}
