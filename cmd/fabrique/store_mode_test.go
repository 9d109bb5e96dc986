package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fabrique/data/store"
)

// newDataDir is a data directory holding a new, empty store, for the
// commands that refuse to create one (existingStore). Those that seed the
// embedded EPV companies (match, stats snapshot, alerts send) seed it at
// their first run, as serve would.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := openStore(dir, nil, newStore)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadingCommandsNeedAStore: the commands that only read or report
// refuse a data directory without a store (a mistyped --data, a cron job
// without FABRIQUE_DATA) with exit 1 and create nothing, where they used
// to create an empty store and report from it (« Sauvegarde écrite », « Aucun
// compte », a snapshot of the embedded companies).
func TestReadingCommandsNeedAStore(t *testing.T) {
	need := writeTemp(t, `{"title": "Restauration de vitraux", "cpv": ["45212350-4"]}`)
	backupFile := filepath.Join(t.TempDir(), "x.db")
	for _, args := range [][]string{
		{"backup", backupFile},
		{"user", "list"},
		{"user", "disable", "acheteur@mairie.test"},
		{"user", "enable", "acheteur@mairie.test"},
		{"crawl", "--last"},
		{"stats", "snapshot"},
		{"alerts", "send", "--dry-run"},
		{"alerts", "send", "--public-url", "https://fabrique.test"},
		{"match", need},
		{"eval", "feedback"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			typo := filepath.Join(t.TempDir(), "typo")
			_, _, err := runCmd(t, env(), append(args, "--data", typo)...)
			if exitCode(err) != 1 || err == nil || !strings.Contains(err.Error(), "aucune base dans "+typo+" (--data / FABRIQUE_DATA)") {
				t.Errorf("on a missing data directory: %v (exit %d), want exit 1 « aucune base dans %s »", err, exitCode(err), typo)
			}
			if !errors.Is(err, store.ErrNoStore) {
				t.Errorf("error %v does not wrap store.ErrNoStore", err)
			}
			if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the command created %s (%v)", typo, err)
			}

			// Without --data nor FABRIQUE_DATA: the default directory, which
			// cron's environment makes a new one.
			xdg := t.TempDir()
			_, _, err = runCmd(t, env("XDG_DATA_HOME", xdg), args...)
			if exitCode(err) != 1 || !errors.Is(err, store.ErrNoStore) {
				t.Errorf("on the default data directory: %v (exit %d), want exit 1", err, exitCode(err))
			}
			if _, err := os.Stat(filepath.Join(xdg, "fabrique")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the command created the default data directory (%v)", err)
			}
		})
	}
	if _, err := os.Stat(backupFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup wrote %s from no store", backupFile)
	}
}

// TestForeignFileRefused: a bbolt file of another application at
// DIR/fabrique.db is refused in French and left as it was, not taken for
// an empty store and migrated.
func TestForeignFileRefused(t *testing.T) {
	dir := t.TempDir()
	writeForeignBolt(t, dbFile(dir))
	before, err := os.ReadFile(dbFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"user", "list"}, {"user", "add", "admin@alliance.test", "--password", "une phrase assez longue"}} {
		out, _, err := runCmd(t, env(), append(args, "--data", dir)...)
		if exitCode(err) != 1 || !strings.Contains(err.Error(), "n'est pas une base de Fabrique") || strings.Contains(err.Error(), "store:") {
			t.Errorf("%s on a foreign file: %v (exit %d)\n%s", args, err, exitCode(err), out)
		}
	}
	after, err := os.ReadFile(dbFile(dir))
	if err != nil || string(after) != string(before) {
		t.Errorf("the foreign file changed (%v)", err)
	}
}

// writeForeignBolt writes a bbolt file such as another application keeps:
// buckets of its own, no Fabrique meta.
func writeForeignBolt(t *testing.T, path string) { writeBolt(t, path, "widgets", "w1", "blue") }

// writeBolt writes a bbolt file holding one key in one bucket. (Tests may
// use bbolt directly: the architecture rule holds for the program's
// imports.)
func writeBolt(t *testing.T, path, bucket, key, value string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte(bucket))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), []byte(value))
	}); err != nil {
		t.Fatal(err)
	}
}

// TestNewerSchemaInFrench: a store written by a newer fabrique is refused
// in French (it said « store: unknown schema version: … (upgrade
// fabrique) »).
func TestNewerSchemaInFrench(t *testing.T) {
	dir := t.TempDir()
	writeBolt(t, dbFile(dir), "meta", "schema_version", "99")
	_, _, err := runCmd(t, env(), "user", "list", "--data", dir)
	if exitCode(err) != 1 || !errors.Is(err, store.ErrSchema) || !strings.Contains(err.Error(), "version plus récente de fabrique") ||
		strings.Contains(err.Error(), "store:") || strings.Contains(err.Error(), "upgrade") {
		t.Errorf("user list on a newer schema: %v (exit %d), want a French refusal", err, exitCode(err))
	}
}
