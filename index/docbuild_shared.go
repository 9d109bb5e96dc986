package index

import (
	"encoding/binary"
	"sync"
	"sync/atomic"

	index "github.com/blevesearch/bleve_index_api"
)

// sharedTerms holds the term maps of one keyword field by value: the
// documents whose field holds the same values get the same map, built
// once. Most keyword fields of a supplier hold codes that thousands of
// suppliers share (a département, a NAF section, a headcount band, a
// label); a rebuild of 100 000 suppliers built 2.2 million term maps,
// one per field and document, a quarter of everything it allocated, and
// half of them were the same few hundred maps again.
//
// Sharing is safe because nothing writes in a field's map once it is
// analysed: scorch's analysis and zap's segment builder only read it
// (concurrently, from the workers building two segments), with one
// exception — zap merges a document's later fields of one name into the
// first one's map. A document built by docBuilder.document adds each
// name once (TestSharedTermsMatchOwnMaps checks what the segment builder
// receives, and that the shared maps are left as built).
//
// The values seen are bounded per field (maxSharedValues): past that,
// fields with new values build maps of their own, as before.
type sharedTerms struct {
	one  sharedMap // the value of a one-value field → its entry
	many sharedMap // key(values) → its entry
	n    atomic.Int64
}

// sharedMap is a map read by the analysis workers at once: sharded, each
// shard behind its own lock, typed (a sync.Map boxed each key it was
// asked: an allocation per field and document).
type sharedMap struct {
	shards [16]struct {
		mu sync.RWMutex
		m  map[string]*sharedEntry
	}
}

func (m *sharedMap) load(key string) (*sharedEntry, bool) {
	sh := &m.shards[stemShard(key)]
	sh.mu.RLock()
	e, ok := sh.m[key]
	sh.mu.RUnlock()
	return e, ok
}

// store keeps e at key unless the key has an entry already, and reports
// whether it kept it.
func (m *sharedMap) store(key string, e *sharedEntry) bool {
	sh := &m.shards[stemShard(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.m[key]; ok {
		return false
	}
	if sh.m == nil {
		sh.m = map[string]*sharedEntry{}
	}
	sh.m[key] = e
	return true
}

// each calls fn for every entry (tests).
func (m *sharedMap) each(fn func(key string, e *sharedEntry)) {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.RLock()
		for k, e := range sh.m {
			fn(k, e)
		}
		sh.mu.RUnlock()
	}
}

type sharedEntry struct {
	length    int
	freqs     index.TokenFrequencies
	termBytes int
}

// maxSharedValues bounds the distinct values (or lists of values) kept
// per field: a few hundred départements, NAF codes and their
// combinations of labels or service areas in a real directory.
const maxSharedValues = 1 << 12

// use gives f the shared map of its values and reports whether there was
// one.
func (s *sharedTerms) use(f *flatField) bool {
	e, ok := s.byValues(f.values).load(s.key(f.values))
	if !ok {
		return false
	}
	f.length, f.freqs, f.termBytes = e.length, e.freqs, e.termBytes
	return true
}

// keep shares the map f has just built, unless the field has reached its
// bound.
func (s *sharedTerms) keep(f *flatField) {
	if s.n.Load() >= maxSharedValues {
		return
	}
	if s.byValues(f.values).store(s.key(f.values), &sharedEntry{length: f.length, freqs: f.freqs, termBytes: f.termBytes}) {
		s.n.Add(1)
	}
}

func (s *sharedTerms) byValues(vs []string) *sharedMap {
	if len(vs) == 1 {
		return &s.one
	}
	return &s.many
}

// key identifies a list of values in its map: the value itself when there
// is one, else each value preceded by its length, so that no two lists
// share a key.
func (s *sharedTerms) key(vs []string) string {
	if len(vs) == 1 {
		return vs[0]
	}
	n := 0
	for _, v := range vs {
		n += binary.MaxVarintLen64 + len(v)
	}
	key := make([]byte, 0, n)
	for _, v := range vs {
		key = binary.AppendUvarint(key, uint64(len(v)))
		key = append(key, v...)
	}
	return string(key)
}
