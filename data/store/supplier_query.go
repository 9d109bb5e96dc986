package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// SupplierFilter selects suppliers through the secondary indexes. Zero
// fields do not filter; set fields must all match.
type SupplierFilter struct {
	// Departement matches the address or any establishment ("2A", "75").
	Departement string
	// Label matches a supplier holding the label, even one not re-found.
	Label data.LabelType
	// UpdatedSince keeps suppliers whose UpdatedAt is at or after it.
	UpdatedSince time.Time
}

// SupplierIDs returns the ids of the suppliers matching f, sorted.
func (s *Store) SupplierIDs(ctx context.Context, f SupplierFilter) ([]string, error) {
	var ids []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var sets [][]string
		if f.Departement != "" {
			sets = append(sets, idsWithPrefix(tx.Bucket(bucketDepartement), f.Departement+"|"))
		}
		if f.Label != "" {
			sets = append(sets, idsWithPrefix(tx.Bucket(bucketLabel), string(f.Label)+"|"))
		}
		if !f.UpdatedSince.IsZero() {
			var set []string
			c := tx.Bucket(bucketUpdated).Cursor()
			for k, _ := c.Seek([]byte(timeKey(f.UpdatedSince))); k != nil; k, _ = c.Next() {
				set = append(set, lastField(string(k)))
			}
			sets = append(sets, set)
		}
		if len(sets) == 0 {
			c := tx.Bucket(bucketSuppliers).Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				ids = append(ids, string(k))
			}
			return nil
		}
		ids = intersect(sets)
		return nil
	})
	return ids, err
}

// idsWithPrefix returns the record ids at the end of the keys of a
// multi-valued index that start with prefix.
func idsWithPrefix(b *bolt.Bucket, prefix string) []string {
	keys := prefixKeys(b, prefix)
	for i, k := range keys {
		keys[i] = lastField(k)
	}
	return keys
}

// intersect returns the sorted ids present in every set.
func intersect(sets [][]string) []string {
	count := map[string]int{}
	for _, set := range sets {
		seen := map[string]bool{}
		for _, id := range set {
			if !seen[id] {
				seen[id] = true
				count[id]++
			}
		}
	}
	out := []string{}
	for id, n := range count {
		if n == len(sets) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// SuppliersChecksum returns the number of suppliers and a stable hash of
// their (id, UpdatedAt) pairs, so that the search index can tell whether it
// holds exactly the store's versions. The hash is the hex SHA-256 of one
// line per supplier in ascending id order:
//
//	<id> TAB <UpdatedAt in UTC, layout 2006-01-02T15:04:05.000000000Z> LF
//
// It reads the idx_updated index, not the records, so it costs one key per
// supplier; Check proves the index agrees with the records.
func (s *Store) SuppliersChecksum(ctx context.Context) (count int, sum string, err error) {
	return s.checksum(ctx, bucketUpdated)
}

// checksum hashes the (id, time) pairs of a time|id index bucket, one
// ChecksumLine per record in ascending id order.
func (s *Store) checksum(ctx context.Context, bucket []byte) (count int, sum string, err error) {
	type stamp struct{ id, at string }
	var stamps []stamp
	err = s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			at, id, ok := strings.Cut(string(k), "|")
			if !ok {
				return fmt.Errorf("store: malformed %s key %q: %w", bucket, k, ErrInconsistent)
			}
			stamps = append(stamps, stamp{id: id, at: at})
		}
		return nil
	})
	if err != nil {
		return 0, "", err
	}
	slices.SortFunc(stamps, func(a, b stamp) int { return strings.Compare(a.id, b.id) })
	h := sha256.New()
	for _, st := range stamps {
		fmt.Fprintf(h, "%s\t%s\n", st.id, st.at)
	}
	return len(stamps), hex.EncodeToString(h.Sum(nil)), nil
}

// ChecksumLine is one line of the SuppliersChecksum hash, for a consumer
// that recomputes it from its own copy of the suppliers.
func ChecksumLine(id string, updatedAt time.Time) string {
	return id + "\t" + timeKey(updatedAt) + "\n"
}
