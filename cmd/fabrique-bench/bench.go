package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
	"fabrique/web"
)

// stage is one timed step of the run.
type stage struct {
	name      string
	wall, cpu time.Duration // cpu: this process's CPU time (0: not meaningful, another process worked)
	note      string
}

// queryRow is one kind of query on every engine.
type queryRow struct {
	kind    string
	results map[string]engineLatency // by engine name
}

type engineLatency struct {
	p50, p95     time.Duration // wall
	cpu50, cpu95 time.Duration // CPU of the querying thread
	found        int           // queries with at least one hit
	n            int           // queries measured
	of           int           // queries asked (n < of: the engine's budget ran out)
	cut          bool          // the budget stopped the run
}

// report is everything a run measured.
type report struct {
	cfg      config
	machine  machine
	stages   []stage
	engines  []string          // measured, in order
	skipped  map[string]string // engine → why
	versions map[string]string // engine → version
	rows     []queryRow
	match    engineLatency
	matchCPU time.Duration // p95 of the matcher's thread-free CPU per request (process CPU / requests)
	http     []httpResult
	served   []servedMemory // after the build, then after a clean restart
	startup  time.Duration
	indexMiB float64
	storeMiB float64
	indexDir string
}

// servedMemory is the memory held at the end of an HTTP serving phase.
type servedMemory struct {
	phase   string
	rss     float64 // MiB resident (VmRSS)
	peak    float64 // MiB, peak of the phase (VmHWM)
	heapMiB float64 // Go heap in use
	goMiB   float64 // what the Go runtime holds from the OS: heap (live, garbage and idle spans kept), stacks, its own
	set     residentSet
	setErr  error
}

// timed runs fn, records it as a stage and logs it (a long run that is
// stopped still leaves its figures in the log).
func (r *report) timed(name string, logf func(string, ...any), fn func() (note string, err error)) error {
	start, cpu := time.Now(), processCPU()
	note, err := fn()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	st := stage{name: name, wall: time.Since(start), cpu: processCPU() - cpu, note: note}
	r.stages = append(r.stages, st)
	logf("done: %s in %s (process CPU %s) %s; load average %s", name, round(st.wall), round(st.cpu), note, loadAverage())
	return nil
}

// bench runs the whole measurement.
func bench(ctx context.Context, cfg config, logf func(string, ...any)) (*report, error) {
	rep := &report{cfg: cfg, machine: describeMachine(), skipped: map[string]string{}, versions: map[string]string{}}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	logf("%d suppliers, engines %v, in %s (load average %s)", cfg.size, cfg.engines, cfg.dir, rep.machine.loadFrom)

	var sups []data.Supplier
	if err := rep.timed("corpus generated (synth.Suppliers)", logf, func() (string, error) {
		sups = synth.Suppliers(cfg.size, cfg.seed)
		return "", nil
	}); err != nil {
		return nil, err
	}
	queries := synth.NewQueries(sups, cfg.queries, cfg.queries, 1)
	needs := synth.NewNeeds(sups, cfg.queries, 1)

	storePath := filepath.Join(cfg.dir, "fabrique.db")
	if !cfg.reuse {
		_ = os.Remove(storePath)
	}
	st, err := store.Open(storePath, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, err
	}
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	if cfg.reuse {
		n, _, err := st.SuppliersChecksum(ctx)
		if err != nil {
			return nil, err
		}
		if n != len(sups) {
			return nil, fmt.Errorf("--reuse: the store in %s holds %d suppliers, not %d", cfg.dir, n, len(sups))
		}
		logf("reusing the store and the index in %s", cfg.dir)
	}
	logf("writing the store")
	// A bulk load writes in key order: bbolt then appends to its pages
	// instead of splitting pages all over the file (in random order the
	// writes slow down as the file grows).
	slices.SortFunc(sups, func(a, b data.Supplier) int { return strings.Compare(a.ID, b.ID) })
	if err := rep.timed("store writes (UpsertCrawled in id order, batches of 1 000, fsync)", logf, func() (string, error) {
		if cfg.reuse {
			return "reused", nil
		}
		start := time.Now()
		for i := 0; i < len(sups); i += 1000 {
			res, err := st.UpsertCrawled(ctx, sups[i:min(i+1000, len(sups))], "bench")
			if err != nil {
				return "", err
			}
			if len(res.Rejected) > 0 {
				return "", fmt.Errorf("%d suppliers rejected, first: %w", len(res.Rejected), res.Rejected[0])
			}
		}
		return fmt.Sprintf("%.0f suppliers/s", float64(len(sups))/time.Since(start).Seconds()), nil
	}); err != nil {
		return nil, err
	}

	indexDir := filepath.Join(cfg.dir, "index")
	rep.indexDir = indexDir
	if !cfg.reuse {
		_ = os.RemoveAll(indexDir)
	}
	ix, err := index.Open(indexDir, index.Options{Logger: log, FacetCacheSize: -1, ResultCacheSize: -1})
	if err != nil {
		return nil, err
	}
	defer func() {
		if ix != nil {
			ix.Close()
		}
	}()
	engines := []engine{&bleveEngine{ix: ix, st: st}}
	for _, name := range cfg.engines[1:] {
		switch name {
		case "sqlite":
			engines = append(engines, newSQLiteEngine(cfg.dir))
			rep.versions["sqlite"] = "SQLite FTS5 (modernc.org/sqlite, pure Go, in process)"
		case "postgres":
			srv, err := startPostgres(ctx, cfg.pgBin)
			if errors.Is(err, errNoPostgres) {
				rep.skipped[name] = err.Error()
				logf("postgres skipped: %v", err)
				continue
			}
			if err != nil {
				return nil, err
			}
			defer func() {
				if err := srv.stop(); err != nil {
					logf("%v", err)
				}
			}()
			rep.versions["postgres"] = srv.version() + " (loopback, pgx v5)"
			engines = append(engines, newPGEngine(srv))
		}
	}
	defer func() {
		for _, e := range engines[1:] {
			e.close()
		}
	}()
	for _, e := range engines {
		logf("building %s", e.name())
		if err := rep.timed("index build: "+e.name(), logf, func() (string, error) {
			if cfg.reuse { // checked against the store, rebuilt only if it differs
				rebuilt, _, err := ix.EnsureConsistent(ctx, st, nil)
				if !rebuilt {
					return "reused", err
				}
				return "rebuilt: the kept index differed from the store", err
			}
			return "", e.build(ctx, sups)
		}); err != nil {
			return nil, err
		}
		if e.name() == "bleve" {
			if err := rep.timed("bleve compaction (in the background, serving meanwhile)", logf, func() (string, error) {
				ix.WaitCompaction()
				return "", nil
			}); err != nil {
				return nil, err
			}
			// The build read every supplier through the store's map: give
			// those pages back, as serve does after a rebuild (the serving
			// path maps again the few it reads).
			if err := rep.timed("store map released after the build (madvise DONTNEED, store.ReleaseMapped)", logf, func() (string, error) {
				n, err := st.ReleaseMapped()
				return fmt.Sprintf("%.0f MiB of map", float64(n)/(1<<20)), err
			}); err != nil {
				return nil, err
			}
		} else if e.name() == "postgres" {
			rep.stages[len(rep.stages)-1].cpu = 0 // the work is the server's, not this process's
		}
		rep.engines = append(rep.engines, e.name())
	}
	rep.indexMiB = dirMiB(indexDir)
	rep.storeMiB = dirMiB(storePath)

	sups = nil // the corpus is in the engines now
	runtime.GC()
	debug.FreeOSMemory()

	for _, kind := range []struct {
		name string
		run  func(e engine, i int) (int, error)
	}{
		{"text", func(e engine, i int) (int, error) {
			n, _, err := e.text(ctx, queries.Text[i], false)
			return n, err
		}},
		{"text + facets", func(e engine, i int) (int, error) {
			n, _, err := e.text(ctx, queries.Text[i], true)
			return n, err
		}},
		{"radius 100 km, nearest first", func(e engine, i int) (int, error) {
			n, _, err := e.radius(ctx, queries.Places[i], 100)
			return n, err
		}},
	} {
		row := queryRow{kind: kind.name, results: map[string]engineLatency{}}
		for _, e := range engines {
			logf("%s on %s", kind.name, e.name())
			budget := cfg.budget
			if e.name() == "bleve" {
				budget = 0 // the figures the targets are about: every query, always
			}
			l, err := measure(ctx, len(queries.Text), budget, threadCPU, func(i int) (int, error) { return kind.run(e, i) })
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", kind.name, e.name(), err)
			}
			if l.cut {
				logf("%s on %s: budget %s spent after %d of %d queries", kind.name, e.name(), cfg.budget, l.n, l.of)
			}
			row.results[e.name()] = l
		}
		rep.rows = append(rep.rows, row)
	}
	for _, e := range engines[1:] {
		e.close()
	}
	engines = engines[:1]

	logf("matching %d needs", len(needs))
	tenders := make([]data.Tender, len(needs))
	for i, n := range needs {
		if tenders[i], err = n.Tender(); err != nil {
			return nil, fmt.Errorf("need %d: %w", i, err)
		}
	}
	cpu := processCPU()
	// The matcher reads its candidates on several goroutines: its CPU is
	// the whole process's.
	rep.match, err = measure(ctx, len(tenders), 0, callCPU, func(i int) (int, error) {
		res, err := ix.Match(ctx, st, tenders[i], index.MatchOptions{})
		return len(res.Tender), err
	})
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	rep.matchCPU = (processCPU() - cpu) / time.Duration(len(tenders)+min(len(tenders), warmups))

	if cfg.httpFor > 0 {
		phase := "after the build, in the process that built the index"
		if cfg.reuse {
			phase = "first serving phase (store and index reused, not built)"
		}
		if err := rep.serveHTTP(ctx, phase, st, ix, queries, needs, log, logf); err != nil {
			return nil, err
		}
	}

	logf("start-up after a clean stop")
	if err := ix.Close(); err != nil {
		return nil, err
	}
	ix = nil
	if err := st.Close(); err != nil {
		return nil, err
	}
	st = nil
	start := time.Now()
	st, err = store.Open(storePath, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, err
	}
	ix, err = index.Open(indexDir, index.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	rebuilt, reason, err := ix.EnsureConsistent(ctx, st, nil)
	if err != nil {
		return nil, err
	}
	if rebuilt {
		return nil, fmt.Errorf("start-up after a clean stop rebuilt the index: %s", reason)
	}
	if _, err := ix.Search(ctx, index.Query{Text: queries.Text[0]}); err != nil {
		return nil, err
	}
	rep.startup = time.Since(start)
	if cfg.httpFor > 0 {
		// What `fabrique serve` holds when it starts on a built index: the
		// pages the build and the compaction read are no longer mapped.
		if err := rep.serveHTTP(ctx, "after a clean restart, as `fabrique serve` starts", st, ix, queries, needs, log, logf); err != nil {
			return nil, err
		}
	}
	if cfg.heapProf != "" {
		if err := writeHeapProfile(cfg.heapProf); err != nil {
			return nil, err
		}
		logf("heap profile written to %s", cfg.heapProf)
	}
	rep.machine.loadTo = loadAverage()
	return rep, nil
}

// warmups is how many queries of a set run once before it is measured,
// the same on every engine.
const warmups = 20

// minMeasured is how many queries of a kind an engine runs even past its
// budget, so that its median means something.
const minMeasured = 10

// measure runs query i for every i < n after a warm-up, and summarises
// the latencies and how many found something. With a budget > 0, the
// warm-up stops once a quarter of it is spent, and the measured queries
// once all of it is spent and at least minMeasured ran: res.n then says
// how many of the n did.
func measure(ctx context.Context, n int, budget time.Duration, cpuOf func(func()) time.Duration, run func(i int) (int, error)) (engineLatency, error) {
	began := time.Now()
	over := func(share time.Duration) bool { return budget > 0 && time.Since(began) > share }
	for i := range min(n, warmups) {
		if over(budget / 4) {
			break
		}
		if _, err := run(i); err != nil {
			return engineLatency{}, err
		}
	}
	var wall, cpu latencies
	res := engineLatency{of: n}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if i >= minMeasured && over(budget) {
			res.cut = true
			break
		}
		var found int
		var err error
		start := time.Now()
		c := cpuOf(func() { found, err = run(i) })
		wall, cpu = append(wall, time.Since(start)), append(cpu, c)
		if err != nil {
			return res, err
		}
		res.n++
		if found > 0 {
			res.found++
		}
	}
	res.p50, res.p95 = wall.percentile(0.5), wall.percentile(0.95)
	res.cpu50, res.cpu95 = cpu.percentile(0.5), cpu.percentile(0.95)
	return res, nil
}

// serveHTTP starts the real web server on a loopback port and measures
// the search and match APIs' throughput, and the memory held while
// serving (the corpus freed: the store, the index and the server).
func (rep *report) serveHTTP(ctx context.Context, phase string, st *store.Store, ix *index.Index, queries synth.Queries,
	needs []data.Need, log *slog.Logger, logf func(string, ...any)) error {
	srv, err := web.New(web.Config{Logger: log, RateLimit: web.RateLimit{PerSecond: -1}}, web.Deps{Store: st, Index: ix})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-served
	}()
	base := "http://" + ln.Addr().String()
	bodies := make([][]byte, len(needs))
	for i, n := range needs {
		if bodies[i], err = json.Marshal(n); err != nil {
			return err
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	for _, run := range []struct {
		name string
		req  requestFunc
	}{
		{"GET /api/v1/suppliers?q=… (facets)", func(i int) (*http.Request, error) {
			return getRequest(base + "/api/v1/suppliers?q=" + url.QueryEscape(queries.Text[i%len(queries.Text)]))
		}},
		{"POST /api/v1/match", func(i int) (*http.Request, error) {
			return postJSON(base+"/api/v1/match", bodies[i%len(bodies)])
		}},
	} {
		logf("HTTP %s for %s, %d clients, %s", run.name, rep.cfg.httpFor, rep.cfg.clients, phase)
		res, err := loadHTTP(ctx, run.name, rep.cfg.clients, rep.cfg.httpFor, run.req)
		if err != nil {
			return fmt.Errorf("%s: %w", run.name, err)
		}
		if res.statuses[200] == 0 {
			return fmt.Errorf("%s: no successful answer (%s)", run.name, res.statusSummary())
		}
		res.phase = phase
		rep.http = append(rep.http, res)
	}
	mem := servedMemory{phase: phase}
	mem.rss, mem.peak = rssMiB()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	mem.heapMiB = float64(m.HeapInuse) / (1 << 20)
	mem.goMiB = float64(m.Sys-m.HeapReleased) / (1 << 20)
	mem.set, mem.setErr = readResidentSet(st.Path(), rep.indexDir)
	logf("memory %s: VmRSS %.0f MiB, Go heap in use %.0f MiB, Go runtime's memory not returned to the OS %.0f MiB; %v",
		phase, mem.rss, mem.heapMiB, mem.goMiB, mem.set)
	rep.served = append(rep.served, mem)
	return nil
}

func dirMiB(path string) float64 {
	var total int64
	_ = filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return float64(total) / (1 << 20)
}

// writeHeapProfile writes the live heap, after a collection, to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}
