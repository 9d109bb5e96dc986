package index_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// ensure runs EnsureConsistent and returns whether it rebuilt and why.
func ensure(t *testing.T, ix *index.Index, src index.Source) (bool, string) {
	t.Helper()
	rebuilt, reason, err := ix.EnsureConsistent(context.Background(), src, nil)
	if err != nil {
		t.Fatalf("EnsureConsistent: %v", err)
	}
	return rebuilt, reason
}

func TestEnsureConsistent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	src := newMemSource(epvSuppliers(t))
	want := uint64(len(src.m))
	reopen := func(t *testing.T) *index.Index {
		t.Helper()
		ix, err := index.Open(dir, index.Options{Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return ix
	}
	check := func(t *testing.T, ix *index.Index, wantRebuilt bool, reasonHas string) {
		t.Helper()
		rebuilt, reason := ensure(t, ix, src)
		if rebuilt != wantRebuilt || !strings.Contains(reason, reasonHas) {
			t.Errorf("EnsureConsistent = %v, %q; want %v and a reason containing %q", rebuilt, reason, wantRebuilt, reasonHas)
		}
		if n, err := ix.Count(); err != nil || n != want {
			t.Errorf("Count = %d, %v; want %d", n, err, want)
		}
		if res := search(t, ix, index.Query{Text: "ébénisterie"}); res.Total == 0 {
			t.Errorf("the index answers nothing after EnsureConsistent")
		}
	}

	t.Run("missing", func(t *testing.T) {
		ix := reopen(t)
		check(t, ix, true, "absent")
		ix.Close()
	})
	t.Run("consistent: no rebuild, no walk of the store", func(t *testing.T) {
		ix := reopen(t)
		walks := src.walks
		check(t, ix, false, "")
		if src.walks != walks {
			t.Errorf("the consistency check walked the whole store although nothing changed")
		}
		ix.Close()
	})
	t.Run("writes followed while running are not a reason to rebuild", func(t *testing.T) {
		ix := reopen(t)
		ensure(t, ix, src)
		s := src.get(epvSuppliers(t)[3].ID)
		s.Description = "Nouvelle description"
		s.UpdatedAt = s.UpdatedAt.Add(time.Minute)
		src.set(s)
		if err := ix.Apply(context.Background(), src, []string{s.ID}); err != nil {
			t.Fatal(err)
		}
		ix.Close()
		ix = reopen(t)
		check(t, ix, false, "")
		ix.Close()
	})
	t.Run("stale: a supplier changed behind its back", func(t *testing.T) {
		s := src.get(epvSuppliers(t)[5].ID)
		s.Name = "Nom changé sans prévenir l'index"
		s.UpdatedAt = s.UpdatedAt.Add(time.Hour)
		src.set(s)
		ix := reopen(t)
		check(t, ix, true, "périmé")
		res := search(t, ix, index.Query{Text: "changé sans prévenir"})
		if len(res.Hits) == 0 || res.Hits[0].ID != s.ID {
			t.Errorf("the rebuilt index does not have the new name: %v", hitIDs(res))
		}
		ix.Close()
	})
	t.Run("stale: a supplier deleted behind its back", func(t *testing.T) {
		removed := src.get(epvSuppliers(t)[6].ID)
		src.remove(removed.ID)
		want--
		defer func() { src.set(removed); want++ }()
		ix := reopen(t)
		check(t, ix, true, "périmé")
		ix.Close()
	})
	t.Run("directory deleted", func(t *testing.T) {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		ix := reopen(t)
		check(t, ix, true, "absent")
		ix.Close()
	})
	t.Run("corrupt segments", func(t *testing.T) {
		zaps, _ := filepath.Glob(filepath.Join(dir, "gen-*", "store", "*.zap"))
		if len(zaps) == 0 {
			t.Fatal("no segment file to corrupt")
		}
		for _, z := range zaps {
			if err := os.Truncate(z, 100); err != nil {
				t.Fatal(err)
			}
		}
		ix := reopen(t)
		check(t, ix, true, "illisible")
		ix.Close()
	})
	t.Run("corrupt files", func(t *testing.T) {
		corrupted := 0
		err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			if strings.HasSuffix(path, ".zap") || strings.HasSuffix(path, ".bolt") || strings.HasSuffix(path, "index_meta.json") {
				corrupted++
				return os.WriteFile(path, []byte("garbage, not an index"), 0o644)
			}
			return nil
		})
		if err != nil || corrupted == 0 {
			t.Fatalf("corrupting the index: %d files, %v", corrupted, err)
		}
		ix := reopen(t)
		check(t, ix, true, "illisible")
		ix.Close()
	})
	t.Run("CURRENT names a generation that is not there", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("gen-999999\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		ix := reopen(t)
		check(t, ix, true, "illisible")
		ix.Close()
	})
}

func TestRebuildWhileSearching(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(epvSuppliers(t))
	ix := openIndex(t, filepath.Join(t.TempDir(), "index"))
	ensure(t, ix, src)
	want := search(t, ix, index.Query{Text: "menuiserie", Facets: true}).Total

	stop := make(chan struct{})
	var searches, failures atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := ix.Search(ctx, index.Query{Text: "menuiserie", Facets: true})
				searches.Add(1)
				if err == nil && res.Total != want {
					err = errors.New("total changed during the rebuild")
				}
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	for range 3 {
		if err := ix.Rebuild(ctx, src, nil); err != nil {
			t.Fatalf("Rebuild: %v", err)
		}
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d of %d searches failed during rebuilds; first: %v", failures.Load(), searches.Load(), firstErr.Load())
	}
	if searches.Load() < 10 {
		t.Errorf("only %d searches ran during three rebuilds", searches.Load())
	}
}

func TestRebuildRemovesOldGenerations(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	src := newMemSource(epvSuppliers(t)[:100])
	ix := openIndex(t, dir)
	for range 3 {
		if err := ix.Rebuild(context.Background(), src, nil); err != nil {
			t.Fatal(err)
		}
	}
	gens, err := filepath.Glob(filepath.Join(dir, "gen-*"))
	if err != nil || len(gens) != 1 {
		t.Errorf("generations left after three rebuilds: %v, %v; want only the live one", gens, err)
	}
}

// blockingSource pauses its walk half-way until released, so that a test
// can write while a rebuild is in progress.
type blockingSource struct {
	*memSource
	*walkPause
}

func (b *blockingSource) Suppliers(ctx context.Context, fn func(data.Supplier) error) error {
	return b.memSource.Suppliers(ctx, pausing(b.walkPause, fn))
}

func TestWritesDuringRebuildAreKept(t *testing.T) {
	ctx := context.Background()
	sups := epvSuppliers(t)[:200]
	mem := newMemSource(sups)
	ix := openIndex(t, filepath.Join(t.TempDir(), "index"))
	ensure(t, ix, mem)

	src := &blockingSource{mem, newWalkPause(50)}
	done := make(chan error, 1)
	go func() { done <- ix.Rebuild(ctx, src, nil) }()
	<-src.reached

	// Meanwhile: one supplier renamed (already walked), one deleted (not
	// yet walked), one added.
	renamed := mem.get(sups[0].ID)
	renamed.Name = "Renommée pendant la reconstruction"
	renamed.UpdatedAt = renamed.UpdatedAt.Add(time.Hour)
	mem.set(renamed)
	deleted := sups[199].ID
	mem.remove(deleted)
	added := data.Supplier{ID: "x0000000000000001", Name: "Ajoutée pendant la reconstruction", UpdatedAt: testNow}
	mem.set(added)
	if err := ix.Apply(ctx, mem, []string{renamed.ID, deleted, added.ID}); err != nil {
		t.Fatal(err)
	}
	close(src.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	if n, _ := ix.Count(); n != 200 {
		t.Errorf("Count = %d, want 200 (200 - 1 deleted + 1 added)", n)
	}
	for text, want := range map[string]string{"renommée reconstruction": renamed.ID, "ajoutée reconstruction": added.ID} {
		if res := search(t, ix, index.Query{Text: text}); len(res.Hits) == 0 || res.Hits[0].ID != want {
			t.Errorf("%q: hits %v, want %s: a write made during the rebuild was lost", text, hitIDs(res), want)
		}
	}
	if res := search(t, ix, index.Query{Text: sups[199].SIREN}); len(res.Hits) > 0 {
		t.Errorf("supplier deleted during the rebuild is back: %v", hitIDs(res))
	}
	if rebuilt, reason := ensure(t, ix, mem); rebuilt {
		t.Errorf("index inconsistent after a rebuild with concurrent writes: %s", reason)
	}
}

func TestApply(t *testing.T) {
	ctx := context.Background()
	ix, src := epvIndex(t)
	a, b := epvSuppliers(t)[10], epvSuppliers(t)[11]
	a.Name = "Atelier renommé par Apply"
	a.UpdatedAt = a.UpdatedAt.Add(time.Hour)
	src.set(a)
	src.remove(b.ID)
	if err := ix.Apply(ctx, src, []string{a.ID, b.ID, a.ID}); err != nil {
		t.Fatal(err)
	}
	if res := search(t, ix, index.Query{Text: "renommé par apply"}); len(res.Hits) == 0 || res.Hits[0].ID != a.ID {
		t.Errorf("updated supplier not found by its new name: %v", hitIDs(res))
	}
	if n, _ := ix.Count(); n != uint64(len(epvSuppliers(t))-1) {
		t.Errorf("Count = %d after deleting one supplier, want %d", n, len(epvSuppliers(t))-1)
	}
}

func TestClosedIndex(t *testing.T) {
	ix, err := index.Open("", index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), index.Query{}); !errors.Is(err, index.ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
	if err := ix.Put(context.Background(), data.Supplier{ID: "1"}); !errors.Is(err, index.ErrClosed) {
		t.Errorf("Put after Close: %v, want ErrClosed", err)
	}
}
