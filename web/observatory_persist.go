package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"fabrique/data/observatory"
)

// The observatory's facts across a restart. At 100 000 suppliers,
// 1 000 000 tenders and 1 000 000 awards the first full walk of the store
// takes tens of seconds of CPU, during which /observatoire and
// /api/v1/stats/* could only answer 503. So serve saves the facts at a
// clean stop (SaveObservatoryFacts), after the store's last write and once
// the facts caught up with every change, together with the store's
// clean-stop marker (store.MarkCleanStop: a random nonce and the
// transaction id that wrote it); the next serve loads them before it
// listens (LoadObservatoryFacts) when the store is still exactly at that
// marker (store.CleanStopMark), and the incremental refresh carries on
// from them. Anything else (no file, a truncated or corrupted one, another
// format version, a store written since, a restored backup) is logged
// with its reason and the facts are built as without the file.
//
// The file lives beside the store in the data directory. Backups copy the
// store file only: a facts file left beside a restored store does not
// match its marker and is ignored.

// ObservatoryFactsFile is the name of the facts file in the data
// directory.
const ObservatoryFactsFile = "observatory.facts"

// LoadObservatoryFacts serves the facts saved at path by the last clean
// stop when the store has not changed since. Call it before the server
// listens and before anything writes to the store (a write since the
// store was opened makes the file unusable). It reports whether the facts
// were loaded; when they were not, the reason is logged and the facts are
// built in the background as before.
func (s *Server) LoadObservatoryFacts(ctx context.Context, path string) bool {
	start := time.Now()
	f, size, err := s.readObservatoryFacts(ctx, path)
	if err != nil {
		s.cfg.Logger.Info("observatory: saved facts not used, building them", "file", path, "reason", err)
		return false
	}
	s.followObservatoryChanges() // from now on, every write is applied to them
	fc := &s.obsFacts
	fc.mu.Lock()
	loaded := fc.facts == nil && fc.building == nil
	if loaded {
		// Version 0: the first request refreshes them in the background,
		// which matches the tenders the stop left unmatched (it applied
		// its last changes without the matcher). The periodic full walk
		// counts from the walk these facts descend from.
		fc.facts, fc.version, fc.results = f, 0, nil
		fc.refresh.fullAt = f.FullBuildAt
	}
	fc.mu.Unlock()
	if loaded {
		s.cfg.Logger.Info("observatory facts loaded", "file", path, "bytes", size, "suppliers", len(f.Suppliers),
			"tenders", len(f.Tenders), "awards", len(f.Awards), "built_at", f.BuiltAt, "took", time.Since(start))
	}
	return loaded
}

// readObservatoryFacts reads the facts file if the store is at the
// marker it was saved with.
func (s *Server) readObservatoryFacts(ctx context.Context, path string) (*observatory.Facts, int64, error) {
	mark, err := s.store.CleanStopMark(ctx)
	if err != nil {
		return nil, 0, err
	}
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, errors.New("no facts file")
	}
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = file.Close() }()
	var size int64
	if st, err := file.Stat(); err == nil {
		size = st.Size()
	}
	f, err := observatory.ReadFacts(bufio.NewReaderSize(file, 1<<20), mark.Stamp())
	return f, size, err
}

// SaveObservatoryFacts writes the store's clean-stop marker, brings the
// facts up to date with every change reported since they were built, and
// saves them at path (a temporary file, synced, then renamed) for
// LoadObservatoryFacts. Call it after Shutdown and after the last write to
// the store: the marker must be the store's last write. When there are no
// facts, or they cannot catch up without a walk of the store (a build
// interrupted, too many changes pending), nothing is saved and the file of
// an earlier stop is removed.
func (s *Server) SaveObservatoryFacts(ctx context.Context, path string) error {
	start := time.Now()
	fc := &s.obsFacts
	fc.mu.Lock()
	f, reason := fc.facts, ""
	switch {
	case fc.building != nil:
		reason = "a build is still running (the server was not shut down)"
	case f == nil:
		reason = "no facts built yet"
	case fc.refresh.overflow:
		reason = "the changes pending need a walk of the store"
	}
	fc.mu.Unlock()
	if reason != "" {
		s.cfg.Logger.Info("observatory facts not saved", "reason", reason)
		return removeStale(path)
	}
	mark, err := s.store.MarkCleanStop(ctx)
	if err != nil {
		return errors.Join(err, removeStale(path))
	}
	// Every write reported its ids before the marker's: take them all.
	fc.mu.Lock()
	changes, _ := fc.takeChanges(f)
	current := fc.version == mark.TxID-1 // nothing written since these facts' build began
	fc.mu.Unlock()
	if changes.Len() > 0 || !current { // a write without ids (a crawl run) moves the figures too
		// No matcher here: the tenders to match wait for the first
		// refresh after the next start, and the stop stays short.
		f, err = f.Apply(ctx, s.store, changes, observatory.BuildOptions{Now: s.now(), MaxMatched: factsMaxMatched})
		if err != nil {
			s.cfg.Logger.Info("observatory facts not saved", "reason", err)
			return removeStale(path)
		}
		fc.mu.Lock()
		fc.facts, fc.results = f, nil // Apply moved the lookup to them
		fc.mu.Unlock()
	}
	size, err := writeFactsFile(path, f, mark.Stamp())
	if errors.Is(err, observatory.ErrRebuild) { // an Apply that failed consumed them
		s.cfg.Logger.Info("observatory facts not saved", "reason", err)
		return removeStale(path)
	}
	if err != nil {
		return errors.Join(err, removeStale(path))
	}
	s.cfg.Logger.Info("observatory facts saved", "file", path, "bytes", size, "changes_applied", changes.Len(),
		"took", time.Since(start))
	return nil
}

// writeFactsFile writes the facts to a temporary file beside path, syncs
// it and renames it over path, so that path is always a whole file.
func writeFactsFile(path string, f *observatory.Facts, stamp []byte) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("web: save observatory facts: %w", err)
	}
	fail := func(err error) (int64, error) {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return 0, fmt.Errorf("web: save observatory facts: %w", err)
	}
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := observatory.WriteFacts(w, f, stamp); err != nil {
		return fail(err)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	st, err := tmp.Stat()
	if err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return 0, fmt.Errorf("web: save observatory facts: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil { // make the rename durable
		err = dir.Sync()
		_ = dir.Close()
		if err != nil {
			return 0, fmt.Errorf("web: save observatory facts: %w", err)
		}
	}
	return st.Size(), nil
}

// removeStale removes the facts file of an earlier stop: it no longer
// matches the store (it would be refused), and keeping it only costs disk.
func removeStale(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("web: remove stale observatory facts: %w", err)
	}
	return nil
}
