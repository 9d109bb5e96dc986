package store

import (
	"context"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	Actor string // exact account id or "crawler:epv"
	// Action is an exact action ("claim.create") or a family written
	// without its last part ("claim" selects "claim.create", "claim.verified"…).
	Action string
	// Entity is an exact entity ("claim:abc") or a kind ("claim").
	Entity string
	// From and To bound At: From ≤ At < To; zero means unbounded.
	From, To time.Time
}

func (f AuditFilter) match(e *data.AuditEntry) bool {
	if f.Actor != "" && e.Actor != f.Actor {
		return false
	}
	if f.Action != "" && e.Action != f.Action && !strings.HasPrefix(e.Action, f.Action+".") {
		return false
	}
	if f.Entity != "" && e.Entity != f.Entity && !(!strings.Contains(f.Entity, ":") && strings.HasPrefix(e.Entity, f.Entity+":")) {
		return false
	}
	if !f.From.IsZero() && e.At.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && !e.At.Before(f.To) {
		return false
	}
	return true
}

// auditScanBudget bounds how many entries one AuditPage reads in one
// transaction, so that a filter matching little never holds a read
// transaction over the whole log: the page then ends early, with its
// cursor, and the next page continues.
const auditScanBudget = 20000

// AuditPage returns up to limit entries matching f, newest first, whose
// sequence is below before (0: from the newest), and the sequence to pass
// as before for the next page (0 when there is none). A page may hold fewer
// than limit entries while more follow: a filter matching little stops at
// a bound on the entries read.
func (s *Store) AuditPage(ctx context.Context, f AuditFilter, before uint64, limit int) ([]data.AuditEntry, uint64, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []data.AuditEntry
	var next uint64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		var k, v []byte
		if before == 0 {
			k, v = c.Last()
		} else {
			k, v = c.Seek(seqKey(before))
			if k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for read := 0; k != nil; k, v = c.Prev() {
			if read++; read > auditScanBudget {
				next = decodeSeq(k) + 1
				return nil
			}
			var e data.AuditEntry
			if err := decode("audit entry", string(k), v, &e); err != nil {
				return err
			}
			if !f.match(&e) {
				continue
			}
			if len(out) == limit {
				next = e.Seq + 1
				return nil
			}
			out = append(out, e)
		}
		return nil
	})
	return out, next, err
}

func decodeSeq(k []byte) uint64 {
	var seq uint64
	for _, b := range k {
		seq = seq<<8 | uint64(b)
	}
	return seq
}
