package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// optNoSample turns off the first-start import of the notices and awards
// shipped in the binary.
const optNoSample = "no-sample"

// noSampleOption is serve's --no-sample.
func noSampleOption() option {
	return option{
		flag: optNoSample, env: "FABRIQUE_NO_SAMPLE", boolean: true,
		help: "n'importe pas, au premier démarrage sur une base sans avis ni attribution, les avis BOAMP et les attributions " +
			"DECP réels embarqués (pour une base de production qui ne lira que ses propres flux)",
		field: func(c *config) *string { return &c.noSample },
		def:   constant(""),
	}
}

// The first serve on a store without notices nor awards imports the real
// ones shipped in the binary (data.EmbeddedNoticeFiles: 90 BOAMP notices,
// some 17 000 awards), so that the tender list, the observatory's award
// shares and the companies' track records show real data on first start,
// as the directory does. Like the EPV seed, a marker in the crawl state
// says it was done (or decided against), and a load interrupted is run
// again: folding a notice twice changes nothing, an award is stored by its
// identifier.
const (
	sampleActor    = "seed:avis-embarques"
	sampleStateURL = "embedded:notices"
)

// sampleNeeded tells whether the embedded notices must be (re)loaded:
// never decided, or a load started and never completed. A store that
// already holds notices or awards (imported, or read from a feed) is
// someone's own: it gets none, and the marker records it.
func sampleNeeded(ctx context.Context, st *store.Store) (need, marked bool, err error) {
	ps, err := st.PageState(ctx, seedStateSource, sampleStateURL)
	switch {
	case err == nil:
		return ps.RunID != seedRunDone, true, nil
	case !errors.Is(err, data.ErrNotFound):
		return false, false, err
	}
	if n, err := st.CountTenders(ctx); err != nil || n > 0 {
		return false, false, err
	}
	errSome := errors.New("some")
	err = st.Awards(ctx, func(data.Award) error { return errSome })
	if errors.Is(err, errSome) {
		return false, false, nil
	}
	return err == nil, false, err
}

// seedSample imports the embedded notices and awards when sampleNeeded
// says so and --no-sample is off.
func seedSample(ctx context.Context, st *store.Store, p *program) error {
	need, marked, err := sampleNeeded(ctx, st)
	if err != nil {
		return fmt.Errorf("avis embarqués : %w", err)
	}
	mark := func(run string) error {
		err := st.PutPageState(ctx, seedStateSource, data.PageState{URL: sampleStateURL, FetchedAt: time.Now().UTC(), RunID: run})
		if err != nil {
			return fmt.Errorf("avis embarqués : %w", err)
		}
		return nil
	}
	if !need || on(p.cfg.noSample) {
		if marked && !need {
			return nil
		}
		return mark(seedRunDone) // decided once: a later start does not load them into a store filled since
	}
	if err := mark(seedRunStarted); err != nil {
		return err
	}
	fmt.Fprintln(p.stdout, "Première utilisation : chargement des avis BOAMP et des attributions DECP réels embarqués…")
	tenders, awards := 0, 0
	for _, f := range data.EmbeddedNoticeFiles() {
		res, _, err := parseNotices(ctx, f.Name, f.Data, st)
		if err != nil {
			return fmt.Errorf("avis embarqués, %s : %w", f.Name, err)
		}
		for _, t := range res.Tenders {
			if _, _, err := foldNotice(ctx, st, t, sampleActor); err != nil {
				p.log.Warn("sample: notice not stored", "file", f.Name, "notice", t.ID, "err", err)
				continue
			}
			tenders++
		}
		if len(res.Awards) > 0 {
			if err := st.PutAwards(ctx, res.Awards); err != nil {
				return fmt.Errorf("avis embarqués, %s : %w", f.Name, err)
			}
			awards += len(res.Awards)
		}
	}
	if err := mark(seedRunDone); err != nil {
		return err
	}
	fmt.Fprintf(p.stdout, "%s et %s chargés (--no-sample pour s'en passer).\n",
		data.CountFR(tenders, "avis", "avis"), data.CountFR(awards, "attribution", "attributions"))
	return nil
}
