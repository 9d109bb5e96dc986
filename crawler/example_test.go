package crawler_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"fabrique/crawler"
	"fabrique/crawler/crawltest"
	"fabrique/crawler/mirror"
	"fabrique/data/store"
)

func ExampleNormalize() {
	s, _, err := crawler.Normalize(crawler.Record{
		crawler.FieldName:  {"HORUS"},
		crawler.FieldSIRET: {"44270113200049"},
		crawler.FieldGeo:   {"48.398091, 7.459750"},
		crawler.FieldNAF:   {"2814Z"},
	}, crawler.NormalizeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.ID, s.NAF, s.Address.Commune, s.Address.Postcode, s.Address.Departement, s.Labels[0].Type)
	// Output: 442701132 28.14Z Mittelbergheim 67140 67 EPV
}

// BenchmarkCrawlEPVMirror measures a whole crawl of the EPV mirror (13
// pages, 1 298 listings) with politeness delays at zero, into memory.
func BenchmarkCrawlEPVMirror(b *testing.B) {
	srv := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer srv.Close()
	cfg := crawler.DefaultConfig()
	cfg.Politeness.NoDelay = true
	if err := cfg.SetBaseURL("epv", srv.URL); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		mem := crawltest.New()
		run, err := crawler.Run(context.Background(), cfg, []string{"epv"}, mem, mem, nil)
		if err != nil || run.ListingsNew != 1291 {
			b.Fatal(err, run.ListingsNew)
		}
	}
	b.ReportMetric(13*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkCrawlEPVMirrorStore is the same crawl into the real store
// (bbolt, fsync off), as `fabrique crawl` against a mirror.
func BenchmarkCrawlEPVMirrorStore(b *testing.B) {
	srv := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer srv.Close()
	cfg := crawler.DefaultConfig()
	cfg.Politeness.NoDelay = true
	if err := cfg.SetBaseURL("epv", srv.URL); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(b.TempDir()+"/f.db", store.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		a := storeAdapter{st}
		run, err := crawler.Run(context.Background(), cfg, []string{"epv"}, a, a, nil)
		if err != nil || run.ListingsNew != 1291 {
			b.Fatal(err, run.ListingsNew)
		}
		b.StopTimer()
		_ = st.Close()
		b.StartTimer()
	}
	b.ReportMetric(13*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

var _ testing.TB = (*testing.B)(nil)
