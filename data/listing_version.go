package data

import (
	"encoding/json"
	"fmt"
	"time"
)

// ListingVersion records one edit of a company's listing: who made it,
// when, which fields it changed and what they held before, so that the
// edit can be shown and undone.
type ListingVersion struct {
	Seq        uint64    `json:"seq"` // assigned by the store, increasing per supplier
	SupplierID string    `json:"supplier_id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"` // account id
	Fields     []string  `json:"fields"`
	// Previous holds the JSON value of each field before the edit; a field
	// absent from it was empty.
	Previous map[string]json.RawMessage `json:"previous,omitempty"`
	// PreviousProvenance holds each field's provenance before the edit; a
	// field absent from it had none.
	PreviousProvenance map[string]Provenance `json:"previous_provenance,omitempty"`
	// Undoes is the Seq of the version this one cancelled, 0 for an edit.
	Undoes uint64 `json:"undoes,omitempty"`
}

// SnapshotFields returns the JSON values and provenances of the named
// supplier fields (JSON names, the Field* constants), for a ListingVersion.
func SnapshotFields(s Supplier, fields []string) (map[string]json.RawMessage, map[string]Provenance, error) {
	all, err := supplierFields(s)
	if err != nil {
		return nil, nil, err
	}
	vals, prov := map[string]json.RawMessage{}, map[string]Provenance{}
	for _, f := range fields {
		if v, ok := all[f]; ok {
			vals[f] = v
		}
		if p, ok := s.Provenance[f]; ok {
			prov[f] = p
		}
	}
	return vals, prov, nil
}

// ChangedFields returns those of the named fields whose value or
// provenance differs between before and after, in the order given: an
// undo that would restore what is already there changes nothing.
func ChangedFields(before, after Supplier, fields []string) ([]string, error) {
	bv, bp, err := SnapshotFields(before, fields)
	if err != nil {
		return nil, err
	}
	av, ap, err := SnapshotFields(after, fields)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range fields {
		p, hadP := bp[f]
		q, hasP := ap[f]
		sameProv := hadP == hasP && p.Source == q.Source && p.SourceURL == q.SourceURL && p.Owner == q.Owner && p.FetchedAt.Equal(q.FetchedAt)
		if !sameProv || string(bv[f]) != string(av[f]) {
			out = append(out, f)
		}
	}
	return out, nil
}

// RestoreFields sets the named fields of s back to the values and
// provenances of a snapshot (see SnapshotFields): a field absent from
// vals becomes empty, one absent from prov loses its provenance.
func RestoreFields(s *Supplier, fields []string, vals map[string]json.RawMessage, prov map[string]Provenance) error {
	all, err := supplierFields(*s)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if v, ok := vals[f]; ok {
			all[f] = v
		} else {
			delete(all, f)
		}
	}
	raw, err := json.Marshal(all)
	if err != nil {
		return fmt.Errorf("data: restore fields: %w", err)
	}
	var out Supplier
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("data: restore fields: %w", err)
	}
	out.Provenance = s.Provenance
	*s = out
	for _, f := range fields {
		if p, ok := prov[f]; ok {
			s.SetProvenance(f, p)
		} else {
			delete(s.Provenance, f)
		}
	}
	return nil
}

// supplierFields is the supplier as its JSON fields.
func supplierFields(s Supplier) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("data: supplier fields: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("data: supplier fields: %w", err)
	}
	return all, nil
}

// Invite is an invitation to join a company's team, sent by e-mail as a
// single-use link. Only the hash of the link's token is kept.
type Invite struct {
	TokenHash  string    `json:"token_hash"`
	SupplierID string    `json:"supplier_id"`
	Email      string    `json:"email"`      // the address invited; only its account may accept
	InvitedBy  string    `json:"invited_by"` // account id
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UsedAt     time.Time `json:"used_at,omitzero"`
	UsedBy     string    `json:"used_by,omitempty"` // account id
	// RevokedAt is when a manager of the team cancelled the invitation
	// before it was used; RevokedBy is who (an account id).
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	RevokedBy string    `json:"revoked_by,omitempty"`
}
