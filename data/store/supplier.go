package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

var hashKeyRe = regexp.MustCompile(`^x[0-9a-f]{16}$`)

// validSupplier checks the store key of a supplier: a valid SIREN, equal
// to the SIREN field when both are set, or an "x" key of data.SupplierKey.
func validSupplier(sup *data.Supplier) error {
	id := sup.ID
	switch {
	case id == "":
		return invalid("ID", id, "identifiant de l'entreprise absent")
	case hashKeyRe.MatchString(id):
		return nil
	case len(id) == 9:
		if err := data.ValidSIREN(id); err != nil {
			return fmt.Errorf("store: supplier %q: %w", id, err)
		}
		if sup.SIREN != "" && sup.SIREN != id {
			return invalid("SIREN", sup.SIREN, "le SIREN diffère de l'identifiant "+id)
		}
		return nil
	}
	return invalid("ID", id, "identifiant attendu : un SIREN (9 chiffres) ou une clé « x » suivie de 16 chiffres hexadécimaux")
}

// invalid builds a validation error for the user, wrapping data.ErrInvalid.
func invalid(field, value, msg string) error {
	return fmt.Errorf("store: %w", &data.ValidationError{Field: field, Value: value, Message: msg})
}

// supplierEntries lists the index entries a supplier owns.
func supplierEntries(s *data.Supplier) []entry {
	id := s.ID
	var out []entry
	seen := map[string]bool{}
	add := func(e entry) {
		if !seen[e.id()] && len(e.key) <= maxKeyLen {
			seen[e.id()] = true
			out = append(out, e)
		}
	}
	for _, siret := range s.SIRETs() {
		add(uniqueEntry(bucketSIRET, "SIRET", siret, id))
	}
	for _, dep := range supplierDepartements(s) {
		add(multiEntry(bucketDepartement, "département", dep+"|"+id))
	}
	for _, t := range s.LabelTypes() {
		if t != "" && !strings.Contains(string(t), "|") {
			add(multiEntry(bucketLabel, "label", string(t)+"|"+id))
		}
	}
	add(multiEntry(bucketUpdated, "date de mise à jour", timeKey(s.UpdatedAt)+"|"+id))
	if name := data.NormalizeName(s.Name); name != "" {
		for _, pc := range supplierPostcodes(s) {
			add(multiEntry(bucketName, "nom", name+"|"+pc+"|"+id))
		}
	}
	return out
}

// supplierDepartements returns the départements of the address and of the
// establishments: a company is found where it has sites.
func supplierDepartements(s *data.Supplier) []string {
	deps := []string{s.Address.Departement}
	for _, e := range s.Establishments {
		deps = append(deps, e.Address.Departement)
	}
	return cleanSet(deps)
}

// supplierPostcodes returns the postcodes of the address and of the
// establishments, under which the company's name is indexed.
func supplierPostcodes(s *data.Supplier) []string {
	pcs := []string{s.Address.Postcode}
	for _, e := range s.Establishments {
		pcs = append(pcs, e.Address.Postcode)
	}
	return cleanSet(pcs)
}

// cleanSet trims, drops empty values and values with the key separator,
// and removes duplicates, keeping order.
func cleanSet(in []string) []string {
	var out []string
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v != "" && !strings.Contains(v, "|") && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// loadSupplier reads a supplier inside tx; found is false when absent.
func loadSupplier(tx *bolt.Tx, id string) (data.Supplier, bool, error) {
	var sup data.Supplier
	found, err := get(tx.Bucket(bucketSuppliers), "supplier", id, &sup)
	return sup, found, err
}

// writeSupplier stores next in place of old (nil for a new record) and
// moves its index entries. Conflicts are detected before anything is
// written, so a refused record leaves the transaction clean.
func writeSupplier(tx *bolt.Tx, old, next *data.Supplier) error {
	if len(next.ID) > maxKeyLen {
		return invalid("ID", next.ID[:64], "identifiant trop long")
	}
	var oldEntries []entry
	if old != nil {
		oldEntries = supplierEntries(old)
	}
	nextEntries := supplierEntries(next)
	if err := checkUnique(tx, next.ID, nextEntries); err != nil {
		return fmt.Errorf("store: supplier %s: %w", next.ID, err)
	}
	if err := put(tx.Bucket(bucketSuppliers), next.ID, next); err != nil {
		return err
	}
	if err := putMatchProfile(tx, next); err != nil { // matchprofile.go
		return err
	}
	return syncEntries(tx, next.ID, oldEntries, nextEntries)
}

// deleteSupplierTx removes a supplier and its index entries.
func deleteSupplierTx(tx *bolt.Tx, old *data.Supplier) error {
	if err := syncEntries(tx, old.ID, supplierEntries(old), nil); err != nil {
		return err
	}
	if err := deleteMatchProfile(tx, old.ID); err != nil { // matchprofile.go
		return err
	}
	return tx.Bucket(bucketSuppliers).Delete([]byte(old.ID))
}

// Supplier returns the supplier with the given id (SIREN or "x" key).
func (s *Store) Supplier(ctx context.Context, id string) (data.Supplier, error) {
	var sup data.Supplier
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var found bool
		var err error
		sup, found, err = loadSupplier(tx, id)
		if err == nil && !found {
			err = fmt.Errorf("store: supplier %q: %w", id, data.ErrNotFound)
		}
		return err
	})
	return sup, err
}

// SupplierBySIRET returns the supplier one of whose establishments has
// this SIRET.
func (s *Store) SupplierBySIRET(ctx context.Context, siret string) (data.Supplier, error) {
	var sup data.Supplier
	err := s.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketSIRET).Get([]byte(siret))
		if id == nil {
			return fmt.Errorf("store: SIRET %q: %w", siret, data.ErrNotFound)
		}
		var found bool
		var err error
		sup, found, err = loadSupplier(tx, string(id))
		if err == nil && !found {
			err = fmt.Errorf("store: SIRET %q indexes missing supplier %s: %w", siret, id, data.ErrNotFound)
		}
		return err
	})
	return sup, err
}

// PutSupplier creates or replaces a supplier. It validates the id, stamps
// UpdatedAt (and CreatedAt for a new record, unless given), maintains every
// index and appends an audit entry, all in one transaction. A SIRET held by
// another supplier fails with data.ErrConflict.
func (s *Store) PutSupplier(ctx context.Context, sup data.Supplier, actor string) error {
	if err := validSupplier(&sup); err != nil {
		return err
	}
	if err := validActor(actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		old, found, err := loadSupplier(tx, sup.ID)
		if err != nil {
			return err
		}
		var oldPtr *data.Supplier
		action, detail := "supplier.create", "fiche créée"
		if found {
			oldPtr = &old
			sup.CreatedAt = old.CreatedAt
			action, detail = "supplier.update", "fiche mise à jour"
		} else if sup.CreatedAt.IsZero() {
			sup.CreatedAt = now
		}
		sup.UpdatedAt = now
		if err := writeSupplier(tx, oldPtr, &sup); err != nil {
			return err
		}
		changed.add(sup.ID)
		return appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: action,
			Entity: supplierEntity(sup.ID), Detail: detail})
	})
}

// DeleteSupplier removes a supplier and its index entries, and records who
// did it. Claims and awards that name it are kept, as history.
func (s *Store) DeleteSupplier(ctx context.Context, id, actor string) error {
	if err := validActor(actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		old, found, err := loadSupplier(tx, id)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("store: delete supplier %q: %w", id, data.ErrNotFound)
		}
		if err := deleteSupplierTx(tx, &old); err != nil {
			return err
		}
		changed.add(id)
		return appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "supplier.delete",
			Entity: supplierEntity(id), Detail: "fiche supprimée : " + old.Name})
	})
}

func supplierEntity(id string) string { return "supplier:" + id }

// Suppliers calls fn for every supplier in id order. Records are read in
// chunks, each in its own short read transaction, and fn runs outside any
// transaction, so it may take its time or write to the store. A supplier
// written during the walk may or may not be seen. An error from fn stops
// the walk and is returned as is.
func (s *Store) Suppliers(ctx context.Context, fn func(data.Supplier) error) error {
	return walk(ctx, s, bucketSuppliers, "supplier", fn)
}

// CountSuppliers returns the number of suppliers. Every supplier has
// exactly one entry in the updated-at index (Check verifies it), and the
// checksum kept over that index counts them: O(1), where counting the keys
// would touch every page of the bucket (checksum.go).
func (s *Store) CountSuppliers(ctx context.Context) (int, error) {
	n, _, err := s.checksum(ctx, bucketUpdated)
	return n, err
}

// Ping reports whether the store answers a read transaction.
func (s *Store) Ping(ctx context.Context) error {
	return s.view(ctx, func(*bolt.Tx) error { return nil })
}
