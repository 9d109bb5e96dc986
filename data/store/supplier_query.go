package store

import (
	"context"
	"slices"
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
