package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"fabrique/data"
)

func TestTendersAndSourceIndex(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	tender := data.Tender{
		ID: "boamp:26-28452", Source: "boamp", SourceID: "26-28452", ProcedureID: "P-2026-17",
		Title: "Fourniture de mobilier scolaire", State: data.StateOpen,
	}
	if err := s.PutTender(ctx, tender, "import:boamp"); err != nil {
		t.Fatal(err)
	}
	// A correction folded in, then the same procedure seen on TED.
	tender.SourceIDs = []string{"26-28452", "26-30001", "ted:123456-2026"}
	tender.State = data.StateCorrected
	if err := s.PutTender(ctx, tender, "import:boamp"); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s)
	for _, sid := range []string{"26-28452", "26-30001", "ted:123456-2026", "proc:P-2026-17"} {
		got, err := s.TenderBySourceID(ctx, sid)
		if err != nil || got.ID != tender.ID {
			t.Errorf("TenderBySourceID(%q) = %q, %v; want %q", sid, got.ID, err, tender.ID)
		}
	}
	got, _ := s.Tender(ctx, tender.ID)
	if got.State != data.StateCorrected || got.ImportedAt.IsZero() || !got.UpdatedAt.After(got.ImportedAt) {
		t.Errorf("tender = state %s imported %v updated %v", got.State, got.ImportedAt, got.UpdatedAt)
	}

	// Dropping a source id removes its index entry.
	tender.SourceIDs = []string{"26-28452"}
	if err := s.PutTender(ctx, tender, "import:boamp"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TenderBySourceID(ctx, "26-30001"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("dropped source id: err = %v, want ErrNotFound", err)
	}

	other := data.Tender{ID: "ted:999", Source: "ted", SourceID: "999", ProcedureID: "P-2026-17"}
	if err := s.PutTender(ctx, other, "import:ted"); !errors.Is(err, data.ErrConflict) {
		t.Errorf("second tender with the same procedure: err = %v, want ErrConflict", err)
	}
	if err := s.PutTender(ctx, data.Tender{}, "import:ted"); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("tender without id: err = %v, want ErrInvalid", err)
	}
	if _, err := s.Tender(ctx, "ted:999"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("refused tender stored: err = %v", err)
	}
	n := 0
	if err := s.Tenders(ctx, func(data.Tender) error { n++; return nil }); err != nil || n != 1 {
		t.Errorf("Tenders walked %d, %v; want 1", n, err)
	}
	mustCheck(t, s)
}

func TestAwardsBySIREN(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	a, b := sirenN(10), sirenN(11)
	awards := []data.Award{
		{ID: "decp-2019-pes:1", Winners: []data.Winner{{Name: "A", SIRET: siretOf(a, 1)}, {Name: "B", SIRET: b}}, NotifiedAt: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "decp-2019-pes:2", Winners: []data.Winner{{Name: "A", SIRET: siretOf(a, 2)}}},
		{ID: "decp-2019-pes:3", Winners: []data.Winner{{Name: "Sans identifiant", SIRET: "inconnu"}}},
	}
	if err := s.PutAwards(ctx, awards); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		siren string
		want  int
	}{
		{"two awards", a, 2},
		{"co-contractor given by SIREN", b, 1},
		{"none", sirenN(12), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.AwardsBySIREN(ctx, tt.siren)
			if err != nil || len(got) != tt.want {
				t.Errorf("AwardsBySIREN(%s) = %d awards, %v; want %d", tt.siren, len(got), err, tt.want)
			}
		})
	}
	// Re-importing an award with another winner moves its index entry.
	awards[0].Winners = awards[0].Winners[:1]
	if err := s.PutAwards(ctx, awards[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.AwardsBySIREN(ctx, b); len(got) != 0 {
		t.Errorf("AwardsBySIREN(b) after re-import = %d, want 0", len(got))
	}
	n := 0
	_ = s.Awards(ctx, func(data.Award) error { n++; return nil })
	if n != 3 {
		t.Errorf("Awards walked %d, want 3", n)
	}
	if err := s.PutAwards(ctx, []data.Award{{ID: ""}}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("award without id: err = %v, want ErrInvalid", err)
	}
	mustCheck(t, s)
}
