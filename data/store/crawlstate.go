package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

func pageKey(source, url string) string { return source + "|" + url }

// PageState returns what the crawler remembers of url in source.
func (s *Store) PageState(ctx context.Context, source, url string) (data.PageState, error) {
	var ps data.PageState
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketCrawlPages), "page state", pageKey(source, url), &ps)
		if err == nil && !found {
			err = fmt.Errorf("store: page %s %q: %w", source, url, data.ErrNotFound)
		}
		return err
	})
	return ps, err
}

// PutPageState records the state of ps.URL in source.
func (s *Store) PutPageState(ctx context.Context, source string, ps data.PageState) error {
	if strings.Contains(source, "|") || strings.TrimSpace(source) == "" {
		return invalid("source", source, "nom de source invalide")
	}
	if err := validID("URL", ps.URL); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		return put(tx.Bucket(bucketCrawlPages), pageKey(source, ps.URL), &ps)
	})
}

// runKey sorts runs by start time; the id keeps two runs started in the
// same nanosecond apart.
func runKey(run *data.CrawlRun) string { return timeKey(run.StartedAt) + "|" + run.ID }

// PutCrawlRun creates or replaces the report of a run, keyed by its start
// time and id: a run is saved when it starts and again when it ends.
func (s *Store) PutCrawlRun(ctx context.Context, run data.CrawlRun) error {
	if err := validID("ID", run.ID); err != nil {
		return err
	}
	if run.StartedAt.IsZero() {
		return invalid("StartedAt", run.ID, "date de début de la collecte absente")
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		return put(tx.Bucket(bucketCrawlRuns), runKey(&run), &run)
	})
}

// LastCrawlRun returns the run that started last.
func (s *Store) LastCrawlRun(ctx context.Context) (data.CrawlRun, error) {
	runs, err := s.CrawlRuns(ctx, 1)
	if err != nil {
		return data.CrawlRun{}, err
	}
	if len(runs) == 0 {
		return data.CrawlRun{}, fmt.Errorf("store: last crawl run: %w", data.ErrNotFound)
	}
	return runs[0], nil
}

// CrawlRuns returns up to limit runs, newest first; limit <= 0 means all.
func (s *Store) CrawlRuns(ctx context.Context, limit int) ([]data.CrawlRun, error) {
	var runs []data.CrawlRun
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCrawlRuns).Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(runs) < limit); k, v = c.Prev() {
			var run data.CrawlRun
			if err := decode("crawl run", string(k), v, &run); err != nil {
				return err
			}
			runs = append(runs, run)
		}
		return nil
	})
	return runs, err
}
