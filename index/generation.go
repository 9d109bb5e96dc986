package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// The index directory holds one bleve index per generation and a CURRENT
// file naming the live one:
//
//	DIR/CURRENT        "gen-000007\n", replaced atomically (write, fsync, rename)
//	DIR/gen-000007/    the live bleve index (scorch)
//	DIR/gen-000008/    a rebuild in progress, removed if it fails
//
// A rebuild builds the next generation aside while searches use the live
// one, then swaps them; leftovers of an interrupted rebuild are removed at
// Open. Deleting DIR loses nothing: the store is the truth.
const (
	currentFile = "CURRENT"
	genPrefix   = "gen-"
)

// Keys of the index's internal metadata (bleve SetInternal).
var (
	// keySync holds syncMeta: the source checksum the index was last known
	// to match. Every write deletes it, so a stale entry cannot survive.
	keySync = []byte("fabrique:sync")
	// keySchema holds schemaVersion: a different value forces a rebuild.
	keySchema = []byte("fabrique:schema")
	// keyFlush is written with a persisted callback to wait for durability.
	keyFlush = []byte("fabrique:flush")
)

// schemaVersion changes whenever the mapping or the document shape does,
// so that an index built by an older binary is rebuilt at start.
const schemaVersion = "16"

// generation is one bleve index. Searches hold mu for reading while they
// use it; closing takes it for writing, so a swap waits for the searches
// already running on the old generation and later ones see closed and
// move to the new one.
type generation struct {
	name string // "gen-000007"; "" in memory
	path string // "" in memory
	idx  bleve.Index

	mu     sync.RWMutex
	closed bool

	// cols caches the columns of the latest snapshot; colsMu makes their
	// build single-flight.
	colsMu sync.Mutex
	cols   atomic.Pointer[columns]
	// buildCols builds the columns of a snapshot: buildColumns for the
	// suppliers' index, buildTenderColumns for the tenders'.
	buildCols func(context.Context, index.IndexReader) (*columns, error)
	// nameWords caches, by stem, whether a word is a name word of this
	// generation's directory (match_namewords.go).
	nameWords sync.Map
}

// indexConfig is the scorch configuration of every generation. The s2
// spatial plugin makes radius queries several times faster; unsafe_batch
// lets a batch return once searchable, without waiting for fsync: the
// store is the truth, writes that a crash loses are caught by
// EnsureConsistent, and flush waits for durability where it matters.
func indexConfig() map[string]any {
	return map[string]any{"spatialPlugin": "s2", "unsafe_batch": true}
}

func newMemGeneration(m mapping.IndexMapping) (*generation, error) {
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, indexConfig())
	if err != nil {
		return nil, fmt.Errorf("index: create in-memory index: %w", err)
	}
	g := &generation{idx: idx}
	if err := idx.SetInternal(keySchema, []byte(schemaVersion)); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("index: create in-memory index: %w", err)
	}
	return g, nil
}

func createGeneration(dir, name string, m mapping.IndexMapping) (*generation, error) {
	return createGenerationWith(dir, name, m, indexConfig())
}

// createGenerationWith creates a generation with the scorch configuration
// cfg (a rebuild fills its new generation with bulkIndexConfig).
func createGenerationWith(dir, name string, m mapping.IndexMapping, cfg map[string]any) (*generation, error) {
	path := filepath.Join(dir, name)
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	idx, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, cfg)
	if err != nil {
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	if err := idx.SetInternal(keySchema, []byte(schemaVersion)); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	return &generation{name: name, path: path, idx: idx}, nil
}

// openGeneration opens an existing generation. A corrupt index can make
// bleve panic rather than fail: both come back as an error.
func openGeneration(dir, name string) (g *generation, err error) {
	path := filepath.Join(dir, name)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("index: open %s: panic: %v", path, r)
		}
	}()
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	idx, err := bleve.OpenUsing(path, indexConfig())
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	g = &generation{name: name, path: path, idx: idx}
	// Touch the data now: a damaged segment should fail here, at start,
	// not in the middle of a buyer's search.
	if _, err := idx.DocCount(); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	if _, err := idx.GetInternal(keySchema); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	return g, nil
}

// flush waits until everything written so far is on disk.
func (g *generation) flush() error {
	if g.path == "" {
		return nil
	}
	done := make(chan error, 1)
	b := g.idx.NewBatch()
	b.SetInternal(keyFlush, []byte(time.Now().UTC().Format(time.RFC3339Nano)))
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := g.idx.Batch(b); err != nil {
		return fmt.Errorf("index: flush %s: %w", g.path, err)
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("index: flush %s: %w", g.path, err)
		}
		return nil
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("index: flush %s: timed out waiting for persistence", g.path)
	}
}

// compact merges the segments of an on-disk generation into as few as
// possible once a rebuild has written them. Every query opens each term's
// postings once per segment: at 100 000 suppliers a rebuild leaves about
// forty segments, and a search on a single one allocates several times less
// and answers faster. Each pass merges up to compactFanIn segments at once,
// hence the loop past that. In-memory generations have no merger, and small
// ones no need.
func (g *generation) compact(ctx context.Context) (merged bool, err error) {
	if g.path == "" {
		return false, nil
	}
	if n, err := segmentCount(g); err != nil || n <= 1 {
		return false, err
	}
	if err := g.flush(); err != nil { // only persisted segments are merged
		return false, err
	}
	adv, err := g.idx.Advanced()
	if err != nil {
		return false, fmt.Errorf("index: compact: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return false, nil
	}
	plan := mergeplan.SingleSegmentMergePlanOptions
	plan.SegmentsPerMergeTask = compactFanIn
	for range maxCompactPasses {
		n, err := segmentCount(g)
		if err != nil || n <= 1 {
			return merged, err
		}
		if err := sc.ForceMerge(ctx, &plan); err != nil {
			return merged, fmt.Errorf("index: compact: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return merged, err
		}
		merged = true
	}
	return merged, nil
}

// compactFanIn is the number of segments compact merges at once. A
// rebuild leaves one segment per batch (40 at 100 000 suppliers) and no
// merge while it fills (bulkIndexConfig): merging them all in one pass
// reads and writes every posting once, where bleve's default of ten at a
// time rewrote most of them twice.
const compactFanIn = 100

// maxCompactPasses bounds compact: each pass merges up to compactFanIn
// segments per task.
const maxCompactPasses = 3

// segmentCount is the number of segments of g's current snapshot.
func segmentCount(g *generation) (int, error) {
	snap, err := g.snapshotOf()
	if err != nil {
		return 0, err
	}
	defer snap.Close()
	if s, ok := snap.(*scorch.IndexSnapshot); ok {
		return len(s.Segments()), nil
	}
	return 0, nil
}

// isClosed reports whether g was retired (replaced by a newer rebuild, or
// the index closed).
func (g *generation) isClosed() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.closed
}

// retire waits for the searches using g, closes it and, when remove is
// set, deletes its directory.
func (g *generation) retire(remove bool) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	g.dropColumns()
	err := g.idx.Close()
	if remove && g.path != "" {
		err = errors.Join(err, os.RemoveAll(g.path))
	}
	return err
}

// readCurrent returns the generation named by DIR/CURRENT, "" if none.
func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("index: %w", err)
	}
	name := strings.TrimSpace(string(b))
	if _, ok := genNumber(name); !ok {
		return "", fmt.Errorf("index: %s: unexpected content %q", filepath.Join(dir, currentFile), name)
	}
	return name, nil
}

// writeCurrent points DIR/CURRENT at name atomically.
func writeCurrent(dir, name string) error {
	tmp := filepath.Join(dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	_, err = f.WriteString(name + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, currentFile))
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("index: write %s: %w", currentFile, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func genName(n int) string { return fmt.Sprintf("%s%06d", genPrefix, n) }

func genNumber(name string) (int, bool) {
	if !strings.HasPrefix(name, genPrefix) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(name, genPrefix))
	return n, err == nil && n > 0
}

// listGenerations returns the generation directories found in dir, in
// ascending order.
func listGenerations(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	var out []string
	for _, e := range entries {
		if _, ok := genNumber(e.Name()); ok && e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := genNumber(out[i])
		b, _ := genNumber(out[j])
		return a < b
	})
	return out, nil
}
