package web

import (
	"context"
	"fmt"
	"sync"

	"fabrique/web/password"
)

// hashSlotCount bounds the argon2id computations running at once: each
// takes 19 MiB and tens of milliseconds of one core, so a flood of
// sign-ins queues here instead of exhausting memory.
const hashSlotCount = 4

// hasher hashes and checks passwords with argon2id, hashSlotCount at a
// time.
type hasher struct {
	params password.Parameters // for new hashes; checks read them from the hash
	slots  chan struct{}
	// dummy is hashed against for unknown accounts, so that a sign-in takes
	// as long whether the address is known or not; made on first use.
	dummy func() (string, error)
}

func newHasher(p password.Parameters) *hasher {
	return &hasher{params: p, slots: make(chan struct{}, hashSlotCount),
		dummy: sync.OnceValues(func() (string, error) { return password.HashWith("fabrique: no such account", p) })}
}

// withSlot runs fn when a slot is free, or gives up with ctx.
func (h *hasher) withSlot(ctx context.Context, fn func() error) error {
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("web: waiting to hash a password: %w", ctx.Err())
	}
	defer func() { <-h.slots }()
	return fn()
}

// hashPassword hashes pw within the bound of hashSlotCount.
func (s *Server) hashPassword(ctx context.Context, pw string) (string, error) {
	var hash string
	err := s.hasher.withSlot(ctx, func() error {
		var err error
		hash, err = password.HashWith(pw, s.hasher.params)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("web: hash password: %w", err)
	}
	return hash, nil
}

// checkPassword checks pw against hash within the bound of hashSlotCount;
// an empty hash (no account, no password set) spends the same time and
// never matches.
func (s *Server) checkPassword(ctx context.Context, pw, hash string) (bool, error) {
	var ok bool
	err := s.hasher.withSlot(ctx, func() error {
		if hash == "" {
			dummy, err := s.hasher.dummy()
			if err != nil {
				return err
			}
			_, err = password.Check(pw, dummy)
			return err
		}
		var err error
		ok, err = password.Check(pw, hash)
		return err
	})
	return ok, err
}
