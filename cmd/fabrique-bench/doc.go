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
//	               [--queries 240] [--http 10s] [--clients 8] [--budget 2m] [--heapprofile heap.pb.gz]
//
// --budget bounds the time each baseline engine spends on one kind of
// query (SQLite's faceted search takes seconds a query at a million
// suppliers): past it, after at least ten queries, the rest of that kind
// is skipped and the table says how many ran. Bleve always runs them all.
//
// The serving phase (HTTP load, then memory) runs twice: in the process
// that has just built the index, and after a clean restart, as
// `fabrique serve` starts on a built index. Its memory is split by
// /proc/self/smaps into anonymous pages (the Go heap: cannot be dropped
// without swap) and file-backed ones (the memory-mapped store and index:
// clean pages the kernel drops under pressure).
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
