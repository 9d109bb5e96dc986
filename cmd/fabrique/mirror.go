package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"time"

	"fabrique/crawler/mirror"
)

// defaultMirrorAddr is where `fabrique mirror` listens by default, beside
// serve's port.
const defaultMirrorAddr = "127.0.0.1:8081"

// runMirror serves the local mirrors of the sources (EPV open data, an
// OFG-like directory, a JSON-LD directory, BOAMP and TED feeds built from
// real notices) on loopback, for demos and manual crawls.
func runMirror(ctx context.Context, p *program, _ []string) error {
	ln, err := net.Listen("tcp", p.cfg.addr)
	if err != nil {
		return &userError{msg: fmt.Sprintf("impossible d'écouter sur %s : %v", p.cfg.addr, err), err: err}
	}
	root := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: mirror.New(mirror.Config{}).Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(p.stdout, "Miroir local des sources sur %s/\n", root)
	bases := mirror.BaseURLs(root)
	names := make([]string, 0, len(bases))
	for n := range bases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(p.stdout, "  %-7s %s\n", n, bases[n])
	}
	fmt.Fprintf(p.stdout, "Collecte : fabrique crawl --base-url %s\n", root)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	<-served
	return nil
}
