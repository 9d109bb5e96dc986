package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrSchema means the file's schema version is unknown to this program:
// newer than it, or unreadable.
var ErrSchema = errors.New("store: unknown schema version")

// ErrForeign means the file is a bbolt file that Fabrique did not write:
// it holds buckets but not Fabrique's schema version. Open and Restore
// refuse it rather than migrate another application's data in place.
var ErrForeign = errors.New("store: not a fabrique store")

// Bucket names; the layout is documented on Store.
var (
	bucketMeta          = []byte("meta")
	bucketSuppliers     = []byte("suppliers")
	bucketSIRET         = []byte("idx_siret")
	bucketDepartement   = []byte("idx_departement")
	bucketLabel         = []byte("idx_label")
	bucketUpdated       = []byte("idx_updated")
	bucketName          = []byte("idx_name")
	bucketTenders       = []byte("tenders")
	bucketTenderSource  = []byte("idx_tender_source")
	bucketAwards        = []byte("awards")
	bucketAwardSIREN    = []byte("idx_award_siren")
	bucketCrawlPages    = []byte("crawl_pages")
	bucketCrawlRuns     = []byte("crawl_runs")
	bucketAccounts      = []byte("accounts")
	bucketAccountEmail  = []byte("idx_account_email")
	bucketClaims        = []byte("claims")
	bucketClaimSupplier = []byte("idx_claim_supplier")
	bucketAudit         = []byte("audit")
	bucketAuditEntity   = []byte("idx_audit_entity")
	keySchemaVersion    = []byte("schema_version")
)

// bucketsOfVersion1 lists every bucket of schema version 1.
func bucketsOfVersion1() [][]byte {
	return [][]byte{bucketMeta, bucketSuppliers, bucketSIRET, bucketDepartement, bucketLabel,
		bucketUpdated, bucketName, bucketTenders, bucketTenderSource, bucketAwards, bucketAwardSIREN,
		bucketCrawlPages, bucketCrawlRuns, bucketAccounts, bucketAccountEmail, bucketClaims,
		bucketClaimSupplier, bucketAudit, bucketAuditEntity}
}

// migration brings the schema from its position in migrations() to the
// next version, inside the transaction that records the new version.
type migration func(tx *bolt.Tx) error

// migrations lists the schema changes in order: migrations()[i] turns
// version i into version i+1. Append only; never edit a released step.
func migrations() []migration {
	return []migration{
		createBucketsV1,
		createAccountBucketsV2, // membership.go
		createTenderUpdated,    // tender_changes.go
		inferTendersCPV,        // tender_cpv.go
		createChecksums,        // checksum.go
		createMatchProfiles,    // matchprofile.go
		scopeBuyerReferences,   // tender_procedure.go
	}
}

// SchemaVersion is the schema version this program writes.
func SchemaVersion() int { return len(migrations()) }

func createBucketsV1(tx *bolt.Tx) error {
	for _, name := range bucketsOfVersion1() {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrate runs the pending migrations, each in its own transaction, so
// that an interrupted upgrade resumes where it stopped.
func (s *Store) migrate() error {
	steps := migrations()
	fresh := true // a new file: its creation is not worth a log line
	for first := true; ; first = false {
		var done bool
		var from int
		start := time.Now()
		err := s.db.Update(func(tx *bolt.Tx) error {
			v, err := schemaVersion(tx)
			if errors.Is(err, ErrForeign) {
				return fmt.Errorf("store: open %s: %w", s.path, err)
			}
			if err != nil {
				return err
			}
			if v > len(steps) {
				return fmt.Errorf("%w: %s has schema version %d, this program knows up to %d (upgrade fabrique)", ErrSchema, s.path, v, len(steps))
			}
			if v == len(steps) {
				done = true
				return nil
			}
			if first && v > 0 {
				fresh = false
			}
			from = v
			if err := steps[v](tx); err != nil {
				return fmt.Errorf("store: migrate %s to version %d: %w", s.path, v+1, err)
			}
			return setSchemaVersion(tx, v+1)
		})
		if err != nil || done {
			return err
		}
		if !fresh {
			s.log.Info("store: schema migrated", "path", s.path, "from", from, "to", from+1,
				"took", time.Since(start).Round(time.Millisecond))
		}
	}
}

// schemaVersion reads the version. A file without any bucket is version
// 0: a new file, which the migrations fill. A file with buckets but no
// version in meta was written by another application (ErrForeign): the
// first migration writes meta and its version in the same transaction,
// so no Fabrique file is ever in that state.
func schemaVersion(tx *bolt.Tx) (int, error) {
	var raw []byte
	if b := tx.Bucket(bucketMeta); b != nil {
		raw = b.Get(keySchemaVersion)
	}
	if raw == nil {
		if names := bucketNames(tx, 3); len(names) > 0 {
			return 0, fmt.Errorf("%w: it holds buckets such as %s but no schema version", ErrForeign, strings.Join(names, ", "))
		}
		return 0, nil
	}
	v, err := parseSchemaVersion(string(raw))
	if err != nil {
		return 0, err
	}
	return v, nil
}

// bucketNames returns the names of the file's first n buckets.
func bucketNames(tx *bolt.Tx, n int) []string {
	var names []string
	c := tx.Cursor()
	for k, _ := c.First(); k != nil && len(names) < n; k, _ = c.Next() {
		names = append(names, strconv.Quote(string(k)))
	}
	return names
}

// parseSchemaVersion reads the decimal version stored in meta.
func parseSchemaVersion(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || strconv.Itoa(v) != s {
		return 0, fmt.Errorf("%w: %q", ErrSchema, s)
	}
	return v, nil
}

func setSchemaVersion(tx *bolt.Tx, v int) error {
	b, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("store: meta bucket: %w", err)
	}
	return b.Put(keySchemaVersion, []byte(strconv.Itoa(v)))
}
