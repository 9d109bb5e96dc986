package index

import (
	"context"
	"sync"
)

// openSnapshotStats opens the term statistics of g's current snapshot
// with the counts kept for that snapshot (its columns' freqs): counted
// once, shared by the Match calls that read it.
func (ix *Index) openSnapshotStats(ctx context.Context, g *generation) (*termStats, error) {
	stats, err := ix.openTermStats(g)
	if err != nil {
		return nil, err
	}
	cols, err := g.columnsFor(ctx, stats.r)
	if err != nil {
		stats.close()
		return nil, err
	}
	stats.df = &cols.freqs
	return stats, nil
}

// freqCache keeps the document frequencies the matcher counted in one
// index snapshot (a stem's, termStats.docFreq; a NAF code's, tradeCount),
// shared by the Match calls that read that snapshot: a count is a
// TermFieldReader opened per text field and segment, and the needs of a
// day repeat their words and their candidates' trades. It lives with the
// snapshot's columns, so a write, which makes a new snapshot, never
// meets counts of the old one.
type freqCache struct {
	mu sync.RWMutex
	m  map[string]float64
}

// maxCachedFreqs bounds a snapshot's cache: the stems of the needs' words
// are not a closed set. Past it, counts are kept per Match call only.
const maxCachedFreqs = 1 << 16

func (c *freqCache) get(key string) (float64, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

func (c *freqCache) put(key string, v float64) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]float64{}
	}
	if len(c.m) < maxCachedFreqs {
		c.m[key] = v
	}
	c.mu.Unlock()
}
