package main

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/mirror"
	"fabrique/data"
)

// fastRetries makes a crawl give up on a failing page at once.
const fastRetries = `{"politeness": {"no_delay": true, "max_retries": 1, "retry_base": "1ms", "connect_timeout": "2s"}}`

// TestCrawlExitStatus: a crawl of which no source answered exits 1 (it
// exited 0 after « 0 téléchargées, 1 en échec — 1 erreurs réseau »), one
// of which some source gave no page exits 3 with the others stored, and
// the report counts in French singular.
func TestCrawlExitStatus(t *testing.T) {
	cfg := writeTemp(t, fastRetries)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there any more

	dir := t.TempDir()
	out, _, err := runCmd(t, env(), "crawl", "--data", dir, "--source", "epv", "--base-url", dead, "--config", cfg)
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "aucune page obtenue de epv") {
		t.Errorf("crawl of a dead source: %v (exit %d), want exit 1 naming epv\n%s", err, exitCode(err), out)
	}
	for _, want := range []string{"0 téléchargée, 0 inchangée (304), 1 en échec", "  - 1 erreur réseau\n",
		"Source dont aucune page n'a été obtenue : epv", "Fiches : 0 nouvelle, 0 mise à jour"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}

	// ofg answers 503 to everything; epv answers.
	h := mirror.New(mirror.Config{}).Handler()
	m := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ofg") {
			http.Error(w, "indisponible", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer m.Close()
	out, _, err = runCmd(t, env(), "crawl", "--data", dir, "--source", "epv,ofg", "--base-url", m.URL, "--config", cfg)
	var pe *partialError
	if !errors.As(err, &pe) || exitCode(err) != 3 || !strings.Contains(err.Error(), "aucune page obtenue de ofg") {
		t.Errorf("crawl with ofg down: %v (exit %d), want a partial crawl (3) naming ofg\n%s", err, exitCode(err), out)
	}
	if !strings.Contains(out, "1291 nouvelles") || !strings.Contains(out, "Source dont aucune page n'a été obtenue : ofg (") {
		t.Errorf("report of the partial crawl:\n%s", out)
	}
	last, _, err := runCmd(t, env(), "crawl", "--data", dir, "--last")
	if err != nil || !strings.Contains(last, "aucune page n'a été obtenue : ofg") {
		t.Errorf("crawl --last does not keep the unreached source: %v\n%s", err, last)
	}
}

// TestScheduledCrawlLog: serve's scheduled crawl logs a run of which a
// source gave no page at WARN with the count, not at INFO with err=<nil>.
func TestScheduledCrawlLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	run := data.CrawlRun{ID: time.Now().Format(time.RFC3339Nano), Sources: []string{"epv"}, FinishedAt: time.Now(),
		PagesFailed: map[string]int{"network": 1}, Unreached: []string{"epv"}}
	logCrawlRun(log, run, nil)
	if got := buf.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "failed=1") || !strings.Contains(got, "unreached=epv") {
		t.Errorf("log of a crawl that obtained nothing:\n%s", got)
	}
	buf.Reset()
	run.PagesFetched, run.Unreached = 10, nil
	logCrawlRun(log, run, nil)
	if got := buf.String(); !strings.Contains(got, "level=INFO") || !strings.Contains(got, "failed=1") {
		t.Errorf("log of a crawl with a failed page:\n%s", got)
	}
}
