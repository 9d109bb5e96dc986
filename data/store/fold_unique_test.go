package store

import (
	"context"
	"slices"
	"testing"

	"fabrique/data"
)

// TestFoldNoticeUniqueIDNeedsBuyerAndObject: an eForms UUID is not
// trusted alone. The eForms SDK gives the procedure id of Rouen Habitat's
// green spaces to HM Land Registry's scanning services: a notice found
// only by such an id folds when it shares a buyer with the tender (lead
// or joint) and does not announce a plainly different purchase, unless it
// corrects the tender; otherwise it is refused and the tender unchanged.
func TestFoldNoticeUniqueIDNeedsBuyerAndObject(t *testing.T) {
	const uuid = "e3cdabf1-e057-47a5-9210-b1f6fc757228"
	rouen := data.Buyer{Name: "Rouen Habitat"}
	metropole := data.Buyer{Name: "Métropole Rouen Normandie"}
	seed := data.Tender{ID: "ted:df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8", Source: "ted", SourceID: "df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8",
		ProcedureID: uuid, Title: "Service d'entretien de remise en état et de nettoyage des espaces verts",
		CPV: "77310000", State: data.StateAwarded, Buyer: rouen}
	notice := func(id string, buyer data.Buyer, title, cpv string) data.Tender {
		return data.Tender{ID: "ted:" + id, Source: "ted", SourceID: id, ProcedureID: uuid, Title: title, CPV: cpv,
			State: data.StateOpen, Buyer: buyer}
	}
	const scanning = "Scanning, Processing and Data Extraction Services"
	landRegistry := notice("d1a2e651-b32f-4606-a5dd-d180bab20be1", data.Buyer{Name: "HM Land Registry"}, scanning, "79999000")
	landRegistry.EstimatedValue = 123456
	joint := notice("4-2025", metropole, seed.Title, "77310000")
	joint.JointBuyers = []data.Buyer{rouen}
	correction := notice("3-2025", rouen, seed.Title, "45112710")
	correction.State = data.StateCorrected
	tests := []struct {
		name     string
		notice   data.Tender
		wantText string // refused when not empty
	}{
		{name: "another buyer, another object", notice: landRegistry,
			wantText: "« HM Land Registry » : sa procédure " + uuid + " est déjà celle de l'appel d'offres " + seed.ID + " de l'acheteur « Rouen Habitat », sans acheteur commun"},
		{name: "another buyer, the same object", notice: notice("1-2025", data.Buyer{Name: "HM Land Registry"}, seed.Title, "77310000"),
			wantText: "les avis de deux acheteurs ne sont pas fusionnés"},
		{name: "a buyer not yet joint", notice: notice("5-2025", metropole, seed.Title, "77310000"),
			wantText: "sans acheteur commun"},
		{name: "the same buyer, another object", notice: notice("2-2025", rouen, scanning, "79999000"),
			wantText: "(CPV 79999000) : sa procédure " + uuid + " est déjà celle de l'appel d'offres " + seed.ID + " « " + seed.Title + " » (CPV 77310000), d'un tout autre objet"},
		{name: "a joint buyer named first", notice: joint},
		{name: "a buyer joint since", notice: notice("6-2025", metropole, seed.Title, "77310000")},
		{name: "a correction of its codes", notice: correction},
	}
	ctx := context.Background()
	s := openTest(t, Options{})
	if _, _, err := s.FoldNotice(ctx, seed, "import"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, changed, err := s.FoldNotice(ctx, tc.notice, "import")
			if tc.wantText != "" {
				wantRefused(t, s, tc.notice, err, data.ErrConflict, tc.wantText, false)
				return
			}
			if err != nil || !changed || got.ID != seed.ID {
				t.Fatalf("folded into %s, changed=%v err=%v; want %s", got.ID, changed, err, seed.ID)
			}
		})
	}
	got, err := s.Tender(ctx, seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.EstimatedValue != 0 || got.Title != seed.Title || len(got.SourceIDs) != 4 {
		t.Errorf("tender: value %v, title %q, notices %v; want the refused notices to change nothing, 4 notices folded",
			got.EstimatedValue, got.Title, got.SourceIDs)
	}
	if !slices.Equal(got.JointBuyers, []data.Buyer{metropole}) {
		t.Errorf("joint buyers %+v; want %+v", got.JointBuyers, metropole)
	}
	mustCheck(t, s)
}
