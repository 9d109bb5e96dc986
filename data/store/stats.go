package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// bucketStatsSnapshots holds the observatory's daily snapshots:
//
//	stats_snapshots     day "2006-01-02" → JSON data.StatsSnapshot
//
// It is created by the first snapshot (no schema change: a store without
// it simply has no history yet).
var bucketStatsSnapshots = []byte("stats_snapshots")

// Version identifies the store's content: it changes with every committed
// write (bbolt's transaction id), so that figures derived from the store
// can be cached until it moves.
func (s *Store) Version(ctx context.Context) (uint64, error) {
	var v uint64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v = uint64(tx.ID())
		return nil
	})
	return v, err
}

// PutStatsSnapshot records the snapshot of its day, replacing one taken
// earlier that day: taking it twice a day keeps one, the latest.
func (s *Store) PutStatsSnapshot(ctx context.Context, snap data.StatsSnapshot) error {
	day, err := time.Parse(time.DateOnly, snap.Day)
	if err != nil || data.SnapshotDay(day) != snap.Day {
		return invalid("Day", snap.Day, "jour attendu au format AAAA-MM-JJ")
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b, err := tx.CreateBucketIfNotExists(bucketStatsSnapshots)
		if err != nil {
			return fmt.Errorf("store: stats bucket: %w", err)
		}
		return put(b, snap.Day, &snap)
	})
}

// HasStatsSnapshot reports whether the day ("2006-01-02") has a snapshot.
func (s *Store) HasStatsSnapshot(ctx context.Context, day string) (bool, error) {
	var found bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketStatsSnapshots); b != nil {
			found = b.Get([]byte(day)) != nil
		}
		return nil
	})
	return found, err
}

// StatsSnapshots returns the snapshots of the days in [from, to] (either
// "" for open), oldest first; none is not an error.
func (s *Store) StatsSnapshots(ctx context.Context, from, to string) ([]data.StatsSnapshot, error) {
	out := []data.StatsSnapshot{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStatsSnapshots)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, v := c.First()
		if from != "" {
			k, v = c.Seek([]byte(from))
		}
		for ; k != nil && (to == "" || string(k) <= to); k, v = c.Next() {
			var snap data.StatsSnapshot
			if err := decode("stats snapshot", string(k), v, &snap); err != nil {
				return err
			}
			out = append(out, snap)
		}
		return nil
	})
	return out, err
}
