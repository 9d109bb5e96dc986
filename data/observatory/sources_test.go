package observatory

import (
	"context"
	"testing"
	"time"

	"fabrique/data"
)

func TestSourceHealthAndSnapshot(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	now := day("2026-06-01")
	fresh := label(data.LabelEPV, "2024-01-01", "2029-01-01")
	fresh.LastSeen = now.Add(-2 * 24 * time.Hour)
	old := label(data.LabelEPV, "2024-01-01", "2029-01-01")
	old.LastSeen = now.Add(-40 * 24 * time.Hour)
	old.NotRefoundSince = now.Add(-10 * 24 * time.Hour)
	ofg := label(data.LabelOFG, "2024-01-01", "2029-01-01")
	ofg.LastSeen = now.Add(-400 * 24 * time.Hour)
	putSuppliers(t, st, supplier(1, "69123", "", fresh), supplier(2, "69123", "", old), supplier(3, "75101", "", ofg))
	runs := []data.CrawlRun{
		{ID: "r1", Sources: []string{"epv", "ofg"}, StartedAt: now.Add(-48 * time.Hour), FinishedAt: now.Add(-47 * time.Hour),
			Complete: true, PagesFetched: 10},
		{ID: "r2", Sources: []string{"epv"}, StartedAt: now.Add(-2 * time.Hour), FinishedAt: now.Add(-2*time.Hour + 90*time.Second),
			PagesFetched: 7, PagesNotModified: 3, PagesFailed: map[string]int{"http_5xx": 2, "robots": 1},
			ListingsNotRefound: 1, Errors: []data.CrawlError{{URL: "https://example.fr/x", Kind: "http_5xx", Message: "503"}}},
	}
	for _, r := range runs {
		if err := st.PutCrawlRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutTender(ctx, data.Tender{ID: "boamp:1", Source: "boamp", SourceID: "boamp:1", Title: "x", State: data.StateOpen,
		PublishedAt: day("2026-05-02"), Deadline: day("2026-07-01")}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutAwards(ctx, []data.Award{{ID: "decp:1", Source: "decp", NotifiedAt: day("2025-01-01"), Defects: []string{"date"}},
		{ID: "decp:2", Source: "decp", NotifiedAt: day("2025-03-01")}}); err != nil {
		t.Fatal(err)
	}
	f := build(t, st, BuildOptions{Now: now})
	health := map[string]SourceHealth{}
	for _, h := range f.SourceHealth(now) {
		health[h.Kind+"/"+h.Source] = h
	}
	epv := health["directory/epv"]
	check(t, "epv runs", epv.Runs, 2)
	check(t, "epv listings", epv.Listings, 2)
	check(t, "epv not re-found", epv.NotRefound, 1)
	check(t, "epv last run", epv.LastRun.ID, "r2")
	check(t, "epv last run seconds", epv.LastRun.Seconds, 90.0)
	check(t, "epv failed pages", epv.LastRun.Failed, 3)
	check(t, "epv 5xx", epv.LastRun.ErrorsByKind["http_5xx"], 2)
	check(t, "epv first error kind", epv.LastRun.ErrorKinds()[0], Band{Label: "http_5xx", Count: 2})
	check(t, "epv under 8 days", epv.Ages[0].Count, 1)
	check(t, "epv 1 to 3 months", epv.Ages[2].Count, 1)
	ofgH := health["directory/ofg"]
	check(t, "ofg last run", ofgH.LastRun.ID, "r1")
	check(t, "ofg over a year", ofgH.Ages[4].Count, 1)
	check(t, "boamp imported", health["tenders/boamp"].Imported, 1)
	check(t, "decp imported", health["awards/decp"].Imported, 2)
	check(t, "decp defects", health["awards/decp"].Defects, 1)
	check(t, "decp first", health["awards/decp"].First, day("2025-01-01"))
	check(t, "decp last", health["awards/decp"].Last, day("2025-03-01"))

	snap := f.Snapshot(now)
	check(t, "snapshot day", snap.Day, "2026-06-01")
	check(t, "snapshot suppliers", snap.Suppliers, 3)
	check(t, "snapshot holding", snap.Holding, 2)
	check(t, "snapshot EPV valid", snap.Labels[data.LabelEPV].Valid, 1)
	check(t, "snapshot EPV not re-found", snap.Labels[data.LabelEPV].NotRefound, 1)
	check(t, "snapshot OFG valid", snap.Labels[data.LabelOFG].Valid, 1)
	check(t, "snapshot open tenders", snap.OpenTenders, 1)
	check(t, "snapshot awards", snap.Awards, 2)
}
