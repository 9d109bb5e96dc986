package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// entry is one secondary-index entry a record owns. A unique entry maps its
// key to the record id and refuses a second owner; a multi-valued entry
// carries the id at the end of its key and an empty value.
type entry struct {
	bucket []byte
	key    string
	value  string
	unique bool
	what   string // names the index in errors, "SIRET"
}

func uniqueEntry(bucket []byte, what, key, id string) entry {
	return entry{bucket: bucket, key: key, value: id, unique: true, what: what}
}

func multiEntry(bucket []byte, what, key string) entry {
	return entry{bucket: bucket, key: key, what: what}
}

func (e entry) id() string { return string(e.bucket) + "\x00" + e.key }

// checkUnique fails with data.ErrConflict when a unique entry of owner is
// already held by another record. It writes nothing.
func checkUnique(tx *bolt.Tx, owner string, entries []entry) error {
	for _, e := range entries {
		if !e.unique {
			continue
		}
		if cur := tx.Bucket(e.bucket).Get([]byte(e.key)); cur != nil && string(cur) != owner {
			return fmt.Errorf("%s %q already belongs to %s: %w", e.what, e.key, cur, data.ErrConflict)
		}
	}
	return nil
}

// syncEntries moves a record's index entries from old to next: entries it
// no longer owns are removed, new ones added, and the checksums kept over
// idx_updated and idx_tender_updated follow (checksum.go). A unique key already owned by
// another record fails with data.ErrConflict, which aborts the transaction.
func syncEntries(tx *bolt.Tx, owner string, old, next []entry) error {
	keep := make(map[string]bool, len(next))
	for _, e := range next {
		keep[e.id()] = true
	}
	for _, e := range old {
		if keep[e.id()] {
			continue
		}
		b := tx.Bucket(e.bucket)
		if e.unique && string(b.Get([]byte(e.key))) != owner {
			continue // owned by another record: not ours to remove
		}
		if checksumKey(e.bucket) != nil {
			if !hasKey(b, e.key) {
				continue
			}
			if err := tally(tx, e.bucket, e.key, false); err != nil {
				return err
			}
		}
		if err := b.Delete([]byte(e.key)); err != nil {
			return fmt.Errorf("store: unindex %s %q: %w", e.what, e.key, err)
		}
	}
	for _, e := range next {
		b := tx.Bucket(e.bucket)
		if !e.unique {
			if hasKey(b, e.key) {
				continue // unchanged: do not dirty the page
			}
		} else if cur := b.Get([]byte(e.key)); cur != nil {
			if string(cur) != owner {
				return fmt.Errorf("store: %s %q already belongs to %s: %w", e.what, e.key, cur, data.ErrConflict)
			}
			continue
		}
		if err := b.Put([]byte(e.key), []byte(e.value)); err != nil {
			return fmt.Errorf("store: index %s %q: %w", e.what, e.key, err)
		}
		if !e.unique && checksumKey(e.bucket) != nil {
			if err := tally(tx, e.bucket, e.key, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// prefixKeys returns the keys of b that start with prefix, decoded to
// strings inside the transaction.
func prefixKeys(b *bolt.Bucket, prefix string) []string {
	var out []string
	p := []byte(prefix)
	c := b.Cursor()
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		out = append(out, string(k))
	}
	return out
}

// hasKey reports whether key is in b, whatever its (possibly empty) value.
func hasKey(b *bolt.Bucket, key string) bool {
	k, _ := b.Cursor().Seek([]byte(key))
	return k != nil && string(k) == key
}

func hasPrefix(k, p []byte) bool { return len(k) >= len(p) && string(k[:len(p)]) == string(p) }
