package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"fabrique/data"
)

// TestDirectoryLearnsLinks checks that the directory's index learns the
// CPV ↔ NAF links from the store's awards after an import, and at the
// next open.
func TestDirectoryLearnsLinks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := &program{cfg: config{dataDir: dir}, stdout: io.Discard, stderr: io.Discard,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	d, err := openDirectory(ctx, p, newStore, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.waitLinks(ctx); err != nil {
		t.Fatal(err)
	}
	if l := d.index.CPVNAFLinks(); l == nil || l.Awards() != 0 {
		t.Fatalf("links of a store without awards: %+v, want learned and empty", l)
	}
	// Two companies of one NAF code the curated table does not link to
	// works on historic buildings.
	var winners []data.Supplier
	err = d.store.Suppliers(ctx, func(s data.Supplier) error {
		if s.NAF == "31.09B" && len(winners) < 2 {
			winners = append(winners, s)
		}
		return nil
	})
	if err != nil || len(winners) < 2 {
		t.Fatalf("two 31.09B companies in the seeded directory: %d, %v", len(winners), err)
	}
	var awards []data.Award
	for i, s := range winners {
		e, _ := s.HeadOffice()
		awards = append(awards, data.Award{ID: "decp-test:" + string(rune('1'+i)), Source: "decp-test", CPV: "45212350",
			NotifiedAt: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), Winners: []data.Winner{{Name: s.Name, SIRET: e.SIRET}}})
	}
	if err := d.store.PutAwards(ctx, awards); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, ok := d.index.CPVNAFLinks().Link("45212350", "31.09B")
		if ok && l.Winners == 2 && len(d.index.TrackRecord().Wins(winners[0].SIREN, data.TrackCut{})) == 1 {
			break // the links and the track record, learned in the same walk
		}
		if time.Now().After(deadline) {
			t.Fatalf("links after the import: %+v, want 45 ↔ 31.09B won by 2 companies", d.index.CPVNAFLinks().All())
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.Close()

	d, err = openDirectory(ctx, p, newStore, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.waitLinks(ctx); err != nil {
		t.Fatal(err)
	}
	if l, ok := d.index.CPVNAFLinks().Link("45000000", "31.09B"); !ok || l.Awards != 2 {
		t.Errorf("links at open: %+v, want 45 ↔ 31.09B from 2 awards", d.index.CPVNAFLinks().All())
	}
	if tr := d.index.TrackRecord(); tr.Companies() != 2 || len(tr.Wins(winners[1].SIREN, data.TrackCut{})) != 1 {
		t.Errorf("track record at open: %d companies, want the 2 winners with their award", tr.Companies())
	}
}
