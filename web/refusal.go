package web

import (
	"fmt"
	"math"
	"time"
)

// refusal is an error whose French message is written for the user: a
// CSRF failure, a throttled attempt, a non-admin on an admin page. The
// error handler renders it with its status (and Retry-After when set).
type refusal struct {
	status     int
	message    string
	retryAfter time.Duration
	err        error
}

func (r *refusal) Error() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprintf("web: refused (%d): %s", r.status, r.message)
}

func (r *refusal) Unwrap() error { return r.err }

// retryAfterSeconds is the Retry-After value: whole seconds, at least 1.
func (r *refusal) retryAfterSeconds() int {
	return max(1, int(math.Ceil(r.retryAfter.Seconds())))
}
