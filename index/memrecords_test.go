package index_test

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"fabrique/data"
)

// memRecords are the records of an in-memory source (suppliers or
// tenders) by id, which writes may change while they are walked, like the
// store's.
type memRecords[T any] struct {
	mu sync.Mutex
	m  map[string]T
	// walks counts the calls to walk.
	walks int
}

func newMemRecords[T any](xs []T, id func(*T) string) memRecords[T] {
	m := make(map[string]T, len(xs))
	for i := range xs {
		m[id(&xs[i])] = xs[i]
	}
	return memRecords[T]{m: m}
}

// ids returns the ids, sorted.
func (s *memRecords[T]) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.m))
	for id := range s.m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// walk calls fn for every record in id order, skipping those deleted
// since the walk began.
func (s *memRecords[T]) walk(ctx context.Context, fn func(T) error) error {
	s.mu.Lock()
	s.walks++
	s.mu.Unlock()
	for _, id := range s.ids() {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.mu.Lock()
		x, ok := s.m[id]
		s.mu.Unlock()
		if !ok {
			continue
		}
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

// lookup returns one record, or an error wrapping data.ErrNotFound.
func (s *memRecords[T]) lookup(id string) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[id]
	if !ok {
		return x, fmt.Errorf("memsource: %s: %w", id, data.ErrNotFound)
	}
	return x, nil
}

func (s *memRecords[T]) put(id string, x T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id] = x
}

func (s *memRecords[T]) remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

func (s *memRecords[T]) get(id string) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id]
}

// walkPause stops a walk at its at-th record until released, so that a
// test can write while a rebuild is in progress.
type walkPause struct {
	at      int
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

func newWalkPause(at int) *walkPause {
	return &walkPause{at: at, reached: make(chan struct{}), release: make(chan struct{})}
}

// pausing wraps the fn of one walk (p nil: fn).
func pausing[T any](p *walkPause, fn func(T) error) func(T) error {
	if p == nil {
		return fn
	}
	n := 0
	return func(x T) error {
		if n++; n == p.at {
			p.once.Do(func() { close(p.reached); <-p.release })
		}
		return fn(x)
	}
}
