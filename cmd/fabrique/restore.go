package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"fabrique/data"
	"fabrique/data/store"
)

// runRestore replaces the store of the data directory with a backup. The
// store package checks the backup and refuses while the store is in use.
func runRestore(ctx context.Context, p *program, args []string) error {
	file := args[0]
	if err := os.MkdirAll(p.cfg.dataDir, 0o750); err != nil {
		return &userError{msg: fmt.Sprintf("création du répertoire de données %s impossible : %v", p.cfg.dataDir, err), err: err}
	}
	r, err := store.Restore(ctx, file, dbFile(p.cfg.dataDir), store.Options{Timeout: lockTimeout, AllowEmptyRestore: on(p.cfg.allowEmpty)})
	if err != nil {
		p.log.Debug("restore refused", "file", file, "data", p.cfg.dataDir, "err", err)
		return restoreError(p.cfg.dataDir, file, err)
	}
	p.log.Info("backup restored", "file", file, "data", p.cfg.dataDir,
		"suppliers", r.Restored.Suppliers, "tenders", r.Restored.Tenders, "awards", r.Restored.Awards, "accounts", r.Restored.Accounts)
	fmt.Fprintf(p.stdout, "Sauvegarde %s restaurée dans %s : %s.\n", file, p.cfg.dataDir, contentsFR(r.Restored))
	switch {
	case r.Replaced != nil:
		fmt.Fprintf(p.stdout, "La base remplacée (%s) est gardée dans %s.\n", contentsFR(*r.Replaced), r.KeptAs)
	case r.KeptAs != "":
		fmt.Fprintf(p.stdout, "La base remplacée, illisible, est gardée dans %s.\n", r.KeptAs)
	}
	return nil
}

// contentsFR words what a store holds: « 3 entreprises, 1 avis, 0
// attribution, 2 comptes ».
func contentsFR(c store.Contents) string {
	return data.CountFR(c.Suppliers, "entreprise", "entreprises") + ", " + data.CountFR(c.Tenders, "avis", "avis") + ", " +
		data.CountFR(c.Awards, "attribution", "attributions") + ", " + data.CountFR(c.Accounts, "compte", "comptes")
}

// restoreError says in French why the backup file was not restored.
func restoreError(dataDir, file string, err error) error {
	var be *store.BackupError
	var ee *store.EmptyRestoreError
	var msg string
	switch {
	case errors.As(err, &ee):
		msg = fmt.Sprintf("%s ne contient ni entreprise, ni avis, ni attribution, et la base de %s en contient (%s) : "+
			"restauration refusée, la base n'a pas été touchée ; --allow-empty la remplace quand même", file, dataDir, contentsFR(ee.Current))
	case errors.Is(err, store.ErrLocked):
		msg = fmt.Sprintf("le répertoire de données %s est utilisé par un autre processus fabrique : "+
			"arrêtez-le avant de restaurer une sauvegarde", dataDir)
	case errors.As(err, &be):
		msg = fmt.Sprintf("%s n'est pas une sauvegarde utilisable : %s ; la base de %s n'a pas été touchée", file, backupProblem(be), dataDir)
	case errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("sauvegarde %s introuvable", file)
	case errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("restauration de %s impossible : accès refusé (droits du fichier ou du répertoire de données %s)", file, dataDir)
	case fileCause(err) != "":
		msg = fmt.Sprintf("restauration de %s impossible : %s ; la base de %s n'a pas été remplacée", file, fileCause(err), dataDir)
	default:
		msg = fmt.Sprintf("restauration de %s impossible : %v", file, err)
	}
	return &userError{msg: msg, err: err}
}

// backupProblem words a refused backup.
func backupProblem(be *store.BackupError) string {
	switch be.Problem {
	case store.BackupNotRegular:
		return "ce n'est pas un fichier ordinaire"
	case store.BackupEmpty:
		return "le fichier est vide"
	case store.BackupNotStore:
		return "ce n'est pas une base de Fabrique"
	case store.BackupTruncated:
		return fmt.Sprintf("fichier tronqué, %s là où son en-tête en annonce %d (copie ou téléchargement interrompu ?)",
			data.CountFR(int(be.Size), "octet", "octets"), be.Announced)
	case store.BackupSchema:
		if be.Version > store.SchemaVersion() {
			return fmt.Sprintf("elle vient d'une version plus récente de fabrique (schéma %d ; celle-ci connaît les schémas 1 à %d) : mettez fabrique à jour",
				be.Version, store.SchemaVersion())
		}
		return "c'est une base vide ou de schéma illisible"
	case store.BackupInconsistent:
		return "ses données sont incohérentes (la vérification de la base a échoué ; détail avec --log-level debug)"
	case store.BackupDamaged:
		return "le fichier est endommagé, des pages de la base sont illisibles (copie altérée ou disque défaillant ? reprenez une autre sauvegarde)"
	case store.BackupInPlace:
		return "c'est la base elle-même ou un fichier que la restauration écrit (.restore, .before-restore) ; copiez-la d'abord hors du répertoire de données"
	}
	return be.Error()
}
