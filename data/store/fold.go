package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// FoldNotice folds a parsed notice into the tender of its procedure, in
// one transaction: the tender is found by the notice's id, then by its
// procedure id ("proc:"+id), then by the notices it refers to (a change
// notice lists the notice it changes), and data.FoldNotice decides what
// changes.
// A notice found only by a procedure id that a buyer chose (not unique by
// construction, data.UniqueProcedureID) is refused (data.ErrConflict) when
// the tender is another buyer's (data.SameBuyer): two buyers may choose the
// same reference, and folding would hide the notice inside the other
// buyer's tender. An eForms UUID or an OCDS ocid folds whatever the names
// (joint buyers, languages).
// A change notice that does not name the notice it changes
// (FoldByProcedure) folds only into the tender of its own procedure: it is
// refused (data.ErrNotFound) when that procedure is unknown, and
// (data.ErrConflict) when its own id already belongs to another procedure.
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
		proc := procKey(notice.ProcedureID)
		keys := append([]string{notice.ID, proc}, notice.SourceIDs...)
		if notice.FoldByProcedure {
			keys = keys[:2]
		}
		byProcedure := false
		for _, key := range keys {
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
				existing, byProcedure = &old, key == proc
				break
			}
		}
		if byProcedure && !data.UniqueProcedureID(notice.ProcedureID) && !linked(idx, existing.ID, notice) {
			if err := checkSameBuyer(existing, notice); err != nil {
				return err
			}
		}
		if err := checkFoldByProcedure(existing, notice); err != nil {
			return err
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

// linked reports whether notice names a notice of the tender id among the
// notices it follows (its SourceIDs): the source's own link, trusted even
// when the buyer's name is written otherwise.
func linked(idx *bolt.Bucket, id string, notice data.Tender) bool {
	for _, key := range notice.SourceIDs {
		if key != "" && key != notice.ID && string(idx.Get([]byte(key))) == id {
			return true
		}
	}
	return false
}

// checkSameBuyer refuses to fold a notice into the tender of another buyer
// that it was found under by its procedure id alone.
func checkSameBuyer(existing *data.Tender, notice data.Tender) error {
	if data.SameBuyer(existing.Buyer, notice.Buyer) {
		return nil
	}
	return fmt.Errorf("store: avis %s de l'acheteur « %s » : sa procédure %s est déjà celle de l'appel d'offres %s de l'acheteur « %s », les avis de deux acheteurs ne sont pas fusionnés : %w",
		notice.ID, notice.Buyer.Name, notice.ProcedureID, existing.ID, existing.Buyer.Name, data.ErrConflict)
}

// checkFoldByProcedure refuses a change notice without the identifier of
// the notice it changes when its procedure cannot be found or is not the
// procedure of the tender it was found under.
func checkFoldByProcedure(existing *data.Tender, notice data.Tender) error {
	if !notice.FoldByProcedure {
		return nil
	}
	if notice.ProcedureID == "" {
		return fmt.Errorf("store: avis de modification %s sans identifiant de l'avis modifié ni de procédure : impossible de savoir quel appel d'offres il modifie : %w",
			notice.ID, data.ErrInvalid)
	}
	if existing == nil {
		return fmt.Errorf("store: avis de modification %s sans identifiant de l'avis modifié : la procédure %s est inconnue, importez d'abord son avis initial : %w",
			notice.ID, notice.ProcedureID, data.ErrNotFound)
	}
	if existing.ProcedureID != "" && existing.ProcedureID != notice.ProcedureID {
		return fmt.Errorf("store: avis de modification %s de la procédure %s : l'avis est déjà rattaché à l'appel d'offres %s de la procédure %s, les deux procédures ne sont pas mélangées : %w",
			notice.ID, notice.ProcedureID, existing.ID, existing.ProcedureID, data.ErrConflict)
	}
	return nil
}
