package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// Buckets of the companies' own listings. They are created by the first
// write that needs them (a store without them reads as having no version
// and no logo), so that they need no schema migration:
//
//	listing_versions  supplier id|16 hex digits of the sequence → JSON data.ListingVersion
//	logos             logo key (32 hex digits of the PNG's SHA-256) → PNG bytes
var (
	bucketListingVersions = []byte("listing_versions")
	bucketLogos           = []byte("logos")
)

// MaxLogoBytes bounds a stored logo; the web layer re-encodes uploads to
// much less.
const MaxLogoBytes = 1 << 20

// ListingEdit changes a supplier in place and returns the fields it
// changed (data.Field* names); nil means nothing to save. An error aborts
// the edit and is returned as is.
type ListingEdit func(sup *data.Supplier) (fields []string, err error)

// EditListing applies edit to the supplier with that id in one
// transaction, and records the change as a new version (who, when, which
// fields and their previous values and provenances) and in the audit log.
// When edit changes nothing, nothing is written and the version returned
// has no Seq. A missing supplier fails with data.ErrNotFound.
func (s *Store) EditListing(ctx context.Context, id, actor string, edit ListingEdit) (data.ListingVersion, error) {
	if err := validActor(actor); err != nil {
		return data.ListingVersion{}, err
	}
	now := s.stamp()
	var v data.ListingVersion
	err := s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		var err error
		v, err = editListingTx(tx, changed, id, actor, now, "listing.edit", 0, edit)
		return err
	})
	return v, err
}

// UndoListing cancels the version seq of a supplier's listing: the fields
// it changed get back the values and provenances they had before it. The
// undo is itself a new version (with Undoes = seq), so it can be undone
// in turn. An undo that would change nothing — the version was undone
// already, or later edits put the same values back — writes nothing and
// returns a version without Seq, as EditListing does. An unknown version
// fails with data.ErrNotFound.
func (s *Store) UndoListing(ctx context.Context, id string, seq uint64, actor string) (data.ListingVersion, error) {
	if err := validActor(actor); err != nil {
		return data.ListingVersion{}, err
	}
	now := s.stamp()
	var v data.ListingVersion
	err := s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		var old data.ListingVersion
		found := false
		if b := tx.Bucket(bucketListingVersions); b != nil {
			var err error
			if found, err = get(b, "listing version", versionKey(id, seq), &old); err != nil {
				return err
			}
		}
		if !found {
			return fmt.Errorf("store: listing %s version %d: %w", id, seq, data.ErrNotFound)
		}
		var err error
		v, err = editListingTx(tx, changed, id, actor, now, "listing.undo", seq, func(sup *data.Supplier) ([]string, error) {
			before := *sup
			before.Provenance = maps.Clone(sup.Provenance)
			if err := data.RestoreFields(sup, old.Fields, old.Previous, old.PreviousProvenance); err != nil {
				return nil, err
			}
			return data.ChangedFields(before, *sup, old.Fields)
		})
		return err
	})
	return v, err
}

// editListingTx is one edit of a listing inside tx.
func editListingTx(tx *bolt.Tx, changed *changeSet, id, actor string, now time.Time, action string, undoes uint64, edit ListingEdit) (data.ListingVersion, error) {
	old, found, err := loadSupplier(tx, id)
	if err != nil {
		return data.ListingVersion{}, err
	}
	if !found {
		return data.ListingVersion{}, fmt.Errorf("store: listing %q: %w", id, data.ErrNotFound)
	}
	next := old
	next.Provenance = make(map[string]data.Provenance, len(old.Provenance))
	for k, p := range old.Provenance {
		next.Provenance[k] = p
	}
	fields, err := edit(&next)
	if err != nil {
		return data.ListingVersion{}, err
	}
	if len(fields) == 0 {
		return data.ListingVersion{SupplierID: id}, nil
	}
	prev, prevProv, err := data.SnapshotFields(old, fields)
	if err != nil {
		return data.ListingVersion{}, err
	}
	next.ID, next.CreatedAt, next.UpdatedAt = old.ID, old.CreatedAt, now
	if err := validSupplier(&next); err != nil {
		return data.ListingVersion{}, err
	}
	if err := writeSupplier(tx, &old, &next); err != nil {
		return data.ListingVersion{}, err
	}
	b, err := tx.CreateBucketIfNotExists(bucketListingVersions)
	if err != nil {
		return data.ListingVersion{}, fmt.Errorf("store: listing versions bucket: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return data.ListingVersion{}, fmt.Errorf("store: listing version sequence: %w", err)
	}
	v := data.ListingVersion{Seq: seq, SupplierID: id, At: now, Actor: actor, Fields: slices.Clone(fields),
		Previous: prev, PreviousProvenance: prevProv, Undoes: undoes}
	if err := put(b, versionKey(id, seq), v); err != nil {
		return data.ListingVersion{}, err
	}
	changed.add(id)
	detail := "champs modifiés : " + strings.Join(fields, ", ")
	if undoes > 0 {
		detail = fmt.Sprintf("modification %d annulée (%s)", undoes, strings.Join(fields, ", "))
	}
	return v, appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: action, Entity: supplierEntity(id), Detail: detail})
}

func versionKey(id string, seq uint64) string { return id + "|" + fmt.Sprintf("%016x", seq) }

// ListingVersions returns the versions of a supplier's listing, newest
// first.
func (s *Store) ListingVersions(ctx context.Context, id string) ([]data.ListingVersion, error) {
	var out []data.ListingVersion
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketListingVersions)
		if b == nil {
			return nil
		}
		prefix := []byte(id + "|")
		c := b.Cursor()
		for k, raw := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, raw = c.Next() {
			if len(k) != len(prefix)+16 {
				continue
			}
			var v data.ListingVersion
			if err := decode("listing version", string(k), raw, &v); err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	slices.Reverse(out)
	return out, err
}

// LogoKey is the key under which a logo's bytes are stored.
func LogoKey(png []byte) string {
	sum := sha256.Sum256(png)
	return hex.EncodeToString(sum[:16])
}

// SetLogo stores the logo's bytes (a PNG the caller has checked and
// re-encoded) and makes it the supplier's logo, as one listing edit.
// Replaced logos are kept, so that the edit can be undone.
func (s *Store) SetLogo(ctx context.Context, id, actor string, png []byte, p data.Provenance) (data.ListingVersion, error) {
	if len(png) == 0 || len(png) > MaxLogoBytes {
		return data.ListingVersion{}, fmt.Errorf("store: logo of %d bytes: %w", len(png), data.ErrTooLarge)
	}
	if err := validActor(actor); err != nil {
		return data.ListingVersion{}, err
	}
	key := LogoKey(png)
	p.Owner = true
	now := s.stamp()
	var v data.ListingVersion
	err := s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		b, err := tx.CreateBucketIfNotExists(bucketLogos)
		if err != nil {
			return fmt.Errorf("store: logos bucket: %w", err)
		}
		if b.Get([]byte(key)) == nil {
			if err := b.Put([]byte(key), png); err != nil {
				return fmt.Errorf("store: logo: %w", err)
			}
		}
		v, err = editListingTx(tx, changed, id, actor, now, "listing.logo", 0, func(sup *data.Supplier) ([]string, error) {
			if sup.Logo == key {
				return nil, nil
			}
			sup.Logo = key
			sup.SetProvenance(data.FieldLogo, p)
			return []string{data.FieldLogo}, nil
		})
		return err
	})
	return v, err
}

// Logo returns the bytes of the logo with that key.
func (s *Store) Logo(ctx context.Context, key string) ([]byte, error) {
	var out []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var raw []byte
		if b := tx.Bucket(bucketLogos); b != nil {
			raw = b.Get([]byte(key))
		}
		if raw == nil {
			return fmt.Errorf("store: logo %q: %w", key, data.ErrNotFound)
		}
		out = slices.Clone(raw) // bbolt's bytes die with the transaction
		return nil
	})
	return out, err
}
