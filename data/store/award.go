package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// awardEntries indexes an award under the SIREN of each winner whose SIRET
// (or SIREN) is well formed.
func awardEntries(a *data.Award) []entry {
	var out []entry
	seen := map[string]bool{}
	for _, w := range a.Winners {
		siren := winnerSIREN(w.SIRET)
		if siren == "" || seen[siren] {
			continue
		}
		seen[siren] = true
		out = append(out, multiEntry(bucketAwardSIREN, "SIREN du titulaire", siren+"|"+a.ID))
	}
	return out
}

// winnerSIREN returns the 9-digit SIREN of a winner identifier as found in
// the DECP (a SIRET, sometimes a SIREN), or "" when it is not one.
func winnerSIREN(id string) string {
	id = data.CleanDigits(id)
	if len(id) != 9 && len(id) != 14 {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return ""
		}
	}
	return id[:9]
}

// PutAwards stores a batch of awards in one transaction, replacing those
// with the same id and indexing them by winner SIREN. Awards are bulk
// imports from public data and are not audited one by one.
func (s *Store) PutAwards(ctx context.Context, awards []data.Award) error {
	for i := range awards {
		if err := validID("ID", awards[i].ID); err != nil {
			return fmt.Errorf("store: award %d: %w", i, err)
		}
	}
	return s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		b := tx.Bucket(bucketAwards)
		for i := range awards {
			a := &awards[i]
			var old data.Award
			found, err := get(b, "award", a.ID, &old)
			if err != nil {
				return err
			}
			var oldEntries []entry
			if found {
				oldEntries = awardEntries(&old)
			}
			if err := put(b, a.ID, a); err != nil {
				return err
			}
			changed.awards = append(changed.awards, a.ID)
			if err := syncEntries(tx, a.ID, oldEntries, awardEntries(a)); err != nil {
				return err
			}
		}
		return nil
	})
}

// AwardsBySIREN returns the awards won by the company with this SIREN, in
// award id order; none is not an error.
func (s *Store) AwardsBySIREN(ctx context.Context, siren string) ([]data.Award, error) {
	var out []data.Award
	err := s.view(ctx, func(tx *bolt.Tx) error {
		awards := tx.Bucket(bucketAwards)
		for _, k := range prefixKeys(tx.Bucket(bucketAwardSIREN), siren+"|") {
			id := afterFirst(k)
			var a data.Award
			found, err := get(awards, "award", id, &a)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("store: award index %q points to a missing award: %w", k, ErrInconsistent)
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// Awards calls fn for every award in id order, reading in chunks and
// calling fn outside any transaction.
func (s *Store) Awards(ctx context.Context, fn func(data.Award) error) error {
	return walk(ctx, s, bucketAwards, "award", fn)
}
