package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Mentions lists the records of the whole file whose key or value still
// holds text, case ignored, as written or as JSON escapes it: "bucket
// key" for each, the key quoted. It reads every bucket, nested ones
// included, in one read transaction: the proof, for a test or for whoever
// must give it, that an erasure left an address nowhere. (bbolt leaves
// the bytes of freed pages in the file until it reuses them; Mentions
// reads records, not pages.)
func (s *Store) Mentions(ctx context.Context, text string) ([]string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, invalid("text", "", "le texte à chercher est obligatoire")
	}
	needles := [][]byte{bytes.ToLower([]byte(text))}
	if escaped := strings.Trim(jsonString(text), `"`); escaped != text {
		needles = append(needles, bytes.ToLower([]byte(escaped)))
	}
	holds := func(b []byte) bool {
		lower := bytes.ToLower(b)
		for _, n := range needles {
			if bytes.Contains(lower, n) {
				return true
			}
		}
		return false
	}
	var out []string
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("store: %w", err)
			}
			if v == nil { // a nested bucket
				if nested := b.Bucket(k); nested != nil {
					return walk(fmt.Sprintf("%s %q", path, k), nested)
				}
			}
			if holds(k) || holds(v) {
				out = append(out, fmt.Sprintf("%s %q", path, k))
			}
			return nil
		})
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if holds(name) {
				out = append(out, string(name))
			}
			return walk(string(name), b)
		})
	})
	return out, err
}
