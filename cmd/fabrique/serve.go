package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"fabrique/web"
)

// shutdownGrace is how long serve waits for requests in flight once asked
// to stop.
const shutdownGrace = 10 * time.Second

// runServe opens the store, then listens (so that a second serve on the same
// data directory fails before taking a port), prints the address and serves
// until ctx is cancelled.
func runServe(ctx context.Context, p *program, _ []string) error {
	if err := checkScheduledCrawls(p); err != nil {
		return err
	}
	if err := checkMailLinks(p); err != nil { // user.go
		return err
	}
	tuneGC()
	dir, err := openDirectory(ctx, p, newStore, true)
	if err != nil {
		return err
	}
	defer dir.Close()
	// The observatory's facts are saved once the schedulers below made
	// their last write, before the store closes (set after Shutdown).
	var saveFacts func()
	defer func() {
		if saveFacts != nil {
			saveFacts()
		}
	}()
	// The schedulers below stop (their contexts end with ctx, or by the
	// deferred cancels) before the store closes: a crawl or a snapshot
	// never writes to a closed store.
	var schedulers sync.WaitGroup
	defer schedulers.Wait()

	sender, where, err := mailSender(p) // user.go
	if err != nil {
		return err
	}
	rate := web.RateLimit{PerSecond: -1}
	if p.cfg.apiRate != "off" {
		rate.PerSecond, _ = strconv.ParseFloat(p.cfg.apiRate, 64) // checked by validate
	}
	srv, err := web.New(web.Config{
		RateLimit:      rate,
		Addr:           p.cfg.addr,
		AdminToken:     p.cfg.adminToken,
		PublicURL:      p.cfg.publicURL,
		Logger:         p.log,
		Version:        buildVersion(),
		TrustProxy:     on(p.cfg.behindProxy),
		TrustedProxies: p.cfg.trustedProxyList(),
	}, web.Deps{Store: dir.store, Index: dir.index, Mail: sender, Tenders: dir.tenders,
		MatcherReady: dir.waitLinks}) // the observatory matches with the learned links, as `stats snapshot` does
	if err != nil {
		return err
	}
	// Before listening, and before anything writes to the store: the
	// facts saved at the last clean stop, if the store did not change.
	factsPath := filepath.Join(p.cfg.dataDir, web.ObservatoryFactsFile)
	srv.LoadObservatoryFacts(ctx, factsPath)
	ln, err := net.Listen("tcp", p.cfg.addr)
	if err != nil {
		return &userError{msg: fmt.Sprintf("impossible d'écouter sur %s : %v", p.cfg.addr, err), err: err}
	}
	p.log.Info("serving", "addr", ln.Addr().String(), "data", p.cfg.dataDir,
		"admin_backup", p.cfg.adminToken != "", "mail", where)
	fmt.Fprintf(p.stdout, "Fabrique écoute sur http://%s/\n", ln.Addr())

	if p.cfg.crawlEvery != "" {
		every, _ := time.ParseDuration(p.cfg.crawlEvery) // checked by validateServe
		crawlCtx, stopCrawls := context.WithCancel(ctx)
		defer stopCrawls()
		schedulers.Go(func() { scheduledCrawls(crawlCtx, p, dir.store, every, srv.Metrics()) })
	}
	// Live tender feeds (imports.go); checked by validateServe.
	if every, feeds, _ := p.cfg.importInterval(); every > 0 {
		importCtx, stopImports := context.WithCancel(ctx)
		defer stopImports()
		schedulers.Go(func() { scheduledImports(importCtx, p, dir.store, every, feeds, srv.Metrics()) })
	}
	stopPruning := startPruning(ctx, srv, p.log)
	defer stopPruning()
	remindCtx, stopReminders := context.WithCancel(ctx)
	defer stopReminders()
	schedulers.Go(func() { remindClaims(remindCtx, p, srv) }) // claims.go
	snapCtx, stopSnapshots := context.WithCancel(ctx)
	defer stopSnapshots()
	schedulers.Go(func() { dailySnapshots(snapCtx, p, srv) }) // the observatory's history (stats.go)
	// Alert digests (alerts.go); the interval was checked by validateServe.
	if every, _ := p.cfg.alertsInterval(); every > 0 {
		alertsCtx, stopAlerts := context.WithCancel(ctx)
		defer stopAlerts()
		schedulers.Go(func() { sendAlerts(alertsCtx, p, srv, every) }) // alerts.go
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return &userError{msg: fmt.Sprintf("le serveur web s'est arrêté : %v", err), err: err}
	case <-ctx.Done():
	}

	p.log.Info("shutting down")
	srv.BeginShutdown() // /readyz answers 503 while requests in flight finish
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		p.log.Warn("shutdown", "err", err)
	} else {
		saveFacts = func() {
			if err := srv.SaveObservatoryFacts(context.WithoutCancel(ctx), factsPath); err != nil {
				p.log.Warn("observatory facts not saved", "err", err)
			}
		}
	}
	_ = ln.Close() // in case Serve had not registered the listener yet
	<-served
	return nil
}
