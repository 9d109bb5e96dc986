package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// MarkNotRefound is called after a complete crawl of source that started
// at runStart: every label from that source last seen before runStart, and
// not already marked, gets NotRefoundSince = now. Labels are never deleted.
// It returns how many labels it marked. The candidates are found with
// chunked reads, then marked in one transaction that re-checks each one.
func (s *Store) MarkNotRefound(ctx context.Context, source string, runStart time.Time) (int, error) {
	if strings.TrimSpace(source) == "" {
		return 0, invalid("source", "", "source de collecte absente")
	}
	stale := func(l data.Label) bool {
		return l.Source == source && l.LastSeen.Before(runStart) && l.NotRefoundSince.IsZero()
	}
	var candidates []string
	err := s.Suppliers(ctx, func(sup data.Supplier) error {
		for _, l := range sup.Labels {
			if stale(l) {
				candidates = append(candidates, sup.ID)
				break
			}
		}
		return nil
	})
	if err != nil || len(candidates) == 0 {
		return 0, err
	}
	now := s.stamp()
	marked := 0
	err = s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		marked = 0
		for _, id := range candidates {
			sup, found, err := loadSupplier(tx, id)
			if err != nil {
				return err
			}
			if !found {
				continue // deleted since the scan
			}
			old := sup
			sup.Labels = append([]data.Label(nil), sup.Labels...)
			var types []string
			for i, l := range sup.Labels {
				if stale(l) {
					sup.Labels[i].NotRefoundSince = now
					types = append(types, string(l.Type))
				}
			}
			if len(types) == 0 {
				continue
			}
			marked += len(types)
			sup.UpdatedAt = now
			if err := writeSupplier(tx, &old, &sup); err != nil {
				return err
			}
			changed.add(id)
			err = appendAudit(tx, data.AuditEntry{At: now, Actor: "crawler:" + source, Action: "supplier.label_not_refound",
				Entity: supplierEntity(id), Detail: fmt.Sprintf("label %s non retrouvé lors de la collecte complète « %s »", strings.Join(types, ", "), source)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return marked, nil
}

// MarkSeen records that the labels from source of the given suppliers were
// seen again now, without a new extraction: the crawler calls it when a
// page it knows (data.PageState.Keys) answers 304 Not Modified. A label
// that had been marked not re-found is restored, which changes the
// supplier. Unknown ids are skipped. It returns how many suppliers it
// found.
func (s *Store) MarkSeen(ctx context.Context, source string, ids []string, actor string) (int, error) {
	if err := validActor(actor); err != nil {
		return 0, err
	}
	now := s.stamp()
	seen := 0
	err := s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		seen = 0
		for _, id := range ids {
			sup, found, err := loadSupplier(tx, id)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			seen++
			old := sup
			sup.Labels = append([]data.Label(nil), sup.Labels...)
			restored, touched := false, false
			for i, l := range sup.Labels {
				if l.Source != source {
					continue
				}
				touched = true
				sup.Labels[i].LastSeen = now
				if !l.NotRefoundSince.IsZero() {
					sup.Labels[i].NotRefoundSince = time.Time{}
					restored = true
				}
			}
			if !touched {
				continue
			}
			if restored {
				sup.UpdatedAt = now
			}
			if err := writeSupplier(tx, &old, &sup); err != nil {
				return err
			}
			if !restored {
				continue
			}
			changed.add(id)
			err = appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "supplier.label_refound",
				Entity: supplierEntity(id), Detail: "label de nouveau trouvé dans « " + source + " »"})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return seen, nil
}
