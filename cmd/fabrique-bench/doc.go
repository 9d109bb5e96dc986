// Command fabrique-bench is the benchmark harness of Fabrique: it
// generates a deterministic corpus of synthetic suppliers from real
// vocabulary (package index/synth), writes it to a real store, builds the
// bleve index from the store as `fabrique serve` does, loads the same
// corpus into SQLite FTS5 and into PostgreSQL full-text search (the
// `french` configuration with a GIN index, on a server it starts on
// loopback in a temporary directory and stops at the end), runs the same
// queries on every engine, measures the HTTP throughput of the search and
// match APIs on loopback, and prints one table of medians, p95 and ratios.
//
// Usage:
//
//	fabrique-bench [--size 10k|100k|1m|N] [--engines bleve,sqlite,postgres]
//	               [--out docs/performance.md] [--dir /tmp/...] [--keep] [--reuse]
//	               [--queries 240] [--http 10s] [--clients 8]
//
// It is a program of its own, not a `fabrique` subcommand, so that the
// production binary links neither the synthetic corpus nor the SQLite and
// PostgreSQL drivers (cmd/fabrique's TestServeDoesNotLinkBenchmarkCode).
//
// Engines asked for but not available (no PostgreSQL server installed)
// are reported as skipped, not failed. With --out, the table is written
// to that Markdown file between the markers
// `<!-- fabrique-bench:SIZE -->` and `<!-- /fabrique-bench:SIZE -->`,
// replacing the previous run of the same size and keeping the rest of
// the file.
//
// With --dir and --keep, a run leaves its store and bleve index behind;
// --reuse then measures again on them (bleve only) without writing the
// store and building the index anew: the corpus is generated again for
// its queries, the store must hold as many suppliers, and the index is
// checked against it (rebuilt if it differs).
//
// The machine matters: the report names the CPU, the cores, the memory
// and the load average before and after the run, and gives CPU times
// beside wall times where they were measured.
package main
