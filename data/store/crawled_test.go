package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"fabrique/data"
)

func TestUpsertCrawledCountsNewUpdatedUnchanged(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{NoSync: true, Now: clk.Now})
	batch := realSuppliers(t, 300)

	res, err := s.UpsertCrawled(ctx, batch, "crawler:epv")
	if err != nil {
		t.Fatal(err)
	}
	if res.New != len(batch) || res.Updated != 0 || res.Unchanged != 0 || len(res.IDs) != len(batch) || len(res.Rejected) != 0 {
		t.Fatalf("first crawl: %+v, want %d new", summary(res), len(batch))
	}
	mustCheck(t, s)
	first, _ := s.Supplier(ctx, batch[0].ID)

	res, err = s.UpsertCrawled(ctx, batch, "crawler:epv")
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != len(batch) || res.New != 0 || res.Updated != 0 || len(res.IDs) != 0 {
		t.Fatalf("same crawl again: %+v, want %d unchanged", summary(res), len(batch))
	}
	again, _ := s.Supplier(ctx, batch[0].ID)
	if !again.UpdatedAt.Equal(first.UpdatedAt) {
		t.Errorf("unchanged listing: UpdatedAt moved from %v to %v", first.UpdatedAt, again.UpdatedAt)
	}
	if !again.Labels[0].LastSeen.After(first.Labels[0].LastSeen) || !again.Labels[0].FirstSeen.Equal(first.Labels[0].FirstSeen) {
		t.Errorf("unchanged listing: label seen %v→%v first %v→%v; want LastSeen saved, FirstSeen kept",
			first.Labels[0].LastSeen, again.Labels[0].LastSeen, first.Labels[0].FirstSeen, again.Labels[0].FirstSeen)
	}

	batch[7].Description = "Nouvelle description de l'atelier"
	res, err = s.UpsertCrawled(ctx, batch, "crawler:epv")
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || res.Unchanged != len(batch)-1 || !slices.Equal(res.IDs, []string{batch[7].ID}) {
		t.Errorf("one changed listing: %+v, want 1 updated (%s)", summary(res), batch[7].ID)
	}
	mustCheck(t, s)
}

type resultSummary struct{ New, Updated, Unchanged, IDs, Rejected int }

func summary(r UpsertResult) resultSummary {
	return resultSummary{r.New, r.Updated, r.Unchanged, len(r.IDs), len(r.Rejected)}
}

func TestUpsertCrawledMergesIntoTheSameCompany(t *testing.T) {
	ctx := context.Background()
	siren := sirenN(42)
	siret := siretOf(siren, 1)
	stored := data.Supplier{
		ID: siren, SIREN: siren, Name: "Ateliers Dupont & Fils S.A.R.L.",
		Address:        data.Address{Postcode: "25000", Departement: "25"},
		Establishments: []data.Establishment{{SIRET: siret, HeadOffice: true, Valid: true, Address: data.Address{Postcode: "25000", Departement: "25"}}},
		Labels:         []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv"}},
	}
	ofg := data.Label{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "Horloges", Source: "ofg"}
	tests := []struct {
		name     string
		crawled  data.Supplier
		wantID   string // "" means a new company
		wantRule string
	}{
		{"by id", data.Supplier{ID: siren, Name: "Ateliers Dupont", Labels: []data.Label{ofg}}, siren, ""},
		{"by SIRET", data.Supplier{Name: "Dupont horlogerie",
			Establishments: []data.Establishment{{SIRET: siret}}, Labels: []data.Label{ofg}}, siren, ruleSIREN},
		{"by SIREN of another site", data.Supplier{SIREN: siren, ID: "x0000000000000001", Name: "Dupont",
			Labels: []data.Label{ofg}}, siren, ruleSIREN},
		{"by name and postcode", data.Supplier{Name: "ATELIERS DUPONT", Address: data.Address{Postcode: "25000"},
			Labels: []data.Label{ofg}}, siren, ruleName},
		{"same name elsewhere is another company", data.Supplier{Name: "Ateliers Dupont", Address: data.Address{Postcode: "39100"},
			Labels: []data.Label{ofg}}, "", ""},
		{"same name and town but another SIREN", data.Supplier{ID: sirenN(43), SIREN: sirenN(43), Name: "Ateliers Dupont",
			Address: data.Address{Postcode: "25000"}, Labels: []data.Label{ofg}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t, Options{NoSync: true})
			if err := s.PutSupplier(ctx, stored, "test"); err != nil {
				t.Fatal(err)
			}
			res, err := s.UpsertCrawled(ctx, []data.Supplier{tt.crawled}, "crawler:ofg")
			if err != nil || len(res.Rejected) > 0 {
				t.Fatalf("UpsertCrawled: %v %v", err, res.Rejected)
			}
			mustCheck(t, s)
			if tt.wantID == "" {
				if res.New != 1 {
					t.Errorf("got %+v, want a new company", summary(res))
				}
				if n, _ := s.CountSuppliers(ctx); n != 2 {
					t.Errorf("CountSuppliers = %d, want 2", n)
				}
				return
			}
			if res.Updated != 1 || !slices.Equal(res.IDs, []string{tt.wantID}) {
				t.Fatalf("got %+v ids %v, want 1 updated %s", summary(res), res.IDs, tt.wantID)
			}
			got, _ := s.Supplier(ctx, tt.wantID)
			if !slices.Equal(got.LabelTypes(), []data.LabelType{data.LabelEPV, data.LabelOFG}) {
				t.Errorf("labels = %v, want EPV then OFG", got.LabelTypes())
			}
			var rules []string
			for _, m := range got.Merges {
				rules = append(rules, m.Rule)
			}
			if tt.wantRule == "" && len(rules) != 0 || tt.wantRule != "" && !slices.Equal(rules, []string{tt.wantRule}) {
				t.Errorf("merge rules = %v, want [%s]", rules, tt.wantRule)
			}
			if ids, _ := s.SupplierIDs(ctx, SupplierFilter{Label: data.LabelOFG}); !slices.Equal(ids, []string{siren}) {
				t.Errorf("OFG label index = %v, want [%s]", ids, siren)
			}
		})
	}
}

func TestUpsertCrawledNeverGuessesBetweenHomonyms(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	for _, n := range []int{1, 2} {
		sup := synthetic(n, "25")
		sup.Name = "Menuiserie Martin"
		if err := s.PutSupplier(ctx, sup, "test"); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.UpsertCrawled(ctx, []data.Supplier{{Name: "MENUISERIE MARTIN SARL", Address: data.Address{Postcode: "25000"}}}, "crawler:ofg")
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 {
		t.Errorf("got %+v, want a new record rather than a guess between two companies", summary(res))
	}
}

func TestUpsertCrawledKeepsOwnerDeclaredFields(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	sup := synthetic(7, "25")
	sup.Website = "https://atelier-proprietaire.fr"
	sup.SetProvenance(data.FieldWebsite, data.Provenance{Source: "owner", Owner: true})
	sup.Description = "ancienne description"
	if err := s.PutSupplier(ctx, sup, "account:1"); err != nil {
		t.Fatal(err)
	}
	crawled := synthetic(7, "25")
	crawled.Website = "https://annuaire.example/atelier"
	crawled.Description = "description de l'annuaire"
	res, err := s.UpsertCrawled(ctx, []data.Supplier{crawled}, "crawler:epv")
	if err != nil || res.Updated != 1 {
		t.Fatalf("UpsertCrawled: %+v %v", summary(res), err)
	}
	got, _ := s.Supplier(ctx, sup.ID)
	if got.Website != sup.Website {
		t.Errorf("owner-declared website = %q, want %q kept", got.Website, sup.Website)
	}
	if got.Description != crawled.Description {
		t.Errorf("crawled description = %q, want %q", got.Description, crawled.Description)
	}
}

func TestUpsertCrawledRejectsBadListingsAndWritesTheRest(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	a, b := synthetic(1, "25"), synthetic(2, "25")
	if _, err := s.UpsertCrawled(ctx, []data.Supplier{a, b}, "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	stealer := b
	stealer.Establishments = append(append([]data.Establishment(nil), b.Establishments...), a.Establishments[0])
	batch := []data.Supplier{
		{ID: "bogus", Name: "Clé invalide"},
		stealer,            // b claims a's SIRET: conflict
		synthetic(3, "39"), // fine
	}
	res, err := s.UpsertCrawled(ctx, batch, "crawler:epv")
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 || len(res.Rejected) != 2 {
		t.Fatalf("got %+v, want 1 new and 2 rejected", summary(res))
	}
	if !errors.Is(res.Rejected[0], data.ErrInvalid) || !errors.Is(res.Rejected[1], data.ErrConflict) {
		t.Errorf("rejections = %v, want ErrInvalid then ErrConflict", res.Rejected)
	}
	mustCheck(t, s)
	if got, _ := s.SupplierBySIRET(ctx, a.Establishments[0].SIRET); got.ID != a.ID {
		t.Errorf("SIRET of a now belongs to %q, want %q", got.ID, a.ID)
	}
}

func TestMarkNotRefoundAndMarkSeen(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{NoSync: true, Now: clk.Now})
	kept, lost := synthetic(1, "25"), synthetic(2, "25")
	lost.Labels = append(lost.Labels, data.Label{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "Pipes", Source: "ofg"})
	if _, err := s.UpsertCrawled(ctx, []data.Supplier{kept, lost}, "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	runStart := clk.Now()
	if _, err := s.UpsertCrawled(ctx, []data.Supplier{kept}, "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	var notified []string
	defer s.OnChange(func(ids []string) { notified = append(notified, ids...) })()

	n, err := s.MarkNotRefound(ctx, "epv", runStart)
	if err != nil || n != 1 {
		t.Fatalf("MarkNotRefound = %d, %v; want 1", n, err)
	}
	if !slices.Equal(notified, []string{lost.ID}) {
		t.Errorf("notified %v, want [%s]", notified, lost.ID)
	}
	got, _ := s.Supplier(ctx, lost.ID)
	if got.Labels[0].NotRefoundSince.IsZero() || !got.Labels[1].NotRefoundSince.IsZero() {
		t.Errorf("labels after MarkNotRefound: EPV %v, OFG %v; want only EPV marked", got.Labels[0].NotRefoundSince, got.Labels[1].NotRefoundSince)
	}
	if k, _ := s.Supplier(ctx, kept.ID); !k.Labels[0].NotRefoundSince.IsZero() {
		t.Errorf("re-found label was marked")
	}
	if n, _ := s.MarkNotRefound(ctx, "epv", runStart); n != 0 {
		t.Errorf("second MarkNotRefound = %d, want 0 (already marked)", n)
	}
	if ids, _ := s.SupplierIDs(ctx, SupplierFilter{Label: data.LabelEPV}); len(ids) != 2 {
		t.Errorf("label index lists %v: a label not re-found is kept, never deleted", ids)
	}
	mustCheck(t, s)

	seen, err := s.MarkSeen(ctx, "epv", []string{lost.ID, "x0000000000000000"}, "crawler:epv")
	if err != nil || seen != 1 {
		t.Fatalf("MarkSeen = %d, %v; want 1", seen, err)
	}
	back, _ := s.Supplier(ctx, lost.ID)
	if !back.Labels[0].NotRefoundSince.IsZero() || !back.UpdatedAt.After(got.UpdatedAt) {
		t.Errorf("after MarkSeen: NotRefoundSince %v, UpdatedAt %v → %v; want cleared and bumped",
			back.Labels[0].NotRefoundSince, got.UpdatedAt, back.UpdatedAt)
	}
	mustCheck(t, s)
}

func TestUpsertCrawledSameCompanyTwiceInABatch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	a := synthetic(1, "25")
	again := a
	again.Description = "précision apportée par une autre page"
	res, err := s.UpsertCrawled(ctx, []data.Supplier{a, again}, "crawler:epv")
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 || res.Updated != 1 || !slices.Equal(res.IDs, []string{a.ID}) {
		t.Errorf("got %+v ids %v, want 1 new, 1 updated, ids [%s] once", summary(res), res.IDs, a.ID)
	}
	got, _ := s.Supplier(ctx, a.ID)
	if got.Description != again.Description {
		t.Errorf("description = %q, want the later listing's", got.Description)
	}
	mustCheck(t, s)
}
