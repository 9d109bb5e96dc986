package index

import (
	"encoding/binary"

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
// The values seen are bounded per field (maxSharedValues single values,
// as many lists): past that, fields with new values build maps of their
// own, as before.
type sharedTerms struct {
	one  *memo[*sharedEntry] // the value of a one-value field → its entry
	many *memo[*sharedEntry] // key(values) → its entry
}

func newSharedTerms() *sharedTerms {
	return &sharedTerms{one: newMemo[*sharedEntry](maxSharedValues), many: newMemo[*sharedEntry](maxSharedValues)}
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
	e, ok := s.byValues(f.values).get(s.key(f.values))
	if !ok {
		return false
	}
	f.length, f.freqs, f.termBytes = e.length, e.freqs, e.termBytes
	return true
}

// keep shares the map f has just built, unless the field has reached its
// bound.
func (s *sharedTerms) keep(f *flatField) {
	m := s.byValues(f.values)
	if m.full() { // past the bound, nothing to build
		return
	}
	m.put(s.key(f.values), &sharedEntry{length: f.length, freqs: f.freqs, termBytes: f.termBytes})
}

func (s *sharedTerms) byValues(vs []string) *memo[*sharedEntry] {
	if len(vs) == 1 {
		return s.one
	}
	return s.many
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
