package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// FoldNotice folds a parsed notice into the tender of its procedure, in
// one transaction: the tender is found by the notice's id, then by its
// procedure id ("proc:"+id), then by the notices it refers to (a change
// notice lists the notice it changes), and data.FoldNotice decides what
// changes.
// changed is false when the notice had already been folded (re-import).
func (s *Store) FoldNotice(ctx context.Context, notice data.Tender, actor string) (t data.Tender, changed bool, err error) {
	if err := validID("ID", notice.ID); err != nil {
		return data.Tender{}, false, err
	}
	if err := validActor(actor); err != nil {
		return data.Tender{}, false, err
	}
	now := s.stamp()
	err = s.update(ctx, func(tx *bolt.Tx, cs *changeSet) error {
		b := tx.Bucket(bucketTenders)
		idx := tx.Bucket(bucketTenderSource)
		var existing *data.Tender
		for _, key := range append([]string{notice.ID, procKey(notice.ProcedureID)}, notice.SourceIDs...) {
			if key == "" {
				continue
			}
			id := idx.Get([]byte(key))
			if id == nil {
				continue
			}
			var old data.Tender
			found, err := get(b, "tender", string(id), &old)
			if err != nil {
				return err
			}
			if found {
				existing = &old
				break
			}
		}
		var oldEntries []entry
		action := "tender.create"
		if existing != nil {
			oldEntries = tenderEntries(existing)
			action = "tender.fold"
		}
		t, changed = data.FoldNotice(existing, notice, now)
		if !changed {
			return nil
		}
		cs.addTender(t.ID)
		return writeTender(tx, &t, oldEntries, data.AuditEntry{At: now, Actor: actor, Action: action,
			Detail: "avis " + notice.ID + " (" + string(notice.State) + ")"})
	})
	return t, changed, err
}

func procKey(procedureID string) string {
	if procedureID == "" {
		return ""
	}
	return "proc:" + procedureID
}
