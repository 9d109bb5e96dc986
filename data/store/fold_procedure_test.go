package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fabrique/data"
)

// TestFoldNoticeByProcedure folds change notices that do not name the
// notice they change (eForms SDK 1.3): only into their own procedure.
func TestFoldNoticeByProcedure(t *testing.T) {
	initial := data.Tender{ID: "ted:100-2026", Source: "ted", SourceID: "100-2026", ProcedureID: "PROC-1",
		Title: "Restauration des vitraux", CPV: "45212350", State: data.StateOpen}
	other := data.Tender{ID: "ted:300-2026", Source: "ted", SourceID: "300-2026", ProcedureID: "PROC-2",
		Title: "Entretien des espaces verts", CPV: "77310000", State: data.StateOpen}
	change := func(id, proc string) data.Tender {
		return data.Tender{ID: "ted:" + id, Source: "ted", SourceID: id, ProcedureID: proc, Title: "Restauration des vitraux (lot unique)",
			State: data.StateCorrected, NoticeType: "change:cn-standard", FoldByProcedure: true}
	}
	tests := []struct {
		name     string
		notice   data.Tender
		wantErr  error
		wantText string // in the error
		wantInto string // the tender folded into
	}{
		{name: "procedure unknown", notice: change("200-2026", "PROC-9"), wantErr: data.ErrNotFound, wantText: "la procédure PROC-9 est inconnue"},
		{name: "no procedure", notice: change("201-2026", ""), wantErr: data.ErrInvalid, wantText: "ni de procédure"},
		{name: "folded into its procedure", notice: change("202-2026", "PROC-1"), wantInto: initial.ID},
		{name: "re-imported as another procedure", notice: change("202-2026", "PROC-2"), wantErr: data.ErrConflict, wantText: "ne sont pas mélangées"},
	}
	ctx := context.Background()
	s := openTest(t, Options{})
	for _, seed := range []data.Tender{initial, other} {
		if _, _, err := s.FoldNotice(ctx, seed, "import"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, changed, err := s.FoldNotice(ctx, tc.notice, "import")
			if tc.wantErr != nil {
				// a conflict here is a notice already stored under its own procedure
				wantRefused(t, s, tc.notice, err, tc.wantErr, tc.wantText, tc.wantErr == data.ErrConflict)
				return
			}
			if err != nil || !changed {
				t.Fatalf("changed=%v err=%v", changed, err)
			}
			if got.ID != tc.wantInto || got.State != data.StateCorrected || got.Title != tc.notice.Title || got.FoldByProcedure {
				t.Errorf("folded into %s, state %q, title %q, fold flag %v; want %s, corrected, the new title, false",
					got.ID, got.State, got.Title, got.FoldByProcedure, tc.wantInto)
			}
		})
	}
	for id, want := range map[string]string{initial.ID: "PROC-1", other.ID: "PROC-2"} {
		got, err := s.TenderBySourceID(ctx, id)
		if err != nil || got.ProcedureID != want {
			t.Errorf("tender %s: procedure %q (err %v); want %q", id, got.ProcedureID, err, want)
		}
	}
	if got, _ := s.TenderBySourceID(ctx, other.ID); len(got.History) != 1 {
		t.Errorf("the other procedure's tender was changed: history %v", got.History)
	}
}

// wantRefused fails t unless FoldNotice's err is wantErr naming wantText
// and, unless mayBeStored (the notice was stored before), the refused
// notice was not stored.
func wantRefused(t *testing.T, s *Store, notice data.Tender, err, wantErr error, wantText string, mayBeStored bool) {
	t.Helper()
	if !errors.Is(err, wantErr) || !strings.Contains(err.Error(), wantText) {
		t.Fatalf("err = %v; want %v naming %q", err, wantErr, wantText)
	}
	if _, err := s.TenderBySourceID(context.Background(), notice.ID); err == nil && !mayBeStored {
		t.Errorf("the refused notice %s was stored", notice.ID)
	}
}
