package main

import (
	"errors"
	"fmt"
	"io/fs"
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

// storeMode says whether a command may create the store.
type storeMode int

const (
	// existingStore: the command reads or reports (backup, user list,
	// crawl --last, stats snapshot, alerts send, match, eval feedback). A
	// missing store is an error, so that a mistyped --data, or a cron job
	// without FABRIQUE_DATA, fails instead of answering from a new, empty
	// store it would leave behind.
	existingStore storeMode = iota
	// newStore: the command may start a data directory (serve, a real
	// crawl, import, user add, eval awards on the embedded directory).
	newStore
)

// openStore opens the store of the data directory, with a French message
// naming the directory when it is missing (existingStore) or another
// process holds it; log receives the schema migrations the opening runs.
func openStore(dataDir string, log *slog.Logger, mode storeMode) (*store.Store, error) {
	st, err := store.Open(dbFile(dataDir), store.Options{Timeout: lockTimeout, Logger: log, MustExist: mode == existingStore})
	if err != nil {
		if log != nil {
			log.Debug("open store", "data", dataDir, "err", err)
		}
		return nil, storeError(dataDir, err)
	}
	return st, nil
}

// storeError gives err a French message for the user; the Go chain stays
// reachable by errors.Is and in the debug log.
func storeError(dataDir string, err error) error {
	db := dbFile(dataDir)
	var msg string
	switch {
	case errors.Is(err, store.ErrLocked):
		msg = fmt.Sprintf("le répertoire de données %s est déjà utilisé par un autre processus fabrique", dataDir)
	case errors.Is(err, store.ErrNoStore):
		msg = fmt.Sprintf("aucune base dans %s (--data / FABRIQUE_DATA) : vérifiez le répertoire de données ; "+
			"« fabrique serve », « crawl », « import » ou « restore » en créent une", dataDir)
	case errors.Is(err, store.ErrForeign):
		msg = fmt.Sprintf("%s n'est pas une base de Fabrique (fichier bbolt d'une autre application) : elle est laissée intacte ; "+
			"choisissez un autre répertoire de données", db)
	case errors.Is(err, store.ErrSchema):
		msg = fmt.Sprintf("%s a été écrite par une version plus récente de fabrique (celle-ci connaît les schémas 1 à %d) : "+
			"mettez fabrique à jour", db, store.SchemaVersion())
	case errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("base de données %s : accès refusé (droits du fichier ou du répertoire)", db)
	default:
		msg = fmt.Sprintf("base de données %s : %v", db, err)
	}
	return &userError{msg: msg, err: err}
}
