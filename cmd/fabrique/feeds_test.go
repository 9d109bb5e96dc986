package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"fabrique/crawler"
	"fabrique/crawler/mirror"
	"fabrique/data/store"
)

// offsetLog records the offsets of the BOAMP pages asked of h.
type offsetLog struct {
	h       http.Handler
	mu      sync.Mutex
	offsets []int
}

func (l *offsetLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == boampRecordsPath {
		n, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		l.mu.Lock()
		l.offsets = append(l.offsets, n)
		l.mu.Unlock()
	}
	l.h.ServeHTTP(w, r)
}

func (l *offsetLog) take() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	o := l.offsets
	l.offsets = nil
	return o
}

// boampRecords serves n BOAMP records, 100 a page at most, with an ETag
// and 304 to a matching If-None-Match, as Opendatasoft does.
func boampRecords(n int, objet func(i int) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		results := []map[string]any{}
		for i := offset; i < min(offset+limit, n); i++ {
			results = append(results, map[string]any{"id": fmt.Sprintf("26_%d", i), "idweb": fmt.Sprintf("26-%d", i), "objet": objet(i)})
		}
		b, _ := json.Marshal(map[string]any{"total_count": n, "results": results})
		sum := sha256.Sum256(b)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
}

// TestBOAMPFeedStopsAtAnUnchangedLastPage: a page answered 304 that was
// the last one at the previous import is still the last: the import
// stops there (it asked for the page after it, past the end, at every
// import). A 304 on a page that had a successor goes on to it.
func TestBOAMPFeedStopsAtAnUnchangedLastPage(t *testing.T) {
	ctx := context.Background()
	cfg := crawler.DefaultConfig()
	cfg.Politeness.NoDelay = true
	importOnce := func(t *testing.T, st *store.Store, base string) {
		t.Helper()
		if _, err := feedImport(ctx, cfg, st, "boamp", base, io.Discard); err != nil {
			t.Fatalf("import: %v", err)
		}
	}
	newStore := func(t *testing.T) *store.Store {
		st, err := store.Open(dbFile(t.TempDir()), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}

	t.Run("the mirror's one page", func(t *testing.T) {
		log := &offsetLog{h: mirror.New(mirror.Config{}).Handler()}
		srv := httptest.NewServer(log)
		defer srv.Close()
		st := newStore(t)
		for i, want := range [][]int{{0}, {0}, {0}} {
			importOnce(t, st, srv.URL)
			if got := log.take(); !slices.Equal(got, want) {
				t.Errorf("import %d asked for the offsets %v, want %v", i+1, got, want)
			}
		}
	})

	t.Run("three pages", func(t *testing.T) {
		version := 1
		objet := func(i int) string {
			if i == 150 {
				return fmt.Sprintf("Fourniture de mobilier, version %d", version)
			}
			return "Fourniture de mobilier"
		}
		log := &offsetLog{h: boampRecords(250, objet)}
		srv := httptest.NewServer(log)
		defer srv.Close()
		st := newStore(t)
		importOnce(t, st, srv.URL)
		if got, want := log.take(), []int{0, 100, 200}; !slices.Equal(got, want) {
			t.Errorf("first import asked for the offsets %v, want %v", got, want)
		}
		version = 2 // the second page changes: reached after a 304 on the first
		importOnce(t, st, srv.URL)
		if got, want := log.take(), []int{0, 100, 200}; !slices.Equal(got, want) {
			t.Errorf("second import asked for the offsets %v, want %v", got, want)
		}
	})
}

// TestBOAMPFeedResumesAfterAFailedPage: an import that fetched the first
// page and then failed on the second leaves the first page's validators
// behind; the next import, answered 304 on the first page, must still go on
// to the pages the failed import never read, not take the first page for
// the last one.
func TestBOAMPFeedResumesAfterAFailedPage(t *testing.T) {
	ctx := context.Background()
	cfg := crawler.DefaultConfig()
	cfg.Politeness.NoDelay = true
	var failing atomic.Bool
	failing.Store(true)
	records := boampRecords(250, func(int) string { return "Fourniture de mobilier" })
	log := &offsetLog{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() && r.URL.Query().Get("offset") == "100" {
			http.NotFound(w, r)
			return
		}
		records.ServeHTTP(w, r)
	})}
	srv := httptest.NewServer(log)
	defer srv.Close()
	st, err := store.Open(dbFile(t.TempDir()), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	if _, err := feedImport(ctx, cfg, st, "boamp", srv.URL, io.Discard); err == nil {
		t.Fatal("the import with a failing second page succeeded")
	}
	if got, want := log.take(), []int{0, 100}; !slices.Equal(got, want) {
		t.Fatalf("failed import asked for the offsets %v, want %v", got, want)
	}
	failing.Store(false)
	if _, err := feedImport(ctx, cfg, st, "boamp", srv.URL, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}
	if got, want := log.take(), []int{0, 100, 200}; !slices.Equal(got, want) {
		t.Errorf("the import after a failed one asked for the offsets %v, want %v (the pages it never read)", got, want)
	}
}
