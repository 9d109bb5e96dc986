//go:build linux

package store

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"fabrique/data"
)

// mappedRSS is how many kB of the store's memory map are resident.
func mappedRSS(t *testing.T, s *Store) int {
	t.Helper()
	n, err := s.MappedResident()
	if err != nil {
		t.Fatal(err)
	}
	return int(n >> 10)
}

// TestReleaseMapped reads every supplier (as an index rebuild does), which
// makes the store's map resident, then releases it: the map's resident
// pages go, and every supplier reads back the same, also while writes grow
// the file and make bbolt remap it.
func TestReleaseMapped(t *testing.T) {
	s := openTest(t, Options{NoSync: true})
	ctx := context.Background()
	const n = 3000
	batch := make([]data.Supplier, 0, n)
	for i := range n {
		sup := synthetic(i+1, "39")
		sup.Description = strings.Repeat(fmt.Sprintf("Menuiserie %d, escaliers et parquets en chêne. ", i), 20)
		batch = append(batch, sup)
	}
	if _, err := s.UpsertCrawled(ctx, batch, "test"); err != nil {
		t.Fatal(err)
	}
	readAll := func() map[string]string {
		got := map[string]string{}
		if err := s.Suppliers(ctx, func(sup data.Supplier) error {
			got[sup.ID] = sup.Description
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := readAll()
	if len(before) != n {
		t.Fatalf("read %d suppliers, want %d", len(before), n)
	}
	resident := mappedRSS(t, s)
	if resident < 2048 {
		t.Fatalf("after a full scan only %d kB of the store are resident: the test cannot see a release", resident)
	}
	released, err := s.ReleaseMapped()
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(s.Path()); released <= 0 || released > info.Size() {
		t.Errorf("released %d bytes of a %d-byte file", released, info.Size())
	}
	if after := mappedRSS(t, s); after > resident/10 {
		t.Errorf("resident map %d kB after the release, was %d kB: not released", after, resident)
	}
	after := readAll()
	for id, d := range before {
		if after[id] != d {
			t.Fatalf("supplier %s reads differently after the release", id)
		}
	}

	// Writes that grow the file (bbolt remaps it) while the map is
	// released over and over: no crash, nothing lost.
	var wg sync.WaitGroup
	wg.Add(1)
	errs := make(chan error, 1)
	go func() {
		defer wg.Done()
		for i := n; i < n+2000; i += 100 {
			more := make([]data.Supplier, 0, 100)
			for j := i; j < i+100; j++ {
				sup := synthetic(j+1, "25")
				sup.Description = strings.Repeat("Tournage sur bois. ", 40)
				more = append(more, sup)
			}
			if _, err := s.UpsertCrawled(ctx, more, "test"); err != nil {
				errs <- err
				return
			}
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for releasing := true; releasing; {
		select {
		case <-done:
			releasing = false
		default:
			if _, err := s.ReleaseMapped(); err != nil {
				t.Fatal(err)
			}
		}
	}
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	if got := readAll(); len(got) != n+2000 {
		t.Errorf("%d suppliers after the concurrent writes, want %d", len(got), n+2000)
	}
	mustCheck(t, s)
}
