package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// timeKeyLayout is RFC 3339 in UTC with a fixed nine-digit fraction: unlike
// time.RFC3339Nano, which trims trailing zeros, its strings sort in time
// order.
const timeKeyLayout = data.StampLayout

// timeKey formats t for use in a sorted key.
func timeKey(t time.Time) string { return t.UTC().Format(timeKeyLayout) }

// parseTimeKey reads a time written by timeKey.
func parseTimeKey(s string) (time.Time, error) { return time.Parse(timeKeyLayout, s) }

// maxKeyLen bounds the ids and URLs used in keys, well below bbolt's 32 KiB.
const maxKeyLen = 2048

// encode marshals a record as JSON.
func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode %T: %w", v, err)
	}
	return b, nil
}

// get decodes the record at key into v; what names the record in errors.
// It reports false when the key is absent. bbolt's bytes are decoded inside
// the transaction and never kept.
func get(b *bolt.Bucket, what, key string, v any) (bool, error) {
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := decode(what, key, raw, v); err != nil {
		return true, err
	}
	return true, nil
}

// decode unmarshals a stored record; what and key name it in errors.
func decode(what, key string, raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("store: decode %s %q: %w", what, key, err)
	}
	return nil
}

// put encodes v and stores it at key.
func put(b *bolt.Bucket, key string, v any) error {
	raw, err := encode(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// lastField returns what follows the last "|" of an index key: the record
// id of a multi-valued index whose ids never contain "|".
func lastField(key string) string {
	if i := strings.LastIndexByte(key, '|'); i >= 0 {
		return key[i+1:]
	}
	return ""
}

// afterFirst returns what follows the first "|" of an index key: the record
// id when the prefix has no "|" but the id may.
func afterFirst(key string) string {
	if i := strings.IndexByte(key, '|'); i >= 0 {
		return key[i+1:]
	}
	return ""
}
