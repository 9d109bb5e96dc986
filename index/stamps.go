package index

import (
	"context"
	"time"
)

// Documents returns every supplier in the index with the update time it
// was indexed at: what an outside check compares with the store (the
// crash tests do, after each kill, once the index is repaired).
func (ix *Index) Documents(ctx context.Context) (map[string]time.Time, error) {
	g, err := ix.acquire()
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	return documents(ctx, g)
}

// Documents returns every tender in the index with the update time it was
// indexed at (see Index.Documents).
func (ti *TenderIndex) Documents(ctx context.Context) (map[string]time.Time, error) {
	g, err := ti.acquire()
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	return documents(ctx, g)
}

func documents(ctx context.Context, g *generation) (map[string]time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stamps, err := indexStamps(g)
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(stamps))
	for id, s := range stamps {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t = time.Time{} // not a stamp: the comparison fails, as it should
		}
		out[id] = t
	}
	return out, nil
}
