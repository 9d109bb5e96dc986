package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrLocked means another process holds the data file. Open and Restore
// wrap it with the file's path.
var ErrLocked = errors.New("store: data directory in use")

// ErrNoStore means Open found no store file where Options.MustExist asked
// for one.
var ErrNoStore = errors.New("store: no store file")

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Timeout bounds the wait for the file lock at Open; 0 means 1s.
	Timeout time.Duration
	// Now is the clock stamped on records and audit entries; nil means
	// time.Now.
	Now func() time.Time
	// NoSync skips fsync on commit. Only for tests and benchmarks: a crash
	// may then lose or corrupt committed writes.
	NoSync bool
	// Logger receives the schema migrations run at Open (and the match
	// profiles Open writes after schema 6); nil discards.
	Logger *slog.Logger
	// MustExist makes Open fail with ErrNoStore, creating nothing, when
	// the file is missing or empty (0 bytes): for the programs that only
	// read or report, which a mistyped path must not answer from a new,
	// empty store.
	MustExist bool
	// AllowEmptyRestore lets Restore replace a store holding suppliers,
	// tenders or awards with a backup holding none; refused otherwise
	// (ErrEmptyRestore). Restore only.
	AllowEmptyRestore bool
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return time.Second
	}
	return o.Timeout
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o Options) clock() func() time.Time {
	if o.Now == nil {
		return time.Now
	}
	return o.Now
}

// Store is Fabrique's persistent state in one bbolt file. It is safe for
// concurrent use.
//
// Bucket layout (key → value; "|" is a literal separator, times in keys are
// UTC RFC 3339 with exactly nine fractional digits so that they sort):
//
//	meta                schema_version → decimal version number;
//	                    checksum_idx_updated, checksum_idx_tender_updated →
//	                    count and sum of a data.StampSum over the entries of
//	                    that bucket, kept by every write (schema 5, checksum.go)
//	suppliers           id → JSON data.Supplier (id: SIREN or "x"+16 hex)
//	idx_siret           SIRET → supplier id (unique; every establishment)
//	idx_departement     dep|id → "" (address and establishment départements)
//	idx_label           type|id → "" (every label type held, even not re-found)
//	idx_updated         time|id → "" (the supplier's UpdatedAt)
//	idx_name            name|postcode|id → "" (data.NormalizeName of the name;
//	                    address and establishment postcodes)
//	tenders             id → JSON data.Tender
//	idx_tender_source   source id → tender id (unique; SourceID, SourceIDs,
//	                    and "proc:"+ProcedureID; a BOAMP procedure id is the
//	                    buyer's reference scoped by the buyer since schema 7,
//	                    tender_procedure.go; a notice found by it alone folds
//	                    only with a buyer and an object in common, fold.go)
//	awards              id → JSON data.Award
//	idx_award_siren     SIREN|award id → "" (every winner with a SIREN)
//	crawl_pages         source|url → JSON data.PageState
//	crawl_runs          time|id → JSON data.CrawlRun (StartedAt, so newest last)
//	accounts            id → JSON data.Account
//	idx_account_email   lower-case e-mail → account id (unique)
//	claims              id → JSON data.Claim
//	idx_claim_supplier  supplier id|claim id → ""
//	audit               big-endian uint64 sequence → JSON data.AuditEntry
//	idx_audit_entity    entity|16 hex digits of the sequence → ""
//	members             supplier id|account id → JSON data.Membership (v2)
//	idx_member_account  account id|supplier id → "" (v2)
//	sessions            hex SHA-256 of the session secret → JSON data.Session (v2)
//	idx_session_account account id|session id → "" (v2)
//	tokens              hex SHA-256 of a one-time secret → JSON data.Token (v2)
//	outbox              big-endian uint64 sequence → JSON data.OutboxMail (v2)
//	account_needs       account id|tender id → "" (needs filed by a buyer, v2)
//	listing_versions    supplier id|16 hex digits → JSON data.ListingVersion (created on first use, listing.go)
//	logos               32 hex digits of the PNG's SHA-256 → PNG bytes (created on first use, listing.go)
//	listing_invites     hex SHA-256 of the invitation token → JSON data.Invite (created on first use, invite.go)
//	idx_tender_updated  time|id → "" (the tender's UpdatedAt; schema 3)
//	alert_* and idx_alert_*: alert profiles, their tokens (hashed), last sends,
//	                    tenders sent and digest records (created on first use, alert.go)
//	match_profiles      supplier id → binary match profile: the fields the matcher
//	                    scores with, written with the record (schema 6, matchprofile.go);
//	                    meta match_profiles_filled marks them all written
//
// Multi-valued indexes carry the record id at the end of the key, so that
// two records may share a département, a label or a name.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time
	log  *slog.Logger

	mu      sync.Mutex
	subs    map[int]func(ids []string)
	nextSub int
	// tenderSubs are the subscribers of OnTenderChange.
	tenderSubs map[int]func(ids []string)
	// awardSubs are the subscribers of OnAwardChange.
	awardSubs map[int]func(ids []string)
	// cleanStop is the clean-stop marker as Open found it (cleanstop.go).
	cleanStop cleanStopAtOpen
}

// Open opens (creating it if needed, with its parent directory, unless
// opts.MustExist) the store file at path, e.g. DIR/fabrique.db, and brings
// its schema up to date. When another process holds the file, Open gives
// up after opts.Timeout with an error wrapping ErrLocked. A bbolt file of
// another application (buckets, but no Fabrique schema version) is
// refused with ErrForeign, untouched.
func Open(path string, opts Options) (*Store, error) {
	if opts.MustExist {
		if err := mustExist(path); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opts.timeout(),
		NoSync:       opts.NoSync,
		FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		return nil, openError(path, err)
	}
	if hasErasedPages(db) { // compact.go
		fresh, err := compactErased(db, path, opts)
		if fresh == nil {
			return nil, err
		}
		if err != nil {
			opts.logger().Warn("the store keeps pages freed by an erasure until the next start", "err", err)
		} else {
			opts.logger().Info("store compacted: pages freed by an erasure dropped", "path", path)
		}
		db = fresh
	}
	s := &Store{db: db, path: path, now: opts.clock(), log: opts.logger(), subs: map[int]func([]string){}}
	atOpen := readCleanStop(db) // before migrate commits (cleanstop.go)
	if err := s.migrate(); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := s.fillMatchProfiles(); err != nil { // matchprofile.go
		_ = db.Close()
		return nil, err
	}
	s.cleanStop = atOpen.opened(db)
	return s, nil
}

// mustExist checks that path is a store file that Open would not create.
func mustExist(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w: %s does not exist", ErrNoStore, path)
	case err != nil:
		return fmt.Errorf("store: open %s: %w", path, err)
	case fi.Mode().IsRegular() && fi.Size() == 0:
		return fmt.Errorf("%w: %s is empty", ErrNoStore, path)
	}
	return nil
}

func openError(path string, err error) error {
	if errors.Is(err, bolt.ErrTimeout) {
		return lockedError(path)
	}
	return fmt.Errorf("store: open %s: %w", path, err)
}

func lockedError(path string) error {
	return fmt.Errorf("%w: %s: another fabrique process uses it (stop it, or use another data directory)", ErrLocked, path)
}

// Close releases the file and its lock.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}

// Path returns the path of the store file.
func (s *Store) Path() string { return s.path }

// stamp returns the store clock's current time, in UTC and without the
// monotonic reading, so that it survives a JSON round trip unchanged.
func (s *Store) stamp() time.Time { return s.now().UTC() }

// view runs fn in a read transaction after checking ctx.
func (s *Store) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return s.db.View(fn)
}

// update runs fn in a write transaction after checking ctx, then tells the
// subscribers which suppliers changed once the transaction is committed.
func (s *Store) update(ctx context.Context, fn func(tx *bolt.Tx, changed *changeSet) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var changed changeSet
	if err := s.db.Update(func(tx *bolt.Tx) error { return fn(tx, &changed) }); err != nil {
		return err
	}
	s.notify(changed.list())
	s.notifyTenders(changed.tenders)
	s.notifyAwards(changed.awards)
	return nil
}
