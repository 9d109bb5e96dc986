package store

import (
	"context"
	"errors"
	"testing"

	"fabrique/data"
)

func TestStatsSnapshots(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	none, err := s.StatsSnapshots(ctx, "", "")
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("empty store: got %v, %v; want [] and no error", none, err)
	}
	v0, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, snap := range []data.StatsSnapshot{
		{Day: "2026-12-05", Suppliers: 10},
		{Day: "2026-12-06", Suppliers: 11},
		{Day: "2026-12-06", Suppliers: 12}, // the same day again: replaces
		{Day: "2026-12-07", Suppliers: 13, Labels: map[data.LabelType]data.LabelStateCounts{data.LabelEPV: {Valid: 3, Expired: 1}}},
	} {
		if err := s.PutStatsSnapshot(ctx, snap); err != nil {
			t.Fatalf("PutStatsSnapshot(%s): %v", snap.Day, err)
		}
	}
	v1, _ := s.Version(ctx)
	if v1 <= v0 {
		t.Errorf("Version after writes = %d, want more than %d", v1, v0)
	}
	tests := []struct {
		name, from, to string
		want           []int // Suppliers of the snapshots returned
	}{
		{"all", "", "", []int{10, 12, 13}},
		{"from", "2026-12-06", "", []int{12, 13}},
		{"to", "", "2026-12-06", []int{10, 12}},
		{"one day", "2026-12-07", "2026-12-07", []int{13}},
		{"none", "2027-01-01", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.StatsSnapshots(ctx, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d snapshots, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i].Suppliers != tt.want[i] {
					t.Errorf("snapshot %d: Suppliers = %d, want %d", i, got[i].Suppliers, tt.want[i])
				}
			}
		})
	}
	last, _ := s.StatsSnapshots(ctx, "2026-12-07", "")
	if got := last[0].Labels[data.LabelEPV].Holding(); got != 3 {
		t.Errorf("EPV holding after a round trip = %d, want 3", got)
	}
	if ok, _ := s.HasStatsSnapshot(ctx, "2026-12-06"); !ok {
		t.Error("HasStatsSnapshot(2026-12-06) = false")
	}
	if ok, _ := s.HasStatsSnapshot(ctx, "2026-12-08"); ok {
		t.Error("HasStatsSnapshot(2026-12-08) = true")
	}
	for _, bad := range []string{"", "2026-13-01", "06/12/2026", "2026-12-6"} {
		if err := s.PutStatsSnapshot(ctx, data.StatsSnapshot{Day: bad}); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("PutStatsSnapshot(day %q) = %v, want ErrInvalid", bad, err)
		}
	}
	mustCheck(t, s)
}
