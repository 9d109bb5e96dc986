package web

import (
	"context"
	"errors"
	"sync"
)

// errStopping is the error of work refused because the server is stopping.
var errStopping = errors.New("web: the server is stopping")

// background runs the server's own goroutines (the observatory's facts
// builds) under a context that Shutdown cancels, and lets Shutdown wait
// for them: once Shutdown returns, nothing of the server reads or writes
// the store, which the caller may then close. Once stopped it starts
// nothing more (a scheduler may still ask while the server stops). The
// zero value is ready.
type background struct {
	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	stopped bool
	wg      sync.WaitGroup
}

// initLocked creates the context; b.mu is held.
func (b *background) initLocked() {
	if b.ctx == nil {
		b.ctx, b.cancel = context.WithCancel(context.Background())
	}
}

// Go runs fn on its own goroutine with the background context, and says
// false, running nothing, once the server is stopping.
func (b *background) Go(fn func(ctx context.Context)) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.initLocked()
	if b.stopped {
		return false
	}
	b.wg.Go(func() { fn(b.ctx) }) // under b.mu: never concurrent with stop's Wait
	return true
}

// stop cancels the background context and waits for every goroutine.
func (b *background) stop() {
	b.mu.Lock()
	b.initLocked()
	b.stopped = true
	b.cancel()
	b.mu.Unlock()
	b.wg.Wait()
}
