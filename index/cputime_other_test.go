//go:build !linux

package index_test

import "time"

// threadCPU measures wall time where thread CPU time is not available.
func threadCPU(fn func()) time.Duration {
	start := time.Now()
	fn()
	return time.Since(start)
}

// processCPU is not measured where rusage is not available.
func processCPU() time.Duration { return 0 }
