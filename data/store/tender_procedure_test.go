package store

import (
	"cmp"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// TestFoldNoticeSameBuyerOnly: a notice found only by its procedure id
// folds into the tender when it comes from the same buyer, and is refused,
// not hidden, when another buyer's tender holds that procedure id. A
// notice that names the notice it follows is trusted; under an eForms
// UUID, the notice of a joint procurement folds when any of its buyers is
// one of the tender's.
func TestFoldNoticeSameBuyerOnly(t *testing.T) {
	paris := data.Buyer{Name: "Ville de Paris", SIRET: "21750001600019"}
	initial := data.Tender{ID: "boamp:16-186394", Source: "boamp", SourceID: "16-186394", ProcedureID: "2016V12019350",
		Title: "Prestations de remorquage", CPV: "50118110", State: data.StateOpen, Buyer: paris}
	notice := func(id string, buyer data.Buyer) data.Tender {
		return data.Tender{ID: "boamp:" + id, Source: "boamp", SourceID: id, ProcedureID: initial.ProcedureID,
			Title: "Remorquage des véhicules de la ville", CPV: "50118110", State: data.StateOpen, Buyer: buyer}
	}
	furniture := notice("26-7", paris)
	furniture.Title, furniture.CPV = "Mobilier scolaire", "39160000"
	linked := notice("26-5", data.Buyer{Name: "Paris (Ville de)"})
	linked.SourceIDs = []string{initial.ID}
	const uuid = "18d27a53-0109-4f93-9231-6659d931bce0"
	joint := data.Tender{ID: "ted:1-2025", Source: "ted", SourceID: "1-2025", ProcedureID: uuid,
		Title: "Water treatment", State: data.StateOpen, Buyer: data.Buyer{Name: "NI Water"}}
	award := data.Tender{ID: "ted:2-2025", Source: "ted", SourceID: "2-2025", ProcedureID: uuid,
		Title: "Water treatment", State: data.StateAwarded, Buyer: data.Buyer{Name: "France Eau"},
		JointBuyers: []data.Buyer{{Name: "NI Water"}}}
	tests := []struct {
		name     string
		notice   data.Tender
		wantErr  error
		wantText string
		wantInto string // initial.ID when empty
	}{
		{name: "another buyer by name", notice: notice("26-1", data.Buyer{Name: "Ville de Rennes"}),
			wantErr: data.ErrConflict, wantText: "les avis de deux acheteurs ne sont pas fusionnés"},
		{name: "another buyer by SIRET, same name", notice: notice("26-2", data.Buyer{Name: "Ville de Paris", SIRET: "21350238800019"}),
			wantErr: data.ErrConflict, wantText: "« Ville de Paris »"},
		{name: "another establishment of the same buyer", notice: notice("26-3", data.Buyer{Name: "Mairie de Paris", SIRET: "21750001600027"})},
		{name: "the same buyer spelt otherwise", notice: notice("26-4", data.Buyer{Name: "VILLE DE PARIS"})},
		{name: "names the notice it follows", notice: linked},
		{name: "buyer unknown", notice: notice("26-6", data.Buyer{})},
		{name: "the same buyer, another object", notice: furniture,
			wantErr: data.ErrConflict, wantText: "d'un tout autre objet"},
		{name: "an eForms UUID, another of the joint buyers first", notice: award, wantInto: joint.ID},
	}
	ctx := context.Background()
	s := openTest(t, Options{})
	for _, seed := range []data.Tender{initial, joint} {
		if _, _, err := s.FoldNotice(ctx, seed, "import"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, changed, err := s.FoldNotice(ctx, tc.notice, "import")
			if tc.wantErr != nil {
				wantRefused(t, s, tc.notice, err, tc.wantErr, tc.wantText, false)
				return
			}
			want := cmp.Or(tc.wantInto, initial.ID)
			if err != nil || !changed || got.ID != want {
				t.Fatalf("folded into %s, changed=%v err=%v; want %s", got.ID, changed, err, want)
			}
		})
	}
	mustCheck(t, s)
}

// TestMigrationScopesBuyerReferences: a store of schema 6 holds BOAMP
// tenders whose procedure id is the buyer's bare reference. Opening it
// scopes them by their buyer, index included: the buyer's next notice
// still folds in, another buyer's with the same reference gets its own
// tender, and the other sources' ids stay as they were.
func TestMigrationScopesBuyerReferences(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fabrique.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	const uuid = "31f258b6-5eb2-4875-8997-affa3cdce27c"
	old := []data.Tender{
		{ID: "boamp:16-186394", Source: "boamp", SourceID: "16-186394", ProcedureID: "2016V12019350",
			Title: "Prestations de remorquage", State: data.StateOpen, Buyer: data.Buyer{Name: "Ville de Paris"}},
		{ID: "boamp:17-2599", Source: "boamp", SourceID: "17-2599", ProcedureID: "16ff-Mp-0383-G",
			Title: "Denrées alimentaires", State: data.StateAwarded, Buyer: data.Buyer{Name: "C.C.A.S. de Toulon", SIRET: "26830066200015"}},
		{ID: "boamp:20-58231", Source: "boamp", SourceID: "20-58231", ProcedureID: uuid,
			Title: "Maîtrise d'œuvre", State: data.StateOpen, Buyer: data.Buyer{Name: "Ville de Marseille"}},
		{ID: "ocds:ocds-abc-1", Source: "ocds", SourceID: "ocds-abc-1", ProcedureID: "ocds-abc-1",
			Title: "Voirie", State: data.StateOpen, Buyer: data.Buyer{Name: "Ville de Lyon"}},
	}
	before := map[string]data.Tender{}
	for _, tn := range old {
		got, _, err := s.FoldNotice(ctx, tn, "import")
		if err != nil {
			t.Fatal(err)
		}
		before[got.ID] = got
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return setSchemaVersion(tx, 6) }); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if s, err = Open(path, Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustCheck(t, s)

	want := map[string]string{
		"boamp:16-186394": "acheteur:ville paris/2016V12019350",
		"boamp:17-2599":   "siret:26830066200015/16ff-Mp-0383-G",
		"boamp:20-58231":  uuid,
		"ocds:ocds-abc-1": "ocds-abc-1",
	}
	for id, proc := range want {
		got, err := s.TenderBySourceID(ctx, "proc:"+proc)
		if err != nil || got.ID != id {
			t.Errorf("proc:%s finds %q (err %v); want %s", proc, got.ID, err, id)
			continue
		}
		if !got.UpdatedAt.Equal(before[id].UpdatedAt) {
			t.Errorf("%s: UpdatedAt moved from %v to %v", id, before[id].UpdatedAt, got.UpdatedAt)
		}
	}
	if got, err := s.TenderBySourceID(ctx, "proc:2016V12019350"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the bare reference still finds %s (err %v)", got.ID, err)
	}

	rennes := data.Tender{ID: "boamp:26-99001", Source: "boamp", SourceID: "26-99001", ProcedureID: "acheteur:ville rennes/2016V12019350",
		Title: "Mobilier scolaire", State: data.StateOpen, Buyer: data.Buyer{Name: "Ville de Rennes"}}
	fix := data.Tender{ID: "boamp:26-99002", Source: "boamp", SourceID: "26-99002", ProcedureID: want["boamp:16-186394"],
		Title: "Prestations de remorquage (rectifié)", State: data.StateCorrected, Buyer: data.Buyer{Name: "Ville de Paris"}}
	for _, n := range []data.Tender{rennes, fix} {
		if _, _, err := s.FoldNotice(ctx, n, "import"); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Tender(ctx, rennes.ID); err != nil || got.Buyer.Name != "Ville de Rennes" {
		t.Errorf("the other buyer's notice: %+v (err %v); want a tender of its own", got.Buyer, err)
	}
	paris, _ := s.Tender(ctx, "boamp:16-186394")
	if !slices.Contains(paris.SourceIDs, fix.ID) || slices.Contains(paris.SourceIDs, rennes.ID) || paris.State != data.StateCorrected {
		t.Errorf("Paris tender: source ids %v, state %q; want the correction folded in, not the other buyer's notice",
			paris.SourceIDs, paris.State)
	}
	mustCheck(t, s)
}
