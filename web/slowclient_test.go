package web

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// every calls fn at each tick until stop is closed or fn returns false.
func every(stop <-chan struct{}, tick time.Duration, fn func() bool) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if !fn() {
				return
			}
		}
	}
}

// dialLoopback connects to addr, closing the connection at the end of
// the test.
func dialLoopback(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// closedWithin reads conn until the server closes it and returns how long
// that took; it fails past limit. feed, when set, is written every tick
// meanwhile (a client trickling its request).
func closedWithin(t *testing.T, conn net.Conn, limit time.Duration, feed string) time.Duration {
	t.Helper()
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	if feed != "" {
		go every(stop, 100*time.Millisecond, func() bool {
			_, err := io.WriteString(conn, feed)
			return err == nil
		})
	}
	_ = conn.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, conn) // a 408 answer, if any, then EOF
	took := time.Since(start)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v (limit %v)", took, limit)
	}
	return took
}

// TestSlowClientsAreCut: with a read timeout of 1 s and an idle timeout of
// 1 s, a client trickling its headers, one trickling its body, one silent
// after an answer and one silent from the start are each disconnected
// about then, whatever they keep sending; and 200 connections doing so at
// once (slowloris) neither slow the other clients down nor leave a
// connection behind once cut. serve's timeouts are 30 s and 60 s (Config).
func TestSlowClientsAreCut(t *testing.T) {
	const timeout = time.Second
	s := newTestServer(t, Config{ReadTimeout: timeout, IdleTimeout: timeout})
	addr := strings.TrimPrefix(s.serveLoopback(t), "http://")

	cases := []struct {
		name  string
		start string // sent at once
		feed  string // then every 100 ms
	}{
		{"slow headers", "GET / HTTP/1.1\r\nHost: fabrique.test\r\n", "X-Lent: a\r\n"},
		{"slow body", "POST /besoin HTTP/1.1\r\nHost: fabrique.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n", "a"},
		{"idle after an answer", "GET /healthz HTTP/1.1\r\nHost: fabrique.test\r\n\r\n", ""},
		{"silent from the start", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dialLoopback(t, addr)
			if _, err := io.WriteString(c, tc.start); err != nil {
				t.Fatal(err)
			}
			took := closedWithin(t, c, timeout+3*time.Second, tc.feed)
			if took < timeout-200*time.Millisecond {
				t.Errorf("cut after %v, before the timeout of %v", took, timeout)
			}
			t.Logf("cut after %v", took)
		})
	}

	t.Run("slowloris", func(t *testing.T) {
		// A server of its own with a longer read timeout, so that a normal
		// request answered well within it was not merely waiting for the
		// attackers to be cut (a loaded machine under -race is slow).
		const timeout = 6 * time.Second
		s := newTestServer(t, Config{ReadTimeout: timeout, IdleTimeout: timeout})
		addr := strings.TrimPrefix(s.serveLoopback(t), "http://")
		const attackers = 200
		var conns []net.Conn
		for i := range attackers {
			c := dialLoopback(t, addr)
			fmt.Fprintf(c, "GET /?n=%d HTTP/1.1\r\nHost: fabrique.test\r\n", i)
			conns = append(conns, c)
		}
		// Keep them trickling while a normal client is served.
		stop := make(chan struct{})
		var trickle sync.WaitGroup
		trickle.Go(func() {
			every(stop, 200*time.Millisecond, func() bool {
				for _, c := range conns {
					_, _ = io.WriteString(c, "X-Lent: a\r\n")
				}
				return true
			})
		})
		client := &http.Client{Timeout: 5 * time.Second}
		var slowest time.Duration
		for range 10 {
			start := time.Now()
			resp, err := client.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatalf("a normal client during the slowloris: %v", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("a normal client during the slowloris: status %d", resp.StatusCode)
			}
			slowest = max(slowest, time.Since(start))
			time.Sleep(50 * time.Millisecond)
		}
		if slowest > timeout/2 {
			t.Errorf("a normal request took %v during the slowloris, want well under the read timeout (%v)", slowest, timeout)
		}
		// Every attacker is cut by the read timeout.
		deadline := time.Now().Add(timeout + 4*time.Second)
		for i, c := range conns {
			_ = c.SetReadDeadline(deadline)
			if _, err := io.Copy(io.Discard, c); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatalf("attacker %d still connected %v after the read timeout", i, 4*time.Second)
				}
			}
		}
		close(stop)
		trickle.Wait()
		// Nothing is left behind: the server holds no connection but the
		// normal client's keep-alive one. (Its worker goroutines stay
		// pooled for a while, to be reused: not counted.)
		client.CloseIdleConnections()
		var open int32
		for range 50 {
			if open = s.app.Server().GetOpenConnectionsCount(); open == 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if open != 0 {
			t.Errorf("the server still holds %d connections after every attacker was cut", open)
		}
		t.Logf("%d attackers cut; slowest normal request meanwhile %v", attackers, slowest)
	})
}
