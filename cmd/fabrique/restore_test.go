package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestoreKeepsABackupInTheDataDirectory: restoring DIR/fabrique.db.restore
// (where restore stages its copy) or DIR/fabrique.db.before-restore (where
// it keeps the current store) is refused and leaves the backup intact;
// the first used to truncate its own source to nothing.
func TestRestoreKeepsABackupInTheDataDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCmd(t, env(), "user", "add", "admin@alliance.test", "--password", "une phrase assez longue", "--data", dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fabrique.db.restore", "fabrique.db.before-restore"} {
		backup := filepath.Join(dir, name)
		if _, _, err := runCmd(t, env(), "backup", backup, "--data", dir); err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = runCmd(t, env(), "restore", backup, "--data", dir)
		if exitCode(err) != 1 || !strings.Contains(err.Error(), "un fichier que la restauration écrit") {
			t.Errorf("restore %s: %v (exit %d), want a refusal naming the files restore writes", name, err, exitCode(err))
		}
		if got, err := os.ReadFile(backup); err != nil || !bytes.Equal(got, want) {
			t.Errorf("restore %s changed the backup: %d bytes left of %d (%v)", name, len(got), len(want), err)
		}
	}
	out, _, err := runCmd(t, env(), "user", "list", "--data", dir)
	if err != nil || !strings.Contains(out, "admin@alliance.test") {
		t.Errorf("the store after the refused restores: %v\n%s", err, out)
	}
}

// TestRestoreErrorsInFrench: the reasons of a refused restore are French;
// the store's Go errors stay in the debug log.
func TestRestoreErrorsInFrench(t *testing.T) {
	src := t.TempDir()
	if _, _, err := runCmd(t, env(), "user", "add", "admin@alliance.test", "--password", "une phrase assez longue", "--data", src); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "b.db")
	if _, _, err := runCmd(t, env(), "backup", good, "--data", src); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "cut.db")
	if err := os.WriteFile(truncated, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(t.TempDir(), "other.db")
	writeForeignBolt(t, foreign)
	// Every page past the two meta pages names itself with another id:
	// bbolt panics on reading one, which used to end the program.
	damaged := filepath.Join(t.TempDir(), "pages.db")
	d := bytes.Clone(b)
	pageSize := int(binary.LittleEndian.Uint32(d[24:]))
	for off := 2 * pageSize; off < len(d); off += pageSize {
		d[off] ^= 1
	}
	if err := os.WriteFile(damaged, d, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{damaged, "le fichier est endommagé, des pages de la base sont illisibles"},
		{truncated, fmt.Sprintf("fichier tronqué, %d octets là où son en-tête en annonce %d", len(b)/2, len(b))},
		{filepath.Join(t.TempDir(), "absent.db"), "introuvable"},
		{foreign, "ce n'est pas une base de Fabrique"},
	} {
		_, stderr, err := runCmd(t, env(), "restore", tt.file, "--data", t.TempDir(), "--log-level", "debug")
		if exitCode(err) != 1 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("restore %s: %v (exit %d), want %q", tt.file, err, exitCode(err), tt.want)
			continue
		}
		for _, english := range []string{"store:", "truncated", "no such file", "not a", "damaged", "panic"} {
			if strings.Contains(err.Error(), english) {
				t.Errorf("restore %s: message %q shows %q", tt.file, err, english)
			}
		}
		if !strings.Contains(stderr, "store:") {
			t.Errorf("restore %s: the debug log lacks the Go error:\n%s", tt.file, stderr)
		}
	}
}

// TestRestoreOfAnEmptyBackupOverData: restore says what it restored and
// what it replaced; a backup without companies, notices or awards does
// not replace a store holding some unless --allow-empty.
func TestRestoreOfAnEmptyBackupOverData(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "vide.db")
	src := t.TempDir()
	if _, _, err := runCmd(t, env(), "user", "add", "admin@alliance.test", "--password", "une phrase assez longue", "--data", src); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, env(), "backup", empty, "--data", src); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, _, err := runCmd(t, env(), "import", "--data", dir, "testdata/notices/cn_81_FRA.xml"); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "fabrique.db")
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	out, _, err := runCmd(t, env(), "restore", empty, "--data", dir)
	want := empty + " ne contient ni entreprise, ni avis, ni attribution, et la base de " + dir +
		" en contient (0 entreprise, 1 avis, 0 attribution, 0 compte) : restauration refusée"
	if exitCode(err) != 1 || !strings.Contains(fmt.Sprint(err), want) || !strings.Contains(fmt.Sprint(err), "--allow-empty") {
		t.Fatalf("restore of an empty backup over a notice: %v (exit %d)\n%s\nwant %q and --allow-empty", err, exitCode(err), out, want)
	}
	if got, _ := os.ReadFile(db); !bytes.Equal(got, before) {
		t.Error("the refused restore changed the store")
	}

	out, _, err = runCmd(t, env(), "restore", empty, "--data", dir, "--allow-empty")
	wantOut := "Sauvegarde " + empty + " restaurée dans " + dir + " : 0 entreprise, 0 avis, 0 attribution, 1 compte.\n" +
		"La base remplacée (0 entreprise, 1 avis, 0 attribution, 0 compte) est gardée dans " + db + ".before-restore.\n"
	if err != nil || out != wantOut {
		t.Errorf("restore --allow-empty: %v\n%s\nwant\n%s", err, out, wantOut)
	}
	out, _, err = runCmd(t, env(), "restore", empty, "--data", t.TempDir())
	if err != nil || !strings.HasSuffix(out, " : 0 entreprise, 0 avis, 0 attribution, 1 compte.\n") {
		t.Errorf("restore of an empty backup into a new directory: %v\n%s", err, out)
	}
}

// A damaged store is what a restore is there to replace: its file is kept
// all the same, and the operator is told where, though its contents
// cannot be counted.
func TestRestoreSaysWhereADamagedStoreIsKept(t *testing.T) {
	src := t.TempDir()
	if _, _, err := runCmd(t, env(), "import", "--data", src, "testdata/notices/cn_81_FRA.xml"); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if _, _, err := runCmd(t, env(), "backup", backup, "--data", src); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "fabrique.db")
	if err := os.WriteFile(db, []byte("not a bbolt file, half written"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, env(), "restore", backup, "--data", dir)
	want := "La base remplacée, illisible, est gardée dans " + db + ".before-restore.\n"
	if err != nil || !strings.HasSuffix(out, want) {
		t.Fatalf("restore over a damaged store: %v\n%s\nwant it to end with %q", err, out, want)
	}
	if got, _ := os.ReadFile(db + ".before-restore"); string(got) != "not a bbolt file, half written" {
		t.Errorf("the damaged store was not kept: %q", got)
	}
}
