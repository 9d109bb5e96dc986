package main

import (
	"context"
	"fmt"

	"fabrique/index"
)

// learnLinks learns the CPV ↔ NAF links from the awards of the store
// (which NAF codes won which CPV divisions) for the matcher, and learns
// them again after each batch of award writes: once per change of the
// awards, never per match. Changes of a supplier's NAF code reach the
// links with the next award write.
func (d *directory) learnLinks(ctx context.Context, p *program) error {
	st, ix := d.store, d.index
	learn := func(ctx context.Context, _ []string) error {
		links, err := index.LearnCPVNAFLinks(ctx, st)
		if err != nil {
			return err
		}
		ix.SetCPVNAFLinks(links)
		return nil
	}
	// Follow before learning, so that no award written in between is
	// missed.
	d.followLinks = startFollower(st.OnAwardChange, learn, "CPV-NAF links", p)
	if err := learn(ctx, nil); err != nil {
		return fmt.Errorf("liens CPV↔NAF appris des marchés : %w", err)
	}
	return nil
}
