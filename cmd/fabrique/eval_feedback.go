package main

import (
	"context"
	"encoding/json"
	"fmt"

	"fabrique/data"
	"fabrique/index"
)

// runEvalFeedback measures the matcher on the buyers' votes: `fabrique
// eval feedback` reads every vote of the store (« pertinent » / « pas
// pertinent » on the shortlists of needs) and prints where the matcher,
// and a ranking by distance alone, put the suppliers judged.
func runEvalFeedback(ctx context.Context, p *program, args []string) error {
	if len(args) > 0 {
		return usageErrorf("eval feedback : les avis sont lus dans la base, sans fichier")
	}
	quiet := *p
	quiet.stdout = p.stderr
	dir, err := openDirectory(ctx, &quiet, existingStore, false)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := dir.waitLinks(ctx); err != nil { // it ranks with the learned links
		return err
	}
	var votes []data.NeedFeedback
	if err := dir.store.EachNeedFeedback(ctx, "", func(f data.NeedFeedback) error {
		votes = append(votes, f)
		return nil
	}); err != nil {
		return err
	}
	rep, err := index.EvaluateFeedback(ctx, dir.index, dir.store, votes, index.EvalOptions{})
	if err != nil {
		return err
	}
	if on(p.cfg.jsonOut) {
		enc := json.NewEncoder(p.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprint(p.stdout, rep.String())
	return nil
}
