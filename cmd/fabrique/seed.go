package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"fabrique/crawler"
	"fabrique/data"
	"fabrique/data/store"
)

// seedActor is the audit actor of the first-run load.
const seedActor = "seed:epv-embarque"

// The first start loads the embedded EPV list in batches. A start killed
// between two batches must not leave a store that looks seeded (it has
// suppliers) but lacks most of them: the load is bracketed by a marker in
// the crawl state, written before the first batch and completed after the
// last one. A store whose marker is not completed is seeded again at the
// next start; batches already there come back unchanged.
const (
	seedStateSource = "seed"              // crawl-state source of the marker
	seedStateURL    = "embedded:epv-list" // its key
	seedRunStarted  = "seed:started"      // its RunID while a load is under way
	seedRunDone     = "seed:done"         // its RunID once the load completed
	seedBatch       = 500                 // suppliers per transaction
)

// seedNeeded tells whether the store must be (re)seeded: it is empty, or
// a load was started and never completed. A store filled before the marker
// existed (suppliers, no marker) is left alone.
func seedNeeded(ctx context.Context, st *store.Store) (bool, error) {
	ps, err := st.PageState(ctx, seedStateSource, seedStateURL)
	switch {
	case err == nil:
		return ps.RunID != seedRunDone, nil
	case !errors.Is(err, data.ErrNotFound):
		return false, err
	}
	n, err := st.CountSuppliers(ctx)
	return n == 0, err
}

// seedStore loads the embedded EPV export when seedNeeded says so.
// afterBatch, if not nil, is called after each committed batch (tests).
func seedStore(ctx context.Context, st *store.Store, p *program, afterBatch func(done int)) error {
	need, err := seedNeeded(ctx, st)
	if err != nil || !need {
		return err
	}
	csv := data.EmbeddedEPVCSV()
	sups, problems, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(csv), crawler.NormalizeOptions{})
	if err != nil {
		return fmt.Errorf("liste EPV embarquée : %w", err)
	}
	now := time.Now().UTC()
	if err := st.PutPageState(ctx, seedStateSource, data.PageState{URL: seedStateURL, FetchedAt: now, RunID: seedRunStarted}); err != nil {
		return fmt.Errorf("chargement initial : %w", err)
	}
	fmt.Fprintf(p.stdout, "Première utilisation : chargement des %d entreprises du label EPV (liste officielle embarquée)…\n", len(sups))
	for i := 0; i < len(sups); i += seedBatch {
		res, err := st.UpsertCrawled(ctx, sups[i:min(i+seedBatch, len(sups))], seedActor)
		if err != nil {
			return fmt.Errorf("chargement initial : %w", err)
		}
		for _, e := range res.Rejected {
			p.log.Warn("seed: listing rejected", "err", e)
		}
		if afterBatch != nil {
			afterBatch(min(i+seedBatch, len(sups)))
		}
	}
	if err := st.PutPageState(ctx, seedStateSource, data.PageState{URL: seedStateURL, FetchedAt: time.Now().UTC(),
		RunID: seedRunDone}); err != nil {
		return fmt.Errorf("chargement initial : %w", err)
	}
	for _, pr := range problems {
		p.log.Debug("seed: data defect", "problem", pr.String())
	}
	fmt.Fprintf(p.stdout, "%s (%s sur les fiches).\n", data.CountFR(len(sups), "entreprise chargée", "entreprises chargées"),
		data.CountFR(len(problems), "anomalie de données signalée", "anomalies de données signalées"))
	return nil
}
