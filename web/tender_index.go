package web

import (
	"context"
	"fmt"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// useTenderIndex gives the server its tender index: Deps.Tenders, kept in
// step with the store by the caller (cmd/fabrique), or, without one, an
// in-memory index built from the store now and updated synchronously on
// each tender write (tests, embedded use with few tenders).
func (s *Server) useTenderIndex(deps Deps) error {
	if deps.Tenders != nil {
		s.tenderIndex = deps.Tenders
		return nil
	}
	ti, err := index.OpenTenders("", index.TenderOptions{Logger: s.cfg.Logger})
	if err != nil {
		return fmt.Errorf("web: tender index: %w", err)
	}
	if _, _, err := ti.EnsureConsistent(context.Background(), s.store, nil); err != nil {
		_ = ti.Close()
		return fmt.Errorf("web: tender index: %w", err)
	}
	st := s.store
	s.store.OnTenderChange(func(ids []string) {
		if err := ti.Apply(context.Background(), st, ids); err != nil {
			s.cfg.Logger.Error("tender index: apply store changes", "ids", len(ids), "err", err)
		}
	})
	s.tenderIndex = ti
	return nil
}

// listTenders returns one page of the tenders that meet f at now, from
// the tender index (buyers' needs excluded: they are no public notices),
// ordered by f's sort (by default open first by nearest deadline, then
// closed by latest deadline), with facets when f asks for them.
func (s *Server) listTenders(ctx context.Context, f *tenderFilter, now time.Time) ([]data.Tender, index.TenderResults, error) {
	res, err := s.tenderIndex.Search(ctx, f.query(now))
	if err != nil {
		return nil, res, err
	}
	rows := make([]data.Tender, len(res.Hits))
	for i, h := range res.Hits {
		rows[i] = h.Tender
	}
	return rows, res, nil
}
