//go:build !linux

package store

import "errors"

// ReleaseMapped does nothing outside Linux, where the advice it gives
// (mmap_linux.go) is not portable; it reports no byte released.
func (s *Store) ReleaseMapped() (int64, error) { return 0, nil }

// MappedResident is unknown outside Linux (no /proc/self/smaps).
func (s *Store) MappedResident() (int64, error) {
	return 0, errors.New("store: resident map size unknown on this system")
}
