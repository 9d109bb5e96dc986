package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fabrique/web"
)

// TestServeRestartKeepsObservatory stops serve cleanly once its
// observatory figures are built, and starts it again on the same data
// directory: the facts saved at the stop are loaded before serve listens,
// so the very first requests answer 200 (no 503 while a build runs) with
// the figures served before the stop.
func TestServeRestartKeepsObservatory(t *testing.T) {
	dir := t.TempDir()
	getenv := env("FABRIQUE_LOG_FORMAT", "json")
	paths := []string{"api/v1/stats/coverage", "api/v1/stats/awards", "api/v1/stats/tenders", "api/v1/stats/sources"}
	first := startServe(t, getenv, "--data", dir)
	// The first build runs in the background: wait for its figures.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		status, body := httpGet(t, first.url+paths[0])
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %d %s, still not 200 after 2 minutes", paths[0], status, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	before := figuresServed(t, first.url, paths)
	if err := first.shutdown(t); err != nil {
		t.Fatalf("first serve: %v", err)
	}
	if !hasLog(t, first.stderr.String(), "observatory facts saved") {
		t.Fatalf("no facts saved at the clean stop; log:\n%s", first.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, web.ObservatoryFactsFile)); err != nil {
		t.Fatalf("facts file: %v", err)
	}

	second := startServe(t, getenv, "--data", dir)
	after := figuresServed(t, second.url, paths) // at once: each must answer 200
	for _, p := range paths {
		if after[p] != before[p] {
			t.Errorf("GET /%s after the restart:\n%s\nbefore the stop:\n%s", p, after[p], before[p])
		}
	}
	log := second.stderr.String()
	if !hasLog(t, log, "observatory facts loaded") || hasLog(t, log, "observatory: saved facts not used, building them") {
		t.Errorf("the second serve did not load the saved facts; log:\n%s", log)
	}
	if loaded, serving := strings.Index(log, "observatory facts loaded"), strings.Index(log, `"msg":"serving"`); loaded < 0 || serving < loaded {
		t.Errorf("the facts were not loaded before serve listened (loaded at %d, serving at %d)", loaded, serving)
	}
}

// figuresServed returns the JSON answers of paths, each of which must be
// 200, without their "day" (the clock's reading of each request).
func figuresServed(t *testing.T, base string, paths []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range paths {
		status, body := httpGet(t, base+p)
		if status != 200 {
			t.Fatalf("GET /%s = %d %s, want 200", p, status, body)
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("GET /%s: %v", p, err)
		}
		if m, ok := v.(map[string]any); ok {
			delete(m, "day")
		}
		b, _ := json.Marshal(v)
		out[p] = string(b)
	}
	return out
}

// hasLog reports whether a JSON log line has the message msg.
func hasLog(t *testing.T, log, msg string) bool {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		var v struct{ Msg string }
		if json.Unmarshal([]byte(line), &v) == nil && v.Msg == msg {
			return true
		}
	}
	return false
}
