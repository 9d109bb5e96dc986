package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// ErrBadBackup means a file offered to Restore is not a usable store: not
// a bbolt file, truncated, of an unknown schema, or failing Check. Restore
// returns it as a *BackupError, which says why.
var ErrBadBackup = errors.New("store: not a usable backup")

// BackupProblem is why Restore refused a file.
type BackupProblem int

const (
	BackupNotRegular   BackupProblem = iota + 1 // a directory, a device…
	BackupEmpty                                 // 0 bytes
	BackupNotStore                              // not a bbolt file, or another application's (ErrForeign)
	BackupTruncated                             // shorter than its header says (Size, Announced)
	BackupSchema                                // schema version 0 (a new, empty file) or newer than this program (Version)
	BackupInconsistent                          // fails Check (ErrInconsistent)
	BackupInPlace                               // the store file itself, or a file Restore writes
	BackupDamaged                               // a page bbolt cannot read (a damaged copy or disk)
)

// BackupError is Restore's refusal of a file: it wraps ErrBadBackup and
// the cause, if any, and carries what a program needs to explain it in
// its own words.
type BackupError struct {
	Path    string
	Problem BackupProblem
	// Size and Announced are the file's size and the size its header
	// announces (BackupTruncated).
	Size, Announced int64
	// Version is the file's schema version (BackupSchema).
	Version int
	// Err is the underlying error, if any.
	Err error
	msg string
}

func (e *BackupError) Error() string {
	return fmt.Sprintf("%v: %s: %s", ErrBadBackup, e.Path, e.msg)
}

func (e *BackupError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrBadBackup}
	}
	return []error{ErrBadBackup, e.Err}
}

// Backup writes a consistent snapshot of the whole file to w while writers
// go on: bbolt copies the pages of one read transaction. After an erasure,
// until the file is compacted, it writes a compacted copy instead, staged
// beside the file, so that no backup holds the erased data bbolt leaves in
// freed pages (compact.go). It returns the number of bytes written.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	if s.HasErasedPages() {
		return s.backupCompacted(ctx, w)
	}
	var n int64
	cw := &ctxWriter{ctx: ctx, w: w}
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(cw)
		return err
	})
	if cw.err != nil {
		// bbolt words the errors of its first pages with %s: the writer's
		// own error keeps the cause (ENOSPC, a cancelled context…) for
		// errors.Is.
		err = cw.err
	}
	if err != nil {
		return n, fmt.Errorf("store: backup %s: %w", s.path, err)
	}
	return n, nil
}

// ctxWriter stops a long copy when its context is cancelled, and keeps
// the first error.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
	err error
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if c.err == nil {
		c.err = c.ctx.Err()
	}
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}

// BackupFile writes a snapshot to path atomically: to path+".tmp", synced,
// then renamed, so that path is always either the previous backup or a
// complete new one.
func (s *Store) BackupFile(ctx context.Context, path string) error {
	tmp := path + ".tmp"
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if _, err := s.Backup(ctx, f); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	if err := syncClose(f); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: backup: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// ErrEmptyRestore means Restore refused to replace a store holding
// suppliers, tenders or awards with a backup holding none, unless
// Options.AllowEmptyRestore. It comes as an *EmptyRestoreError.
var ErrEmptyRestore = errors.New("store: the backup holds no data and the store does")

// EmptyRestoreError is Restore's refusal of an empty backup over a store
// holding data: Current is what the store holds, left as it was.
type EmptyRestoreError struct {
	Path    string // the backup
	Current Contents
}

func (e *EmptyRestoreError) Error() string {
	return fmt.Sprintf("%v: %s: the store holds %d suppliers, %d tenders, %d awards", ErrEmptyRestore, e.Path,
		e.Current.Suppliers, e.Current.Tenders, e.Current.Awards)
}

func (e *EmptyRestoreError) Unwrap() error { return ErrEmptyRestore }

// Contents is what a store file holds, as Restore reports it.
type Contents struct {
	Suppliers, Tenders, Awards, Accounts int
}

// Empty reports whether the file holds no supplier, tender or award (it
// may hold accounts).
func (c Contents) Empty() bool { return c.Suppliers == 0 && c.Tenders == 0 && c.Awards == 0 }

// RestoreReport is what Restore did: the contents of the backup it put in
// place, and of the store it replaced (kept as .before-restore); Replaced
// is nil when there was none, or when that file could not be read (a
// damaged store, which a restore is there to replace).
type RestoreReport struct {
	Restored Contents
	Replaced *Contents
	// KeptAs is where the replaced store file was kept ("" when there was
	// none), readable or not.
	KeptAs string
}

// Restore replaces the store file at dbPath with the backup at backupPath.
// It first validates the backup (a bbolt file, not truncated, of a known
// schema version, passing Check), refuses with ErrLocked while a process
// has dbPath open, refuses with ErrEmptyRestore a backup holding no
// supplier, tender or award over a store holding some (unless
// opts.AllowEmptyRestore), then copies the backup to dbPath+".restore",
// syncs it, keeps the current file as dbPath+".before-restore" and renames
// the copy over dbPath. On any refusal dbPath is left untouched.
func Restore(ctx context.Context, backupPath, dbPath string, opts Options) (RestoreReport, error) {
	var report RestoreReport
	if err := ctx.Err(); err != nil {
		return report, fmt.Errorf("store: restore: %w", err)
	}
	staged, previous := dbPath+".restore", dbPath+".before-restore"
	for _, f := range []struct{ path, what string }{
		{dbPath, "the store file itself"},
		{staged, "the copy Restore stages (" + staged + "), which it overwrites"},
		{previous, "where Restore keeps the current store (" + previous + "), which it overwrites"},
	} {
		if same(backupPath, f.path) {
			return report, &BackupError{Path: backupPath, Problem: BackupInPlace, msg: "it is " + f.what}
		}
	}
	restored, err := validateBackup(ctx, backupPath, opts)
	if err != nil {
		return report, err
	}
	// Read before the lock, which bbolt's own shared lock would wait for;
	// a process that writes in between makes the figures a little old.
	current, err := currentContents(dbPath, opts)
	if err != nil {
		return report, err
	}
	if restored.Empty() && current != nil && !current.Empty() && !opts.AllowEmptyRestore {
		return report, &EmptyRestoreError{Path: backupPath, Current: *current}
	}
	unlock, err := lockFile(dbPath, opts.timeout())
	if err != nil {
		return report, err
	}
	defer unlock()

	if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
		return report, fmt.Errorf("store: restore: %w", err)
	}
	if err := copyFile(backupPath, staged); err != nil {
		_ = os.Remove(staged)
		return report, fmt.Errorf("store: restore: %w", err)
	}
	if restored, err = validateBackup(ctx, staged, opts); err != nil { // the copy, as written to disk
		_ = os.Remove(staged)
		return report, err
	}
	kept := ""
	if _, err := os.Stat(dbPath); err == nil {
		if err := keepPrevious(dbPath, previous); err != nil {
			_ = os.Remove(staged)
			return report, fmt.Errorf("store: restore: keep the current file: %w", err)
		}
		kept = previous
	}
	if err := os.Rename(staged, dbPath); err != nil {
		_ = os.Remove(staged)
		return report, fmt.Errorf("store: restore: %w", err)
	}
	report = RestoreReport{Restored: restored, Replaced: current, KeptAs: kept}
	return report, syncDir(filepath.Dir(dbPath))
}

// currentContents counts what the store at path holds: nil when there is
// no file or it cannot be read (damaged, foreign: Restore replaces it
// all the same); ErrLocked while a process has it open.
func currentContents(path string, opts Options) (c *Contents, err error) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return nil, nil
	}
	if st.Size() == 0 {
		return &Contents{}, nil
	}
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: opts.timeout()})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, lockedError(path)
	}
	if err != nil {
		return nil, nil
	}
	defer func() { _ = db.Close() }()
	err = guardPages(func() error {
		return db.View(func(tx *bolt.Tx) error {
			if st.Size() < tx.Size() { // truncated: its last pages would crash the process
				return nil
			}
			n := contents(tx)
			c = &n
			return nil
		})
	})
	if errors.Is(err, errDamagedPage) {
		return nil, nil // damaged: its contents are unknown
	}
	return c, err
}

// contents counts the records of the buckets Contents names.
func contents(tx *bolt.Tx) Contents {
	count := func(name []byte) int {
		if b := tx.Bucket(name); b != nil {
			return b.Stats().KeyN
		}
		return 0
	}
	return Contents{
		Suppliers: count(bucketSuppliers),
		Tenders:   count(bucketTenders),
		Awards:    count(bucketAwards),
		Accounts:  count(bucketAccounts),
	}
}

// validateBackup opens path read-only, checks it as Restore promises and
// counts what it holds.
func validateBackup(ctx context.Context, path string, opts Options) (Contents, error) {
	bad := func(problem BackupProblem, cause error, format string, args ...any) *BackupError {
		return &BackupError{Path: path, Problem: problem, Err: cause, msg: fmt.Sprintf(format, args...)}
	}
	var c Contents
	st, err := os.Stat(path)
	if err != nil {
		return c, fmt.Errorf("store: restore: %w", err)
	}
	if !st.Mode().IsRegular() {
		return c, bad(BackupNotRegular, nil, "not a regular file")
	}
	if st.Size() == 0 {
		return c, bad(BackupEmpty, nil, "empty file")
	}
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: opts.timeout()})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return c, lockedError(path)
		}
		return c, bad(BackupNotStore, err, "not a fabrique store file (%v)", err)
	}
	defer func() { _ = db.Close() }()
	damaged := func(err error) *BackupError { return bad(BackupDamaged, err, "damaged: %v", err) }
	err = guardPages(func() error {
		return db.View(func(tx *bolt.Tx) error {
			// Pages past the end of a truncated file are mapped but unreadable:
			// touching one would crash the process, so the size comes first.
			if st.Size() < tx.Size() {
				e := bad(BackupTruncated, nil, "truncated: %d bytes where the header announces %d", st.Size(), tx.Size())
				e.Size, e.Announced = st.Size(), tx.Size()
				return e
			}
			v, err := schemaVersion(tx)
			if errors.Is(err, ErrForeign) {
				return bad(BackupNotStore, err, "not a fabrique store file (%v)", err)
			}
			if err != nil {
				return bad(BackupSchema, err, "%v", err)
			}
			if v < 1 || v > SchemaVersion() {
				e := bad(BackupSchema, nil, "schema version %d, this program knows 1 to %d", v, SchemaVersion())
				e.Version = v
				return e
			}
			return nil
		})
	})
	if errors.Is(err, errDamagedPage) {
		return c, damaged(err)
	}
	if err != nil {
		return c, err
	}
	ro := &Store{db: db, path: path}
	if err := ro.Check(ctx); errors.Is(err, errDamagedPage) {
		return c, damaged(err)
	} else if errors.Is(err, ErrInconsistent) {
		return c, bad(BackupInconsistent, err, "%v", err)
	} else if err != nil {
		return c, fmt.Errorf("store: restore: %w", err)
	}
	err = guardPages(func() error {
		return db.View(func(tx *bolt.Tx) error {
			c = contents(tx)
			return nil
		})
	})
	if errors.Is(err, errDamagedPage) {
		return c, damaged(err)
	}
	return c, err
}

// keepPrevious preserves the current file under before: a hard link costs
// nothing and leaves dbPath in place until the rename replaces it.
func keepPrevious(dbPath, before string) error {
	if err := os.Remove(before); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Link(dbPath, before); err == nil {
		return nil
	}
	return copyFile(dbPath, before)
}

// copyFile copies src to dst and syncs dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return syncClose(out)
}

func syncClose(f *os.File) error {
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	defer func() { _ = d.Close() }()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	return nil
}

// same reports whether two paths name the same existing file.
func same(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
