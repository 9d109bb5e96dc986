package main

import (
	"context"
	"encoding/json"
	"fmt"

	"fabrique/data"
	"fabrique/index"
)

// runEval measures the matcher on real awards: `fabrique eval awards
// FILE|DIR...` reads DECP files, keeps the awards whose winner is in the
// directory, asks the matcher with only what the buyer knew, and prints
// recall@10, recall@50 and the mean reciprocal rank of the real winner,
// beside a geographic ranking and a sector-rule filter.
func runEval(ctx context.Context, p *program, args []string) error {
	if args[0] == "feedback" {
		return runEvalFeedback(ctx, p, args[1:]) // eval_feedback.go
	}
	if args[0] != "awards" {
		return usageErrorf("eval : seule l'évaluation « awards » existe")
	}
	if on(p.cfg.rankings) && !on(p.cfg.jsonOut) {
		return usageErrorf("eval awards : --rankings s'utilise avec --json")
	}
	if len(args) < 2 {
		return usageErrorf("eval awards : indiquez au moins un fichier DECP (JSON ou CSV)")
	}
	files, err := importFiles(args[1:])
	if err != nil {
		return err
	}
	var awards []data.Award
	for _, f := range files {
		res, _, err := parseNoticeFile(f, nil, ctx)
		if err != nil {
			return &userError{msg: fmt.Sprintf("%s : %v", f, err), err: err}
		}
		awards = append(awards, res.Awards...)
	}
	quiet := *p
	quiet.stdout = p.stderr
	// It measures the matcher on the directory, which a new data directory
	// seeds with the embedded EPV companies: scripts/eval-reweight runs it
	// on a scratch directory, hence newStore.
	dir, err := openDirectory(ctx, &quiet, newStore, false)
	if err != nil {
		return err
	}
	defer dir.Close()
	rep, err := index.Evaluate(ctx, dir.index, dir.store, awards, index.EvalOptions{NoCPV: on(p.cfg.noCPV), Rankings: on(p.cfg.rankings)})
	if err != nil {
		return err
	}
	if on(p.cfg.jsonOut) {
		enc := json.NewEncoder(p.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(p.stdout, "%s.\n%s", data.CountFR(len(awards), "attribution lue", "attributions lues"), rep.String())
	return nil
}
