//go:build linux

package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"fabrique/data"
)

// TestDirectoryReleasesTheStoreMapAfterARebuild opens a directory whose
// index is gone: the index is rebuilt by reading every supplier through
// the store's map, and then the map's pages must have been given back
// instead of staying in serve's resident memory.
func TestDirectoryReleasesTheStoreMapAfterARebuild(t *testing.T) {
	ctx := context.Background()
	p := &program{cfg: config{dataDir: t.TempDir()}, stdout: io.Discard, stderr: io.Discard,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	d, err := openDirectory(ctx, p, newStore, false) // seeds the store
	if err != nil {
		t.Fatal(err)
	}
	if err := d.waitLinks(ctx); err != nil {
		t.Fatal(err)
	}
	d.Close()
	// Without its index, the next open rebuilds it from the store.
	if err := os.RemoveAll(filepath.Join(p.cfg.dataDir, "index")); err != nil {
		t.Fatal(err)
	}
	d, err = openDirectory(ctx, p, newStore, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.waitLinks(ctx); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(d.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	resident, err := d.store.MappedResident()
	if err != nil {
		t.Fatal(err)
	}
	// A rebuild without the release leaves most of the file resident (every
	// supplier page); what is read after it (a few records) is small.
	if resident > fi.Size()/5 {
		t.Errorf("store map resident after the rebuild: %d of %d bytes, want under a fifth", resident, fi.Size())
	}
	// The measure itself sees a full scan: reading every supplier again
	// maps their pages, as the rebuild did.
	if err := d.store.Suppliers(ctx, func(data.Supplier) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if scanned, err := d.store.MappedResident(); err != nil || scanned <= fi.Size()/5 {
		t.Fatalf("store map resident after a full scan: %d of %d bytes (%v), want over a fifth: the check above proves nothing", scanned, fi.Size(), err)
	}
}
