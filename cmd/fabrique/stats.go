package main

import (
	"context"
	"fmt"
	"time"

	"fabrique/web"
)

// runStats runs `fabrique stats snapshot`: it records today's key figures
// of the observatory in the store (replacing a snapshot taken earlier
// today, so that a cron job may run it any number of times a day), as
// serve does once a day, through the same code.
func runStats(ctx context.Context, p *program, args []string) error {
	if args[0] != "snapshot" {
		return usageErrorf("stats : sous-commande « %s » inconnue (attendu : snapshot)", args[0])
	}
	dir, err := openDirectory(ctx, p)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := dir.waitLinks(ctx); err != nil { // it ranks with the learned links
		return err
	}
	srv, err := web.New(web.Config{Logger: p.log}, web.Deps{Store: dir.store, Index: dir.index})
	if err != nil {
		return err
	}
	snap, err := srv.TakeStatsSnapshot(ctx, true)
	if err != nil {
		return fmt.Errorf("relevé des chiffres : %w", err)
	}
	fmt.Fprintf(p.stdout, "Relevé du %s enregistré : %d entreprises, %d labellisées, %d appels d'offres ouverts (%d sans fournisseur capable), %d marchés attribués (%d remportés par des labellisées).\n",
		snap.Day, snap.Suppliers, snap.Holding, snap.OpenTenders, snap.TendersNone, snap.Awards, snap.AwardsLabelled)
	return nil
}

// snapshotCheckEvery is how often serve checks that today has its snapshot.
const snapshotCheckEvery = time.Hour

// dailySnapshots takes the observatory's snapshot of the day when serve
// starts and then whenever the day has none, until ctx is done.
func dailySnapshots(ctx context.Context, p *program, srv *web.Server) {
	srv.WarmObservatory(ctx)
	t := time.NewTicker(snapshotCheckEvery)
	defer t.Stop()
	for {
		snap, err := srv.TakeDailyStatsSnapshot(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			p.log.Error("daily stats snapshot", "err", err)
		case snap != nil:
			p.log.Info("daily stats snapshot", "day", snap.Day, "suppliers", snap.Suppliers, "holding", snap.Holding)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
