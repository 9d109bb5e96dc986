package web

import (
	"context"
	"fmt"

	"fabrique/web/password"
)

// hashSlotCount bounds the argon2id computations running at once: each
// takes 19 MiB and tens of milliseconds of one core, so a flood of
// sign-ins queues here instead of exhausting memory.
const hashSlotCount = 4

// withHashSlot runs fn when a slot is free, or gives up with ctx.
func (s *Server) withHashSlot(ctx context.Context, fn func() error) error {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("web: waiting to hash a password: %w", ctx.Err())
	}
	defer func() { <-s.hashSlots }()
	return fn()
}

// hashPassword hashes pw within the bound of hashSlotCount.
func (s *Server) hashPassword(ctx context.Context, pw string) (string, error) {
	var hash string
	err := s.withHashSlot(ctx, func() error {
		var err error
		hash, err = password.Hash(pw)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("web: hash password: %w", err)
	}
	return hash, nil
}

// checkPassword checks pw against hash within the bound of hashSlotCount;
// an empty hash (no password set) spends the same time and never matches.
func (s *Server) checkPassword(ctx context.Context, pw, hash string) (bool, error) {
	var ok bool
	err := s.withHashSlot(ctx, func() error {
		if hash == "" {
			password.CheckNothing(pw)
			return nil
		}
		var err error
		ok, err = password.Check(pw, hash)
		return err
	})
	return ok, err
}
