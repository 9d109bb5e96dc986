package index

import (
	"context"
	"errors"
	"runtime"
	"sync"

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
	// (i its position in ids), nil when there is none. *s is only valid
	// during fn, which copies it to keep it (its strings and slices may be
	// kept). An error of fn stops the reading and is returned.
	MatchProfiles(ctx context.Context, ids []string, fn func(i int, s *data.Supplier) error) error
}

// loadProfiles reads into the cache the candidates ids from src's match
// profiles: in one call, or split in runs of ids read on up to loadWorkers
// goroutines when there are enough of them (a need's index work runs on
// one core; the reads spread over all). A ceased supplier is cached as
// nil, as loadCandidate does.
func (m *matcher) loadProfiles(ctx context.Context, src MatchProfileSource, ids []string) error {
	got := make([]*match.Candidate, len(ids))
	read := func(from, to int) error {
		return src.MatchProfiles(ctx, ids[from:to], func(i int, s *data.Supplier) error {
			if s != nil && !s.Ceased() {
				got[from+i] = match.NewCandidate(*s)
			}
			return nil
		})
	}
	workers := min(loadWorkers, runtime.GOMAXPROCS(0), len(ids)/profileBatch)
	if workers < 2 {
		if err := read(0, len(ids)); err != nil {
			return err
		}
	} else {
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { errs[w] = read(w*len(ids)/workers, (w+1)*len(ids)/workers) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	for i, id := range ids {
		m.cache[id] = got[i]
	}
	return nil
}

// profileBatch is the fewest profiles worth a goroutine of their own: one
// costs a few microseconds to read and decode.
const profileBatch = 128
