//go:build unix

package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkTendersChecksum measures what a start pays to learn whether the
// tender index holds the store's versions, at FABRIQUE_CHECKSUM_N tenders
// (default 100 000; the figure is 1 000 000):
//
//	FABRIQUE_CHECKSUM_N=1000000 go test ./data/store -run '^$' -bench TendersChecksum -benchtime 20x
//
// The idx_tender_updated entries are written directly (the checksum reads
// nothing else), and the kept value computed by the schema 5 migration.
// "kept" is the O(1) read a start does; "reopen+kept" adds closing and
// opening the file; "recount" is the walk of every entry that Check and the
// migration do (the start-up check did it too before, and sorted the pairs).
func BenchmarkTendersChecksum(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("FABRIQUE_CHECKSUM_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	s := openTest(b, Options{NoSync: true})
	fillTenderStamps(b, s, n)
	check := func(b *testing.B, s *Store) {
		got, _, err := s.TendersChecksum(ctx)
		if err != nil || got != n {
			b.Fatalf("TendersChecksum = %d, %v; want %d", got, err, n)
		}
	}
	b.Cleanup(func() { _ = s.Close() }) // the last one reopen+kept opened
	b.Run("kept", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			check(b, s)
		}
	})
	b.Run("reopen+kept", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			var err error
			if s, err = Open(s.Path(), Options{NoSync: true}); err != nil {
				b.Fatal(err)
			}
			check(b, s)
		}
	})
	b.Run("recount", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			err := s.view(ctx, func(tx *bolt.Tx) error {
				sum, err := recountChecksum(ctx, tx, bucketTenderUpdated)
				if err == nil && sum.Count() != n {
					err = fmt.Errorf("recount: %d entries, want %d", sum.Count(), n)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fillTenderStamps writes n idx_tender_updated entries, a second apart,
// then computes the kept checksums as the migration does.
func fillTenderStamps(b *testing.B, s *Store, n int) {
	b.Helper()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const perTx = 100_000
	for lo := 0; lo < n; lo += perTx {
		err := s.db.Update(func(tx *bolt.Tx) error {
			bk := tx.Bucket(bucketTenderUpdated)
			for i := lo; i < min(n, lo+perTx); i++ {
				key := timeKey(base.Add(time.Duration(i)*time.Second)) + "|boamp:26-" + strconv.Itoa(i)
				if err := bk.Put([]byte(key), nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.db.Update(createChecksums); err != nil {
		b.Fatal(err)
	}
}

// reportCPU reports the process's CPU time per operation (user + system),
// which, unlike ns/op, does not grow when other processes compete for the
// cores. Call the result when the loop is done.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
	}
}
