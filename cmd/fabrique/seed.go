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
// next start; batches already there come back unchanged. A completed
// marker means the EPV companies were loaded once: companies deleted or
// edited since are never loaded again.
const (
	seedStateSource = "seed"              // crawl-state source of the marker
	seedStateURL    = "embedded:epv-list" // its key
	seedRunStarted  = "seed:started"      // its RunID while a load is under way
	seedRunDone     = "seed:done"         // its RunID once the load completed
	seedBatch       = 500                 // suppliers per transaction
)

// seedNeeded tells whether the store must be (re)seeded: the directory's
// EPV companies were never loaded, or a load was started and never
// completed. It does not ask whether the store is empty: a crawl of another
// directory, an import or an account made before the first serve fill a
// store that still lacks the EPV list. A store without the marker had its
// EPV companies loaded when it holds one (an older version seeded it before
// the marker existed, or a crawl of the EPV directory did, whose fresher
// data the embedded list must not overwrite) or when its audit log shows
// the seed's writes (an older version seeded it, and its EPV companies were
// deleted since, on purpose). The caller records that answer in the marker,
// so that the audit log is read once.
func seedNeeded(ctx context.Context, st *store.Store) (need, marked bool, err error) {
	ps, err := st.PageState(ctx, seedStateSource, seedStateURL)
	switch {
	case err == nil:
		return ps.RunID != seedRunDone, true, nil
	case !errors.Is(err, data.ErrNotFound):
		return false, false, err
	}
	epv, err := st.SupplierIDs(ctx, store.SupplierFilter{Label: data.LabelEPV})
	if err != nil || len(epv) > 0 {
		return false, false, err
	}
	errSeeded := errors.New("seeded")
	err = st.Audit(ctx, "", func(e data.AuditEntry) error {
		if e.Actor == seedActor {
			return errSeeded
		}
		return nil
	})
	switch {
	case errors.Is(err, errSeeded):
		return false, false, nil
	case err != nil:
		return false, false, err
	}
	return true, false, nil
}

// seedStore loads the embedded EPV export when seedNeeded says so.
// afterBatch, if not nil, is called after each committed batch (tests).
func seedStore(ctx context.Context, st *store.Store, p *program, afterBatch func(done int)) error {
	need, marked, err := seedNeeded(ctx, st)
	if err != nil {
		return err
	}
	if !need {
		if marked {
			return nil
		}
		// Loaded before the marker existed, or by a crawl: say so once.
		err := st.PutPageState(ctx, seedStateSource, data.PageState{URL: seedStateURL, FetchedAt: time.Now().UTC(), RunID: seedRunDone})
		if err != nil {
			return fmt.Errorf("chargement initial : %w", err)
		}
		return nil
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
