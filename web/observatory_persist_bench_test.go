package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fabrique/data/store"
)

// benchObservatoryRestart stops s cleanly (Shutdown, then the facts saved
// beside the store with its clean-stop marker), closes the store, opens it
// again as serve does at start, and loads the facts into a new server; it
// then times the first /observatoire and /api/v1/stats/coverage, which
// must answer 200 at once. *st becomes the store opened again. It returns
// the new server (the caller shuts it down) and one line per step.
func benchObservatoryRestart(b *testing.B, s *Server, st **store.Store) (*Server, []string) {
	ctx := context.Background()
	path := filepath.Join(filepath.Dir((*st).Path()), ObservatoryFactsFile)
	if err := s.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	wall, cpu := time.Now(), cpuTime()
	if err := s.SaveObservatoryFacts(ctx, path); err != nil {
		b.Fatal(err)
	}
	saveWall, saveCPU := time.Since(wall), cpuTime()-cpu
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := (*st).Close(); err != nil {
		b.Fatal(err)
	}

	wall, cpu = time.Now(), cpuTime()
	if *st, err = store.Open((*st).Path(), store.Options{NoSync: true, Timeout: 5 * time.Second}); err != nil {
		b.Fatal(err)
	}
	openWall, openCPU := time.Since(wall), cpuTime()-cpu
	var logs syncBuffer
	cfg := s.cfg
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	restarted, err := New(cfg, Deps{Store: *st, Tenders: s.tenderIndex})
	if err != nil {
		b.Fatal(err)
	}
	wall, cpu = time.Now(), cpuTime()
	if !restarted.LoadObservatoryFacts(ctx, path) {
		b.Fatalf("facts not loaded:\n%s", logs.String())
	}
	loadWall, loadCPU := time.Since(wall), cpuTime()-cpu
	lines := []string{
		fmt.Sprintf("%-28s wall %8.0f ms   cpu %8.0f ms   %.1f MB", "save at a clean stop", ms(saveWall), ms(saveCPU), float64(info.Size())/1e6),
		fmt.Sprintf("%-28s wall %8.0f ms   cpu %8.0f ms", "open the store again", ms(openWall), ms(openCPU)),
		fmt.Sprintf("%-28s wall %8.0f ms   cpu %8.0f ms", "load the facts", ms(loadWall), ms(loadCPU)),
	}
	for _, target := range []string{"/observatoire", "/api/v1/stats/coverage"} {
		wall, cpu = time.Now(), cpuTime()
		resp, err := restarted.Test(httptest.NewRequest(http.MethodGet, target, nil))
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(fmt.Sprint(target, " after the restart: ", err, resp))
		}
		_ = resp.Body.Close()
		lines = append(lines, fmt.Sprintf("%-28s wall %8.0f ms   cpu %8.0f ms", "first "+target, ms(time.Since(wall)), ms(cpuTime()-cpu)))
	}
	return restarted, lines
}
