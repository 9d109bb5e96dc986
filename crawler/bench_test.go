package crawler

import (
	"bytes"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"fabrique/crawler/mirror"
	"fabrique/data"
)

// mirrorPage returns a page of the local mirror without any network.
func mirrorPage(b *testing.B, path string) []byte {
	b.Helper()
	rec := httptest.NewRecorder()
	mirror.New(mirror.Config{}).Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	if rec.Code != 200 || len(body) == 0 {
		b.Fatalf("%s: status %d", path, rec.Code)
	}
	return body
}

// BenchmarkExtractNormalizeEPVPage measures a 100-record API page: JSON
// extraction, then normalisation of every record.
func BenchmarkExtractNormalizeEPVPage(b *testing.B) {
	body := mirrorPage(b, "/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/records?limit=100&offset=300")
	d := DefaultConfig().Sources["epv"]
	x, err := newJSONExtractor(d)
	if err != nil {
		b.Fatal(err)
	}
	n := newNormalizer()
	opts := NormalizeOptions{SourceURL: "http://mirror/records", FetchedAt: time.Unix(0, 0)}.withDefaults()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		recs, _, err := x.extract(body, "http://mirror/records")
		if err != nil || len(recs) != 100 {
			b.Fatal(err, len(recs))
		}
		for _, r := range recs {
			if _, _, err := n.normalize(r, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkExtractNormalizeOFGPage measures one range page: HTML parsing,
// selectors, normalisation.
func BenchmarkExtractNormalizeOFGPage(b *testing.B) {
	body := mirrorPage(b, "/ofg/annuaire-des-produits-certifies/produit/couteaux-de-table-monts/")
	d := DefaultConfig().Sources["ofg"]
	x, err := newHTMLExtractor(d)
	if err != nil {
		b.Fatal(err)
	}
	lr, err := compileLinks(d)
	if err != nil {
		b.Fatal(err)
	}
	n := newNormalizer()
	opts := NormalizeOptions{Source: "ofg", Label: data.LabelOFG, Scope: data.ScopeProductRange, SourceURL: d.BaseURL + "/p", FetchedAt: time.Unix(0, 0)}.withDefaults()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		doc, err := parseHTML(body)
		if err != nil {
			b.Fatal(err)
		}
		lr.htmlLinks(doc, d.BaseURL+"/p")
		recs := x.extract(doc, d.BaseURL+"/p")
		if len(recs) != 1 {
			b.Fatal(len(recs))
		}
		if _, _, err := n.normalize(recs[0], opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkSuppliersFromEPVCSV measures the seed of an empty directory.
func BenchmarkSuppliersFromEPVCSV(b *testing.B) {
	csv := data.EmbeddedEPVCSV()
	data.NearestCommune(45, 5) // build the reference tables outside the timing
	for b.Loop() {
		if _, _, err := SuppliersFromEPVCSV(bytes.NewReader(csv), NormalizeOptions{FetchedAt: time.Unix(0, 0)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1298*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
