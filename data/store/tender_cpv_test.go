package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// A notice without CPV code is stored with inferred codes; a correction
// recomputes them from its words and descriptors, and one that declares a
// code removes them.
func TestFoldNoticeInfersCPV(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{})
	call := data.Tender{ID: "boamp:26-1", Source: "boamp", SourceID: "26-1", ProcedureID: "P-1", State: data.StateOpen,
		Title: "Travaux de terrassement pour un parking", Nature: data.NatureWorks,
		Descriptors: []data.Descriptor{{Code: "341", Label: "Terrassement"}}}
	got, _, err := s.FoldNotice(ctx, call, "import")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.InferredCPV) == 0 || !strings.HasPrefix(got.InferredCPV[0].Code, "451") {
		t.Fatalf("inferred %v, want earthworks (451…) first", got.InferredCPV)
	}
	if stored, _ := s.Tender(ctx, call.ID); len(stored.InferredCPV) == 0 || stored.InferredCPV[0].Code != got.InferredCPV[0].Code {
		t.Errorf("stored tender has %v, folding returned %v", stored.InferredCPV, got.InferredCPV)
	}

	fix := call
	fix.ID, fix.SourceID, fix.State = "boamp:26-2", "26-2", data.StateCorrected
	fix.Title, fix.Descriptors = "Fourniture de denrées alimentaires pour la cantine", []data.Descriptor{{Code: "88", Label: "Denrées alimentaires"}}
	fix.Nature = data.NatureSupplies
	got, _, err = s.FoldNotice(ctx, fix, "import")
	if err != nil {
		t.Fatal(err)
	}
	divisions := map[string]bool{}
	for _, g := range got.InferredCPV {
		divisions[g.Code[:2]] = true
	}
	if !divisions["15"] {
		t.Errorf("after the correction, inferred %v, want food (15…) among them", got.InferredCPV)
	}

	declared := fix
	declared.ID, declared.SourceID, declared.CPV = "boamp:26-3", "26-3", "15800000"
	got, _, err = s.FoldNotice(ctx, declared, "import")
	if err != nil {
		t.Fatal(err)
	}
	if got.CPV != "15800000" || len(got.InferredCPV) != 0 {
		t.Errorf("with a declared CPV: cpv %q, inferred %v; want the declared code and no guess", got.CPV, got.InferredCPV)
	}
}

// A store of schema 3 holds tenders without inferred codes; opening it
// with this version infers them, UpdatedAt unchanged.
func TestMigrationInfersTendersCPV(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fabrique.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	tn := data.Tender{ID: "manual:x", Source: "manual", SourceID: "x", Title: "Travaux de charpente et de couverture de l'église"}
	if err := s.PutTender(ctx, tn, "test"); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Tender(ctx, tn.ID)
	err = s.db.Update(func(tx *bolt.Tx) error {
		old := before
		old.InferredCPV = nil
		if err := put(tx.Bucket(bucketTenders), old.ID, old); err != nil {
			return err
		}
		return setSchemaVersion(tx, 3)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Tender(ctx, tn.ID); len(got.InferredCPV) != 0 {
		t.Fatalf("setup: tender still has %v", got.InferredCPV)
	}
	_ = s.Close()
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Tender(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.InferredCPV) == 0 || !strings.HasPrefix(got.InferredCPV[0].Code, "4526") {
		t.Errorf("after migration: inferred %v, want roofing works (4526…)", got.InferredCPV)
	}
	if !got.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("UpdatedAt moved from %v to %v", before.UpdatedAt, got.UpdatedAt)
	}
}
