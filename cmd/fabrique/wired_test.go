package main

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"fabrique/crawler/mirror"
	"fabrique/web"
)

// wiredServer is serve's wiring run inside a test: the data directory
// opened as serve opens it (store, seed, both indexes repaired and
// following the store), the web server on a loopback port, and a local
// mirror for crawls. Unlike an in-process `run serve`, the test reaches
// the store, so that writers can run beside the server's readers.
type wiredServer struct {
	p    *program
	dir  *directory
	srv  *web.Server
	base string // "http://127.0.0.1:PORT"

	stopOnce func()
}

// startWired opens a new data directory and serves it with cfg (Addr,
// Logger and the rate limit are set when empty). Everything is stopped
// and closed at the end of the test.
func startWired(t *testing.T, cfg web.Config) *wiredServer {
	t.Helper()
	ctx := context.Background()
	mirrorSrv := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	t.Cleanup(mirrorSrv.Close)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &program{cfg: config{dataDir: t.TempDir(), baseURL: mirrorSrv.URL}, stdout: io.Discard, stderr: io.Discard, log: quiet}
	d, err := openDirectory(ctx, p, newStore, false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	if cfg.RateLimit == (web.RateLimit{}) {
		cfg.RateLimit = web.RateLimit{PerSecond: -1}
	}
	srv, err := web.New(cfg, web.Deps{Store: d.store, Index: d.index, Tenders: d.tenders})
	if err != nil {
		d.Close()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.Close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	w := &wiredServer{p: p, dir: d, srv: srv, base: "http://" + ln.Addr().String()}
	stopped := false
	w.stopOnce = func() {
		if stopped {
			return
		}
		stopped = true
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		<-served
		d.Close()
	}
	t.Cleanup(w.stop)
	return w
}

// stop shuts the server down and closes the directory (once).
func (w *wiredServer) stop() { w.stopOnce() }

// ackLog collects the acknowledgements of the crash test's workloads run
// in the test process: per workload, id → last value.
type ackLog struct {
	mu    sync.Mutex
	acks  map[string]map[string]string
	count int
}

func (l *ackLog) ack(kind, id, value string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.acks == nil {
		l.acks = map[string]map[string]string{}
	}
	if l.acks[kind] == nil {
		l.acks[kind] = map[string]string{}
	}
	l.acks[kind][id] = value
	l.count++
}

// snapshot copies what was acknowledged so far, and counts it.
func (l *ackLog) snapshot() (map[string]map[string]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]map[string]string{}
	for k, m := range l.acks {
		out[k] = maps.Clone(m)
	}
	return out, l.count
}

// startWriters runs every crash workload against the directory until the
// returned stop is called (stop waits for them).
func (w *wiredServer) startWriters(t *testing.T, log *ackLog) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var writers sync.WaitGroup
	worker := &crashWorker{p: w.p, dir: w.dir}
	for _, wl := range crashWorkloads {
		writers.Go(func() {
			err := wl.run(ctx, worker, func(id, value string) { log.ack(wl.name, id, value) })
			if err != nil && ctx.Err() == nil {
				t.Errorf("writer %s: %v", wl.name, err)
			}
		})
	}
	return func() { cancel(); writers.Wait() }
}

// waitAcks waits until the writers acknowledged n writes.
func waitAcks(t *testing.T, log *ackLog, n int) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if _, got := log.snapshot(); got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the writers acknowledged fewer than %d writes in a minute", n)
		}
	}
}
