//go:build !linux

package store

// ReleaseMapped does nothing outside Linux, where the advice it gives
// (mmap_linux.go) is not portable; it reports no byte released.
func (s *Store) ReleaseMapped() (int64, error) { return 0, nil }
