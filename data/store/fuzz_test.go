package store

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseSchemaVersion: whatever sits in meta, parsing never panics and
// accepts only the canonical decimal form.
func FuzzParseSchemaVersion(f *testing.F) {
	for _, s := range []string{"0", "1", "01", "-1", "", "9999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseSchemaVersion(s)
		if err != nil {
			return
		}
		digitsOnly := s != "" && strings.Trim(s, "0123456789") == ""
		if v < 0 || !digitsOnly || (len(s) > 1 && s[0] == '0') {
			t.Errorf("parseSchemaVersion(%q) = %d, accepted a non-canonical form", s, v)
		}
	})
}

// FuzzIndexKeys: the record id read back from an index key is the id that
// was put in, for every key shape the store builds.
func FuzzIndexKeys(f *testing.F) {
	f.Add("25", "552100554", "supplier:552100554", uint64(7), int64(0))
	f.Add("2A", "x0123456789abcdef", "tender:boamp:26-1|2", uint64(1<<40), int64(1775000000123456789))
	f.Fuzz(func(t *testing.T, prefix, id, entity string, seq uint64, nanos int64) {
		if strings.Contains(id, "|") || strings.Contains(prefix, "|") {
			return // ids and prefixes with the separator are refused before indexing
		}
		if got := lastField(prefix + "|" + id); got != id {
			t.Errorf("lastField(%q) = %q, want %q", prefix+"|"+id, got, id)
		}
		if got := afterFirst(prefix + "|" + id); got != id {
			t.Errorf("afterFirst(%q) = %q, want %q", prefix+"|"+id, got, id)
		}
		if got, ok := parseSeqHex(auditEntityKey(entity, seq)); !ok || got != seq {
			t.Errorf("parseSeqHex(auditEntityKey(%q, %d)) = %d, %t", entity, seq, got, ok)
		}
		at := time.Unix(0, nanos).UTC()
		if at.Year() < 0 || at.Year() > 9999 {
			return
		}
		back, err := parseTimeKey(timeKey(at))
		if err != nil || !back.Equal(at) {
			t.Errorf("time key of %v read back as %v, %v", at, back, err)
		}
		later := at.Add(time.Duration(1 + seq%1e9))
		if later.Year() <= 9999 && timeKey(later) <= timeKey(at) {
			t.Errorf("time keys do not sort: %s <= %s", timeKey(later), timeKey(at))
		}
	})
}
