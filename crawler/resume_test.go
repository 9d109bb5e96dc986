package crawler_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"fabrique/crawler"
	"fabrique/crawler/crawltest"
)

// TestCancelThenResume stops a crawl after a few pages (what Ctrl-C does)
// and checks that the next run resumes it: same run, visited pages
// skipped, no listing lost or doubled.
func TestCancelThenResume(t *testing.T) {
	cfg := mirrorConfig(t)
	mem := crawltest.New()
	ctx, cancel := context.WithCancel(context.Background())
	stopAfter := 4
	run, err := crawler.Run(ctx, cfg, []string{"epv"}, mem, mem, func(p crawler.Progress) {
		if p.PagesDone == stopAfter {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	if !run.FinishedAt.IsZero() || run.PagesFetched != stopAfter {
		t.Errorf("cancelled run: finished %v, %d pages fetched, want unfinished after %d", run.FinishedAt, run.PagesFetched, stopAfter)
	}
	upsertsBefore := mem.Upserts()

	var skipped int
	resumed, err := crawler.Run(context.Background(), cfg, []string{"epv"}, mem, mem, func(p crawler.Progress) { skipped = p.PagesDone })
	if err != nil {
		t.Fatal(err)
	}
	if resumed.ID != run.ID || !resumed.Complete || resumed.FinishedAt.IsZero() {
		t.Errorf("resumed run %s (complete %v), want run %s completed", resumed.ID, resumed.Complete, run.ID)
	}
	if resumed.PagesFetched != 13 || mem.Upserts()-upsertsBefore != 1298-100*stopAfter {
		t.Errorf("resumed run fetched %d pages in all and upserted %d listings after the restart; want 13 and %d",
			resumed.PagesFetched, mem.Upserts()-upsertsBefore, 1298-100*stopAfter)
	}
	if skipped != 13 {
		t.Errorf("pages handled after the restart = %d, want 13 (4 skipped, 9 fetched)", skipped)
	}
	if resumed.ListingsNew != 1291 {
		t.Errorf("listings new over the whole run = %d, want 1291", resumed.ListingsNew)
	}
	checkEPVIngested(t, mem.Suppliers())
	if n := len(mem.Runs()); n != 1 {
		t.Errorf("runs recorded = %d, want 1 (resumed, not restarted)", n)
	}
}

// apiServer is a tiny offset-paginated JSON API whose records can change
// between crawls.
type apiServer struct {
	mu      sync.Mutex
	records []map[string]any
}

func (a *apiServer) set(records ...map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.records = records
}

func (a *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	page := []map[string]any{}
	if offset < len(a.records) {
		page = a.records[offset:min(offset+limit, len(a.records))]
	}
	b, _ := json.Marshal(map[string]any{"total_count": len(a.records), "results": page})
	etag := fmt.Sprintf(`"%x"`, len(b)*31+int(b[len(b)/2]))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(b)
}

func epvRecord(name, siret string) map[string]any {
	return map[string]any{"raison_sociale": name, "siret": siret, "region": "GRAND-EST",
		"geolocetablissement": map[string]any{"lat": 48.398, "lon": 7.4597}, "date_de_labellisation": "2025-01-01"}
}

func TestLabelNotRefoundAfterCompleteCrawl(t *testing.T) {
	api := &apiServer{}
	api.set(epvRecord("HORUS", "44270113200049"), epvRecord("MAURICE NAILLER", "44925719500080"))
	srv := httptest.NewServer(api)
	defer srv.Close()
	cfg := crawler.DefaultConfig()
	cfg.Politeness.NoDelay = true
	if err := cfg.SetBaseURL("epv", srv.URL); err != nil {
		t.Fatal(err)
	}
	mem := crawltest.New()
	ctx := context.Background()
	if _, err := crawler.Run(ctx, cfg, []string{"epv"}, mem, mem, nil); err != nil {
		t.Fatal(err)
	}
	api.set(epvRecord("HORUS", "44270113200049")) // NAILLER left the directory
	run, err := crawler.Run(ctx, cfg, []string{"epv"}, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.ListingsNotRefound != 1 || run.ListingsUnchanged != 1 {
		t.Errorf("second crawl: %d not re-found, %d unchanged; want 1 and 1", run.ListingsNotRefound, run.ListingsUnchanged)
	}
	gone, ok := mem.Supplier("449257195")
	if !ok {
		t.Fatal("a company that left the directory was deleted")
	}
	if l := gone.Labels[0]; l.NotRefoundSince.IsZero() || l.ValidOn(l.GrantedAt.AddDate(1, 0, 0)) {
		t.Errorf("label of the departed company: %+v, want marked not re-found", l)
	}
	if kept, _ := mem.Supplier("442701132"); !kept.Labels[0].NotRefoundSince.IsZero() {
		t.Errorf("label still listed was marked not re-found: %+v", kept.Labels[0])
	}

	api.set(epvRecord("HORUS", "44270113200049"), epvRecord("MAURICE NAILLER", "44925719500080")) // back again
	if _, err := crawler.Run(ctx, cfg, []string{"epv"}, mem, mem, nil); err != nil {
		t.Fatal(err)
	}
	if back, _ := mem.Supplier("449257195"); !back.Labels[0].NotRefoundSince.IsZero() {
		t.Errorf("label found again keeps its not re-found mark: %+v", back.Labels[0])
	}
}

func TestUnfinishedRunOfOtherSourcesIsClosed(t *testing.T) {
	cfg := mirrorConfig(t)
	mem := crawltest.New()
	ctx, cancel := context.WithCancel(context.Background())
	first, _ := crawler.Run(ctx, cfg, []string{"epv"}, mem, mem, func(p crawler.Progress) { cancel() })
	if !first.FinishedAt.IsZero() {
		t.Fatal("cancelled run finished")
	}
	second, err := crawler.Run(context.Background(), cfg, []string{"ofg"}, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID {
		t.Error("a crawl of other sources resumed the unfinished run")
	}
	runs := mem.Runs()
	if len(runs) != 2 || runs[0].FinishedAt.IsZero() || runs[0].Complete || runs[0].Errors[len(runs[0].Errors)-1].Kind != "interrupted" {
		t.Errorf("runs = %+v, want the first closed as interrupted", runs)
	}
}
