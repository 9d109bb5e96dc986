package main

import (
	"context"
	"errors"
	"fmt"

	"fabrique/data/store"
)

// runBackup writes a consistent copy of the store to the file given.
func runBackup(ctx context.Context, p *program, args []string) error {
	file := args[0]
	st, err := openStore(p.cfg.dataDir, p.log, existingStore)
	if errors.Is(err, store.ErrLocked) {
		return &userError{
			msg: fmt.Sprintf("le répertoire de données %s est déjà utilisé par un autre processus fabrique ; "+
				"si c'est « fabrique serve », téléchargez la sauvegarde par GET /admin/backup (voir « fabrique backup --help »)",
				p.cfg.dataDir),
			err: err,
		}
	}
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			p.log.Error("close store", "err", err)
		}
	}()
	if err := st.BackupFile(ctx, file); err != nil {
		p.log.Debug("backup failed", "file", file, "data", p.cfg.dataDir, "err", err)
		return backupError(file, err)
	}
	p.log.Info("backup written", "file", file, "data", p.cfg.dataDir)
	fmt.Fprintf(p.stdout, "Sauvegarde écrite dans %s\n", file)
	return nil
}

// backupError says in French why the backup was not written. BackupFile
// writes FILE.tmp and renames it, so a backup already at FILE is intact.
func backupError(file string, err error) error {
	cause := fileCause(err)
	if cause == "" {
		cause = err.Error()
	}
	return &userError{msg: fmt.Sprintf("sauvegarde dans %s impossible : %s ; aucun fichier remplacé", file, cause), err: err}
}
