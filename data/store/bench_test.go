package store

import (
	"context"
	"testing"

	"fabrique/data"
)

// BenchmarkPutSupplier measures one audited, indexed write of a real
// supplier. With fsync it is bound by the disk; NoSync shows the CPU cost.
func BenchmarkPutSupplier(b *testing.B) {
	for _, bc := range []struct {
		name   string
		noSync bool
	}{{"fsync", false}, {"nosync", true}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			s := openTest(b, Options{NoSync: bc.noSync})
			sups := realSuppliers(b, 1000)
			i := 0
			for b.Loop() {
				if err := s.PutSupplier(ctx, sups[i%len(sups)], "bench"); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkUpsertCrawled1000 measures one crawl batch of 1 000 real EPV
// suppliers, with fsync: first into an empty store (all new), then the
// same batch again (all unchanged, the steady state of a re-crawl).
func BenchmarkUpsertCrawled1000(b *testing.B) {
	ctx := context.Background()
	sups := realSuppliers(b, 1000)
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := openTest(b, Options{})
			b.StartTimer()
			if _, err := s.UpsertCrawled(ctx, sups, "bench"); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = s.Close()
			b.StartTimer()
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		s := openTest(b, Options{})
		if _, err := s.UpsertCrawled(ctx, sups, "bench"); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			res, err := s.UpsertCrawled(ctx, sups, "bench")
			if err != nil || res.Unchanged != len(sups) {
				b.Fatalf("%+v %v", summary(res), err)
			}
		}
	})
}

// BenchmarkSuppliersWalk measures a full walk of 1 000 suppliers, as the
// search index does when it rebuilds.
func BenchmarkSuppliersWalk(b *testing.B) {
	ctx := context.Background()
	s := openTest(b, Options{NoSync: true})
	if _, err := s.UpsertCrawled(ctx, realSuppliers(b, 1000), "bench"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		if err := s.Suppliers(ctx, func(data.Supplier) error { n++; return nil }); err != nil || n != 1000 {
			b.Fatal(n, err)
		}
	}
}
