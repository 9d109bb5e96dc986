package store

import (
	"context"
	"errors"
	"testing"

	"fabrique/data"
)

func TestTenderDismissals(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	for _, id := range []string{"a", "b"} {
		if err := s.PutTender(ctx, data.Tender{ID: "manual:" + id, Source: "manual", SourceID: id, Title: id}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.DismissedTenders(ctx, "123456789"); err != nil || len(got) != 0 {
		t.Fatalf("before any: %v, %v", got, err)
	}
	for _, d := range []data.TenderDismissal{
		{SupplierID: "123456789", TenderID: "manual:a", AccountID: "acc1"},
		{SupplierID: "123456789", TenderID: "manual:a", AccountID: "acc2"}, // twice: kept once
		{SupplierID: "123456789", TenderID: "manual:b", AccountID: "acc1"},
		{SupplierID: "987654321", TenderID: "manual:a", AccountID: "acc3"},
	} {
		if err := s.DismissTender(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	err := s.DismissTender(ctx, data.TenderDismissal{SupplierID: "123456789", TenderID: "manual:nope", AccountID: "acc1"})
	if !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown tender: %v, want ErrNotFound", err)
	}
	got, _ := s.DismissedTenders(ctx, "123456789")
	if len(got) != 2 || got[0].TenderID != "manual:a" || got[0].AccountID != "acc1" || got[0].At.IsZero() {
		t.Errorf("dismissed = %+v", got)
	}
	counts, _ := s.TenderDismissalCounts(ctx)
	if counts["manual:a"] != 2 || counts["manual:b"] != 1 {
		t.Errorf("counts = %v", counts)
	}
	if err := s.RestoreTender(ctx, "123456789", "manual:a", "account:acc1"); err != nil {
		t.Fatal(err)
	}
	counts, _ = s.TenderDismissalCounts(ctx)
	if counts["manual:a"] != 1 {
		t.Errorf("after restore: %v", counts)
	}
	mustCheck(t, s)
}
