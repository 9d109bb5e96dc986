package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"fabrique/data/store"
)

// lockTimeout is how long a subcommand waits for the data directory's lock
// before saying another process holds it.
const lockTimeout = time.Second

// dbFile is the store's file inside the data directory.
func dbFile(dataDir string) string { return filepath.Join(dataDir, "fabrique.db") }

// openStore opens the store of the data directory, with a French message
// naming the directory when another process holds it.
func openStore(dataDir string) (*store.Store, error) {
	st, err := store.Open(dbFile(dataDir), store.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, storeError(dataDir, err)
	}
	return st, nil
}

// storeError gives err a French message for the user.
func storeError(dataDir string, err error) error {
	if errors.Is(err, store.ErrLocked) {
		return &userError{
			msg: fmt.Sprintf("le répertoire de données %s est déjà utilisé par un autre processus fabrique", dataDir),
			err: err,
		}
	}
	return &userError{msg: fmt.Sprintf("base de données %s : %v", dbFile(dataDir), err), err: err}
}
