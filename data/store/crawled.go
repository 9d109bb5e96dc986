package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// UpsertResult reports what a batch of crawled listings did to the store.
type UpsertResult struct {
	New       int
	Updated   int
	Unchanged int
	// IDs are the suppliers created or changed, in batch order.
	IDs []string
	// Rejected are the listings left out, each error naming the listing and
	// wrapping data.ErrInvalid (bad key) or data.ErrConflict (a SIRET
	// already held by another company). The rest of the batch is written.
	Rejected []error
}

// Rules by which a crawled listing was recognised as a stored company,
// recorded in data.MergeRecord.Rule.
const (
	ruleID    = "id"
	ruleSIREN = "siren"
	ruleName  = "name+postcode"
)

// outcome is what upserting one listing did.
type outcome int

const (
	unchanged outcome = iota
	created
	updated
)

// UpsertCrawled merges a batch of crawled listings into the store in one
// transaction. Each listing is matched to a stored company by id, else by
// any of its SIRETs (or its SIREN), else by normalised name and postcode
// when that names exactly one company; it is then merged with
// data.MergeCrawled, which keeps owner-declared fields. A listing without
// an id gets data.SupplierKey. Unchanged listings are saved for their
// labels' LastSeen but keep their UpdatedAt and are not audited.
func (s *Store) UpsertCrawled(ctx context.Context, batch []data.Supplier, actor string) (UpsertResult, error) {
	if err := validActor(actor); err != nil {
		return UpsertResult{}, err
	}
	now := s.stamp()
	var res UpsertResult
	err := s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		res = UpsertResult{}
		for i, crawled := range batch {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("store: %w", err)
			}
			id, out, err := upsertOne(tx, crawled, actor, now)
			if errors.Is(err, data.ErrConflict) || errors.Is(err, data.ErrInvalid) {
				res.Rejected = append(res.Rejected, fmt.Errorf("store: listing %d (%s): %w", i, crawled.Name, err))
				continue
			}
			if err != nil {
				return err
			}
			switch out {
			case created:
				res.New++
			case updated:
				res.Updated++
			default:
				res.Unchanged++
				continue
			}
			if !changed.seen[id] { // a company listed twice in the batch is reported once
				res.IDs = append(res.IDs, id)
			}
			changed.add(id)
		}
		return nil
	})
	if err != nil {
		return UpsertResult{}, err
	}
	return res, nil
}

// upsertOne merges one listing inside tx and returns the stored id. Errors
// wrapping data.ErrConflict or data.ErrInvalid leave tx untouched; others
// abort the batch.
func upsertOne(tx *bolt.Tx, crawled data.Supplier, actor string, now time.Time) (string, outcome, error) {
	if crawled.ID == "" {
		crawled.ID = data.SupplierKey(crawled.SIREN, crawled.Name, crawled.Address.Postcode)
	}
	if err := validSupplier(&crawled); err != nil {
		return "", unchanged, err
	}
	existing, rule, err := findExisting(tx, &crawled)
	if err != nil {
		return "", unchanged, err
	}
	if existing != nil && rule != ruleID {
		crawled.Merges = append(crawled.Merges, data.MergeRecord{
			Source: listingSource(&crawled, actor), SourceKey: crawled.ID, Rule: rule, At: now})
	}
	merged, isChanged := data.MergeCrawled(existing, crawled, now)
	out, action, detail := created, "supplier.create", "fiche créée par la collecte"
	if existing == nil {
		merged.CreatedAt, merged.UpdatedAt = now, now
	} else {
		out, action, detail = updated, "supplier.crawl", "fiche mise à jour par la collecte"
		if rule != ruleID {
			detail += " (rapprochée par " + ruleFR(rule) + ")"
		}
		merged.ID = existing.ID // the store key never moves
		merged.CreatedAt = existing.CreatedAt
		merged.UpdatedAt = existing.UpdatedAt
		if isChanged {
			merged.UpdatedAt = now
		} else {
			out = unchanged
		}
	}
	if err := validSupplier(&merged); err != nil {
		return "", unchanged, err
	}
	if err := writeSupplier(tx, existing, &merged); err != nil {
		return "", unchanged, err
	}
	if out == unchanged {
		return merged.ID, out, nil
	}
	err = appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: action,
		Entity: supplierEntity(merged.ID), Detail: detail})
	return merged.ID, out, err
}

func ruleFR(rule string) string {
	if rule == ruleSIREN {
		return "SIREN"
	}
	return "nom et code postal"
}

// findExisting looks for the stored company a listing describes.
func findExisting(tx *bolt.Tx, crawled *data.Supplier) (*data.Supplier, string, error) {
	load := func(id, rule string) (*data.Supplier, string, error) {
		sup, found, err := loadSupplier(tx, id)
		if err != nil || !found {
			return nil, "", err
		}
		return &sup, rule, nil
	}
	if sup, rule, err := load(crawled.ID, ruleID); sup != nil || err != nil {
		return sup, rule, err
	}
	sirets := tx.Bucket(bucketSIRET)
	for _, siret := range crawled.SIRETs() {
		if id := sirets.Get([]byte(siret)); id != nil {
			return load(string(id), ruleSIREN)
		}
	}
	if data.ValidSIREN(crawled.SIREN) == nil {
		// An establishment of the same company is indexed under a SIRET
		// that starts with the SIREN.
		if keys := prefixKeys(sirets, crawled.SIREN); len(keys) > 0 {
			return load(string(sirets.Get([]byte(keys[0]))), ruleSIREN)
		}
	}
	name := data.NormalizeName(crawled.Name)
	if name == "" {
		return nil, "", nil
	}
	var match string
	for _, pc := range supplierPostcodes(crawled) {
		for _, id := range idsWithPrefix(tx.Bucket(bucketName), name+"|"+pc+"|") {
			if match != "" && id != match {
				return nil, "", nil // two companies answer to this name here: do not guess
			}
			match = id
		}
	}
	if match == "" {
		return nil, "", nil
	}
	sup, rule, err := load(match, ruleName)
	if sup != nil && sirenDiffers(sup, crawled) {
		return nil, "", nil // same name, same town, another company
	}
	return sup, rule, err
}

// sirenDiffers reports whether both records carry a SIREN and they differ.
func sirenDiffers(a, b *data.Supplier) bool {
	sa, sb := sirenOf(a), sirenOf(b)
	return sa != "" && sb != "" && sa != sb
}

func sirenOf(s *data.Supplier) string {
	if s.SIREN != "" {
		return s.SIREN
	}
	if data.ValidSIREN(s.ID) == nil {
		return s.ID
	}
	return ""
}

// listingSource names where a crawled listing comes from, for its merge
// record: its labels' source, else its name's provenance, else the actor.
func listingSource(s *data.Supplier, actor string) string {
	for _, l := range s.Labels {
		if l.Source != "" {
			return l.Source
		}
	}
	if p, ok := s.Provenance[data.FieldName]; ok && p.Source != "" {
		return p.Source
	}
	return actor
}
