package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fabrique/index"
	"fabrique/index/synth"
)

// benchEnv is a corpus indexed in both engines.
type benchEnv struct {
	ix          *index.Index
	fts         *ftsEngine
	queries     benchQueries
	rebuild     time.Duration
	rebuildCPU  time.Duration // process CPU time during the rebuild
	compaction  time.Duration // the merge into one segment that follows, in the background
	sqliteBuild time.Duration
	firstSearch time.Duration // builds the columns of the new snapshot
	heapMB      float64
	diskMB      float64
}

func newBenchEnv(tb testing.TB, n, nText, nPlaces int, opts index.Options) *benchEnv {
	tb.Helper()
	sups := synth.Suppliers(n, 42)
	src := newSliceSource(sups)
	heapBefore := heapMB()
	dir := tb.TempDir()
	ix, err := index.Open(dir+"/index", opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	env := &benchEnv{ix: ix, queries: newBenchQueries(sups, nText, nPlaces, 1)}
	start, cpu := time.Now(), processCPU()
	if err := ix.Rebuild(context.Background(), src, nil); err != nil {
		tb.Fatal(err)
	}
	env.rebuild, env.rebuildCPU = time.Since(start), processCPU()-cpu
	// The index serves from here on; the compaction that follows makes it
	// faster. Queries are measured on the settled index.
	start = time.Now()
	ix.WaitCompaction()
	env.compaction = time.Since(start)
	// What the index itself keeps in memory, columns included (the
	// corpus, alive before and after, cancels out).
	start = time.Now()
	if _, err := ix.Search(context.Background(), index.Query{Facets: true}); err != nil {
		tb.Fatal(err)
	}
	env.firstSearch = time.Since(start)
	env.heapMB = heapMB() - heapBefore
	runtime.KeepAlive(src) // alive before and after: only the index differs
	env.diskMB = dirMB(dir + "/index")
	env.fts, env.sqliteBuild, err = newFTSEngine(dir, sups)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { env.fts.Close() })
	return env
}

func dirMB(dir string) float64 {
	var total int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return float64(total) / (1 << 20)
}

func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// queryKinds are the measured workloads: each runs query i of the set on
// one engine.
func (env *benchEnv) queryKinds() []struct {
	name          string
	bleve, sqlite func(ctx context.Context, i int) error
} {
	q := env.queries
	text := func(facets bool) func(context.Context, int) error {
		return func(ctx context.Context, i int) error {
			_, err := env.ix.Search(ctx, index.Query{Text: q.text[i%len(q.text)], Facets: facets})
			return err
		}
	}
	ftsText := func(facets bool) func(context.Context, int) error {
		return func(ctx context.Context, i int) error {
			_, _, _, err := env.fts.search(ctx, q.text[i%len(q.text)], facets)
			return err
		}
	}
	return []struct {
		name          string
		bleve, sqlite func(ctx context.Context, i int) error
	}{
		{"text", text(false), ftsText(false)},
		{"text+facets", text(true), ftsText(true)},
		{"radius 100 km sorted by distance", func(ctx context.Context, i int) error {
			p := q.places[i%len(q.places)]
			_, err := env.ix.Search(ctx, index.Query{Near: &p, RadiusKm: 100, SortByDistance: true})
			return err
		}, func(ctx context.Context, i int) error {
			_, _, err := env.fts.radius(ctx, q.places[i%len(q.places)], 100)
			return err
		}},
	}
}

// BenchmarkSearch100k measures, on 100 000 synthetic suppliers and 240
// queries, bleve against SQLite FTS5, side by side, and prints medians,
// p95 and ratios. Run it with:
//
//	go test ./index -run '^$' -bench Search100k -benchtime 720x
//
// Facets are measured with the cache disabled (every query computes its
// facets) unless the sub-benchmark says "cached".
func BenchmarkSearch100k(b *testing.B) { benchSuite(b, 100_000) }

func benchSuite(b *testing.B, n int) {
	env := newBenchEnv(b, n, 240, 240, index.Options{FacetCacheSize: -1, ResultCacheSize: -1})
	ctx := context.Background()
	var rows []suiteRow
	var cpuRows []string
	for _, k := range env.queryKinds() {
		row := suiteRow{kind: k.name}
		for _, engine := range []string{"bleve", "sqlite"} {
			run := k.bleve
			if engine == "sqlite" {
				run = k.sqlite
			}
			for i := range 240 { // warm both engines' caches the same way
				if err := run(ctx, i); err != nil {
					b.Fatal(err)
				}
			}
			var wall, cpu latencies
			b.Run(k.name+"/"+engine, func(b *testing.B) {
				wall, cpu = wall[:0], cpu[:0]
				i := 0
				for b.Loop() {
					var err error
					start := time.Now()
					c := threadCPU(func() { err = run(ctx, i) })
					wall = append(wall, time.Since(start))
					cpu = append(cpu, c)
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
				b.ReportMetric(ms(wall.percentile(0.5)), "p50-ms")
				b.ReportMetric(ms(wall.percentile(0.95)), "p95-ms")
				b.ReportMetric(ms(cpu.percentile(0.95)), "p95-cpu-ms")
			})
			if engine == "bleve" {
				row.bleve50, row.bleve95 = wall.percentile(0.5), wall.percentile(0.95)
			} else {
				row.sqlite50, row.sqlite95 = wall.percentile(0.5), wall.percentile(0.95)
			}
			cpuRows = append(cpuRows, fmt.Sprintf("%-34s %-6s thread CPU p50 %6.2f ms  p95 %6.2f ms",
				k.name, engine, ms(cpu.percentile(0.5)), ms(cpu.percentile(0.95))))
		}
		rows = append(rows, row)
	}
	fmt.Printf("%s\nbleve rebuild CPU time: %s; then compaction in the background (serving meanwhile): %s; first search after the build (columns): %s; Go heap held by the index: %.0f MB; index on disk: %.0f MB; load average at the end: %s\n%s\n",
		formatSummary(n, rows, env.rebuild, env.sqliteBuild), env.rebuildCPU.Round(time.Millisecond),
		env.compaction.Round(time.Millisecond), env.firstSearch.Round(time.Millisecond), env.heapMB,
		env.diskMB, loadAverage(), strings.Join(cpuRows, "\n"))
}

// loadAverage reports how busy the machine was, since latencies depend on it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// TestBenchSmoke runs the benchmark suite's machinery on 2 000 suppliers
// in every test run, and checks that both engines agree where they must:
// the same suppliers within a radius, and bleve finding something for
// nearly every query.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two indexes")
	}
	env := newBenchEnv(t, 2000, 120, 30, index.Options{FacetCacheSize: -1, ResultCacheSize: -1})
	ctx := context.Background()
	for _, k := range env.queryKinds() {
		for i := range 30 {
			if err := k.bleve(ctx, i); err != nil {
				t.Fatalf("%s/bleve query %d: %v", k.name, i, err)
			}
			if err := k.sqlite(ctx, i); err != nil {
				t.Fatalf("%s/sqlite query %d: %v", k.name, i, err)
			}
		}
	}
	for _, p := range env.queries.places {
		res, err := env.ix.Search(ctx, index.Query{Near: &p, RadiusKm: 100, SortByDistance: true, PerPage: 20})
		if err != nil {
			t.Fatal(err)
		}
		n, ids, err := env.fts.radius(ctx, p, 100)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != uint64(n) || !equalPrefix(hitIDs(res), ids) {
			t.Errorf("around %+v: bleve finds %d (%v), SQLite %d (%v)", p, res.Total, hitIDs(res)[:min(3, len(res.Hits))], n, ids[:min(3, len(ids))])
		}
	}
	found := 0
	for _, text := range env.queries.text {
		res, err := env.ix.Search(ctx, index.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total > 0 {
			found++
		}
	}
	if found < len(env.queries.text)*9/10 {
		t.Errorf("bleve found something for %d of %d queries, want at least 90%%", found, len(env.queries.text))
	}
	t.Logf("%s", formatSummary(2000, nil, env.rebuild, env.sqliteBuild))
}

// equalPrefix reports whether the two id lists agree on their common
// length (ties in distance may order the tail differently).
func equalPrefix(a, b []string) bool {
	n := min(len(a), len(b), 10)
	for i := range n {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
