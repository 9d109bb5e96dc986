package main

import (
	"context"
	"sync"

	"fabrique/index"
)

// learnLinks learns the CPV ↔ NAF links from the awards of the store
// (which NAF codes won which CPV divisions) and the companies' track
// record (which contracts each won), in one walk, for the matcher, and learns
// them again after each batch of award writes: once per change of the
// awards, never per match. Changes of a supplier's NAF code reach the
// links with the next award write.
//
// The first learning runs in the background, on the follower's goroutine
// (so that it never overwrites a later one): it walks every award, 13 s
// at a million, which start-up must not wait for. Until it ends the
// matcher ranks with the curated table alone; a one-shot command that
// matches waits for it (waitLinks).
func (d *directory) learnLinks(p *program) {
	st, ix := d.store, d.index
	learned := make(chan struct{})
	var once sync.Once
	learn := func(ctx context.Context, _ []string) error {
		defer once.Do(func() { close(learned) })
		links, track, err := index.LearnFromAwards(ctx, st)
		if err != nil {
			return err
		}
		ix.SetCPVNAFLinks(links)
		ix.SetTrackRecord(track)
		d.releaseStoreMap(p, "learning from awards")
		return nil
	}
	d.linksLearned = learned
	d.followLinks = startFollower(st.OnAwardChange, learn, "CPV-NAF links", p)
	d.followLinks.trigger()
}

// waitLinks waits for the first learning of the links (or its failure,
// logged by the follower: the matcher then keeps the curated table).
func (d *directory) waitLinks(ctx context.Context) error {
	select {
	case <-d.linksLearned:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
