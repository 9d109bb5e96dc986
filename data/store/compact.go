package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// An erasure deletes records, but bbolt leaves the bytes of the pages it
// frees in the file until a later write reuses them: an erased address
// could still be read in the raw file, and in a backup copied page by
// page. DeleteAccount therefore marks the store (keyErasedPages in the
// meta bucket); while the mark is set, Backup writes a compacted copy
// (only the live records), and the next Open rewrites the file the same
// way and clears the mark. Compaction copies every bucket and record into
// a new file, as bbolt.Compact does, so nothing of the freed pages goes
// with it.

// keyErasedPages marks a file whose freed pages may hold erased data.
var keyErasedPages = []byte("erased_pages")

// compactTxMaxSize bounds the bytes one write transaction of a compaction
// copies, so that a large store is not held in memory at once.
const compactTxMaxSize = 64 << 20

// markErasedPages records, in the erasing transaction, that freed pages
// of the file may hold erased data.
func markErasedPages(tx *bolt.Tx) error {
	if err := tx.Bucket(bucketMeta).Put(keyErasedPages, []byte{1}); err != nil {
		return fmt.Errorf("store: mark erased pages: %w", err)
	}
	return nil
}

// hasErasedPages reports whether the file of db is marked.
func hasErasedPages(db *bolt.DB) (marked bool) {
	_ = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			marked = b.Get(keyErasedPages) != nil
		}
		return nil
	})
	return marked
}

// HasErasedPages reports whether an erasure since the file was last
// compacted may have left erased data in its freed pages.
func (s *Store) HasErasedPages() bool { return hasErasedPages(s.db) }

// compactInto copies every bucket and record of src into a new file at
// path, without the erasure mark, and closes it. A file already at path
// (left by a crash) is replaced.
func compactInto(src *bolt.DB, path string, noSync bool) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	dst, err := bolt.Open(path, 0o600, &bolt.Options{NoSync: noSync, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return err
	}
	err = bolt.Compact(dst, src, compactTxMaxSize)
	if err == nil {
		err = dst.Update(func(tx *bolt.Tx) error {
			if b := tx.Bucket(bucketMeta); b != nil {
				return b.Delete(keyErasedPages)
			}
			return nil
		})
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}

// compactErased rewrites the marked file of db (open at path) without its
// freed pages and returns the file opened again. On failure the file is
// left as it was, still marked, and db is returned open with the error.
func compactErased(db *bolt.DB, path string, opts Options) (*bolt.DB, error) {
	tmp := path + ".compact"
	if err := compactInto(db, tmp, opts.NoSync); err != nil {
		return db, fmt.Errorf("store: compact %s: %w", path, err)
	}
	// The rename replaces the file while this process still holds its
	// lock, as Restore does; a process that waited for that lock would
	// get the old file, so fabrique opens a store from one process.
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return db, fmt.Errorf("store: compact %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return db, fmt.Errorf("store: compact %s: %w", path, err)
	}
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("store: compact %s: close the old file: %w", path, err)
	}
	fresh, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.timeout(), NoSync: opts.NoSync, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, openError(path, err)
	}
	return fresh, nil
}

// backupCompacted writes to w a compacted copy of the store, staged in a
// file beside it: a backup that holds no freed page.
func (s *Store) backupCompacted(ctx context.Context, w io.Writer) (int64, error) {
	tmp := s.path + ".backup-compact"
	if err := compactInto(s.db, tmp, true); err != nil {
		return 0, fmt.Errorf("store: backup %s: compact: %w", s.path, err)
	}
	defer os.Remove(tmp)
	f, err := os.Open(tmp)
	if err != nil {
		return 0, fmt.Errorf("store: backup %s: %w", s.path, err)
	}
	defer f.Close()
	cw := &ctxWriter{ctx: ctx, w: w}
	n, err := io.Copy(cw, f)
	if cw.err != nil {
		err = cw.err
	}
	if err != nil {
		return n, fmt.Errorf("store: backup %s: %w", s.path, err)
	}
	return n, nil
}
