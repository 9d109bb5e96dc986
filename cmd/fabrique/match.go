package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"fabrique/data"
	"fabrique/index"
	"fabrique/web"
)

// maxNeedBytes caps the JSON need read by `fabrique match`, as the API
// does (web's matchBodyLimit).
const maxNeedBytes = 256 << 10

// runMatch reads a need (data.Need JSON) from FILE or standard input and
// prints the French-made suppliers able to meet it, with their reasons:
// as JSON with --json, else as a French table.
func runMatch(ctx context.Context, p *program, args []string) error {
	var in io.Reader = os.Stdin
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return &userError{msg: fmt.Sprintf("%s : fichier introuvable", args[0]), err: err}
		}
		defer f.Close()
		in = f
	}
	b, err := io.ReadAll(io.LimitReader(in, maxNeedBytes+1))
	if err != nil {
		return err
	}
	if len(b) > maxNeedBytes {
		return &userError{msg: "besoin trop volumineux (256 Kio au plus)", err: data.ErrTooLarge}
	}
	need, err := data.DecodeNeed(b)
	if err != nil {
		return &userError{msg: err.Error(), err: err}
	}
	tender, err := need.Tender()
	if err != nil {
		return &userError{msg: err.Error(), err: err}
	}
	quiet := *p
	quiet.stdout = p.stderr // progress of a first run must not pollute the JSON
	dir, err := openDirectory(ctx, &quiet, existingStore, false)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := dir.waitLinks(ctx); err != nil { // it ranks with the learned links
		return err
	}
	res, err := dir.index.Match(ctx, dir.store, tender, index.MatchOptions{Limit: need.Limit, Trade: need.NAF})
	if err != nil {
		return err
	}
	if on(p.cfg.jsonOut) {
		enc := json.NewEncoder(p.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(web.MatchAnswer(res, ""))
	}
	printMatches(p.stdout, tender.Title, res.Tender)
	for _, l := range res.Lots {
		printMatches(p.stdout, "Lot "+l.LotID+" : "+l.Title, l.Matches)
	}
	return nil
}

func printMatches(w io.Writer, title string, ms []data.Match) {
	fmt.Fprintf(w, "\n%s — %s\n", title, data.CountFR(len(ms), "fournisseur", "fournisseurs"))
	if data.GoodMatches(ms) == 0 {
		fmt.Fprintf(w, "Attention : %s.\n", data.NoGoodMatch)
	}
	for i, m := range ms {
		dist := ""
		if m.DistanceKm != nil {
			dist = fmt.Sprintf(", %.0f km", *m.DistanceKm)
		}
		conf := ""
		if m.Confidence != "" {
			conf = ", confiance " + m.Confidence
		}
		fmt.Fprintf(w, "%3d. %s (SIREN %s%s) — score %.1f%s\n", i+1, m.Name, m.SIREN, dist, m.Score, conf)
		var rs []string
		for _, r := range m.Reasons {
			rs = append(rs, r.String())
		}
		if len(rs) > 0 {
			fmt.Fprintf(w, "     %s\n", strings.Join(rs, " ; "))
		}
	}
}
