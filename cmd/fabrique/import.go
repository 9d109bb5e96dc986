package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/data/store"
)

// maxImportFile caps one input file; the readers refuse bigger ones too.
const maxImportFile = 64 << 20

// importActor is the audit actor of notices imported from files.
const importActor = "import:fichier"

// importStats counts what an import did, from files and from a feed.
type importStats struct {
	files, rejectedFiles            int
	tenders, newT, nothingNew, same int
	awards, problems, warnings      int
	// feed is the feed read (--feed), "" for none; pages counts its
	// pages read, unchanged those that answered 304, rejectedPages those
	// that could not be read.
	feed                            string
	pages, unchanged, rejectedPages int
}

// stored counts a notice the import stored (or recognised, in a dry run).
func (s *importStats) stored(outcome foldOutcome) {
	s.tenders++
	switch outcome {
	case foldNew, foldJoined:
		s.newT++
	case foldNothingNew:
		s.nothingNew++
	case foldAlready:
		s.same++
	}
}

// add adds the counts of a feed's import (feedImport) to s.
func (s *importStats) add(f importStats) {
	s.tenders += f.tenders
	s.newT += f.newT
	s.nothingNew += f.nothingNew
	s.same += f.same
	s.awards += f.awards
	s.problems += f.problems
	s.feed = f.feed
	s.pages += f.pages
	s.unchanged += f.unchanged
	s.rejectedPages += f.rejectedPages
}

// runImport reads notices and award files (BOAMP API answers and XML, TED
// eForms, OCDS packages, DECP JSON and CSV), prints per notice what was
// recognised or why it was rejected, and stores them unless --dry-run.
// With --json, one JSON tender per line goes to stdout and the human
// report to stderr.
func runImport(ctx context.Context, p *program, args []string) error {
	if len(args) == 0 && p.cfg.feed == "" {
		return usageErrorf("import : indiquez des fichiers ou répertoires, ou un flux avec --feed")
	}
	files, err := importFiles(args)
	if err != nil {
		return err
	}
	dry, asJSON := on(p.cfg.dryRun), on(p.cfg.jsonOut)
	if p.cfg.feed != "" && dry {
		return usageErrorf("import : --feed enregistre ce qu'il lit ; il ne se combine pas avec --dry-run")
	}
	report := p.stdout
	if asJSON {
		report = p.stderr
	}
	var st *store.Store
	if !dry {
		if st, err = openStore(p.cfg.dataDir, p.log, newStore); err != nil {
			return err
		}
		defer st.Close()
	}
	enc := json.NewEncoder(p.stdout)
	enc.SetEscapeHTML(false)
	var stats importStats
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		stats.files++
		res, format, err := parseNoticeFile(f, st, ctx)
		if errors.Is(err, notice.ErrNotProcurement) {
			fmt.Fprintf(report, "– %s : ignoré, ce n'est pas un avis de marché (%s)\n", f, notice.Explain(err))
			p.log.Debug("import skipped", "file", f, "err", err)
			continue
		}
		if err != nil {
			stats.rejectedFiles++
			// The person reads the French explanation; the log keeps the
			// whole error chain.
			fmt.Fprintf(report, "✗ %s : %s\n", f, notice.Explain(err))
			p.log.Debug("import refused", "file", f, "err", err)
			continue
		}
		fmt.Fprintf(report, "%s (%s)\n", f, format)
		for _, n := range res.Notes {
			fmt.Fprintf(report, "  · %s\n", n)
		}
		for _, pr := range res.Problems {
			stats.problems++
			fmt.Fprintf(report, "  ✗ %s\n", notice.Explain(pr))
			p.log.Debug("import rejected", "file", f, "err", pr.Error())
		}
		for _, w := range res.Warnings {
			stats.warnings++
			p.log.Debug("import warning", "file", f, "warning", w.Error())
		}
		for _, t := range res.Tenders {
			status, outcome, err := foldNotice(ctx, st, t, importActor)
			if err != nil {
				stats.problems++
				fmt.Fprintf(report, "  ✗ %s : non enregistré : %s\n", t.ID, explainFold(err))
				p.log.Debug("import not stored", "file", f, "notice", t.ID, "err", err)
				continue
			}
			stats.stored(outcome) // read, and stored unless --dry-run
			fmt.Fprintf(report, "  ✓ %s\n", describeTender(t, status))
			if asJSON {
				if err := enc.Encode(t); err != nil {
					return err
				}
			}
		}
		if len(res.Awards) > 0 {
			stats.awards += len(res.Awards)
			if st != nil {
				if err := st.PutAwards(ctx, res.Awards); err != nil {
					return fmt.Errorf("%s : attributions non enregistrées : %w", f, err)
				}
			}
			fmt.Fprintf(report, "  ✓ %s\n", data.CountFR(len(res.Awards), "attribution de marché", "attributions de marché"))
		}
	}
	if p.cfg.feed != "" {
		cfg, err := feedConfig(p)
		if err != nil {
			return err
		}
		fs, err := feedImport(ctx, cfg, st, p.cfg.feed, p.cfg.baseURL, report)
		stats.add(fs)
		fmt.Fprintf(report, "Flux %s : %s.\n", p.cfg.feed, data.CountFR(fs.newT, "avis nouveau ou modifié", "avis nouveaux ou modifiés"))
		if err != nil {
			p.log.Debug("feed import failed", "feed", p.cfg.feed, "err", goError(err))
			return err
		}
	}
	fmt.Fprintln(report)
	fmt.Fprintln(report, stats.summary(dry))
	if stats.tenders == 0 && stats.awards == 0 && stats.refused() != "" {
		return &userError{msg: "aucun avis importé : " + stats.refused(), err: data.ErrInvalid}
	}
	if refused := stats.refused(); refused != "" {
		kept := "enregistrés"
		if dry {
			kept = "reconnus"
		}
		return &partialError{msg: "import partiel : " + refused + " (détail ci-dessus), les autres sont " + kept}
	}
	return nil
}

// summary is the last line of an import's report, in French: files read
// and refused, the feed's pages, notices kept, awards, notices rejected.
func (s importStats) summary(dry bool) string {
	var read []string
	if s.files > 0 || s.feed == "" {
		files := data.CountFR(s.files, "fichier lu", "fichiers lus")
		if s.rejectedFiles > 0 {
			files += ", dont " + data.CountFR(s.rejectedFiles, "refusé", "refusés")
		}
		read = append(read, files)
	}
	if s.feed != "" {
		pages := "flux " + s.feed + " : " + data.CountFR(s.pages, "page lue", "pages lues")
		if s.unchanged > 0 {
			pages += ", dont " + data.CountFR(s.unchanged, "inchangée", "inchangées") + " (304)"
		}
		if s.rejectedPages > 0 {
			pages += ", " + data.CountFR(s.rejectedPages, "illisible", "illisibles")
		}
		read = append(read, pages)
	}
	line := strings.Join(read, " ; ")
	if dry {
		line += " ; " + data.CountFR(s.tenders, "avis reconnu", "avis reconnus") + " (essai à blanc : rien n'est enregistré)"
	} else {
		line += " ; " + data.CountFR(s.tenders, "avis enregistré", "avis enregistrés") + " (" + data.CountFR(s.newT, "nouveau ou modifié", "nouveaux ou modifiés")
		if s.nothingNew > 0 {
			line += ", " + data.CountFR(s.nothingNew, "joint sans rien de nouveau", "joints sans rien de nouveau")
		}
		line += ", " + data.CountFR(s.same, "déjà importé", "déjà importés") + ")"
	}
	return line + " ; " + data.CountFR(s.awards, "attribution", "attributions") + " ; " + data.CountFR(s.problems, "avis rejeté", "avis rejetés") + "."
}

// refused says what the import refused, the files and the notices
// counted apart, "" when it refused nothing.
func (s importStats) refused() string {
	var parts []string
	if s.rejectedFiles > 0 {
		parts = append(parts, data.CountFR(s.rejectedFiles, "fichier refusé", "fichiers refusés"))
	}
	if s.rejectedPages > 0 {
		parts = append(parts, data.CountFR(s.rejectedPages, "page du flux illisible", "pages du flux illisibles"))
	}
	if s.problems > 0 {
		parts = append(parts, data.CountFR(s.problems, "avis rejeté", "avis rejetés"))
	}
	return strings.Join(parts, " et ")
}

// importFiles expands directories (recursively, sorted) into files.
func importFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, &userError{msg: fmt.Sprintf("%s : fichier ou répertoire introuvable", a), err: err}
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// parseNoticeFile reads one file, detects its format and parses it. With a
// store, a change notice is checked against the notice it changes.
func parseNoticeFile(path string, st *store.Store, ctx context.Context) (notice.Result, notice.Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return notice.Result{}, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxImportFile+1))
	if err != nil {
		return notice.Result{}, "", err
	}
	if len(b) > maxImportFile {
		return notice.Result{}, "", fmt.Errorf("fichier trop gros (plus de %d Mio)", maxImportFile>>20)
	}
	return parseNotices(ctx, filepath.Base(path), b, st)
}

// parseNotices parses the content of a file of notices or awards named
// name; st, if not nil, gives the notices a change notice refers to.
func parseNotices(ctx context.Context, name string, b []byte, st *store.Store) (notice.Result, notice.Format, error) {
	head := b[:min(len(b), 4096)]
	format, err := notice.Detect(name, head)
	if err != nil {
		return notice.Result{}, "", err // a *notice.FormatError, which notice.Explain words
	}
	opts := notice.Options{}
	if st != nil {
		opts.Previous = func(id string) (data.Tender, bool) {
			t, err := st.TenderBySourceID(ctx, id)
			return t, err == nil
		}
	}
	res, err := notice.Parse(format, bytes.NewReader(b), opts)
	if err != nil && len(res.Tenders) == 0 && len(res.Awards) == 0 {
		return res, format, err
	}
	if err != nil && !errors.Is(err, data.ErrInvalid) {
		return res, format, err
	}
	return res, format, nil
}

// describeTender is one French line about a recognised notice.
func describeTender(t data.Tender, status string) string {
	var parts []string
	parts = append(parts, t.ID, "« "+truncate(t.Title, 80)+" »")
	if t.CPV != "" {
		parts = append(parts, "CPV "+t.CPV)
	} else if len(t.CPVCodes()) == 0 {
		// The store infers codes for a notice without any (data.InferCPV):
		// the report says the best guess.
		if g := data.InferCPV(t.CPVEvidence()); len(g) > 0 {
			parts = append(parts, fmt.Sprintf("CPV déduit %s (%s, %.0f %%)", g[0].Code, g[0].Source, g[0].Confidence*100))
		}
	}
	if t.Place.Departement != "" {
		parts = append(parts, "dép. "+t.Place.Departement)
	} else if t.Place.NUTS != "" {
		parts = append(parts, "NUTS "+t.Place.NUTS)
	}
	if !t.Deadline.IsZero() {
		parts = append(parts, "clôture "+t.Deadline.In(paris()).Format("02/01/2006 15:04"))
	}
	if len(t.Lots) > 0 {
		parts = append(parts, data.CountFR(len(t.Lots), "lot", "lots"))
	}
	kind := t.State.Label() // « avis de marché », « avis d'attribution »…
	if data.NoticeKindOf(t.NoticeType) == data.KindPriorInformation {
		kind = "avis de pré-information"
	}
	parts = append(parts, kind, status)
	parts = append(parts, t.TextDefects...)
	return strings.Join(parts, " · ")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// paris is the time zone of French deadlines, loaded once (LoadLocation
// reads the zone database at each call).
var paris = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
})

// explainFold words the store's refusal of a notice for the report: its
// French message without the Go prefix and the sentinel text of the chain
// (« store: », « : data: conflict »), which the log keeps.
func explainFold(err error) string {
	msg := strings.TrimPrefix(err.Error(), "store: ")
	for _, s := range []error{data.ErrConflict, data.ErrNotFound, data.ErrInvalid} {
		msg = strings.TrimSuffix(msg, " : "+s.Error())
	}
	return msg
}

// foldOutcome is what storing one notice did.
type foldOutcome int

const (
	foldDryRun     foldOutcome = iota // nothing stored (--dry-run)
	foldNew                           // a tender of its own
	foldJoined                        // joined to the tender of its procedure, which it changed
	foldNothingNew                    // joined to the tender of its procedure, bringing nothing new
	foldAlready                       // imported before
)

// foldNotice stores one parsed tender (st nil: a dry run, nothing stored)
// and returns the French status of its line in the report and what
// storing it did. A notice of a procedure already known (a correction, an
// award, the same procedure in another source) joins that procedure's
// tender: the status names the tender and what the notice changed in it,
// as its history records it (data.FoldNotice).
func foldNotice(ctx context.Context, st *store.Store, t data.Tender, actor string) (status string, outcome foldOutcome, err error) {
	if st == nil {
		return "reconnu", foldDryRun, nil
	}
	stored, changed, err := st.FoldNotice(ctx, t, actor)
	if err != nil {
		return "", 0, err
	}
	joined := stored.ID != t.ID
	switch {
	case !changed && joined:
		return "déjà importé, dans l'appel d'offres " + stored.ID, foldAlready, nil
	case !changed:
		return "déjà importé", foldAlready, nil
	case !joined:
		return "enregistré", foldNew, nil
	}
	what := ""
	if n := len(stored.History); n > 0 {
		what = stored.History[n-1].Summary
	}
	status = "joint à l'appel d'offres " + stored.ID + " (même procédure)"
	if what == "" || what == data.NothingNew {
		return status + ", rien de nouveau", foldNothingNew, nil
	}
	return status + " : " + what, foldJoined, nil
}
