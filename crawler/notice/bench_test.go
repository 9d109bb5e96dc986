package notice

import (
	"bytes"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// BenchmarkParseEForms parses the 78 procurement examples of the eForms SDK
// (the 100-lot one aside) and reports notices per second.
func BenchmarkParseEForms(b *testing.B) {
	var docs [][]byte
	for _, f := range globFixtures(b, "eforms/*.xml") {
		if strings.HasPrefix(filepath.Base(f), "X0") || strings.Contains(f, "100_lots") {
			continue
		}
		docs = append(docs, readFixture(b, f))
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, d := range docs {
			if _, err := ParseEForms(bytes.NewReader(d), testOptions()); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "notices/s")
}

// BenchmarkParseBOAMPAPI parses the 90-record API sample.
func BenchmarkParseBOAMPAPI(b *testing.B) {
	doc := readFixture(b, "boamp/boamp_avis_2026-03-15_sample.api-shape.json")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		res, err := ParseBOAMPAPI(bytes.NewReader(doc), testOptions())
		if err != nil {
			b.Fatal(err)
		}
		n += len(res.Tenders)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "notices/s")
}

// BenchmarkParseEForms100Lots measures the 1.7 MB, 100-lot notice: time,
// bytes allocated per parse, and the heap it needs at most (the heap grown
// by one parse with the collector off, an upper bound of its peak) and
// keeps (the Result alone).
func BenchmarkParseEForms100Lots(b *testing.B) {
	doc := readFixture(b, "eforms/cn_24_maximal_100_lots.xml")
	peak, kept := heapOfOneParse(b, doc)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ops := 0
	for b.Loop() {
		if _, err := ParseEForms(bytes.NewReader(doc), testOptions()); err != nil {
			b.Fatal(err)
		}
		ops++
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(ops)/(1<<20), "alloc-MB/op")
	b.ReportMetric(peak/(1<<20), "peak-heap-MB")
	b.ReportMetric(kept/(1<<20), "result-MB")
}

func heapOfOneParse(b *testing.B, doc []byte) (peak, kept float64) {
	b.Helper()
	runtime.GC()
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	var m0, m1, m2 runtime.MemStats
	runtime.ReadMemStats(&m0)
	res, err := ParseEForms(bytes.NewReader(doc), testOptions())
	if err != nil {
		b.Fatal(err)
	}
	runtime.ReadMemStats(&m1)
	runtime.GC()
	runtime.ReadMemStats(&m2)
	runtime.KeepAlive(res)
	return float64(m1.HeapAlloc - m0.HeapAlloc), float64(m2.HeapAlloc) - float64(m0.HeapAlloc)
}

// BenchmarkParseDECP parses the largest DECP file (4 526 rows).
func BenchmarkParseDECP(b *testing.B) {
	doc := readFixture(b, "decp/decp_2019_aife.json")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		res, err := ParseDECP(bytes.NewReader(doc), testOptions())
		if err != nil {
			b.Fatal(err)
		}
		n += len(res.Awards)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}
