package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// tenderEntries lists the source ids a tender answers to: its own notice,
// every notice folded into it, and its procedure ("proc:"+id).
func tenderEntries(t *data.Tender) []entry {
	var out []entry
	seen := map[string]bool{}
	add := func(key string) {
		key = strings.TrimSpace(key)
		if key != "" && len(key) <= maxKeyLen && !seen[key] {
			seen[key] = true
			out = append(out, uniqueEntry(bucketTenderSource, "identifiant d'avis", key, t.ID))
		}
	}
	add(t.SourceID)
	for _, id := range t.SourceIDs {
		add(id)
	}
	if t.ProcedureID != "" {
		add("proc:" + t.ProcedureID)
	}
	if t.ID != "" && !t.UpdatedAt.IsZero() {
		out = append(out, tenderUpdatedEntry(t))
	}
	return out
}

func validID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return invalid(what, id, "identifiant absent")
	}
	if len(id) > maxKeyLen {
		return invalid(what, id, "identifiant trop long")
	}
	return nil
}

// Tender returns the tender with the given id.
func (s *Store) Tender(ctx context.Context, id string) (data.Tender, error) {
	var t data.Tender
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketTenders), "tender", id, &t)
		if err == nil && !found {
			err = fmt.Errorf("store: tender %q: %w", id, data.ErrNotFound)
		}
		return err
	})
	return t, err
}

// TenderBySourceID returns the tender a notice id was folded into; a
// procedure id is looked up as "proc:"+id.
func (s *Store) TenderBySourceID(ctx context.Context, sourceID string) (data.Tender, error) {
	var t data.Tender
	err := s.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketTenderSource).Get([]byte(sourceID))
		if id == nil {
			return fmt.Errorf("store: tender source id %q: %w", sourceID, data.ErrNotFound)
		}
		found, err := get(tx.Bucket(bucketTenders), "tender", string(id), &t)
		if err == nil && !found {
			err = fmt.Errorf("store: source id %q indexes missing tender %s: %w", sourceID, id, data.ErrNotFound)
		}
		return err
	})
	return t, err
}

// PutTender creates or replaces a tender, keeping its ImportedAt, stamping
// UpdatedAt, indexing its source ids and auditing the write. A source id
// already folded into another tender fails with data.ErrConflict.
func (s *Store) PutTender(ctx context.Context, t data.Tender, actor string) error {
	if err := validID("ID", t.ID); err != nil {
		return err
	}
	if err := validActor(actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		b := tx.Bucket(bucketTenders)
		var old data.Tender
		found, err := get(b, "tender", t.ID, &old)
		if err != nil {
			return err
		}
		var oldEntries []entry
		action := "tender.create"
		if found {
			oldEntries = tenderEntries(&old)
			t.ImportedAt = old.ImportedAt
			action = "tender.update"
		} else if t.ImportedAt.IsZero() {
			t.ImportedAt = now
		}
		t.UpdatedAt = now
		changed.addTender(t.ID)
		return writeTender(tx, &t, oldEntries, data.AuditEntry{At: now, Actor: actor, Action: action,
			Detail: "avis " + string(t.State)})
	})
}

// writeTender stores t (with its inferred CPV codes when it declares
// none, data.Tender.InferMissingCPV), moves its source-id index entries from old to
// its current ones (refusing an id another tender holds) and audits the
// write: the tail of every tender write, in the caller's transaction.
func writeTender(tx *bolt.Tx, t *data.Tender, old []entry, audit data.AuditEntry) error {
	t.InferMissingCPV() // recomputed at each write: a correction may add or change words and codes
	next := tenderEntries(t)
	if err := checkUnique(tx, t.ID, next); err != nil {
		return fmt.Errorf("store: tender %s: %w", t.ID, err)
	}
	if err := put(tx.Bucket(bucketTenders), t.ID, t); err != nil {
		return err
	}
	if err := syncEntries(tx, t.ID, old, next); err != nil {
		return err
	}
	audit.Entity = "tender:" + t.ID
	return appendAudit(tx, audit)
}

// Tenders calls fn for every tender in id order, reading in chunks and
// calling fn outside any transaction.
func (s *Store) Tenders(ctx context.Context, fn func(data.Tender) error) error {
	return walk(ctx, s, bucketTenders, "tender", fn)
}
