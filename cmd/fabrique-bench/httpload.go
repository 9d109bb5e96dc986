package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// httpResult is one throughput run: clients sending requests back to
// back for a fixed time on loopback.
type httpResult struct {
	name          string
	phase         string // when it ran: after the build, after a restart
	clients       int
	duration      time.Duration
	requests      int
	statuses      map[int]int
	errors        int // transport errors
	p50, p95, p99 time.Duration
}

func (r httpResult) perSecond() float64 { return float64(r.requests) / r.duration.Seconds() }

// statusSummary lists the answers by status, "200: 812, 503: 4".
func (r httpResult) statusSummary() string {
	codes := make([]int, 0, len(r.statuses))
	for c := range r.statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", c, r.statuses[c]))
	}
	if r.errors > 0 {
		parts = append(parts, fmt.Sprintf("errors: %d", r.errors))
	}
	return strings.Join(parts, ", ")
}

// request i of a run.
type requestFunc func(i int) (*http.Request, error)

// loadHTTP runs clients goroutines, each sending request after request
// (request i for the i-th of the run) until d has passed, and measures
// every answer read to its end; the run lasts until the last answer.
func loadHTTP(ctx context.Context, name string, clients int, d time.Duration, next requestFunc) (httpResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	res := httpResult{name: name, clients: clients, statuses: map[int]int{}}
	var (
		mu    sync.Mutex
		lat   latencies
		n     int
		first error
		wg    sync.WaitGroup
	)
	// Requests in flight at the end are waited for and counted: a run
	// shorter than one answer still measures something.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	deadline := start.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				mu.Lock()
				i := n
				n++
				mu.Unlock()
				req, err := next(i)
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					cancel()
					return
				}
				t := time.Now()
				resp, err := cl.Do(req.WithContext(ctx))
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				took := time.Since(t)
				mu.Lock()
				if err != nil {
					res.errors++
				} else {
					res.statuses[resp.StatusCode]++
					lat = append(lat, took)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.duration = time.Since(start)
	if first != nil {
		return res, first
	}
	res.requests = len(lat) + res.errors
	res.p50, res.p95, res.p99 = lat.percentile(0.5), lat.percentile(0.95), lat.percentile(0.99)
	return res, nil
}

func getRequest(url string) (*http.Request, error) { return http.NewRequest(http.MethodGet, url, nil) }

func postJSON(url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
