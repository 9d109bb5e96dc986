package main

import (
	"context"
	"time"

	"fabrique/data"
	"fabrique/web"
)

// claimRemindEvery is how often serve reminds companies' members of the
// claims awaiting their approval (web.Server.RemindPendingClaims, which
// sends each reminder once) and expires the claims their claimant
// abandoned (web.Server.ExpireAbandonedClaims).
const claimRemindEvery = time.Hour

// remindClaims runs the claim reminders at start, then every
// claimRemindEvery, until ctx ends.
func remindClaims(ctx context.Context, p *program, srv *web.Server) {
	t := time.NewTicker(claimRemindEvery)
	defer t.Stop()
	for {
		if err := srv.RemindPendingClaims(ctx, time.Now()); err != nil && ctx.Err() == nil {
			p.log.Warn("claim reminders", "err", err)
		}
		switch n, err := srv.ExpireAbandonedClaims(ctx, time.Now()); {
		case err != nil && ctx.Err() == nil:
			p.log.Warn("claim expiry", "err", err)
		case n > 0:
			p.log.Info("claims expired", "count", n, "idle_for", data.ClaimAbandonAfter)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
