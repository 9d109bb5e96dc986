package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// ErrInconsistent means the file's records and indexes disagree, or bbolt
// found a damaged page. Check returns a *CheckError wrapping it.
var ErrInconsistent = errors.New("store: inconsistent data")

// CheckError lists every problem Check found, one per line.
type CheckError struct {
	Path     string
	Problems []string
	damaged  error // a page bbolt cannot read stopped the check (errDamagedPage)
}

// maxProblemsShown keeps the message readable when everything is wrong.
const maxProblemsShown = 50

func (e *CheckError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "store: check %s: %d problem(s):", e.Path, len(e.Problems))
	for i, p := range e.Problems {
		if i == maxProblemsShown {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  - " + p)
	}
	return b.String()
}

// Unwrap lets errors.Is(err, ErrInconsistent) hold, and
// errors.Is(err, errDamagedPage) when a damaged page stopped the check.
func (e *CheckError) Unwrap() []error {
	if e.damaged != nil {
		return []error{ErrInconsistent, e.damaged}
	}
	return []error{ErrInconsistent}
}

// table is a bucket of records and the index entries each one owns.
type table struct {
	what    string
	bucket  []byte
	entries func(key string, raw []byte) ([]entry, error) // decodes, checks the key
}

// index is a secondary-index bucket and how to read the record id an entry
// points to.
type index struct {
	bucket  []byte
	primary []byte
	what    string
	ref     func(key, value string) string
}

func tables() []table {
	return append([]table{
		{"supplier", bucketSuppliers, func(k string, raw []byte) ([]entry, error) {
			var s data.Supplier
			if err := decode("supplier", k, raw, &s); err != nil {
				return nil, err
			}
			if s.ID != k {
				return nil, fmt.Errorf("key %q holds supplier %q", k, s.ID)
			}
			return supplierEntries(&s), nil
		}},
		{"tender", bucketTenders, func(k string, raw []byte) ([]entry, error) {
			var t data.Tender
			if err := decode("tender", k, raw, &t); err != nil {
				return nil, err
			}
			if t.ID != k {
				return nil, fmt.Errorf("key %q holds tender %q", k, t.ID)
			}
			return tenderEntries(&t), nil
		}},
		{"award", bucketAwards, func(k string, raw []byte) ([]entry, error) {
			var a data.Award
			if err := decode("award", k, raw, &a); err != nil {
				return nil, err
			}
			if a.ID != k {
				return nil, fmt.Errorf("key %q holds award %q", k, a.ID)
			}
			return awardEntries(&a), nil
		}},
		{"account", bucketAccounts, func(k string, raw []byte) ([]entry, error) {
			var a data.Account
			if err := decode("account", k, raw, &a); err != nil {
				return nil, err
			}
			if a.ID != k {
				return nil, fmt.Errorf("key %q holds account %q", k, a.ID)
			}
			return accountEntries(&a), nil
		}},
		{"claim", bucketClaims, func(k string, raw []byte) ([]entry, error) {
			var c data.Claim
			if err := decode("claim", k, raw, &c); err != nil {
				return nil, err
			}
			if c.ID != k {
				return nil, fmt.Errorf("key %q holds claim %q", k, c.ID)
			}
			return claimEntries(&c), nil
		}},
		{"audit entry", bucketAudit, func(k string, raw []byte) ([]entry, error) {
			var e data.AuditEntry
			if err := decode("audit entry", k, raw, &e); err != nil {
				return nil, err
			}
			if len(k) != 8 || binary.BigEndian.Uint64([]byte(k)) != e.Seq {
				return nil, fmt.Errorf("key %x holds audit entry %d", k, e.Seq)
			}
			return auditEntries(&e), nil
		}},
	}, accountTables()...) // membership.go
}

func indexes() []index {
	value := func(_, v string) string { return v }
	last := func(k, _ string) string { return lastField(k) }
	first := func(k, _ string) string { return afterFirst(k) }
	return append([]index{
		{bucketSIRET, bucketSuppliers, "supplier", value},
		{bucketDepartement, bucketSuppliers, "supplier", last},
		{bucketLabel, bucketSuppliers, "supplier", last},
		{bucketUpdated, bucketSuppliers, "supplier", last},
		{bucketName, bucketSuppliers, "supplier", last},
		{bucketTenderSource, bucketTenders, "tender", value},
		{bucketTenderUpdated, bucketTenders, "tender", last},
		{bucketAwardSIREN, bucketAwards, "award", first},
		{bucketAccountEmail, bucketAccounts, "account", value},
		{bucketClaimSupplier, bucketClaims, "claim", first},
		{bucketAuditEntity, bucketAudit, "audit entry", func(k, _ string) string {
			seq, ok := parseSeqHex(k)
			if !ok {
				return ""
			}
			return string(seqKey(seq))
		}},
	}, accountIndexes()...) // membership.go
}

// Check verifies the file: bbolt's own page check, the schema version, and
// that every index entry points to an existing record that owns it and
// every record is indexed. It returns nil or a *CheckError naming each
// problem; a page bbolt cannot read ends the check with an error rather
// than the process. It holds the writer lock while it runs (bbolt's page check is
// unsafe next to a writer), so writes wait for it.
func (s *Store) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	tx, err := s.db.Begin(!s.db.IsReadOnly())
	if err != nil {
		return fmt.Errorf("store: check %s: %w", s.path, err)
	}
	defer func() { _ = tx.Rollback() }()
	// The pages first: bbolt's own check trusts them, and reads them in a
	// goroutine of its own where a damaged page would crash the process.
	err = guardPages(func() error { return checkPages(tx) })
	if err != nil && !errors.Is(err, errDamagedPage) {
		err = fmt.Errorf("%w: %w", errDamagedPage, err)
	}
	var problems []string
	if err == nil {
		err = guardPages(func() error { problems = checkTx(ctx, tx); return nil })
	}
	if err != nil {
		return &CheckError{Path: s.path, Problems: append(problems, "bbolt: "+err.Error()), damaged: err}
	}
	if len(problems) > 0 {
		return &CheckError{Path: s.path, Problems: problems}
	}
	return nil
}

// expectation is an index entry some record owns.
type expectation struct {
	value, owner, ownerWhat string
}

func checkTx(ctx context.Context, tx *bolt.Tx) []string {
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	for _, name := range append(bucketsOfVersion1(), accountBuckets()...) {
		if tx.Bucket(name) == nil {
			report("bucket %s is missing", name)
		}
	}
	if len(problems) > 0 {
		return problems
	}
	if v, err := schemaVersion(tx); err != nil {
		report("%v", err)
	} else if v != SchemaVersion() {
		report("schema version is %d, this program expects %d", v, SchemaVersion())
	}
	for err := range tx.Check() {
		report("bbolt: %v", err)
	}
	if len(problems) > 0 {
		return problems // damaged pages: reading records could go astray
	}
	if ctx.Err() != nil {
		return append(problems, ctx.Err().Error())
	}

	expected := map[string]expectation{}
	for _, t := range tables() {
		c := tx.Bucket(t.bucket).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			entries, err := t.entries(string(k), v)
			if err != nil {
				report("%s: %v", t.bucket, err)
				continue
			}
			owner := string(k)
			for _, e := range entries {
				if prev, dup := expected[e.id()]; dup && prev.owner != owner {
					report("%s %q is claimed by %s %q and %s %q", e.what, e.key, prev.ownerWhat, prev.owner, t.what, owner)
					continue
				}
				expected[e.id()] = expectation{value: e.value, owner: owner, ownerWhat: t.what}
			}
		}
	}
	if ctx.Err() != nil {
		return append(problems, ctx.Err().Error())
	}

	for _, ix := range indexes() {
		b, primary := tx.Bucket(ix.bucket), tx.Bucket(ix.primary)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			id := string(ix.bucket) + "\x00" + string(k)
			exp, ok := expected[id]
			switch {
			case !ok:
				ref := ix.ref(string(k), string(v))
				if ref == "" || primary.Get([]byte(ref)) == nil {
					report("%s: entry %q points to missing %s %q", ix.bucket, k, ix.what, printable(ref))
				} else {
					report("%s: stale entry %q: %s %q does not own it", ix.bucket, k, ix.what, printable(ref))
				}
			case exp.value != string(v):
				report("%s: entry %q points to %q, expected %q", ix.bucket, k, v, exp.value)
				delete(expected, id)
			default:
				delete(expected, id)
			}
		}
	}
	missing := make([]string, 0, len(expected))
	for id, exp := range expected {
		bucket, key, _ := strings.Cut(id, "\x00")
		missing = append(missing, fmt.Sprintf("%s %q is not indexed in %s under %q", exp.ownerWhat, printable(exp.owner), bucket, key))
	}
	slices.Sort(missing)
	problems = append(problems, missing...)
	problems = append(problems, checkMatchProfiles(ctx, tx)...) // matchprofile.go
	return append(problems, checkChecksums(ctx, tx)...)
}

// printable shows a binary audit key as hex and text as is.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			return fmt.Sprintf("%x", s)
		}
	}
	return s
}
