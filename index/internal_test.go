package index

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
	"fabrique/index/match"
	"fabrique/index/synth"
)

// sliceSource is a Source over a slice (internal tests).
type sliceSource []data.Supplier

func (s sliceSource) Suppliers(ctx context.Context, fn func(data.Supplier) error) error {
	for _, x := range s {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func (s sliceSource) SuppliersChecksum(context.Context) (int, string, error) {
	return len(s), fmt.Sprint(len(s)), nil
}

func (s sliceSource) Supplier(_ context.Context, id string) (data.Supplier, error) {
	for _, x := range s {
		if x.ID == id {
			return x, nil
		}
	}
	return data.Supplier{}, data.ErrNotFound
}

// A rebuild written in many small batches leaves many segments; the
// compaction that follows merges them into one, and searches answer the
// same before and after.
func TestRebuildCompactsSegments(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(t.TempDir(), Options{RebuildBatchSize: 40, ResultCacheSize: -1, FacetCacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	src := sliceSource(synth.Suppliers(1500, 3))

	// Measure the answers on the uncompacted generation first: a rebuild
	// without compaction is what fill leaves behind.
	g, err := ix.newGeneration()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.fill(ctx, g, src, nil); err != nil {
		t.Fatal(err)
	}
	if err := g.flush(); err != nil {
		t.Fatal(err)
	}
	before, err := segmentCount(g)
	if err != nil {
		t.Fatal(err)
	}
	_ = g.retire(true)
	if before < 2 { // bleve merges in the background while fill runs: how many are left varies
		t.Fatalf("fill left %d segments, want many (batches of 40)", before)
	}

	if err := ix.Rebuild(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{Text: "menuiserie", Facets: true},
		{Text: "mobilier bois", Regions: []string{"84"}, Facets: true},
		{Near: &Point{Lat: 45.76, Lon: 4.83}, RadiusKm: 150, SortByDistance: true, Facets: true},
		{Labels: []string{"EPV"}, Page: 2, Facets: true},
	}
	answers := func() []string {
		var out []string
		for _, q := range queries {
			res, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			// Equal scores are ordered by document number, which a merge
			// changes: compare the scores rank by rank, and the hits as
			// a set, leaving out the tie that the page boundary may cut.
			var scores []string
			var ids []string
			last := res.Hits[len(res.Hits)-1]
			for _, h := range res.Hits {
				scores = append(scores, fmt.Sprintf("%.6f", h.Score))
				if h.Score != last.Score || q.SortByDistance {
					ids = append(ids, h.ID)
				}
			}
			sort.Strings(ids)
			out = append(out, fmt.Sprint(res.Total, scores, ids, res.Facets))
		}
		return out
	}
	// Searches may run before, during or after the compaction: capture
	// one answer while it may still run, then the settled one.
	early := answers()
	ix.WaitCompaction()
	after, err := segmentCount(ix.cur.Load())
	if err != nil {
		t.Fatal(err)
	}
	if after != 1 {
		t.Errorf("after compaction: %d segments, want 1 (fill alone leaves %d)", after, before)
	}
	settled := answers()
	for i := range queries {
		if early[i] != settled[i] {
			t.Errorf("query %+v answers differently once compacted:\n  %s\n  %s", queries[i], early[i], settled[i])
		}
	}
}

// An index that is up to date but written piecemeal (many segments) is
// compacted when checked at start.
func TestEnsureConsistentCompactsAPiecemealIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := sliceSource(synth.Suppliers(600, 5))
	for i := 0; i < len(src); i += 30 {
		if err := ix.Put(ctx, src[i:i+30]...); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	before, err := segmentCount(ix.cur.Load())
	if err != nil {
		t.Fatal(err)
	}
	if before < 2 {
		t.Fatalf("20 writes left %d segment, want several", before)
	}
	rebuilt, reason, err := ix.EnsureConsistent(ctx, src, nil)
	if err != nil || rebuilt {
		t.Fatalf("EnsureConsistent = %v, %q, %v; want an up-to-date index", rebuilt, reason, err)
	}
	ix.WaitCompaction()
	if after, err := segmentCount(ix.cur.Load()); err != nil || after != 1 {
		t.Fatalf("after the check: %d segments (%v), want 1 (had %d)", after, err, before)
	}
}

// An Uncached search neither reads nor fills the result cache.
func TestUncachedSearchSkipsTheResultCache(t *testing.T) {
	ctx := context.Background()
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(ctx, synth.Suppliers(200, 2)...); err != nil {
		t.Fatal(err)
	}
	cached := func() int {
		ix.results.mu.Lock()
		defer ix.results.mu.Unlock()
		return ix.results.ll.Len()
	}
	q := Query{Text: "fabrication", Facets: true, Uncached: true}
	if _, err := ix.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	if n := cached(); n != 0 {
		t.Fatalf("an uncached search left %d cached results", n)
	}
	q.Uncached = false
	if _, err := ix.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	if n := cached(); n != 1 {
		t.Fatalf("a cached search left %d cached results, want 1", n)
	}
}

// nearestMatching (distances from the columns) returns the k nearest of
// the documents matching a query, as a brute force over bleve's matches
// and data.DistanceKm does.
func TestNearestMatchingIsTheNearest(t *testing.T) {
	ctx := context.Background()
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() }) // after the snapshot's release (currentSnapshot)
	sups := synth.Suppliers(3000, 9)
	if err := ix.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	byID := map[string]data.Supplier{}
	for _, s := range sups {
		byID[s.ID] = s
	}
	g, snap := currentSnapshot(t, ix)
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	q := sectorQuery([]string{"39", "45"}, nil, nil)
	all, err := g.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 10000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	const lat, lon, k = 45.76, 4.83, 50 // Lyon
	dist := func(id string) float64 {
		a := byID[id].Address
		if !a.HasGeo() {
			return math.Inf(1)
		}
		return data.DistanceKm(lat, lon, a.Lat, a.Lon)
	}
	var want []float64
	for _, h := range all.Hits {
		want = append(want, dist(h.ID))
	}
	sort.Float64s(want)
	ids, total, err := ix.nearestMatching(ctx, snap, cols, q, lat, lon, k)
	if err != nil {
		t.Fatal(err)
	}
	if total != all.Total || len(ids) != k {
		t.Fatalf("%d ids of %d matches, want %d of %d", len(ids), total, k, all.Total)
	}
	for i, id := range ids {
		// The columns hold the indexed point (a morton hash): within metres.
		if got := dist(id); math.Abs(got-want[i]) > 0.05 {
			t.Fatalf("rank %d: %s at %.3f km, the %d-th nearest match is at %.3f km", i, id, got, i+1, want[i])
		}
	}
}

// currentSnapshot holds ix's current generation and a snapshot of it until
// the test ends.
func currentSnapshot(t *testing.T, ix *Index) (*generation, index.IndexReader) {
	t.Helper()
	g, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.mu.RUnlock)
	snap, err := g.snapshotOf()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = snap.Close() })
	return g, snap
}

// The grid picks exactly the documents a test of every document against
// the circle would, for circles of every size, on cell boundaries, across
// the antimeridian-free French territory and overseas.
func TestInCircleMatchesEveryDocumentTest(t *testing.T) {
	ctx := context.Background()
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Put(ctx, synth.Suppliers(4000, 13)...); err != nil {
		t.Fatal(err)
	}
	g, snap := currentSnapshot(t, ix)
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	circles := []struct {
		name         string
		lat, lon, km float64
	}{
		{"Lyon 10 km", 45.76, 4.83, 10},
		{"Lyon 0.5 km", 45.76, 4.83, 0.5},
		{"Paris 50 km", 48.8566, 2.3522, 50},
		{"on a cell corner", 47.0, 2.0, 30},
		{"Brest 200 km", 48.39, -4.49, 200},
		{"all of France", 46.6, 2.4, 1000},
		{"Réunion 40 km", -21.11, 55.53, 40},
		{"open sea 20 km", 45.0, -20.0, 20},
		{"near the pole", 89.9, 0, 300},
	}
	for _, tc := range circles {
		circ := newCircle(Query{Near: &Point{Lat: tc.lat, Lon: tc.lon}, RadiusKm: tc.km})
		docs := cols.inCircle(circ)
		var want []uint32
		for _, d := range cols.live {
			if cols.within(d, circ) {
				want = append(want, d)
			}
		}
		if fmt.Sprint(docs) != fmt.Sprint(want) {
			t.Errorf("%s: the grid picks %d documents, testing each gives %d", tc.name, len(docs), len(want))
		}
		if tc.name == "all of France" && len(want) < 3000 {
			t.Errorf("all of France holds only %d of 4 000 suppliers", len(want))
		}
	}
}

// Without a place, the sector pool takes the need's primary trades before
// the secondary ones (bleve scores the sector query NaN: its keyword
// fields keep no norms, so a « best by score » pool was the first
// documents indexed).
func TestPlacelessSectorPoolTakesPrimaryTradesFirst(t *testing.T) {
	ctx := context.Background()
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	sups := synth.Suppliers(3000, 9)
	if err := ix.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	g, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.mu.RUnlock()
	n := match.Need{CPVDivisions: []string{"45"}} // no place
	// The pool's tiers follow the division's rows (data.FitOf scores a
	// bare division code as a secondary fit: it names no trade).
	divisionFit := func(naf string) (data.CPVNAFFit, bool) {
		for _, f := range data.CPVNAFFitsFor("45000000") {
			if f.NAFDivision == data.NAFDivision(naf) || len(f.NAFDivision) > 2 && strings.HasPrefix(naf, f.NAFDivision) {
				return f, true
			}
		}
		return data.CPVNAFFit{}, false
	}
	var primary, secondary int
	for _, s := range sups {
		if f, ok := divisionFit(s.NAF); ok && s.Register == nil {
			if f.Primary {
				primary++
			} else {
				secondary++
			}
		}
	}
	const k = 100
	if primary < k || secondary == 0 {
		t.Fatalf("%d primary and %d secondary fits in the corpus: the case tests nothing", primary, secondary)
	}
	ids, err := ix.sectorPool(ctx, g, &n, sectorQuery(n.CPVDivisions, nil, nil), k)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]data.Supplier{}
	for _, s := range sups {
		byID[s.ID] = s
	}
	// (The primary tier also holds the trades learned from awards: none
	// here.) Every supplier of a pool smaller than it fits primarily.
	fits := 0
	for _, id := range ids {
		if f, _ := divisionFit(byID[id].NAF); f.Primary {
			fits++
		}
	}
	if len(ids) != k || fits != k {
		t.Errorf("%d of a pool of %d fit primarily by NAF, want all (the corpus holds %d primary and %d secondary fits)",
			fits, len(ids), primary, secondary)
	}
}
