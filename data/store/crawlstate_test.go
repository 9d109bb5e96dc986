package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"fabrique/data"
)

func TestPageState(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	url := "https://www.originefrancegarantie.fr/annuaire-des-produits-certifies/categorie/mobilier"
	if _, err := s.PageState(ctx, "ofg", url); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("unknown page: err = %v, want ErrNotFound", err)
	}
	ps := data.PageState{URL: url, ETag: `"abc"`, Status: 200, Keys: []string{sirenN(1)}, FetchedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	if err := s.PutPageState(ctx, "ofg", ps); err != nil {
		t.Fatal(err)
	}
	got, err := s.PageState(ctx, "ofg", url)
	if err != nil || got.ETag != ps.ETag || len(got.Keys) != 1 || !got.FetchedAt.Equal(ps.FetchedAt) {
		t.Errorf("PageState = %+v, %v; want %+v", got, err, ps)
	}
	if _, err := s.PageState(ctx, "epv", url); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("same URL in another source: err = %v, want ErrNotFound", err)
	}
	for _, bad := range []struct {
		name, source string
		ps           data.PageState
	}{
		{"no URL", "ofg", data.PageState{}},
		{"no source", "", ps},
		{"separator in source", "o|fg", ps},
	} {
		if err := s.PutPageState(ctx, bad.source, bad.ps); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", bad.name, err)
		}
	}
}

func TestCrawlRunsNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	if _, err := s.LastCrawlRun(ctx); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("no run yet: err = %v, want ErrNotFound", err)
	}
	base := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	// Nanosecond starts that RFC3339Nano would sort wrongly ("…00Z" > "…00.5Z").
	starts := []time.Time{base.Add(500 * time.Millisecond), base, base.Add(time.Hour)}
	for _, st := range starts {
		run := data.CrawlRun{ID: st.Format(time.RFC3339Nano), Sources: []string{"epv"}, StartedAt: st}
		if err := s.PutCrawlRun(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	// Saved again when finished: replaces, does not duplicate.
	last := data.CrawlRun{ID: starts[2].Format(time.RFC3339Nano), StartedAt: starts[2], FinishedAt: starts[2].Add(time.Minute), Complete: true}
	if err := s.PutCrawlRun(ctx, last); err != nil {
		t.Fatal(err)
	}
	runs, err := s.CrawlRuns(ctx, 0)
	if err != nil || len(runs) != 3 {
		t.Fatalf("CrawlRuns = %d, %v; want 3", len(runs), err)
	}
	want := []time.Time{starts[2], starts[0], starts[1]}
	for i, r := range runs {
		if !r.StartedAt.Equal(want[i]) {
			t.Errorf("run %d started %v, want %v", i, r.StartedAt, want[i])
		}
	}
	got, err := s.LastCrawlRun(ctx)
	if err != nil || !got.Complete {
		t.Errorf("LastCrawlRun = %+v, %v; want the finished run", got, err)
	}
	if runs, _ := s.CrawlRuns(ctx, 2); len(runs) != 2 {
		t.Errorf("CrawlRuns(2) = %d runs", len(runs))
	}
	if err := s.PutCrawlRun(ctx, data.CrawlRun{ID: "x"}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("run without start: err = %v, want ErrInvalid", err)
	}
}
