//go:build !unix

package store

import "time"

// lockFile is a no-op where bbolt does not lock with flock: Restore then
// relies on the operator having stopped fabrique.
func lockFile(string, time.Duration) (func(), error) { return func() {}, nil }
