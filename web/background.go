package web

import (
	"context"
	"sync"
)

// background runs the server's own goroutines (the observatory's facts
// builds) under a context that Shutdown cancels, and lets Shutdown wait
// for them: once Shutdown returns, nothing of the server reads or writes
// the store, which the caller may then close. The zero value is ready.
type background struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (b *background) init() {
	b.once.Do(func() { b.ctx, b.cancel = context.WithCancel(context.Background()) })
}

// Go runs fn on its own goroutine with the background context.
func (b *background) Go(fn func(ctx context.Context)) {
	b.init()
	b.wg.Go(func() { fn(b.ctx) })
}

// stop cancels the background context and waits for every goroutine.
func (b *background) stop() {
	b.init()
	b.cancel()
	b.wg.Wait()
}
