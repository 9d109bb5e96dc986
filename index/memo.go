package index

import (
	"sync"
	"sync/atomic"
)

// memo is a map shared by the indexing workers that remembers answers to
// pure questions (a word's stem, the term map of a field's values, what a
// category is), and stops growing at its bound: past it, callers compute
// the answer each time. It is sharded so that the two workers of a
// rebuild rarely wait on each other, and typed (a sync.Map boxes each key
// it is asked, an allocation per lookup on a rebuild's hottest path). The
// zero value is not usable: set limit.
type memo[V any] struct {
	shards [16]struct {
		mu sync.RWMutex
		m  map[string]V
	}
	size  atomic.Int64
	limit int64
}

func newMemo[V any](limit int64) *memo[V] { return &memo[V]{limit: limit} }

// memoShard spreads keys over the shards by their ends and length.
func memoShard[T string | []byte](key T) int {
	if len(key) == 0 {
		return 0
	}
	return int(key[0]^key[len(key)-1]^byte(len(key))) & 15
}

func (m *memo[V]) get(key string) (V, bool) {
	sh := &m.shards[memoShard(key)]
	sh.mu.RLock()
	v, ok := sh.m[key]
	sh.mu.RUnlock()
	return v, ok
}

// getBytes is get for a key still in bytes, without making it a string.
func (m *memo[V]) getBytes(key []byte) (V, bool) {
	sh := &m.shards[memoShard(key)]
	sh.mu.RLock()
	v, ok := sh.m[string(key)]
	sh.mu.RUnlock()
	return v, ok
}

// full reports whether the memo stopped growing.
func (m *memo[V]) full() bool { return m.size.Load() >= m.limit }

// put keeps v at key unless the key has an answer already or the memo is
// full, and reports whether it kept it.
func (m *memo[V]) put(key string, v V) bool {
	if m.full() {
		return false
	}
	sh := &m.shards[memoShard(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.m[key]; ok {
		return false
	}
	if sh.m == nil {
		sh.m = map[string]V{}
	}
	sh.m[key] = v
	m.size.Add(1)
	return true
}

// each calls fn for every entry (tests).
func (m *memo[V]) each(fn func(key string, v V)) {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.RLock()
		for k, v := range sh.m {
			fn(k, v)
		}
		sh.mu.RUnlock()
	}
}
