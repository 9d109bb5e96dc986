package crawler_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"

	"fabrique/crawler"
	"fabrique/crawler/crawltest"
	"fabrique/crawler/mirror"
	"fabrique/data"
)

// mirrorConfig points every source at a fresh local mirror, politeness
// delays off.
func mirrorConfig(t testing.TB) crawler.Config {
	t.Helper()
	srv := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	t.Cleanup(srv.Close)
	cfg := crawler.DefaultConfig()
	cfg.Politeness.NoDelay = true
	for name, u := range mirror.BaseURLs(srv.URL) {
		if _, ok := cfg.Sources[name]; ok {
			if err := cfg.SetBaseURL(name, u); err != nil {
				t.Fatal(err)
			}
		}
	}
	return cfg
}

// epvSIRETs returns the repaired SIRET of every row of the real export.
func epvSIRETs(t testing.TB) []string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data.EmbeddedEPVCSV(), []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, row := range rows[1:] {
		s, _, _ := data.RepairSIRET(row[1])
		out = append(out, s)
	}
	return out
}

// checkEPVIngested checks that the suppliers hold every EPV row, once.
func checkEPVIngested(t *testing.T, suppliers []data.Supplier) {
	t.Helper()
	holder := map[string]string{}
	withSIREN, flagged := 0, 0
	for _, s := range suppliers {
		if !hasLabel(s, "epv") {
			continue
		}
		if s.SIREN != "" {
			withSIREN++
		}
		for _, e := range s.Establishments {
			if other, dup := holder[e.SIRET]; dup {
				t.Errorf("SIRET %s held by %s and %s", e.SIRET, other, s.ID)
			}
			holder[e.SIRET] = s.ID
			if !e.Valid {
				flagged++
				if len(s.Defects) == 0 {
					t.Errorf("%s: invalid SIRET %s without a defect", s.Name, e.SIRET)
				}
			}
		}
		if s.Address.Departement == "" || !s.Address.HasGeo() {
			t.Errorf("%s not placed: %+v", s.Name, s.Address)
		}
	}
	rows := epvSIRETs(t)
	for _, siret := range rows {
		if _, ok := holder[siret]; !ok {
			t.Errorf("EPV row with SIRET %s lost", siret)
		}
	}
	if len(rows) != 1298 || withSIREN != 1289 || flagged != 2 {
		t.Errorf("rows %d, suppliers with SIREN %d, flagged %d; want 1298 rows in 1289 + 2 companies", len(rows), withSIREN, flagged)
	}
}

func hasLabel(s data.Supplier, source string) bool {
	for _, l := range s.Labels {
		if l.Source == source {
			return true
		}
	}
	return false
}

func TestCrawlEPVMirrorThenRecrawl(t *testing.T) {
	cfg := mirrorConfig(t)
	mem := crawltest.New()
	ctx := context.Background()

	run, err := crawler.Run(ctx, cfg, []string{"epv"}, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 1 298 rows: 1 291 companies, 7 of them listed twice on different pages.
	if run.ListingsNew != 1291 || run.ListingsNew+run.ListingsUpdated+run.ListingsUnchanged != 1298 {
		t.Errorf("first crawl: %d new, %d updated, %d unchanged; want 1291 new out of 1298 listings",
			run.ListingsNew, run.ListingsUpdated, run.ListingsUnchanged)
	}
	if run.PagesFetched != 13 || len(run.PagesFailed) != 0 || !run.Complete || run.FinishedAt.IsZero() {
		t.Errorf("first crawl report: %+v", run)
	}
	checkEPVIngested(t, mem.Suppliers())
	if got := len(mem.Suppliers()); got != 1291 {
		t.Errorf("stored suppliers = %d, want 1291", got)
	}

	again, err := crawler.Run(ctx, cfg, []string{"epv"}, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.ListingsNew != 0 || again.ListingsUpdated != 0 || again.PagesFetched != 0 || again.PagesNotModified != 13 {
		t.Errorf("re-crawl: %d new, %d updated, %d fetched, %d not modified; want 0, 0, 0, 13",
			again.ListingsNew, again.ListingsUpdated, again.PagesFetched, again.PagesNotModified)
	}
	if again.ListingsNotRefound != 0 || again.ID == run.ID {
		t.Errorf("re-crawl: %d not re-found, ID %s (first %s)", again.ListingsNotRefound, again.ID, run.ID)
	}
	for _, s := range mem.Suppliers() {
		if l := s.Labels[0]; l.LastSeen.Before(again.StartedAt) {
			t.Fatalf("%s: label last seen %s, before the re-crawl's 304 at %s", s.Name, l.LastSeen, again.StartedAt)
		}
	}
}

func TestCrawlAllMirrorSources(t *testing.T) {
	cfg := mirrorConfig(t)
	mem := crawltest.New()
	run, err := crawler.Run(context.Background(), cfg, nil, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Complete || run.PagesFailed[crawler.FailRobots] != 1 || len(run.PagesFailed) != 1 {
		t.Errorf("report: complete %v, failures %v (want only the robots.txt-disallowed draft)", run.Complete, run.PagesFailed)
	}
	byName := map[string]data.Supplier{}
	ofgRanges := 0
	for _, s := range mem.Suppliers() {
		byName[s.Name] = s
		for _, l := range s.Labels {
			if l.Type == data.LabelOFG {
				ofgRanges++
				if l.Scope != data.ScopeProductRange || l.Range == "" || l.CertificateID == "" || l.Category == "" ||
					l.GrantedAt.IsZero() || l.ExpiresAt.IsZero() || !strings.Contains(l.SourceURL, "/produit/") {
					t.Errorf("%s: OFG label %+v", s.Name, l)
				}
			}
		}
	}
	if ofgRanges != 20 {
		t.Errorf("OFG range labels = %d, want the 20 ranges of the fixture", ofgRanges)
	}
	tests := []struct {
		name  string
		check func(s data.Supplier) bool
	}{
		{"Coutellerie des Monts Imaginaires (fictif)", func(s data.Supplier) bool { // 3 ranges, one in two categories
			return len(s.Labels) == 3 && s.Address.Departement == "63" && len(s.Activities) == 2 && len(s.Products) == 3
		}},
		{"Literie du Songe (fictif)", func(s data.Supplier) bool { // in OFG and in the JSON-LD directory
			types := s.LabelTypes()
			return len(s.Labels) == 4 && len(types) == 2 && s.Description != ""
		}},
		{"Savonnerie du Midi Imaginaire (fictif)", func(s data.Supplier) bool { // a Product's manufacturer
			return len(s.Labels) == 1 && s.Labels[0].Type == "MIF" && len(s.Products) == 1 && s.Address.Departement == "13"
		}},
		{"Comptoir Lointain (fictif)", func(s data.Supplier) bool { // products made in China: no label
			return len(s.Labels) == 0 && len(s.Defects) == 1
		}},
		{"Verrerie des Brumes (fictif)", func(s data.Supplier) bool { // exact coordinates from JSON-LD geo
			return s.Address.Precision == data.GeoExact && s.Address.CommuneINSEE == "57456" && s.Extra["founding_date"] == "1921"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := byName[tc.name]
			if !ok {
				t.Fatalf("%q not crawled", tc.name)
			}
			if !tc.check(s) {
				t.Errorf("unexpected record: %+v", s)
			}
		})
	}
	if _, ok := byName["Brouillon à ne pas indexer (fictif)"]; ok {
		t.Error("a page disallowed by robots.txt was crawled")
	}

	again, err := crawler.Run(context.Background(), cfg, nil, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.PagesFetched != 0 || again.ListingsNew+again.ListingsUpdated != 0 || again.PagesNotModified != run.PagesFetched {
		t.Errorf("re-crawl: %d fetched, %d not modified (first crawl fetched %d), %d new, %d updated",
			again.PagesFetched, again.PagesNotModified, run.PagesFetched, again.ListingsNew, again.ListingsUpdated)
	}
}
