package store

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// errDamagedPage means bbolt met a page it cannot read: a page that names
// itself with another id, a child or an element pointing past the file.
// bbolt checks only its two meta pages (by checksum); on the others it
// panics on a failed assertion, or reads memory the file does not map and
// faults, which would end the process.
var errDamagedPage = errors.New("store: damaged page")

// guardPages runs fn, which reads the pages of a file that may be damaged
// (a backup offered to Restore, a store being checked), and returns what
// bbolt does on a damaged page as an error wrapping errDamagedPage instead
// of crashing: its panics, and the faults of reads past the file, which
// debug.SetPanicOnFault turns into panics for this goroutine. bbolt rolls
// back the read transaction a panic leaves (View, or the caller's
// deferred Rollback). Every panic of fn is taken for damage: keep fn to
// reading.
func guardPages(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errDamagedPage, r)
		}
	}()
	return fn()
}
