package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBackupWriteErrorsInFrench: a backup that cannot be written (disk
// full, a destination that is a directory or under a file) says why in
// French, keeps the Go error for the debug log and leaves no FILE.tmp.
func TestBackupWriteErrorsInFrench(t *testing.T) {
	src := t.TempDir()
	if _, _, err := runCmd(t, env(), "user", "add", "admin@alliance.test", "--password", "une phrase assez longue", "--data", src); err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	aFile := filepath.Join(dest, "fichier")
	if err := os.WriteFile(aFile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	aDir := filepath.Join(dest, "dossier")
	if err := os.Mkdir(aDir, 0o750); err != nil {
		t.Fatal(err)
	}
	type tc struct{ name, file, want string }
	cases := []tc{
		{"destination is a directory", aDir, aDir + " est un répertoire"},
		{"destination under a file", filepath.Join(aFile, "b.db"), "un élément du chemin " + aFile + " n'est pas un répertoire"},
	}
	if _, err := os.Stat("/dev/full"); err == nil {
		// FILE.tmp, where BackupFile writes, is /dev/full: every write fails with ENOSPC.
		full := filepath.Join(dest, "plein.db")
		if err := os.Symlink("/dev/full", full+".tmp"); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{"disk full", full, "disque plein, plus de place sur le volume de destination (" + dest + ")"})
	}
	for _, tt := range cases {
		_, stderr, err := runCmd(t, env(), "backup", tt.file, "--data", src, "--log-level", "debug")
		want := fmt.Sprintf("sauvegarde dans %s impossible : %s ; aucun fichier remplacé", tt.file, tt.want)
		if exitCode(err) != 1 || err.Error() != want {
			t.Errorf("%s: %v (exit %d), want %q", tt.name, err, exitCode(err), want)
			continue
		}
		if !strings.Contains(stderr, "store: backup") {
			t.Errorf("%s: the debug log lacks the Go error:\n%s", tt.name, stderr)
		}
		if _, err := os.Lstat(tt.file + ".tmp"); err == nil {
			t.Errorf("%s: %s.tmp left behind", tt.name, tt.file)
		}
	}
}

// TestFileCauseWordsWhatTheSystemRefused: the causes a test cannot
// provoke without another volume or user.
func TestFileCauseWordsWhatTheSystemRefused(t *testing.T) {
	write := func(errno error) error {
		return fmt.Errorf("store: backup: %w", &os.PathError{Op: "write", Path: "/sauvegardes/b.db.tmp", Err: errno})
	}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{write(syscall.ENOSPC), "disque plein, plus de place sur le volume de destination (/sauvegardes)"},
		{write(syscall.EDQUOT), "quota disque dépassé sur le volume de destination (/sauvegardes)"},
		{write(syscall.EROFS), "volume de destination en lecture seule (/sauvegardes)"},
		{write(syscall.EIO), "erreur d'entrée-sortie du disque (/sauvegardes)"},
		{write(syscall.EACCES), "accès refusé à /sauvegardes/b.db.tmp (droits du fichier ou du répertoire)"},
		{write(syscall.EPERM), "accès refusé à /sauvegardes/b.db.tmp (droits du fichier ou du répertoire)"},
		{write(syscall.ENOENT), "fichier ou répertoire introuvable : /sauvegardes/b.db.tmp"},
		{&os.LinkError{Op: "rename", Old: "/s/b.db.tmp", New: "/s/b.db", Err: syscall.EEXIST}, "/s/b.db est un répertoire"},
		{fmt.Errorf("store: backup: %w", context.Canceled), "opération interrompue"},
		{errors.New("store: something else"), ""},
	} {
		if got := fileCause(tt.err); got != tt.want {
			t.Errorf("fileCause(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestRestoreWriteErrorsInFrench: a restore that cannot stage its copy
// (disk full) says so in French.
func TestRestoreWriteErrorsInFrench(t *testing.T) {
	err := restoreError("/srv/fabrique", "/sauvegardes/b.db", fmt.Errorf("store: restore: %w",
		&os.PathError{Op: "write", Path: "/srv/fabrique/fabrique.db.restore", Err: syscall.ENOSPC}))
	want := "restauration de /sauvegardes/b.db impossible : disque plein, plus de place sur le volume de destination (/srv/fabrique) ; la base de /srv/fabrique n'a pas été remplacée"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
