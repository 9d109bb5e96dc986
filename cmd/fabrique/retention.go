package main

import (
	"context"
	"log/slog"
	"time"

	"fabrique/web"
)

// pruneEvery is how often serve applies the retention rules: of the needs
// typed on the site (web.NeedRetention) and of the alerts' history
// (web.AlertHistoryRetention).
const pruneEvery = 24 * time.Hour

// startPruning applies the retention rule at once and then every
// pruneEvery, until the returned stop is called; stop waits for a prune
// under way, so that the store is never closed beneath it.
func startPruning(ctx context.Context, srv *web.Server, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(pruneEvery)
		defer tick.Stop()
		for {
			n, err := srv.PruneNeeds(ctx, time.Now())
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("retention: prune needs", "err", err)
			case n > 0:
				log.Info("retention: needs deleted", "count", n, "older_than", web.NeedRetention)
			}
			switch sent, digests, err := srv.PruneAlertHistory(ctx, time.Now()); {
			case err != nil && ctx.Err() == nil:
				log.Error("retention: prune alert history", "err", err)
			case sent+digests > 0:
				log.Info("retention: alert history deleted", "sent_records", sent, "digests", digests,
					"older_than", web.AlertHistoryRetention)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
