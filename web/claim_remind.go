package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// claimReminderAges are the ages of a claim awaiting approval (since its
// proof) at which the company's members are reminded, once each.
func claimReminderAges() []time.Duration {
	return []time.Duration{3 * 24 * time.Hour, 8 * 24 * time.Hour}
}

// remindersDue is how many reminders a claim proven at proven should have
// had by now.
func remindersDue(proven, now time.Time) int {
	n := 0
	for _, age := range claimReminderAges() {
		if !now.Before(proven.Add(age)) {
			n++
		}
	}
	return n
}

// RemindPendingClaims reminds the members of each company whose listing
// has a claim awaiting their approval, after 3 and after 8 days. It is
// idempotent: the reminders sent are recorded on the claim
// (data.Claim.Reminders), so running it again sends nothing new, and a
// claim that missed a reminder (the server was stopped) gets one mail,
// not two. `fabrique serve` calls it every hour.
func (s *Server) RemindPendingClaims(ctx context.Context, now time.Time) error {
	var due []data.Claim
	err := s.store.Claims(ctx, func(cl data.Claim) error {
		if cl.Status == data.ClaimApproval && len(cl.Reminders) < remindersDue(cl.ProvenAt, now) {
			due = append(due, cl)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("web: claim reminders: %w", err)
	}
	var errs []error
	for _, cl := range due {
		// Mail first, then record: a failed mail is tried again next time.
		if err := s.mailMembers(ctx, cl, "claim_reminder", "", now); err != nil {
			errs = append(errs, err)
			continue
		}
		_, err := s.store.UpdateClaim(ctx, cl.ID, func(c *data.Claim) (store.ClaimChange, error) {
			want := remindersDue(c.ProvenAt, now)
			if c.Status != data.ClaimApproval || len(c.Reminders) >= want {
				return store.ClaimChange{}, errNoChange
			}
			for len(c.Reminders) < want {
				c.Reminders = append(c.Reminders, now)
			}
			return store.ClaimChange{Audit: data.AuditEntry{Actor: "system", Action: "claim.reminder",
				Detail: fmt.Sprintf("rappel n° %d aux membres de l'entreprise", want)}}, nil
		})
		if err != nil && !errors.Is(err, errNoChange) {
			errs = append(errs, fmt.Errorf("web: claim %s: record reminder: %w", cl.ID, err))
		}
	}
	return errors.Join(errs...)
}
