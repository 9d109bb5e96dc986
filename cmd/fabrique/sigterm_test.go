package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fabrique/data/store"
)

const sigtermDataEnv = "FABRIQUE_SIGTERM_DATA"

// TestServeSignalChild is the serve process TestServeSIGTERM stops: the
// program as main runs it, with the same signal handling.
func TestServeSignalChild(t *testing.T) {
	dataDir := os.Getenv(sigtermDataEnv)
	if dataDir == "" {
		t.Skip("child process of TestServeSIGTERM")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, []string{"serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--api-rate", "off"},
		env(), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "fabrique : %v\n", err)
	}
	os.Exit(exitCode(err))
}

// TestServeSIGTERM sends SIGTERM to a serving process while a request is
// in flight (its body half sent): the process stops accepting connections,
// answers that request in full, stops its schedulers, closes the store and
// exits with status 0, logging no error; the store then opens at once
// (its lock is released) and passes its check.
func TestServeSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a server process")
	}
	dataDir := t.TempDir()
	cmd, out, stderr := startChild(t, "TestServeSignalChild", sigtermDataEnv+"="+dataDir)
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "Fabrique écoute sur http://"); ok {
				addr <- strings.TrimSuffix(a, "/")
			}
		}
		close(addr)
	}()
	var host string
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("serve ended before listening:\n%s", stderr.String())
		}
		host = a
	case <-time.After(2 * time.Minute):
		t.Fatalf("serve did not listen within 2 minutes:\n%s", stderr.String())
	}

	// A request in flight: headers and half of the body sent.
	body := `{"title":"Fourniture de mobilier en bois massif","description":"menuiserie, ébénisterie"}`
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/match HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		host, len(body), body[:len(body)/2])
	time.Sleep(200 * time.Millisecond) // the server has read the headers
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// New connections are refused once the listener is closed.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			break
		}
		_ = c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("serve still accepts connections 10 s after SIGTERM")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The request in flight is answered in full.
	if _, err := conn.Write([]byte(body[len(body)/2:])); err != nil {
		t.Fatalf("finishing the request in flight: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v\nserve's log:\n%s", err, stderr.String())
	}
	var answer strings.Builder
	if _, err := bufio.NewReader(resp.Body).WriteTo(&answer); err != nil {
		t.Fatalf("the answer of the request in flight was cut: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(answer.String(), `"supplier_id"`) {
		t.Fatalf("request in flight: status %d, body %.300s; want 200 with the ranked suppliers", resp.StatusCode, answer.String())
	}

	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		var exit *exec.ExitError
		if errors.As(err, &exit) || err != nil {
			t.Fatalf("serve exited with %v after SIGTERM; its log:\n%s", err, stderr.String())
		}
	case <-time.After(shutdownGrace + 5*time.Second):
		t.Fatalf("serve still running %s after SIGTERM; its log:\n%s", shutdownGrace+5*time.Second, stderr.String())
	}
	log := stderr.String()
	if !strings.Contains(log, "shutting down") {
		t.Errorf("serve's log does not say it is shutting down:\n%s", log)
	}
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("serve logged an error while stopping (a scheduler still writing to a closed store?):\n%s", log)
	}
	st, err := store.Open(filepath.Join(dataDir, "fabrique.db"), store.Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("the store does not open after serve stopped (not closed?): %v", err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatalf("store check after SIGTERM: %v", err)
	}
}
