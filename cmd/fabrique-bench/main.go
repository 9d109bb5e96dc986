package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fabrique-bench:", err)
		os.Exit(1)
	}
}

// config is what the flags ask for.
type config struct {
	size     int
	sizeName string   // as given: "10k", "1m", "2500"
	engines  []string // among allEngines, in that order (bleve first)
	out      string   // Markdown file to update ("" : none)
	dir      string   // working directory ("" : a temporary one)
	keep     bool     // keep the working directory
	queries  int      // text queries and places
	httpFor  time.Duration
	clients  int
	seed     int64
	pgBin    string        // directory of initdb and pg_ctl ("" : found)
	reuse    bool          // reuse the store and bleve index a kept --dir holds
	budget   time.Duration // per baseline engine and query kind, warm-up included (0: none)
	heapProf string        // file for a heap profile at the end of the last serving phase ("": none)
}

var allEngines = []string{"bleve", "sqlite", "postgres"}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("fabrique-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	size := fs.String("size", "10k", "number of suppliers: 10k, 100k, 1m or a number")
	engines := fs.String("engines", strings.Join(allEngines, ","), "engines to measure, comma-separated: "+strings.Join(allEngines, ", "))
	fs.StringVar(&c.out, "out", "", "Markdown file whose section for this size is replaced by the results (docs/performance.md)")
	fs.StringVar(&c.dir, "dir", "", "working directory for the store, indexes and databases (default: a new one under $TMPDIR, removed at the end)")
	fs.BoolVar(&c.keep, "keep", false, "keep the working directory")
	fs.BoolVar(&c.reuse, "reuse", false, "reuse the store and bleve index of a --dir kept by an earlier run of the same --size and --seed (bleve only)")
	fs.IntVar(&c.queries, "queries", 200, "number of text queries and of places for radius searches")
	fs.DurationVar(&c.httpFor, "http", 10*time.Second, "how long each HTTP throughput run lasts (0: skip)")
	fs.IntVar(&c.clients, "clients", 8, "concurrent HTTP clients")
	fs.Int64Var(&c.seed, "seed", 42, "seed of the synthetic corpus")
	fs.DurationVar(&c.budget, "budget", 0, "time budget of each baseline engine (sqlite, postgres) per query kind, warm-up included: past it the remaining queries of that kind are not run and the table says how many were (0: no budget; bleve always runs them all)")
	fs.StringVar(&c.heapProf, "heapprofile", "", "write a heap profile (go tool pprof) to this file at the end of the last serving phase")
	fs.StringVar(&c.pgBin, "pg-bin", "", "directory of PostgreSQL's initdb and pg_ctl (default: the newest /usr/lib/postgresql/*/bin)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	n, err := parseSize(*size)
	if err != nil {
		return c, err
	}
	c.size, c.sizeName = n, strings.ToLower(*size)
	for _, e := range strings.Split(*engines, ",") {
		e = strings.TrimSpace(strings.ToLower(e))
		if e == "" {
			continue
		}
		if !slices.Contains(allEngines, e) {
			return c, fmt.Errorf("--engines: unknown engine %q (known: %s)", e, strings.Join(allEngines, ", "))
		}
		if !slices.Contains(c.engines, e) {
			c.engines = append(c.engines, e)
		}
	}
	if !slices.Contains(c.engines, "bleve") {
		// The store and the bleve index are what the other figures
		// (match, HTTP, memory, start-up) and the ratios are about.
		c.engines = append(c.engines, "bleve")
	}
	// Always in the order of allEngines: bleve first, the baselines after.
	slices.SortFunc(c.engines, func(a, b string) int { return slices.Index(allEngines, a) - slices.Index(allEngines, b) })
	if c.queries < 10 {
		return c, fmt.Errorf("--queries %d: at least 10", c.queries)
	}
	if c.reuse && (c.dir == "" || len(c.engines) > 1) {
		return c, fmt.Errorf("--reuse needs --dir and --engines bleve")
	}
	if c.budget < 0 {
		return c, fmt.Errorf("--budget %s: not negative", c.budget)
	}
	if c.clients < 1 || c.clients > 256 {
		return c, fmt.Errorf("--clients %d: between 1 and 256", c.clients)
	}
	return c, nil
}

// parseSize reads "10k", "100k", "1m" or a plain number.
func parseSize(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1_000, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "m"):
		mult, t = 1_000_000, strings.TrimSuffix(t, "m")
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > 10_000_000/mult {
		return 0, fmt.Errorf("--size %q: want 10k, 100k, 1m or a number of suppliers up to 10 000 000", s)
	}
	return n * mult, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if cfg.dir == "" {
		cfg.dir, err = os.MkdirTemp("", "fabrique-bench-")
		if err != nil {
			return err
		}
		if !cfg.keep {
			defer os.RemoveAll(cfg.dir)
		}
	} else if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return err
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
	}
	rep, err := bench(ctx, cfg, logf)
	if err != nil {
		return err
	}
	table := rep.markdown()
	fmt.Fprint(stdout, table)
	if cfg.out != "" {
		if err := updateSection(cfg.out, cfg.sizeName, table); err != nil {
			return err
		}
		logf("results written to %s", filepath.Clean(cfg.out))
	}
	return nil
}
