package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"fabrique/data/store"
)

// runRestore replaces the store of the data directory with a backup. The
// store package checks the backup and refuses while the store is in use.
func runRestore(ctx context.Context, p *program, args []string) error {
	file := args[0]
	if err := os.MkdirAll(p.cfg.dataDir, 0o750); err != nil {
		return &userError{msg: fmt.Sprintf("création du répertoire de données %s impossible : %v", p.cfg.dataDir, err), err: err}
	}
	err := store.Restore(ctx, file, dbFile(p.cfg.dataDir), store.Options{Timeout: lockTimeout})
	if errors.Is(err, store.ErrLocked) {
		return &userError{
			msg: fmt.Sprintf("le répertoire de données %s est utilisé par un autre processus fabrique : "+
				"arrêtez-le avant de restaurer une sauvegarde", p.cfg.dataDir),
			err: err,
		}
	}
	if err != nil {
		return &userError{msg: fmt.Sprintf("restauration de %s impossible : %v", file, err), err: err}
	}
	p.log.Info("backup restored", "file", file, "data", p.cfg.dataDir)
	fmt.Fprintf(p.stdout, "Sauvegarde %s restaurée dans %s\n", file, p.cfg.dataDir)
	return nil
}
