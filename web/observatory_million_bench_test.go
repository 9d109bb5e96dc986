package web

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
)

// BenchmarkObservatoryMillion measures the observatory at the issue's
// scale: 100 000 suppliers, 1 000 000 tenders (about 3 % open) and
// 1 000 000 awards in a real store. It reports the first full walk, the
// refresh that applies an import (1 000 tenders, 1 000 awards, 100
// suppliers changed), a clean stop that saves the facts and a restart
// that loads them (benchObservatoryRestart) and, per page and API request
// served from the facts loaded, the wall time (p50, p95) and CPU time. Building the store takes minutes: it is kept in
// FABRIQUE_OBS_BENCH_DIR (keyed by obsBenchVersion) when set. Run it with
//
//	FABRIQUE_OBS_SCALE=million FABRIQUE_OBS_BENCH_DIR=/tmp/obs-bench \
//	  go test ./web -run '^$' -bench ObservatoryMillion -benchtime 20x -timeout 1h
//
// Without FABRIQUE_OBS_SCALE it is skipped (CI does not build a million).
func BenchmarkObservatoryMillion(b *testing.B) {
	if os.Getenv("FABRIQUE_OBS_SCALE") != "million" {
		b.Skip("FABRIQUE_OBS_SCALE=million builds 1 000 000 tenders and awards")
	}
	const nSuppliers, nTenders, nAwards = 100_000, 1_000_000, 1_000_000
	ctx := context.Background()
	dir := b.TempDir()
	if d := os.Getenv("FABRIQUE_OBS_BENCH_DIR"); d != "" {
		dir = filepath.Join(d, fmt.Sprintf("v%d", obsBenchVersion))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{NoSync: true, Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = st.Close() }() // the store opened last (see benchObservatoryRestart)
	sups := synth.Suppliers(nSuppliers, 1)
	fillObservatoryBench(b, st, sups, nTenders, nAwards)

	// An empty tender index: the observatory reads the store, and without
	// one New would index the million tenders in memory (a quarter of an
	// hour on a loaded machine) before anything is measured.
	noTenders, err := index.OpenTenders("", index.TenderOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer noTenders.Close()
	s, err := New(Config{Now: func() time.Time { return obsDay }, AdminToken: "3f9c2a7e41b8d05c6e92f1a4b7d3c8e0", RateLimit: RateLimit{PerSecond: -1}}, Deps{Store: st, Tenders: noTenders})
	if err != nil {
		b.Fatal(err)
	}
	fc := &s.obsFacts
	wait := func() {
		fc.mu.Lock()
		done := fc.building
		fc.mu.Unlock()
		if done != nil {
			<-done
		}
		fc.mu.Lock()
		defer fc.mu.Unlock()
		if fc.err != nil {
			b.Fatal(fc.err)
		}
	}
	wall, cpu := time.Now(), cpuTime()
	s.WarmObservatory(ctx)
	wait()
	f := fc.facts
	fullWall, fullCPU := time.Since(wall), cpuTime()-cpu
	fullAt := fc.refresh.fullAt

	// An import: new tenders and awards, and suppliers whose label moved.
	g := newObsBenchGen()
	tenders := make([]data.Tender, 1000)
	for i := range tenders {
		tenders[i] = g.tender(nTenders + i)
		tenders[i].PublishedAt, tenders[i].Deadline = obsDay.AddDate(0, 0, -1), obsDay.AddDate(0, 0, 20)
	}
	awards := make([]data.Award, 1000)
	for i := range awards {
		awards[i] = g.award(nAwards+i, sups)
	}
	if err := st.PutTenders(ctx, tenders, "bench"); err != nil {
		b.Fatal(err)
	}
	if err := st.PutAwards(ctx, awards); err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		sup, err := st.Supplier(ctx, sups[i*997%len(sups)].ID)
		if err != nil {
			b.Fatal(err)
		}
		for j := range sup.Labels {
			sup.Labels[j].ExpiresAt = obsDay.AddDate(1, 0, i)
		}
		if err := st.PutSupplier(ctx, sup, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	wall, cpu = time.Now(), cpuTime()
	if _, err := s.freshFacts(ctx, true); err != nil {
		b.Fatal(err)
	}
	applyWall, applyCPU := time.Since(wall), cpuTime()-cpu
	if !fc.refresh.fullAt.Equal(fullAt) {
		b.Fatal("the refresh after the import walked the store instead of applying the changes")
	}
	summary := []string{
		fmt.Sprintf("%d suppliers, %d tenders (%d kept: open, or closed in the last 12 months), %d awards", len(f.Suppliers), f.TendersTotal, len(f.Tenders), len(f.Awards)),
		fmt.Sprintf("%-28s wall %8.0f ms   cpu %8.0f ms", "full walk (first build)", ms(fullWall), ms(fullCPU)),
		fmt.Sprintf("%-28s wall %8.0f ms   cpu %8.0f ms", "apply an import (2 100 ids)", ms(applyWall), ms(applyCPU)),
	}
	restarted, lines := benchObservatoryRestart(b, s, &st)
	summary = append(summary, lines...)
	summary = append(summary, benchObservatoryRequests(b, restarted)...)
	if err := restarted.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("\n%s\nload average at the end: %s\n", strings.Join(summary, "\n"), loadAvg())
}

// benchObservatoryRequests runs each page and API request of the
// observatory as a sub-benchmark (the memoized aggregations emptied first,
// so the first request of each computes) and returns one line per kind.
func benchObservatoryRequests(b *testing.B, s *Server) []string {
	var lines []string
	for _, tt := range []struct{ name, target, auth string }{
		{"page", "/observatoire", ""},
		{"page/admin", "/observatoire", "Bearer 3f9c2a7e41b8d05c6e92f1a4b7d3c8e0"},
		{"page/region", "/observatoire?region=84&label=EPV", ""},
		{"home", "/", ""},
		{"api/coverage", "/api/v1/stats/coverage", ""},
		{"api/tenders", "/api/v1/stats/tenders", ""},
		{"api/awards", "/api/v1/stats/awards?period=2025", ""},
		{"api/awards.csv", "/api/v1/stats/awards?format=csv", ""},
		{"api/sources", "/api/v1/stats/sources", ""},
		{"api/history", "/api/v1/stats/history", ""},
	} {
		var walls []time.Duration
		var cpuPerOp time.Duration
		b.Run(tt.name, func(b *testing.B) {
			s.obsFacts.mu.Lock()
			s.obsFacts.results = nil // the first request computes
			s.obsFacts.mu.Unlock()
			walls = walls[:0]
			cpu := cpuTime()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, tt.target, nil)
				if tt.auth != "" {
					req.Header.Set("Authorization", tt.auth)
				}
				start := time.Now()
				resp, err := s.Test(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatal(fmt.Sprint(tt.target, ": ", err, resp))
				}
				_ = resp.Body.Close()
				walls = append(walls, time.Since(start))
			}
			cpuPerOp = (cpuTime() - cpu) / time.Duration(len(walls))
			b.ReportMetric(ms(cpuPerOp), "cpu-ms/op")
			b.ReportMetric(ms(percentile(walls, 0.95)), "p95-ms")
		})
		lines = append(lines, fmt.Sprintf("%-28s p50 %6.1f ms   p95 %6.1f ms   max %6.1f ms   cpu %6.1f ms/op", tt.name,
			ms(percentile(walls, 0.5)), ms(percentile(walls, 0.95)), ms(slices.Max(walls)), ms(cpuPerOp)))
	}
	return lines
}

func cpuTime() time.Duration {
	var u unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(p*float64(len(s))))-1)]
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// fillObservatoryBench writes the suppliers, n tenders and m awards the
// store lacks (a build cut short resumes: the generator is deterministic).
func fillObservatoryBench(b *testing.B, st *store.Store, sups []data.Supplier, n, m int) {
	ctx := context.Background()
	start := time.Now()
	if c, err := st.CountSuppliers(ctx); err != nil {
		b.Fatal(err)
	} else if c < len(sups) {
		for i := 0; i < len(sups); i += 5000 {
			if _, err := st.UpsertCrawled(ctx, sups[i:min(i+5000, len(sups))], "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
	g := newObsBenchGen()
	have, err := st.CountTenders(ctx)
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]data.Tender, 0, 1000)
	for i := have; i < n; i++ {
		if batch = append(batch, g.tender(i)); len(batch) == cap(batch) || i == n-1 {
			if err := st.PutTenders(ctx, batch, "bench"); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	awards := make([]data.Award, 0, 10000)
	var last data.Award
	for i := m - 1; i >= 0; i -= 10000 { // resume after the last batch written
		if a, err := st.Award(ctx, g.awardID(i)); err == nil {
			last = a
			break
		}
	}
	from := 0
	if last.ID != "" {
		from, _ = strconv.Atoi(strings.TrimPrefix(last.ID, "bench:"))
		from++
	}
	for i := from; i < m; i++ {
		if awards = append(awards, g.award(i, sups)); len(awards) == cap(awards) || i == m-1 {
			if err := st.PutAwards(ctx, awards); err != nil {
				b.Fatal(err)
			}
			awards = awards[:0]
		}
	}
	b.Logf("store ready in %s", time.Since(start).Round(time.Second))
}

// obsBenchVersion names the corpus obsBenchGen writes: change it with
// anything that changes the records, so that kept stores are not reused.
const obsBenchVersion = 1

// obsBenchGen makes deterministic tenders and awards from the real
// vocabulary: CPV codes with their French labels, placed communes (the
// populous ones more often), buyers named after them.
type obsBenchGen struct {
	cpvs     []data.CPVCode
	communes []data.Commune
}

func newObsBenchGen() *obsBenchGen {
	g := &obsBenchGen{}
	for _, c := range data.CPVCodes() {
		if c.LabelFR != "" {
			g.cpvs = append(g.cpvs, c)
		}
	}
	for _, c := range data.Communes() {
		if c.HasGeo && c.Type != "arrondissement-municipal" {
			g.communes = append(g.communes, c)
		}
	}
	slices.SortFunc(g.communes, func(a, b data.Commune) int { return b.Population - a.Population })
	return g
}

var obsBenchBuyers = []string{"Commune de ", "Centre hospitalier de ", "Communauté de communes de ", "Lycée de ", "Office public de l'habitat de "}

func (g *obsBenchGen) pick(rng *rand.Rand) (data.CPVCode, data.Commune, string) {
	cpv := g.cpvs[rng.IntN(len(g.cpvs))]
	c := g.communes[int(float64(len(g.communes))*math.Pow(rng.Float64(), 3))]
	return cpv, c, obsBenchBuyers[rng.IntN(len(obsBenchBuyers))] + c.Name
}

// tender i: published within the four years before obsDay, open 15 to
// 60 days, so that about 3 % are open on obsDay.
func (g *obsBenchGen) tender(i int) data.Tender {
	rng := rand.New(rand.NewPCG(1, uint64(i)))
	cpv, c, buyer := g.pick(rng)
	published := obsDay.Add(-time.Duration(rng.Int64N(int64(4 * 365 * 24 * time.Hour))))
	id := fmt.Sprintf("bench-%07d", i)
	return data.Tender{ID: "boamp:" + id, Source: "boamp", SourceID: id, Title: cpv.LabelFR + " — " + c.Name,
		Buyer: data.Buyer{Name: buyer}, CPV: cpv.Code8, State: data.StateOpen,
		Place:       data.Place{Commune: c.Name, Departement: c.Departement, Lat: c.Lat, Lon: c.Lon},
		PublishedAt: published, Deadline: published.Add(time.Duration(15+rng.IntN(45)) * 24 * time.Hour).Truncate(time.Hour)}
}

func (g *obsBenchGen) awardID(i int) string { return fmt.Sprintf("bench:%07d", i) }

// award i: notified within the three years before obsDay; a third won
// by a listed supplier, a third by an unlisted company, a third without
// an identified winner.
func (g *obsBenchGen) award(i int, sups []data.Supplier) data.Award {
	rng := rand.New(rand.NewPCG(2, uint64(i)))
	cpv, c, buyer := g.pick(rng)
	w := data.Winner{Name: "Titulaire " + strconv.Itoa(i)}
	switch i % 3 {
	case 0:
		w.SIRET = sups[rng.IntN(len(sups))].SIREN
	case 1:
		w.SIRET = fmt.Sprintf("%09d", 100000000+rng.IntN(800000000))
	}
	return data.Award{ID: g.awardID(i), Source: "decp", Buyer: data.Buyer{Name: buyer}, CPV: cpv.Code8,
		Place:      data.Place{Commune: c.Name, Departement: c.Departement},
		NotifiedAt: obsDay.AddDate(0, 0, -rng.IntN(3*365)), Amount: float64(1000 * (1 + rng.IntN(500))), Winners: []data.Winner{w}}
}
