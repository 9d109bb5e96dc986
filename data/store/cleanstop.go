package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The clean-stop marker tells a starting program that the store is exactly
// as a previous program left it when it stopped cleanly, so that what that
// program derived from the store and saved beside it (the observatory's
// facts) may be used again without reading the store through.
//
//	clean_stop     "nonce" → 16 random bytes, written by MarkCleanStop
//
// The marker is the pair (nonce, transaction id after the nonce's write).
// Both are needed:
//   - the transaction id alone is a counter that another file may share: a
//     backup restored over the store, or a store copied from another
//     machine, can have reached the same id through other writes. The
//     nonce ties the marker to this file's lineage.
//   - the nonce alone survives later writes: a crawl or an import run by
//     another command while serve was stopped, or a serve that crashed,
//     leave it in place. Every committed write raises the transaction id,
//     so a saved marker no longer matches.
//
// Open reads the marker before it brings the schema up to date (that
// commits, even when there is nothing to migrate) and notes the
// transaction id after, so that CleanStopMark is O(1): no walk of the
// store. The bucket is created by the first MarkCleanStop (no schema
// change). Backups copy the marker with the store; the file saved beside
// the store is not copied by them, and a stale one found beside a
// restored store does not match its marker.
var bucketCleanStop = []byte("clean_stop")

var keyCleanStopNonce = []byte("nonce")

// ErrNoCleanStop says the store may have changed since the last clean
// stop; the wrapped message says why.
var ErrNoCleanStop = errors.New("store: no clean stop to rely on")

// CleanStop identifies the store's state at a clean stop.
type CleanStop struct {
	Nonce [16]byte
	TxID  uint64
}

// Stamp is the marker as bytes, to be saved with what was derived from
// the store.
func (m CleanStop) Stamp() []byte {
	return binary.BigEndian.AppendUint64(m.Nonce[:], m.TxID)
}

// cleanStopAtOpen is what Open found: the marker as it was before Open
// wrote anything, and the transaction id once Open was done.
type cleanStopAtOpen struct {
	mark       CleanStop
	err        error // why mark may not be used
	openedTxID uint64
}

// readCleanStop reads the marker of a store being opened, before any
// write.
func readCleanStop(db *bolt.DB) cleanStopAtOpen {
	var at cleanStopAtOpen
	at.err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCleanStop)
		var nonce []byte
		if b != nil {
			nonce = b.Get(keyCleanStopNonce)
		}
		if len(nonce) != len(at.mark.Nonce) {
			return fmt.Errorf("%w: no marker", ErrNoCleanStop)
		}
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		if v != len(migrations()) {
			return fmt.Errorf("%w: the schema is migrated from version %d", ErrNoCleanStop, v)
		}
		copy(at.mark.Nonce[:], nonce)
		at.mark.TxID = uint64(tx.ID())
		return nil
	})
	return at
}

// opened notes the transaction id once Open is done with its own writes.
func (at cleanStopAtOpen) opened(db *bolt.DB) cleanStopAtOpen {
	err := db.View(func(tx *bolt.Tx) error {
		at.openedTxID = uint64(tx.ID())
		return nil
	})
	if at.err == nil {
		at.err = err
	}
	return at
}

// CleanStopMark returns the marker the store held when it was opened, if
// nothing was written to the store since Open; else an error wrapping
// ErrNoCleanStop says why. A saved (nonce, transaction id) equal to it
// describes the store as it is.
func (s *Store) CleanStopMark(ctx context.Context) (CleanStop, error) {
	at := s.cleanStop
	if at.err != nil {
		return CleanStop{}, at.err
	}
	v, err := s.Version(ctx)
	if err != nil {
		return CleanStop{}, err
	}
	if v != at.openedTxID {
		return CleanStop{}, fmt.Errorf("%w: written since it was opened (transaction %d, %d at open)", ErrNoCleanStop, v, at.openedTxID)
	}
	return at.mark, nil
}

// MarkCleanStop writes a new random nonce and returns the marker: the
// nonce and the id of the transaction that wrote it. It is the program's
// last write before it stops: what it saves with the marker must describe
// the store as it is after this write.
func (s *Store) MarkCleanStop(ctx context.Context) (CleanStop, error) {
	var m CleanStop
	_, _ = rand.Read(m.Nonce[:]) // never fails (crypto/rand)
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b, err := tx.CreateBucketIfNotExists(bucketCleanStop)
		if err != nil {
			return fmt.Errorf("store: clean-stop bucket: %w", err)
		}
		// A writable transaction's id is the one it commits as: the id a
		// read transaction sees once it is committed.
		m.TxID = uint64(tx.ID())
		return b.Put(keyCleanStopNonce, m.Nonce[:])
	})
	if err != nil {
		return CleanStop{}, fmt.Errorf("store: mark clean stop: %w", err)
	}
	return m, nil
}
