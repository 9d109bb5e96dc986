package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"fabrique/data"
)

func TestAwardChangesAndPutTenders(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{NoSync: true, Now: newClock().Now})
	var awards, tenders [][]string
	st.OnAwardChange(func(ids []string) { awards = append(awards, ids) })
	st.OnTenderChange(func(ids []string) { tenders = append(tenders, ids) })

	if err := st.PutAwards(ctx, []data.Award{{ID: "decp:1", Source: "decp"}, {ID: "decp:2", Source: "decp"}}); err != nil {
		t.Fatal(err)
	}
	if len(awards) != 1 || !slices.Equal(awards[0], []string{"decp:1", "decp:2"}) {
		t.Errorf("award notifications = %v, want one with decp:1 and decp:2", awards)
	}
	a, err := st.Award(ctx, "decp:2")
	if err != nil || a.ID != "decp:2" {
		t.Errorf("Award(decp:2) = %+v, %v", a, err)
	}
	if _, err := st.Award(ctx, "decp:3"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Award(decp:3) error = %v, want ErrNotFound", err)
	}

	batch := []data.Tender{
		{ID: "boamp:a", Source: "boamp", SourceID: "a", Title: "A", State: data.StateOpen},
		{ID: "boamp:b", Source: "boamp", SourceID: "b", Title: "B", State: data.StateOpen},
	}
	if err := st.PutTenders(ctx, batch, "test"); err != nil {
		t.Fatal(err)
	}
	if len(tenders) != 1 || !slices.Equal(tenders[0], []string{"boamp:a", "boamp:b"}) {
		t.Errorf("tender notifications = %v, want one with both ids", tenders)
	}
	got, err := st.Tender(ctx, "boamp:b")
	if err != nil || got.Title != "B" || got.UpdatedAt.IsZero() || got.ImportedAt.IsZero() {
		t.Errorf("Tender(boamp:b) = %+v, %v", got, err)
	}
	if n, err := st.CountTenders(ctx); err != nil || n != 2 {
		t.Errorf("CountTenders = %d, %v, want 2", n, err)
	}
	// A source id held by another tender fails the whole batch.
	clash := []data.Tender{{ID: "boamp:c", Source: "boamp", SourceID: "c"}, {ID: "boamp:d", Source: "boamp", SourceID: "a"}}
	if err := st.PutTenders(ctx, clash, "test"); !errors.Is(err, data.ErrConflict) {
		t.Errorf("PutTenders with a taken source id: %v, want ErrConflict", err)
	}
	if _, err := st.Tender(ctx, "boamp:c"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("boamp:c written by a failed batch: %v", err)
	}
	if err := st.PutTenders(ctx, nil, ""); err == nil {
		t.Error("PutTenders without an actor succeeded")
	}
}
