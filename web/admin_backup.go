package web

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gofiber/fiber/v2"
)

// adminBackup sends a consistent snapshot of the store, for backups while
// serve holds the data directory's lock. It needs a signed-in admin or
// Config.AdminToken; for anyone else, without a token configured, the route
// does not exist (404).
//
// The snapshot is first written to a temporary file next to the store, in
// one read transaction that lasts as long as the disk takes, and the file
// is then streamed: a client that reads slowly, or stops reading, holds a
// file descriptor, never a transaction of the store (a long read
// transaction blocks every writer as soon as the store file must grow).
// The file is unlinked once open, so nothing is left behind whatever
// happens to the download. One snapshot is made at a time. The file is
// named « fabrique-YYYY-MM-DD-HHMMSS.db », Paris time.
func (s *Server) adminBackup(c *fiber.Ctx) error {
	if a, ok := s.currentAccount(c); !ok || !isAdmin(a) { // a signed-in admin needs no token
		if err := s.requireAdminToken(c); err != nil {
			return err
		}
	}
	select {
	case s.backupSlot <- struct{}{}:
		defer func() { <-s.backupSlot }()
	default:
		c.Set(fiber.HeaderRetryAfter, "10")
		return fiber.NewError(fiber.StatusServiceUnavailable, "web: a backup snapshot is already being made")
	}
	f, size, err := s.snapshot(c)
	if err != nil {
		return err
	}
	// Named by the server's clock on the French calendar, as the CSV
	// exports (csvFileName), with the time so that two backups of a day
	// do not share a name.
	name := "fabrique-" + s.now().In(paris()).Format("2006-01-02-150405") + ".db"
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	s.cfg.Logger.InfoContext(c.UserContext(), "backup snapshot ready", "bytes", size)
	// fasthttp closes f when the response is sent or the client is gone.
	c.Context().SetBodyStream(f, int(size))
	return nil
}

// snapshot writes the store to a temporary file and returns it open,
// positioned at its start, with its size. The file is unlinked at once
// where the system allows it (an open descriptor keeps the data), and
// removed again when closed for the systems that do not.
func (s *Server) snapshot(c *fiber.Ctx) (*snapshotFile, int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(s.store.Path()), ".backup-*.db")
	if err != nil {
		return nil, 0, fmt.Errorf("web: backup snapshot: %w", err)
	}
	f := &snapshotFile{File: tmp}
	_ = os.Remove(tmp.Name())
	n, err := s.store.Backup(c.UserContext(), f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("web: backup snapshot (%d bytes written): %w", n, err)
	}
	return f, n, nil
}

// snapshotFile is a temporary file that disappears when closed.
type snapshotFile struct{ *os.File }

func (f *snapshotFile) Close() error {
	err := f.File.Close()
	_ = os.Remove(f.Name()) // already gone on Unix
	return err
}
