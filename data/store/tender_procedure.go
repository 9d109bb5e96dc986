package store

import (
	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// scopeBuyerReferences is schema version 7: BOAMP tenders stored before it
// have as procedure id the buyer's own reference (REF_MARCHE), which other
// buyers may share, so that their notices were folded together. Their
// procedure id becomes the reference scoped by the buyer, as the readers
// now make it (data.BuyerProcedureID), and "proc:"+id in
// idx_tender_source follows; so a later notice of the same buyer and
// reference still folds into the tender, another buyer's no longer does.
// eForms procedure ids (UUIDs, unique) are left as they are, and so are the
// other sources' (TED UUIDs, OCDS ocids: data.UniqueProcedureID). UpdatedAt is kept: no source
// changed the tender.
//
// Notices already folded into another buyer's tender stay in its
// SourceIDs: which of them were folded by the shared reference alone is
// not recorded, so they cannot be told apart here.
func scopeBuyerReferences(tx *bolt.Tx) error {
	b := tx.Bucket(bucketTenders)
	type change struct {
		old, t data.Tender
	}
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		var t data.Tender
		if err := decode("tender", string(k), v, &t); err != nil {
			return err
		}
		if t.Source != "boamp" || t.ProcedureID == "" || data.UniqueProcedureID(t.ProcedureID) {
			return nil
		}
		scoped := data.BuyerProcedureID(t.Buyer, t.ProcedureID)
		if scoped == "" || scoped == t.ProcedureID {
			return nil
		}
		old := t
		t.ProcedureID = scoped
		changes = append(changes, change{old, t})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes { // a bucket is not written while ForEach walks it
		if err := put(b, c.t.ID, c.t); err != nil {
			return err
		}
		if err := syncEntries(tx, c.t.ID, tenderEntries(&c.old), tenderEntries(&c.t)); err != nil {
			return err
		}
	}
	return nil
}
