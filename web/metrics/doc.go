// Package metrics holds Fabrique's Prometheus metrics: the one package that
// imports github.com/prometheus/client_golang (see
// cmd/fabrique/architecture_test.go).
//
// A Registry counts HTTP requests and their latency by route pattern (the
// routing table's path, never the raw URL, so that the number of series
// stays bounded) and status class (501, the answer to an unknown method,
// with the 4xx: see StatusClass), crawl runs, mails sent, scheduler lag,
// and reads gauges (index and store sizes) at scrape time. Its Handler
// writes them in the Prometheus text format. The web package decides who
// may read it.
package metrics
