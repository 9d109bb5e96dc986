package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/data"
)

// TestMatchShedsLoadPastSaturation fills the match slots and checks that
// further match requests are answered quickly with 503, Retry-After and
// the API's JSON error, instead of queueing; and that with many concurrent
// clients against a tiny limit, some are answered and none waits longer
// than the queue bound plus a match.
func TestMatchShedsLoadPastSaturation(t *testing.T) {
	const wait = 100 * time.Millisecond
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}, MatchConcurrency: 1, MatchQueueWait: wait})

	t.Run("all slots busy", func(t *testing.T) {
		s.matchGate.slots <- struct{}{} // a match that never ends
		defer s.matchGate.release()
		for _, path := range []string{"/api/v1/match", "/api/v1/tenders/ted:inconnu/matches"} {
			start := time.Now()
			var r response
			if strings.HasSuffix(path, "/match") {
				r = s.postJSON(t, path, menuiserieNeed)
			} else {
				r = s.get(t, path)
			}
			took := time.Since(start)
			if r.status != http.StatusServiceUnavailable {
				t.Fatalf("%s with every slot busy = %d, want 503", path, r.status)
			}
			if took < wait || took > wait+time.Second {
				t.Errorf("%s shed after %v, want about %v", path, took, wait)
			}
			if r.header.Get("Retry-After") != "1" {
				t.Errorf("%s Retry-After = %q, want 1", path, r.header.Get("Retry-After"))
			}
			if q, ok := shedQueueWait(r.header.Get("Server-Timing")); !ok || q < wait || q > took {
				t.Errorf("%s Server-Timing %q, want the wait for a slot, %v to %v", path, r.header.Get("Server-Timing"), wait, took)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(r.body), &e); err != nil || !strings.Contains(e.Error, "saturé") {
				t.Errorf("%s body %q, want the API's JSON error in French", path, r.body)
			}
		}
	})

	t.Run("pages without their ranking", func(t *testing.T) {
		r := s.postForm(t, "/besoin", validNeedForm())
		page := r.header.Get("Location")
		s.matchGate.slots <- struct{}{}
		defer s.matchGate.release()
		start := time.Now()
		got := s.get(t, page)
		if took := time.Since(start); got.status != http.StatusOK || took > wait+time.Second {
			t.Fatalf("GET %s with every slot busy = %d after %v, want the page within the wait", page, got.status, took)
		}
		mustContain(t, "need page", got.body, "momentanément indisponible", "Restauration des menuiseries")
	})

	// Two waves of concurrent clients against one slot. The first finds
	// the slot taken by a long match (held until every client of the wave
	// has its answer): all of them are shed after the queue bound. The
	// second finds it free: the first to take it is answered, the others
	// either wait for it within the bound or are shed. How many are
	// answered depends on the machine's speed (on an idle machine, twelve
	// matches of the test directory fit in the bound), so the test pins
	// the shedding with the first wave rather than with a count.
	t.Run("many clients, tiny limit", func(t *testing.T) {
		base := s.serveLoopback(t)
		const clients = 6 // per wave
		var mu sync.Mutex
		statuses := map[int]int{}
		var slowest time.Duration
		// A server that queued without bound would keep the first wave
		// waiting for the slot the test holds: the client gives up.
		client := &http.Client{Timeout: 10 * time.Second}
		wave := func() {
			var wg sync.WaitGroup
			for range clients {
				wg.Go(func() {
					start := time.Now()
					resp, err := client.Post(base+"/api/v1/match", "application/json", strings.NewReader(menuiserieNeed))
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
					took := time.Since(start)
					mu.Lock()
					defer mu.Unlock()
					statuses[resp.StatusCode]++
					if resp.StatusCode == http.StatusServiceUnavailable {
						slowest = max(slowest, took)
					}
				})
			}
			wg.Wait()
		}
		s.matchGate.slots <- struct{}{} // the long match
		wave()
		if statuses[http.StatusServiceUnavailable] != clients {
			t.Fatalf("statuses %v with the slot taken: want all %d shed with 503", statuses, clients)
		}
		s.matchGate.release()
		wave()
		if statuses[http.StatusOK] == 0 || statuses[http.StatusOK]+statuses[http.StatusServiceUnavailable] != 2*clients {
			t.Fatalf("statuses %v: want some 200 once the slot is free, the rest 503", statuses)
		}
		// A shed request waited for the queue bound, never behind the
		// whole queue of matches.
		if slowest > wait+time.Second {
			t.Errorf("a shed request took %v, want at most %v", slowest, wait+time.Second)
		}
		t.Logf("statuses %v, slowest shed %v", statuses, slowest)
	})
}

// TestMatchSourceFollowsWrites checks that what the matcher reads never
// serves a supplier older than the index.
func TestMatchSourceFollowsWrites(t *testing.T) {
	s := newSearchServer(t, Config{})
	ctx := context.Background()
	sup := epvSuppliers(t)[0]
	got, err := s.matchSource.Supplier(ctx, sup.ID)
	if err != nil || got.Name != sup.Name {
		t.Fatalf("Supplier(%s) = %q, %v", sup.ID, got.Name, err)
	}
	changed, err := s.store.Supplier(ctx, sup.ID)
	if err != nil {
		t.Fatal(err)
	}
	changed.Name = "Nom modifié pour le test"
	if err := s.store.PutSupplier(ctx, changed, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.index.Apply(ctx, s.store, []string{sup.ID}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.matchSource.Supplier(ctx, sup.ID); err != nil || got.Name != changed.Name {
		t.Fatalf("after a write, Supplier(%s) = %q, %v; want %q", sup.ID, got.Name, err, changed.Name)
	}
	if _, err := s.matchSource.Supplier(ctx, "inconnu"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown supplier: err = %v, want ErrNotFound", err)
	}
}

// shedQueueWait reads the wait for a slot that a shed match answer gives in
// its Server-Timing header (« queue;dur=250.4 », milliseconds).
func shedQueueWait(h string) (time.Duration, bool) {
	ms, ok := strings.CutPrefix(h, "queue;dur=")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(ms, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return time.Duration(v * float64(time.Millisecond)), true
}
