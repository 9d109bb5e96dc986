//go:build race

package notice

// raceDetector is true when the tests run with -race (about ten times
// slower): long evaluations then read a sample.
const raceDetector = true
