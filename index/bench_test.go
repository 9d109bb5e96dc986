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

// benchEnv is a corpus indexed in bleve.
type benchEnv struct {
	ix          *index.Index
	queries     synth.Queries
	rebuild     time.Duration
	rebuildCPU  time.Duration // process CPU time during the rebuild
	compaction  time.Duration // the merge into one segment that follows, in the background
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
	env := &benchEnv{ix: ix, queries: synth.NewQueries(sups, nText, nPlaces, 1)}
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

// queryKinds are the measured workloads: each runs query i of the set.
func (env *benchEnv) queryKinds() []struct {
	name string
	run  func(ctx context.Context, i int) error
} {
	q := env.queries
	text := func(facets bool) func(context.Context, int) error {
		return func(ctx context.Context, i int) error {
			_, err := env.ix.Search(ctx, index.Query{Text: q.Text[i%len(q.Text)], Facets: facets})
			return err
		}
	}
	return []struct {
		name string
		run  func(ctx context.Context, i int) error
	}{
		{"text", text(false)},
		{"text+facets", text(true)},
		{"radius 100 km sorted by distance", func(ctx context.Context, i int) error {
			p := q.Places[i%len(q.Places)]
			_, err := env.ix.Search(ctx, index.Query{Near: &index.Point{Lat: p.Lat, Lon: p.Lon}, RadiusKm: 100, SortByDistance: true})
			return err
		}},
	}
}

// BenchmarkSearch100k measures bleve on 100 000 synthetic suppliers and
// 240 queries, and prints medians, p95 and thread CPU times. Run it with:
//
//	go test ./index -run '^$' -bench Search100k -benchtime 240x
//
// Facets are measured with the caches disabled (every query computes its
// facets). The comparison with SQLite FTS5 and PostgreSQL on the same
// corpus and queries is cmd/fabrique-bench's.
func BenchmarkSearch100k(b *testing.B) { benchSuite(b, 100_000) }

func benchSuite(b *testing.B, n int) {
	env := newBenchEnv(b, n, 240, 240, index.Options{FacetCacheSize: -1, ResultCacheSize: -1})
	ctx := context.Background()
	var rows []suiteRow
	var cpuRows []string
	for _, k := range env.queryKinds() {
		for i := range 240 { // warm the caches of the snapshot
			if err := k.run(ctx, i); err != nil {
				b.Fatal(err)
			}
		}
		wall, cpu := measure(b, k.name, func(i int) error { return k.run(ctx, i) })
		rows = append(rows, suiteRow{kind: k.name, bleve50: wall.percentile(0.5), bleve95: wall.percentile(0.95)})
		cpuRows = append(cpuRows, fmt.Sprintf("%-34s thread CPU p50 %6.2f ms  p95 %6.2f ms",
			k.name, ms(cpu.percentile(0.5)), ms(cpu.percentile(0.95))))
	}
	fmt.Printf("%s\nbleve rebuild CPU time: %s; then compaction in the background (serving meanwhile): %s; first search after the build (columns): %s; Go heap held by the index: %.0f MB; index on disk: %.0f MB; load average at the end: %s\n%s\n",
		formatSummary(n, rows, env.rebuild), env.rebuildCPU.Round(time.Millisecond),
		env.compaction.Round(time.Millisecond), env.firstSearch.Round(time.Millisecond), env.heapMB,
		env.diskMB, loadAverage(), strings.Join(cpuRows, "\n"))
}

// measure runs run(0), run(1)… as sub-benchmark name and returns the wall
// and thread CPU time of each call, reported as p50 and p95.
func measure(b *testing.B, name string, run func(i int) error) (wall, cpu latencies) {
	b.Run(name, func(b *testing.B) {
		wall, cpu = wall[:0], cpu[:0]
		i := 0
		for b.Loop() {
			var err error
			start := time.Now()
			c := threadCPU(func() { err = run(i) })
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
	return wall, cpu
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
// in every test run, and checks that bleve finds something for nearly
// every query. (That the engines of the harness agree on the same corpus
// is cmd/fabrique-bench's test.)
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index")
	}
	env := newBenchEnv(t, 2000, 120, 30, index.Options{FacetCacheSize: -1, ResultCacheSize: -1})
	ctx := context.Background()
	for _, k := range env.queryKinds() {
		for i := range 30 {
			if err := k.run(ctx, i); err != nil {
				t.Fatalf("%s query %d: %v", k.name, i, err)
			}
		}
	}
	found := 0
	for _, text := range env.queries.Text {
		res, err := env.ix.Search(ctx, index.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total > 0 {
			found++
		}
	}
	if found < len(env.queries.Text)*9/10 {
		t.Errorf("bleve found something for %d of %d queries, want at least 90%%", found, len(env.queries.Text))
	}
	t.Logf("%s", formatSummary(2000, nil, env.rebuild))
}
