package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// ExpireAbandonedClaims ends the claims whose claimant stopped half-way
// (data.Claim.Abandoned): their status becomes « expirée » and their code,
// if any, void. The claimant may start again at any time. It returns how
// many claims expired; `fabrique serve` calls it with the claim reminders.
func (s *Server) ExpireAbandonedClaims(ctx context.Context, now time.Time) (int, error) {
	var due []string
	err := s.store.Claims(ctx, func(cl data.Claim) error {
		if cl.Abandoned(now) {
			due = append(due, cl.ID)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("web: expire claims: %w", err)
	}
	n := 0
	var errs []error
	for _, id := range due {
		_, err := s.store.UpdateClaim(ctx, id, func(c *data.Claim) (store.ClaimChange, error) {
			if !c.Abandoned(now) { // the claimant came back meanwhile
				return store.ClaimChange{}, errNoChange
			}
			c.Status, c.TokenHash, c.DecidedAt = data.ClaimExpired, "", now
			return store.ClaimChange{Audit: data.AuditEntry{Actor: "system", Action: "claim.expire",
				Detail: fmt.Sprintf("sans preuve depuis %d jours", int(data.ClaimAbandonAfter.Hours()/24))}}, nil
		})
		switch {
		case err == nil:
			n++
		case !errors.Is(err, errNoChange):
			errs = append(errs, fmt.Errorf("web: expire claim %s: %w", id, err))
		}
	}
	return n, errors.Join(errs...)
}
