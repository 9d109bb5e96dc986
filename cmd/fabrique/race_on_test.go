//go:build race

package main

// raceDetector tells the tests whether they run under -race.
const raceDetector = true
