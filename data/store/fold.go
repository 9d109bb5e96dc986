package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// FoldNotice folds a parsed notice into the tender of its procedure, in
// one transaction: the tender is found by the notice's id, then by its
// procedure id ("proc:"+id), then by the notices it refers to (a change
// notice lists the notice it changes), and data.FoldNotice decides what
// changes.
// A procedure id alone does not prove that two notices announce the same
// procedure: a buyer's reference is scoped by the buyer, but a notice may
// name its buyer otherwise, and an eForms UUID or an OCDS ocid is chosen
// by the buyer or its eSender, and copied (the eForms SDK's examples reuse
// theirs across unrelated procedures). A notice found only by its
// procedure id, that does not name a notice of the tender among those it
// follows, is refused (data.ErrConflict) when it shares no buyer with the
// tender (data.ShareBuyer: its lead buyer or a joint one), or, unless it
// corrects or cancels, when their objects plainly differ
// (data.ObjectsDiffer): folding would hide the notice inside another
// procedure's tender and overwrite what that tender lacked.
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
		if byProcedure && !linked(idx, existing.ID, notice) {
			if err := checkSameProcedure(existing, notice); err != nil {
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

// checkSameProcedure refuses to fold a notice into the tender it was
// found under by its procedure id alone when they share no buyer, or
// when their objects plainly differ and the notice does not correct the
// tender (a correction may change its codes).
func checkSameProcedure(existing *data.Tender, notice data.Tender) error {
	if !data.ShareBuyer(*existing, notice) {
		return fmt.Errorf("store: avis %s de l'acheteur « %s » : sa procédure %s est déjà celle de l'appel d'offres %s de l'acheteur « %s », sans acheteur commun ; les avis de deux acheteurs ne sont pas fusionnés : %w",
			notice.ID, notice.Buyer.Name, notice.ProcedureID, existing.ID, existing.Buyer.Name, data.ErrConflict)
	}
	if notice.State != data.StateCorrected && notice.State != data.StateCancelled && data.ObjectsDiffer(*existing, notice) {
		return fmt.Errorf("store: avis %s « %s » (CPV %s) : sa procédure %s est déjà celle de l'appel d'offres %s « %s » (CPV %s), d'un tout autre objet (aucune division CPV commune) ; les avis de deux marchés différents ne sont pas fusionnés : %w",
			notice.ID, notice.Title, someCodes(notice), notice.ProcedureID,
			existing.ID, existing.Title, someCodes(*existing), data.ErrConflict)
	}
	return nil
}

// someCodes lists the first CPV codes of a tender, for a message.
func someCodes(t data.Tender) string {
	codes := t.CPVCodes()
	if len(codes) > 3 {
		return strings.Join(codes[:3], ", ") + "…"
	}
	return strings.Join(codes, ", ")
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
