package index_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
)

// BenchmarkRebuildFromStore is the harness's « index build »: a full
// rebuild of the supplier index from the store of a directory kept by
// fabrique-bench (`--dir DIR --keep`), the store's walk and decoding
// included, with the corpus held in memory beside it as the harness holds
// it (the collector marks it at each cycle). Wall and process CPU time
// are reported as BenchmarkRebuild reports them; the index goes to a
// temporary directory, the kept one is left alone.
//
//	FABRIQUE_BENCH_DIR=/tmp/b-100k FABRIQUE_BENCH_SIZE=100000 go test ./index -run '^$' -bench RebuildFromStore -benchtime 1x
//
// It skips without FABRIQUE_BENCH_DIR.
func BenchmarkRebuildFromStore(b *testing.B) {
	dir, size := harnessDir(b)
	sups := synth.Suppliers(size, 42)
	// The harness builds right after writing the store, its pages in the
	// page cache: read the file once, so that the walk does not wait for
	// the disk (bbolt's page checks then show up as seconds of CPU).
	if err := readThrough(filepath.Join(dir, "fabrique.db")); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if n, _, err := st.SuppliersChecksum(ctx); err != nil || n != size {
		b.Fatalf("the store holds %d suppliers (%v), FABRIQUE_BENCH_SIZE says %d", n, err, size)
	}
	for b.Loop() {
		ix, err := index.Open(b.TempDir(), index.Options{})
		if err != nil {
			b.Fatal(err)
		}
		measureRebuild(b, fmt.Sprintf("%d suppliers from the store", size), func(time.Time, time.Duration) error {
			return ix.Rebuild(ctx, st, nil)
		}, ix.WaitCompaction)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	runtime.KeepAlive(sups)
}

// readThrough reads the file at path to its end.
func readThrough(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}
