package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fabrique/data"
)

func TestPruneAlertHistory(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for id, tn := range map[string]data.Tender{
		"boamp:old":     {Deadline: now.Add(-100 * day)},
		"boamp:recent":  {Deadline: now.Add(-10 * day)},
		"boamp:open":    {Deadline: now.Add(10 * day)},
		"boamp:undated": {PublishedAt: now.Add(-200 * day)}, // presumed closed 110 days ago
		// Published 150 days ago without a deadline: presumed open until
		// 60 days ago (data.PresumedOpenDays), not closed at publication.
		"boamp:undated-recent": {PublishedAt: now.Add(-150 * day)},
	} {
		tn.ID, tn.Source, tn.SourceID, tn.Title = id, "boamp", id[len("boamp:"):], "Marché "+id
		if err := s.PutTender(ctx, tn, "test"); err != nil {
			t.Fatal(err)
		}
	}
	send := func(id, account string, at time.Time, tenders []string, complete bool) {
		t.Helper()
		d := data.DigestRecord{ID: id, AccountID: account, MessageID: id + "@x", At: at, To: account + "@example.fr", Subject: "s", Text: "t"}
		for _, tid := range tenders {
			d.Items = append(d.Items, data.AlertSent{TenderID: tid, At: at, Digest: id})
		}
		if err := s.BeginDigest(ctx, d); err != nil {
			t.Fatal(err)
		}
		if complete {
			if err := s.CompleteDigest(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	send("d-old", "acc-1", now.Add(-120*day), []string{"boamp:old", "boamp:recent", "boamp:open", "boamp:undated", "boamp:undated-recent", "boamp:gone"}, true)
	send("d-new", "acc-1", now.Add(-5*day), []string{"boamp:open"}, true)
	send("d-stuck", "acc-1", now.Add(-200*day), nil, false) // pending: may still go after a crash
	many := make([]string, 3*pruneBatch+7)                  // several batches, every tender gone
	for i := range many {
		many[i] = fmt.Sprintf("ted:%05d", i)
	}
	send("d-many", "acc-2", now.Add(-100*day), many, true)

	sent, digests, err := s.PruneAlertHistory(ctx, now.Add(-90*day))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 + len(many); sent != want || digests != 2 {
		t.Errorf("pruned %d sent records and %d digests, want %d and 2", sent, digests, want)
	}
	left, err := s.AlertSentTo(ctx, "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := left["boamp:recent"]; !ok || len(left) != 3 || left["boamp:open"].Digest != "d-new" || left["boamp:undated-recent"].Digest != "d-old" {
		t.Errorf("acc-1 keeps %v, want boamp:recent, boamp:undated-recent and boamp:open (from d-new)", left)
	}
	if other, _ := s.AlertSentTo(ctx, "acc-2"); len(other) != 0 {
		t.Errorf("acc-2 keeps %d records of gone tenders", len(other))
	}
	for id, want := range map[string]bool{"d-old": false, "d-many": false, "d-new": true, "d-stuck": true} {
		if _, err := s.Digest(ctx, id); (err == nil) != want {
			t.Errorf("digest %s kept = %v, want %v", id, err == nil, want)
		}
	}
	if pending, _ := s.PendingDigests(ctx); len(pending) != 1 || pending[0].ID != "d-stuck" {
		t.Errorf("pending digests %v, want d-stuck", pending)
	}
	if sent, digests, err := s.PruneAlertHistory(ctx, now.Add(-90*day)); sent+digests != 0 || err != nil {
		t.Errorf("a second prune deleted %d and %d (err %v)", sent, digests, err)
	}
}
