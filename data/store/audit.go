package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// validActor refuses an anonymous write: the audit log must say who.
func validActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return invalid("actor", "", "l'auteur de la modification est obligatoire")
	}
	return nil
}

// seqKey is the audit key of a sequence number: big-endian, so keys sort
// in sequence order.
func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// auditEntityKey is the idx_audit_entity key of an entry.
func auditEntityKey(entity string, seq uint64) string {
	return entity + "|" + fmt.Sprintf("%016x", seq)
}

// parseSeqHex reads the sequence at the end of an idx_audit_entity key.
func parseSeqHex(key string) (uint64, bool) {
	h := lastField(key)
	if len(h) != 16 {
		return 0, false
	}
	seq, err := strconv.ParseUint(h, 16, 64)
	return seq, err == nil
}

func auditEntries(e *data.AuditEntry) []entry {
	if e.Entity == "" {
		return nil
	}
	return []entry{multiEntry(bucketAuditEntity, "journal", auditEntityKey(e.Entity, e.Seq))}
}

// appendAudit gives e the next sequence number and stores it in tx, with
// its entity index entry.
func appendAudit(tx *bolt.Tx, e data.AuditEntry) error {
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("store: audit sequence: %w", err)
	}
	e.Seq = seq
	raw, err := encode(e)
	if err != nil {
		return err
	}
	if err := b.Put(seqKey(seq), raw); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return syncEntries(tx, "", nil, auditEntries(&e))
}

// Audit calls fn for every audit entry about entity ("supplier:<id>",
// "tender:<id>", "account:<id>", "claim:<id>"), or for all entries when
// entity is "", in sequence order. Like Suppliers, it reads in chunks and
// calls fn outside any transaction.
func (s *Store) Audit(ctx context.Context, entity string, fn func(data.AuditEntry) error) error {
	if entity == "" {
		return walk(ctx, s, bucketAudit, "audit entry", fn)
	}
	prefix := entity + "|"
	after := ""
	for {
		var batch []data.AuditEntry
		err := s.view(ctx, func(tx *bolt.Tx) error {
			idx, log := tx.Bucket(bucketAuditEntity).Cursor(), tx.Bucket(bucketAudit)
			k, _ := idx.Seek([]byte(prefix + after))
			if after != "" && k != nil && string(k) == prefix+after {
				k, _ = idx.Next()
			}
			for ; k != nil && strings.HasPrefix(string(k), prefix) && len(batch) < walkChunk; k, _ = idx.Next() {
				seq, ok := parseSeqHex(string(k))
				if !ok || len(string(k)) != len(prefix)+16 {
					continue // another entity whose name extends this one
				}
				var e data.AuditEntry
				found, err := get(log, "audit entry", string(seqKey(seq)), &e)
				if err != nil {
					return err
				}
				if !found {
					return fmt.Errorf("store: audit index %q points to a missing entry: %w", k, ErrInconsistent)
				}
				batch = append(batch, e)
				after = string(k[len(prefix):])
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < walkChunk {
			return nil
		}
	}
}
