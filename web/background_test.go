package web

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// TestBackgroundStop: stop cancels and waits for what runs, and nothing
// starts afterwards, even when asked at the same moment (run with -race:
// a start concurrent with the wait is the misuse it prevents).
func TestBackgroundStop(t *testing.T) {
	var b background
	var finished atomic.Int32
	release := make(chan struct{})
	if !b.Go(func(ctx context.Context) {
		<-ctx.Done()
		<-release
		finished.Add(1)
	}) {
		t.Fatal("Go refused before stop")
	}
	var starters sync.WaitGroup
	for range 20 { // schedulers asking while the server stops
		starters.Go(func() { b.Go(func(ctx context.Context) { finished.Add(1) }) })
	}
	stopped := make(chan struct{})
	go func() { b.stop(); close(stopped) }()
	close(release)
	<-stopped
	starters.Wait()
	if b.Go(func(context.Context) { t.Error("ran after stop") }) {
		t.Error("Go accepted after stop")
	}
	if finished.Load() < 1 {
		t.Error("stop returned before the running goroutine ended")
	}
}
