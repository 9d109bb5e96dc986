package index

import (
	"container/list"
	"sync"
)

// cacheKey keys the index's caches: an entry is only ever served for the
// index version it was computed on (the version changes with every write
// and swap), so a cached answer never outlives its data; stale entries
// just age out.
type cacheKey struct {
	version uint64
	query   string
}

// lru is a small least-recently-used cache, safe for concurrent use. A nil
// cache is disabled: get misses and put does nothing. Values are stored
// and returned as they are; callers copy what they could modify.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[cacheKey]*list.Element
}

type lruItem[V any] struct {
	key cacheKey
	val V
}

// newLRU returns a cache of max entries; nil when max is negative.
func newLRU[V any](max int) *lru[V] {
	if max < 0 {
		return nil
	}
	return &lru[V]{max: max, ll: list.New(), items: map[cacheKey]*list.Element{}}
}

func (c *lru[V]) get(k cacheKey) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return zero, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*lruItem[V]).val, true
}

func (c *lru[V]) put(k cacheKey, v V) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.Value = &lruItem[V]{key: k, val: v}
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&lruItem[V]{key: k, val: v})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*lruItem[V]).key)
	}
}
