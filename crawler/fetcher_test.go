package crawler

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/data"
)

func TestFetcherPerHostDelayAndParallelism(t *testing.T) {
	var mu sync.Mutex
	var spans [][2]time.Time
	active, overlap := 0, false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		active++
		overlap = overlap || active > 1
		start := time.Now()
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		active--
		spans = append(spans, [2]time.Time{start, time.Now()})
		mu.Unlock()
	}))
	defer srv.Close()
	const delay = 150 * time.Millisecond
	f := NewFetcher(context.Background(), Politeness{Delay: Duration(delay)}, nil)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Fetch(context.Background(), srv.URL+"/p", data.PageState{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if overlap {
		t.Error("two requests to one host overlapped; want one at a time")
	}
	for i := 1; i < len(spans); i++ {
		if gap := spans[i][0].Sub(spans[i-1][1]); gap < delay-5*time.Millisecond {
			t.Errorf("gap between requests %d and %d = %s, want at least %s", i-1, i, gap, delay)
		}
	}
}

func TestFetcherIgnoresCollyEnvironment(t *testing.T) {
	t.Setenv("COLLY_USER_AGENT", "evil")
	t.Setenv("COLLY_IGNORE_ROBOTSTXT", "yes")
	t.Setenv("COLLY_MAX_BODY_SIZE", "5")
	t.Setenv("COLLY_ALLOWED_DOMAINS", "elsewhere.example")
	var mu sync.Mutex
	agents := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.URL.Path] = r.UserAgent()
		mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			_, _ = w.Write([]byte("User-agent: *\nDisallow: /secret\n"))
			return
		}
		_, _ = w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	f := NewFetcher(context.Background(), Politeness{NoDelay: true}, nil)
	page, err := f.Fetch(context.Background(), srv.URL+"/open", data.PageState{})
	if err != nil || len(page.Body) != 100 {
		t.Fatalf("open page: %v, body %d bytes", err, len(page.Body))
	}
	if _, err := f.Fetch(context.Background(), srv.URL+"/secret", data.PageState{}); kindOf(err) != FailRobots {
		t.Errorf("disallowed page: err = %v, want robots", err)
	}
	for path, ua := range agents {
		if ua != DefaultUserAgent {
			t.Errorf("%s requested with user agent %q, want %q", path, ua, DefaultUserAgent)
		}
	}
	if _, ok := agents["/robots.txt"]; !ok {
		t.Error("robots.txt never fetched")
	}
}

func kindOf(err error) string {
	if fe, ok := err.(*FetchError); ok {
		return fe.Kind
	}
	return ""
}

func TestFetcherConditionalGET(t *testing.T) {
	var mu sync.Mutex
	var got []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Wed, 01 Apr 2026 00:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte("corps"))
	}))
	defer srv.Close()
	f := NewFetcher(context.Background(), Politeness{NoDelay: true}, nil)
	first, err := f.Fetch(context.Background(), srv.URL+"/p", data.PageState{})
	if err != nil || first.NotModified || first.ETag != `"v1"` || first.ContentHash == "" {
		t.Fatalf("first fetch: %+v, %v", first, err)
	}
	second, err := f.Fetch(context.Background(), srv.URL+"/p", data.PageState{ETag: first.ETag, LastModified: first.LastModified})
	if err != nil || !second.NotModified || len(second.Body) != 0 || second.ETag != `"v1"` {
		t.Fatalf("second fetch: %+v, %v", second, err)
	}
	if h := got[1]; h.Get("If-None-Match") != `"v1"` || h.Get("If-Modified-Since") != "Wed, 01 Apr 2026 00:00:00 GMT" {
		t.Errorf("validators sent: %v", h)
	}
}

func TestFetchCancelledDuringBackoff(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	f := NewFetcher(ctx, Politeness{NoDelay: true, MaxRetryAfter: Duration(time.Minute)}, nil)
	start := time.Now()
	_, err := f.Fetch(ctx, srv.URL+"/p", data.PageState{})
	if kindOf(err) != FailCanceled || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %s, want a prompt cancellation", err, time.Since(start))
	}
}

func TestFetchOutsideAllowedDomains(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	f := NewFetcher(context.Background(), Politeness{NoDelay: true}, []string{"annuaire.example"})
	if _, err := f.Fetch(context.Background(), srv.URL+"/p", data.PageState{}); kindOf(err) != FailDomain {
		t.Errorf("err = %v, want domain", err)
	}
	if _, err := f.Fetch(context.Background(), "ftp://annuaire.example/x", data.PageState{}); kindOf(err) != FailInvalid {
		t.Errorf("err = %v, want invalid_url", err)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"2", 2 * time.Second}, {"-1", 0}, {"bientôt", 0},
		{time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), 89 * time.Second},
	}
	for _, tc := range tests {
		if got := retryAfter(tc.in); got < tc.want || got > tc.want+2*time.Second {
			t.Errorf("retryAfter(%q) = %s, want about %s", tc.in, got, tc.want)
		}
	}
}
