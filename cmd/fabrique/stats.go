package main

import (
	"context"
	"fmt"
	"time"

	"fabrique/data"
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
	dir, err := openDirectory(ctx, p, existingStore, false)
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
	fmt.Fprintf(p.stdout, "Relevé du %s enregistré : %s, %s, %s (%d sans fournisseur capable), %s (%s par des labellisées).\n", snap.Day,
		data.CountFR(snap.Suppliers, "entreprise", "entreprises"), data.CountFR(snap.Holding, "labellisée", "labellisées"),
		data.CountFR(snap.OpenTenders, "appel d'offres ouvert", "appels d'offres ouverts"), snap.TendersNone,
		data.CountFR(snap.Awards, "marché attribué", "marchés attribués"), data.CountFR(snap.AwardsLabelled, "remporté", "remportés"))
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
