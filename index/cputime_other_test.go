//go:build !linux

package index_test

import "time"

// threadCPU measures wall time where thread CPU time is not available.
func threadCPU(fn func()) time.Duration {
	start := time.Now()
	fn()
	return time.Since(start)
}
