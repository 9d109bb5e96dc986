package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		ok       bool
	}{
		{"ten thousand", "10k", 10_000, true},
		{"hundred thousand upper case", "100K", 100_000, true},
		{"a million", "1m", 1_000_000, true},
		{"a plain number", "2500", 2500, true},
		{"zero", "0", 0, false},
		{"negative", "-5k", 0, false},
		{"not a number", "big", 0, false},
		{"too large", "20m", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("parseSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		engines []string
		wantErr string
	}{
		{"defaults", nil, []string{"bleve", "sqlite", "postgres"}, ""},
		{"bleve is always measured", []string{"--engines", "sqlite"}, []string{"bleve", "sqlite"}, ""},
		{"duplicates and case", []string{"--engines", "Postgres,bleve,postgres"}, []string{"bleve", "postgres"}, ""},
		{"unknown engine", []string{"--engines", "bleve,elastic"}, nil, `unknown engine "elastic"`},
		{"too few queries", []string{"--queries", "3"}, nil, "at least 10"},
		{"stray argument", []string{"now"}, nil, `unexpected argument "now"`},
		{"reuse", []string{"--reuse", "--dir", "/tmp/x", "--engines", "bleve"}, []string{"bleve"}, ""},
		{"reuse without a directory", []string{"--reuse", "--engines", "bleve"}, nil, "--reuse needs --dir"},
		{"reuse with baselines", []string{"--reuse", "--dir", "/tmp/x"}, nil, "--engines bleve"},
		{"a budget", []string{"--budget", "2m"}, []string{"bleve", "sqlite", "postgres"}, ""},
		{"a negative budget", []string{"--budget", "-1s"}, nil, "not negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseFlags(tt.args, &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(cfg.engines, tt.engines) {
				t.Errorf("engines = %v, %v; want %v", cfg.engines, err, tt.engines)
			}
		})
	}
}

func TestUpdateSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	if err := os.WriteFile(path, []byte("# Performance\n\nIntro.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	steps := []struct{ size, section string }{{"10k", "first 10k\n"}, {"1m", "the million\n"}, {"10k", "second 10k\n"}}
	for _, s := range steps {
		if err := updateSection(path, s.size, s.section); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	want := "# Performance\n\nIntro.\n\n<!-- fabrique-bench:10k -->\nsecond 10k\n<!-- /fabrique-bench:10k -->\n\n" +
		"<!-- fabrique-bench:1m -->\nthe million\n<!-- /fabrique-bench:1m -->\n"
	if string(got) != want {
		t.Errorf("file =\n%s\nwant\n%s", got, want)
	}
	if err := os.WriteFile(path, []byte("<!-- fabrique-bench:10k -->\nhalf"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateSection(path, "10k", "x\n"); err == nil {
		t.Errorf("a lone marker was overwritten; want an error")
	}
}

// TestBenchRuns runs the whole harness on a small corpus, as CI does with
// 10 000 (README), and checks the table holds every measurement.
func TestBenchRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three engines")
	}
	out := filepath.Join(t.TempDir(), "performance.md")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"--size", "1500", "--queries", "20", "--http", "500ms", "--clients", "2",
		"--dir", t.TempDir(), "--out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	md, _ := os.ReadFile(out)
	for _, want := range []string{"### 1 500 suppliers", "| index build: bleve |", "| index build: sqlite |",
		"| text + facets |", "| radius 100 km, nearest first |", "| match a need", "POST /api/v1/match",
		"Resident memory at the end of each serving phase", "after a clean restart", "Start-up after a clean stop", "<!-- /fabrique-bench:1500 -->"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if _, err := findPostgres(""); err == nil && !strings.Contains(string(md), "| index build: postgres |") {
		t.Errorf("PostgreSQL is installed but was not measured:\n%s", md)
	}
}

// TestBenchReuses measures again on the store and index a kept directory
// holds, and refuses a directory of another size.
func TestBenchReuses(t *testing.T) {
	dir := t.TempDir()
	args := func(size string, more ...string) []string {
		return append([]string{"--size", size, "--engines", "bleve", "--queries", "10", "--http", "200ms", "--clients", "2", "--dir", dir, "--keep"}, more...)
	}
	var stderr bytes.Buffer
	if err := run(context.Background(), args("800"), &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr.String())
	}
	out := filepath.Join(t.TempDir(), "performance.md")
	if err := run(context.Background(), args("800", "--reuse", "--out", out), &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("reuse: %v\n%s", err, stderr.String())
	}
	md, _ := os.ReadFile(out)
	for _, want := range []string{"| index build: bleve |", "reused", "| match a need", "| first serving phase (store and index reused, not built) |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	err := run(context.Background(), args("900", "--reuse"), &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "holds 800 suppliers, not 900") {
		t.Errorf("reuse of another size: %v, want an error naming both sizes", err)
	}
}

// TestEnginesAgree checks that the engines answer the same corpus alike
// where they must: the same suppliers within a radius, nearest first, and
// every engine finding something for most text queries.
func TestEnginesAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three engines")
	}
	ctx := context.Background()
	dir := t.TempDir()
	sups := synth.Suppliers(2000, 42)
	q := synth.NewQueries(sups, 60, 20, 1)
	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UpsertCrawled(ctx, sups, "test"); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	engines := []engine{&bleveEngine{ix: ix, st: st}, newSQLiteEngine(dir)}
	if srv, err := startPostgres(ctx, ""); err == nil {
		defer srv.stop()
		engines = append(engines, newPGEngine(srv))
	} else if !errors.Is(err, errNoPostgres) {
		t.Fatal(err)
	}
	for _, e := range engines {
		if err := e.build(ctx, sups); err != nil {
			t.Fatalf("%s: %v", e.name(), err)
		}
		defer e.close()
	}
	for _, p := range q.Places {
		wantN, wantIDs, err := engines[0].radius(ctx, p, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range engines[1:] {
			n, ids, err := e.radius(ctx, p, 100)
			if err != nil {
				t.Fatalf("%s: %v", e.name(), err)
			}
			if n != wantN || !equalPrefix(ids, wantIDs) {
				t.Errorf("around %+v: bleve finds %d (%v), %s %d (%v)", p, wantN, wantIDs[:min(3, len(wantIDs))], e.name(), n, ids[:min(3, len(ids))])
			}
		}
	}
	for _, e := range engines {
		found := 0
		for _, text := range q.Text {
			n, ids, err := e.text(ctx, text, true)
			if err != nil {
				t.Fatalf("%s %q: %v", e.name(), text, err)
			}
			if n < len(ids) || len(ids) > 20 {
				t.Errorf("%s %q: total %d, %d ids", e.name(), text, n, len(ids))
			}
			if n > 0 {
				found++
			}
		}
		if found < len(q.Text)*3/4 {
			t.Errorf("%s found something for %d of %d queries, want at least 75%%", e.name(), found, len(q.Text))
		}
	}
}

// equalPrefix reports whether the two id lists agree on their first ten
// (ties in distance may order the tail differently).
func equalPrefix(a, b []string) bool {
	n := min(len(a), len(b), 10)
	return slices.Equal(a[:n], b[:n])
}

// TestParseSmaps sorts resident pages by what they map: the store file,
// the index's segments (deleted ones apart), other files and anonymous
// memory.
func TestParseSmaps(t *testing.T) {
	const smaps = `00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/fabrique
Rss:                 300 kB
Anonymous:             0 kB
7f0000000000-7f0040000000 r--s 00000000 fe:00 1234       /data/fabrique.db
Size:            1048576 kB
Rss:              204800 kB
Anonymous:             0 kB
VmFlags: rd sh mr mw me ms sd
7f1000000000-7f1000100000 r--s 00000000 fe:00 1235       /data/index/store/000000000a1b.zap
Rss:               10240 kB
Anonymous:             0 kB
7f2000000000-7f2000100000 r--s 00000000 fe:00 1236       /data/index/store/000000000a1a.zap (deleted)
Rss:                2048 kB
Anonymous:             0 kB
7f3000000000-7f3004000000 rw-p 00000000 00:00 0
Rss:               51200 kB
Anonymous:         51200 kB
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0          [stack]
Rss:                1024 kB
Anonymous:          1024 kB
7f4000000000-7f4000001000 r--s 00000000 fe:00 1237       /data/index-old/x.zap
Rss:                1024 kB
Anonymous:             0 kB
`
	got, err := parseSmaps(strings.NewReader(smaps), "/data/fabrique.db", "/data/index")
	if err != nil {
		t.Fatal(err)
	}
	want := residentSet{rss: (300 + 204800 + 10240 + 2048 + 51200 + 1024 + 1024) / 1024.0, anonymous: 52224 / 1024.0,
		store: 200, index: 12, indexGone: 2, otherFile: (300 + 1024) / 1024.0}
	if got != want {
		t.Errorf("parseSmaps = %+v, want %+v", got, want)
	}
	if fb := got.fileBacked(); fb != want.rss-want.anonymous {
		t.Errorf("fileBacked = %.1f, want %.1f", fb, want.rss-want.anonymous)
	}
	if _, err := parseSmaps(strings.NewReader("7f-8f r--p 0 0:0 0\nRss: many kB\n"), "/s", "/i"); err == nil {
		t.Error("a malformed Rss line was accepted")
	}
	// The harness's own process: the figures add up.
	self, err := readResidentSet("/nonexistent/store.db", "/nonexistent/index")
	if err != nil {
		t.Fatal(err)
	}
	if self.rss <= 0 || self.anonymous <= 0 || self.anonymous > self.rss || self.store != 0 || self.index != 0 {
		t.Errorf("own resident set = %+v: want RSS > anonymous > 0 and no store or index", self)
	}
}

// TestMeasureBudget stops a slow engine's queries once its budget is
// spent, after the minimum, and says how many ran; without a budget every
// query runs.
func TestMeasureBudget(t *testing.T) {
	slow := func(int) (int, error) { time.Sleep(2 * time.Millisecond); return 1, nil }
	wall := func(fn func()) time.Duration { start := time.Now(); fn(); return time.Since(start) }
	tests := []struct {
		name    string
		budget  time.Duration
		n       int
		wantCut bool
	}{
		{"no budget runs every query", 0, 40, false},
		{"a generous budget runs every query", time.Minute, 40, false},
		{"a tiny budget runs the minimum", time.Nanosecond, minMeasured, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := measure(context.Background(), 40, tt.budget, wall, slow)
			if err != nil {
				t.Fatal(err)
			}
			if l.n != tt.n || l.of != 40 || l.cut != tt.wantCut || l.found != tt.n {
				t.Errorf("measure: n %d of %d, cut %v, found %d; want n %d of 40, cut %v", l.n, l.of, l.cut, l.found, tt.n, tt.wantCut)
			}
			if l.p50 < 2*time.Millisecond {
				t.Errorf("median %s, want at least the 2 ms each query sleeps", l.p50)
			}
			cell := l.cells(true)
			if tt.wantCut != strings.Contains(cell, fmt.Sprintf("budget: %d of 40 run", tt.n)) {
				t.Errorf("cell %q: the budget note is wrong", cell)
			}
		})
	}
}
