package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestPruneTenders(t *testing.T) {
	day := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	now := day
	s := openTest(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	put := func(id string, at time.Time) {
		t.Helper()
		now = at
		src, sid, _ := strings.Cut(id, ":")
		if err := s.PutTender(ctx, data.Tender{ID: id, Source: src, SourceID: sid, Title: "Besoin " + id}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	// 1 200 old needs (more than one batch), 3 recent ones, and an old
	// tender of another source that must stay.
	for i := range 1200 {
		put(fmt.Sprintf("besoin:%016x", i), day)
	}
	for i := range 3 {
		put(fmt.Sprintf("besoin:%016x", 5000+i), day.AddDate(0, 6, 0))
	}
	put("ted:123456-2026", day)

	now = day.AddDate(0, 7, 0)
	n, err := s.PruneTenders(ctx, "besoin", day.AddDate(0, 3, 0), "web:retention")
	if err != nil || n != 1200 {
		t.Fatalf("PruneTenders = %d, %v; want 1200", n, err)
	}
	if _, err := s.Tender(ctx, "besoin:0000000000000000"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("an old need is still there: %v", err)
	}
	if _, err := s.TenderBySourceID(ctx, "0000000000000000"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the index still names a pruned need: %v", err)
	}
	for _, id := range []string{fmt.Sprintf("besoin:%016x", 5000), "ted:123456-2026"} {
		if _, err := s.Tender(ctx, id); err != nil {
			t.Errorf("%s was pruned: %v", id, err)
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("Check after the prune: %v", err)
	}
	if n, err := s.PruneTenders(ctx, "besoin", day.AddDate(0, 3, 0), "web:retention"); n != 0 || err != nil {
		t.Errorf("second prune = %d, %v; want nothing to do", n, err)
	}
}
