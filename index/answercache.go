package index

// AnswerCache keeps answers derived from the index — an encoded API
// response, a rendered fragment — for the index version they were computed
// on, so that a caller can skip both the search and its own work on a
// repeated query without ever serving an answer older than the last write.
// Safe for concurrent use; a nil cache is disabled.
type AnswerCache[V any] struct {
	ix      *Index
	entries *lru[V]
}

// NewAnswerCache returns a cache of at most size answers over ix; nil when
// size is negative.
func NewAnswerCache[V any](ix *Index, size int) *AnswerCache[V] {
	if size < 0 || ix == nil {
		return nil
	}
	return &AnswerCache[V]{ix: ix, entries: newLRU[V](size)}
}

// Lookup returns the answer cached for key at the current version. On a
// miss it returns the version to compute the answer for: read before the
// search, so that an answer computed while a write lands is filed under
// the older version and never served after it.
func (a *AnswerCache[V]) Lookup(key string) (answer V, version uint64, ok bool) {
	if a == nil {
		return answer, 0, false
	}
	version = a.ix.version.Load()
	answer, ok = a.entries.get(cacheKey{version: version, query: key})
	return answer, version, ok
}

// Store files answer under key for version, unless the index has moved on
// since (the entry could never be served).
func (a *AnswerCache[V]) Store(version uint64, key string, answer V) {
	if a == nil || a.ix.version.Load() != version {
		return
	}
	a.entries.put(cacheKey{version: version, query: key}, answer)
}
