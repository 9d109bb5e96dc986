package notice

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fixedNow stamps imports in tests so that results are reproducible.
var fixedNow = func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) }

// testOptions are the options the tests parse with.
func testOptions() Options { return Options{Now: fixedNow} }

// readFixture reads a file under testdata.
func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// parseFixture parses a file under testdata with a reader.
func parseFixture(t testing.TB, parse func(r *bytes.Reader, opts Options) (Result, error), path string) (Result, error) {
	t.Helper()
	return parse(bytes.NewReader(readFixture(t, path)), testOptions())
}

// globFixtures lists files under testdata matching pattern.
func globFixtures(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixture matches %s (%v)", pattern, err)
	}
	for i, f := range files {
		files[i], _ = filepath.Rel("testdata", f)
	}
	return files
}

// rfc3339 parses a time written in a test table.
func rfc3339(t testing.TB, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad time in test table %q: %v", s, err)
	}
	return at
}

func eforms(r *bytes.Reader, o Options) (Result, error)   { return ParseEForms(r, o) }
func boampXML(r *bytes.Reader, o Options) (Result, error) { return ParseBOAMPXML(r, o) }
func boampAPI(r *bytes.Reader, o Options) (Result, error) { return ParseBOAMPAPI(r, o) }
func ocds(r *bytes.Reader, o Options) (Result, error)     { return ParseOCDS(r, o) }
func decpJSON(r *bytes.Reader, o Options) (Result, error) { return ParseDECP(r, o) }
func decpCSV(r *bytes.Reader, o Options) (Result, error)  { return ParseDECPCSV(r, o) }
