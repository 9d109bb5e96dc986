package notice

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fabrique/data"
)

// noticeOut is what one notice gives: its tender, the awards it reports,
// and French notes on what was dropped or repaired.
type noticeOut struct {
	tender data.Tender
	awards []data.Award
	notes  []string
	// buyerRef is the buyer's own reference of the contract (BOAMP's
	// REF_MARCHE): free text, unique only for that buyer. finish makes the
	// procedure identifier from it once the buyer is known
	// (data.BuyerProcedureID).
	buyerRef string
}

func (o *noticeOut) notef(format string, args ...any) {
	o.notes = append(o.notes, fmt.Sprintf(format, args...))
}

// checkRequired rejects a tender that cannot be shown or matched: no
// identifier, no title, no buyer. The message names the elements looked at.
func checkRequired(t *data.Tender, idWhere, titleWhere, buyerWhere string) error {
	var missing []string
	if strings.TrimSpace(t.SourceID) == "" {
		missing = append(missing, "identifiant de l'avis ("+idWhere+")")
	}
	if strings.TrimSpace(t.Title) == "" {
		missing = append(missing, "titre ("+titleWhere+")")
	}
	if strings.TrimSpace(t.Buyer.Name) == "" {
		missing = append(missing, "nom de l'acheteur ("+buyerWhere+")")
	}
	if len(missing) > 0 {
		return missingElements(missing)
	}
	return nil
}

// finish stamps a tender built by a reader: its key, its procedure
// identifier when it is the buyer's own reference, its own notice in
// SourceIDs and History, and the import times.
func finish(o *noticeOut, opts Options) {
	t := &o.tender
	t.ID = t.Source + ":" + t.SourceID
	if o.buyerRef != "" {
		t.ProcedureID = data.BuyerProcedureID(t.Buyer, o.buyerRef)
	}
	repairTexts(o)
	ids := []string{t.ID}
	for _, id := range t.SourceIDs {
		if id != "" && id != t.ID && !contains(ids, id) {
			ids = append(ids, id)
		}
	}
	t.SourceIDs = ids
	if t.Nature == "" {
		t.Nature = data.NatureOfCPV(t.CPV)
	}
	if t.State == "" {
		t.State = data.StateOpen
	}
	if t.Currency == "" && t.EstimatedValue != 0 {
		t.Currency = "EUR"
	}
	if len(t.History) == 0 {
		t.History = []data.TenderRevision{{SourceID: t.ID, NoticeType: t.NoticeType, State: t.State, At: t.PublishedAt}}
	}
	now := opts.Now()
	t.ImportedAt, t.UpdatedAt = now, now
	for i := range o.awards {
		a := &o.awards[i]
		if a.Nature == "" {
			a.Nature = t.Nature
		}
		if a.Winners == nil {
			a.Winners = []data.Winner{}
		}
	}
}

// single turns the outcome of a one-notice document into a Result: the
// notice, or a Problem and the error when it was rejected.
func single(ref string, o noticeOut, err error, opts Options) (Result, error) {
	if err == nil {
		err = checkSize(&o, opts)
	}
	if err != nil {
		return Result{Problems: []Problem{{Ref: ref, Err: err}}}, fmt.Errorf("notice: %s: %w", ref, err)
	}
	finish(&o, opts)
	res := Result{Tenders: []data.Tender{o.tender}, Awards: o.awards}
	for _, n := range o.notes {
		res.Warnings = append(res.Warnings, Problem{Ref: o.tender.ID, Err: noteError(n)})
	}
	return res, nil
}

// checkSize rejects a notice with more lots than opts.MaxLots, or larger
// than opts.MaxNoticeBytes once encoded as it would be stored.
func checkSize(o *noticeOut, opts Options) error {
	if n := len(o.tender.Lots); n > opts.MaxLots {
		return fmt.Errorf("%d lots, plus que les %d acceptés par avis : %w", n, opts.MaxLots, ErrTooMany)
	}
	b, err := json.Marshal(o.tender)
	if err != nil {
		return fmt.Errorf("avis illisible : %v : %w", err, ErrRejected)
	}
	if len(b) > opts.MaxNoticeBytes {
		return fmt.Errorf("avis de %d Kio, plus que les %d Kio acceptés (textes trop longs) : %w", len(b)>>10, opts.MaxNoticeBytes>>10, ErrTooMany)
	}
	return nil
}

// noteError is a defect noted on something that was kept.
type noteError string

func (e noteError) Error() string { return string(e) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// latestDeadline returns the latest lot deadline: a tender stays open as
// long as one of its lots does (each lot keeps its own deadline).
func latestDeadline(lots []data.Lot) time.Time {
	var d time.Time
	for _, l := range lots {
		if l.Deadline.After(d) {
			d = l.Deadline
		}
	}
	return d
}
