package main

import (
	"errors"
	"fmt"
	"log/slog"
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
// naming the directory when another process holds it; log receives the
// schema migrations the opening runs.
func openStore(dataDir string, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(dbFile(dataDir), store.Options{Timeout: lockTimeout, Logger: log})
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
