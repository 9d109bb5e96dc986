// Command matchload measures POST /api/v1/match under concurrent load: -c
// clients post needs in a loop for -d, and it prints the answered and shed
// requests (503 with Retry-After) with the latency percentiles of each,
// and the longest wait of any request.
//
//	go run ./cmd/fabrique serve --data /tmp/fab-match --addr 127.0.0.1:8089 --api-rate off &
//	go run ./web/loadtest/matchload -url http://127.0.0.1:8089 -c 64 -d 30s
//
// The needs are a fixed mix of real-looking buyer needs (trades, CPV
// codes, places), so that the embedded EPV companies match them.
package main
