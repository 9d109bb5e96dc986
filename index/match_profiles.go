package index

import (
	"context"
	"errors"
	"fmt"

	"fabrique/data"
	"fabrique/index/match"
)

// MatchProfileSource is a MatchSource that also reads many suppliers at
// once as the matcher scores them: only the fields match.Score and the
// ranking read (store.MatchProfileFields), without decoding the whole
// record. The store is one (store.MatchProfiles). Reading and decoding
// the ≈ 400 candidates of a need whole was most of a match's CPU.
type MatchProfileSource interface {
	MatchSource
	// MatchProfiles calls fn, in order, with the supplier of each of ids
	// (i its position in ids), nil when there is none; fn may keep it. An
	// error of fn stops the reading and is returned.
	MatchProfiles(ctx context.Context, ids []string, fn func(i int, s *data.Supplier) error) error
}

// loadProfiles reads into the cache the candidates ids from src's match
// profiles, in one call. A ceased supplier is cached as nil, as
// loadCandidate does.
func (m *matcher) loadProfiles(ctx context.Context, src MatchProfileSource, ids []string) error {
	return src.MatchProfiles(ctx, ids, func(i int, s *data.Supplier) error {
		var c *match.Candidate
		if s != nil && !s.Ceased() {
			c = match.NewCandidate(*s)
		}
		m.cache[ids[i]] = c
		return nil
	})
}

// MatchProfiles reads from the evaluated source's profiles when it has
// them, else its suppliers one by one: the evaluation ranks as Match does.
func (p pastAwards) MatchProfiles(ctx context.Context, ids []string, fn func(i int, s *data.Supplier) error) error {
	if src, ok := p.MatchSource.(MatchProfileSource); ok {
		return src.MatchProfiles(ctx, ids, fn)
	}
	return supplierBySupplier(ctx, p.MatchSource, ids, fn)
}

// supplierBySupplier is MatchProfiles for a source without profiles.
func supplierBySupplier(ctx context.Context, src MatchSource, ids []string, fn func(i int, s *data.Supplier) error) error {
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := src.Supplier(ctx, id)
		var p *data.Supplier
		switch {
		case err == nil:
			p = &s
		case !errors.Is(err, data.ErrNotFound):
			return fmt.Errorf("index: match: supplier %s: %w", id, err)
		}
		if err := fn(i, p); err != nil {
			return err
		}
	}
	return nil
}
