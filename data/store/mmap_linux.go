//go:build linux

package store

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// ReleaseMapped drops the store file's pages from this process's resident
// set, and returns how many bytes of the map it covered. The store is
// read through a shared, read-only memory map of its file: every page a
// scan has read (the index rebuild reads every supplier) stays mapped and
// counts in the process's RSS although the serving path may never read it
// again. madvise(MADV_DONTNEED) on a shared file mapping unmaps the pages
// without losing anything: the kernel keeps them in its page cache (or
// reads them back from the file) and the next read of a page maps it again
// with a minor fault. Nothing is written through the map (bbolt writes
// with pwrite), so no dirty page can be dropped.
//
// The advice runs inside a read transaction: bbolt cannot remap the file
// meanwhile, so the range is exactly its current map.
func (s *Store) ReleaseMapped() (int64, error) {
	var size int64
	err := s.db.View(func(tx *bolt.Tx) error {
		info := s.db.Info()
		size = tx.Size()
		if info == nil || info.Data == 0 || size <= 0 {
			size = 0
			return nil
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, info.Data, uintptr(size), syscall.MADV_DONTNEED); errno != 0 {
			return fmt.Errorf("store: madvise %s: %w", s.path, errno)
		}
		return nil
	})
	return size, err
}

// MappedResident reports how many bytes of the store file's memory map are
// resident in this process, from /proc/self/smaps: what ReleaseMapped gives
// back, for tests and diagnostics.
func (s *Store) MappedResident() (int64, error) {
	abs, err := filepath.Abs(s.path)
	if err != nil {
		return 0, err
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var kb int64
	ours := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if !strings.HasSuffix(fields[0], ":") { // a mapping's header
			ours = len(fields) >= 6 && fields[5] == abs
			continue
		}
		if ours && fields[0] == "Rss:" && len(fields) > 1 {
			n, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("store: smaps: %q", sc.Text())
			}
			kb += n
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return kb << 10, nil
}
