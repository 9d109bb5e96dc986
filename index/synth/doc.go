// Package synth makes deterministic corpora of fictitious suppliers from
// real vocabulary (NAF and CPV labels, real communes and coordinates,
// EPV univers, label mixes like the directory's) for benchmarks, load
// tests and the benchmark harness (cmd/fabrique-bench).
//
// It lives apart from package index so that production binaries do not
// link it: only tests, web/loadtest and the harness import it. The same
// (n, seed) always gives the same corpus.
package synth
