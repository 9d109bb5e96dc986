package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

func snapshotsIn(t *testing.T, dir string) []data.StatsSnapshot {
	t.Helper()
	st, err := store.Open(dbFile(dir), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	snaps, err := st.StatsSnapshots(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	return snaps
}

func TestStatsSnapshotCommand(t *testing.T) {
	dir := newDataDir(t)
	for i := range 2 { // a cron job may run it twice a day: one snapshot stays
		out, _, err := runCmd(t, env(), "stats", "snapshot", "--data", dir)
		if err != nil || !strings.Contains(out, "Relevé du "+data.SnapshotDay(time.Now())+" enregistré : 1291 entreprises") {
			t.Fatalf("run %d: %v\n%s", i+1, err, out)
		}
	}
	snaps := snapshotsIn(t, dir)
	if len(snaps) != 1 || snaps[0].Suppliers != 1291 || snaps[0].Labels[data.LabelEPV].Holding() != snaps[0].Holding {
		t.Errorf("snapshots = %+v, want one of the 1 291 EPV companies", snaps)
	}
	_, _, err := runCmd(t, env(), "stats", "photo", "--data", dir)
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Errorf("stats photo: %v, want a usage error", err)
	}
}

func TestServeTakesTheDailySnapshot(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, env(), "--data", dir)
	deadline := time.Now().Add(60 * time.Second)
	var snaps []data.StatsSnapshot
	for time.Now().Before(deadline) {
		status, body := httpGet(t, s.url+"api/v1/stats/history")
		if status == 200 && json.Unmarshal([]byte(body), &snaps) == nil && len(snaps) > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(snaps) != 1 || snaps[0].Day != data.SnapshotDay(time.Now()) || snaps[0].Suppliers != 1291 {
		t.Errorf("history served = %+v, want today's snapshot of 1 291 companies", snaps)
	}
	if err := s.shutdown(t); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
