package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"time"

	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
	"fabrique/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 100_000, "number of synthetic suppliers")
	seed := flag.Int64("seed", 1, "seed of the synthetic corpus")
	addr := flag.String("addr", "127.0.0.1:8089", "address to serve on")
	dir := flag.String("dir", "", "data directory (default: a temporary one, removed at exit)")
	pprofAddr := flag.String("pprof", "", "also serve net/http/pprof on this address (\"127.0.0.1:6060\")")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "fabrique-loadtest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*dir = tmp
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	st, err := store.Open(filepath.Join(*dir, "fabrique.db"), store.Options{NoSync: true, Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := fillStore(ctx, st, *n, *seed); err != nil {
		return err
	}

	ix, err := index.Open(filepath.Join(*dir, "index"), index.Options{Logger: log})
	if err != nil {
		return err
	}
	defer ix.Close()
	start := time.Now()
	if _, _, err := ix.EnsureConsistent(ctx, st, nil); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "index: built in %v\n", time.Since(start).Round(time.Millisecond))

	srv, err := web.New(web.Config{Logger: log, RateLimit: web.RateLimit{PerSecond: -1}}, web.Deps{Store: st, Index: ix})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "heap in use: %d MB\n", ms.HeapInuse>>20)
	if *pprofAddr != "" {
		go func() { _ = http.ListenAndServe(*pprofAddr, nil) }() // DefaultServeMux carries pprof
	}
	fmt.Printf("ready: http://%s/\n", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return <-served
}

// fillStore writes the synthetic corpus into st, unless a previous run on
// the same directory already did (the corpus is deterministic).
func fillStore(ctx context.Context, st *store.Store, n int, seed int64) error {
	if have, err := st.CountSuppliers(ctx); err != nil || have == n {
		if err == nil {
			fmt.Fprintf(os.Stderr, "store: %d suppliers already there\n", have)
		}
		return err
	}
	start := time.Now()
	sups := synth.Suppliers(n, seed)
	const batch = 1000
	for i := 0; i < len(sups); i += batch {
		res, err := st.UpsertCrawled(ctx, sups[i:min(i+batch, len(sups))], "loadtest")
		if err != nil {
			return err
		}
		if len(res.Rejected) > 0 {
			return fmt.Errorf("store rejected %d suppliers, first: %w", len(res.Rejected), res.Rejected[0])
		}
	}
	fmt.Fprintf(os.Stderr, "store: %d suppliers in %v\n", len(sups), time.Since(start).Round(time.Millisecond))
	runtime.GC()
	return nil
}
