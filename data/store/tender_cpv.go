package store

import (
	"slices"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// inferTendersCPV is schema version 4: tenders stored before CPV codes
// were inferred get theirs (data.Tender.InferMissingCPV). UpdatedAt is
// kept: no source changed the tender, and the index rebuilds on its own
// schema version.
func inferTendersCPV(tx *bolt.Tx) error {
	b := tx.Bucket(bucketTenders)
	type change struct {
		id string
		t  data.Tender
	}
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		var t data.Tender
		if err := decode("tender", string(k), v, &t); err != nil {
			return err
		}
		before := slices.Clone(t.InferredCPV)
		t.InferMissingCPV()
		if !slices.Equal(before, t.InferredCPV) {
			changes = append(changes, change{string(k), t})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes { // a bucket is not written while ForEach walks it
		if err := put(b, c.id, c.t); err != nil {
			return err
		}
	}
	return nil
}
