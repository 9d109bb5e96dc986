package store

import "slices"

// OnChange registers fn to be called after each committed write that
// changed suppliers, with their ids (deleted ones included), in the order
// they were written. fn runs synchronously on the writer's goroutine, after
// the transaction: it may read or write the store but should return
// quickly. cancel unregisters it.
func (s *Store) OnChange(fn func(ids []string)) (cancel func()) {
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

func (s *Store) notify(ids []string) {
	if len(ids) == 0 {
		return
	}
	s.mu.Lock()
	fns := make([]func([]string), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(append([]string(nil), ids...)) // each subscriber may keep its slice
	}
}

// changeSet collects the supplier ids a transaction changed, once each,
// and the tender ids it wrote.
type changeSet struct {
	ids     []string
	seen    map[string]bool
	tenders []string
	awards  []string // award ids written (award_changes.go)
}

func (c *changeSet) addTender(id string) {
	if !slices.Contains(c.tenders, id) {
		c.tenders = append(c.tenders, id)
	}
}

func (c *changeSet) add(id string) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if !c.seen[id] {
		c.seen[id] = true
		c.ids = append(c.ids, id)
	}
}

func (c *changeSet) list() []string { return c.ids }
