package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// OnAwardChange registers fn to be called after each committed write
// that changed awards, with their ids, like OnTenderChange. fn runs
// synchronously on the writer's goroutine, after the transaction.
// cancel unregisters it.
func (s *Store) OnAwardChange(fn func(ids []string)) (cancel func()) {
	return s.subscribe(&s.awardSubs, fn)
}

func (s *Store) notifyAwards(ids []string) { s.notifySubs(&s.awardSubs, ids) }

// subscribe adds fn to the subscribers *subs; cancel removes it.
func (s *Store) subscribe(subs *map[int]func([]string), fn func(ids []string)) (cancel func()) {
	s.mu.Lock()
	if *subs == nil {
		*subs = map[int]func([]string){}
	}
	id := s.nextSub
	s.nextSub++
	(*subs)[id] = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(*subs, id)
		s.mu.Unlock()
	}
}

// notifySubs calls every subscriber of subs with its own copy of ids,
// outside the lock.
func (s *Store) notifySubs(subs *map[int]func([]string), ids []string) {
	if len(ids) == 0 {
		return
	}
	s.mu.Lock()
	fns := make([]func([]string), 0, len(*subs))
	for _, fn := range *subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(append([]string(nil), ids...))
	}
}

// Award returns the award with the given id.
func (s *Store) Award(ctx context.Context, id string) (data.Award, error) {
	var a data.Award
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketAwards), "award", id, &a)
		if err == nil && !found {
			err = fmt.Errorf("store: award %q: %w", id, data.ErrNotFound)
		}
		return err
	})
	return a, err
}
