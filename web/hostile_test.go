package web

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawAnswers sends raw on a new loopback connection and reads every
// answer until the server closes the connection; closed is false when it
// was still open after 5 s.
func rawAnswers(t *testing.T, addr, raw string) (answers []*http.Response, closed bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			ne, ok := err.(net.Error)
			return answers, !ok || !ne.Timeout()
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		answers = append(answers, resp)
	}
}

// TestHostileConflictingLengths sends requests whose body has two
// possible ends, each followed by a second request hidden where a proxy in
// front would have seen the body: the server answers 400 to the first,
// never answers the hidden one, and closes the connection.
func TestHostileConflictingLengths(t *testing.T) {
	s := newTestServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	addr := strings.TrimPrefix(s.serveLoopback(t), "http://")
	hidden := "GET /introuvable-passe-en-fraude HTTP/1.1\r\nHost: fabrique.test\r\n\r\n"
	cases := []struct{ name, raw string }{
		{"Content-Length then Transfer-Encoding", "POST /besoin HTTP/1.1\r\nHost: fabrique.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden},
		{"Transfer-Encoding then Content-Length", "POST /api/v1/match HTTP/1.1\r\nHost: fabrique.test\r\nTransfer-Encoding: chunked\r\nContent-Length: 60\r\n\r\n0\r\n\r\n" + hidden},
		{"two Content-Length values", "POST /besoin HTTP/1.1\r\nHost: fabrique.test\r\nContent-Length: 0\r\nContent-Length: 10\r\n\r\n" + hidden},
		{"two equal Content-Length", "POST /besoin HTTP/1.1\r\nHost: fabrique.test\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n" + hidden},
		{"unknown transfer coding", "POST /besoin HTTP/1.1\r\nHost: fabrique.test\r\nTransfer-Encoding: xchunked\r\nContent-Length: 0\r\n\r\n" + hidden},
		{"gzip then chunked", "POST /besoin HTTP/1.1\r\nHost: fabrique.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + hidden},
		{"two Transfer-Encoding", "POST /besoin HTTP/1.1\r\nHost: fabrique.test\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, closed := rawAnswers(t, addr, tc.raw)
			if len(got) != 1 || got[0].StatusCode != http.StatusBadRequest {
				var statuses []int
				for _, r := range got {
					statuses = append(statuses, r.StatusCode)
				}
				t.Fatalf("answers %v, want one 400 (a second answer is the hidden request, served)", statuses)
			}
			if !closed {
				t.Error("the connection stayed open after the answer")
			}
		})
	}

	// A plain chunked request and a plain Content-Length one are served,
	// on a connection kept open.
	for _, raw := range []string{
		"GET /healthz HTTP/1.1\r\nHost: fabrique.test\r\nContent-Length: 0\r\n\r\n",
		"GET /healthz HTTP/1.1\r\nHost: fabrique.test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, raw+raw)
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		for i := range 2 {
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%.60q, answer %d: %v %v; want 200 twice on one connection", raw, i, resp, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
		}
		_ = c.Close()
	}
}

// TestHostileDeeplyNestedJSON posts JSON nested 100 000 levels deep (as
// deep as the match API's 256 KiB allow), in several places of a need:
// the API refuses it at once with its JSON error in French. (Deeper is
// refused by size first, 413; the notice readers' own nesting limit is
// crawler/notice's TestDeepNestingRefused.)
func TestHostileDeeplyNestedJSON(t *testing.T) {
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	const depth = 100_000
	cases := []struct{ name, body string }{
		{"arrays at the top", strings.Repeat("[", depth) + strings.Repeat("]", depth)},
		{"arrays in the title", `{"title":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`},
		{"objects in the lots", `{"title":"menuiserie","lots":[` + strings.Repeat(`{"a":`, depth/3) + "1" + strings.Repeat("}", depth/3) + `]}`},
		{"unclosed", `{"title":"menuiserie","cpv":` + strings.Repeat("[", depth)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := s.postJSON(t, "/api/v1/match", tc.body)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("refused after %v", took)
			}
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"error"`) {
				t.Fatalf("status %d, body %.200q; want 400 with the API's JSON error", r.status, r.body)
			}
		})
	}
}

// TestHostileUploadFileNames: the name a client gives an uploaded file
// (a Kbis extract) is only ever shown, never used as a path: whatever it
// holds, what is kept is a base name without separators, quotes or
// control characters, with the extension the sniffed type decides.
func TestHostileUploadFileNames(t *testing.T) {
	cases := []struct{ name, given, want string }{
		{"parent directories", "../../../../etc/passwd", "passwd.pdf"},
		{"windows separators", `..\..\Windows\System32\kbis.exe`, "kbis.pdf"},
		{"absolute", "/var/lib/fabrique/fabrique.db", "fabrique.pdf"},
		{"dot dot alone", "..", "kbis.pdf"},
		{"empty", "", "kbis.pdf"},
		{"NUL and newlines", "kbis\x00.pdf\r\nContent-Type: text/html", "html.pdf"},
		{"quotes", `kbis".pdf`, "kbis.pdf"},
		{"very long", strings.Repeat("é", 500) + ".pdf", strings.Repeat("é", 80) + ".pdf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := displayFileName(tc.given, ".pdf")
			if got != tc.want {
				t.Errorf("displayFileName(%q) = %q, want %q", tc.given, got, tc.want)
			}
			if strings.ContainsAny(got, "/\\\"\x00\r\n") || strings.Contains(got, "..") {
				t.Errorf("displayFileName(%q) = %q keeps a separator, a quote or a control character", tc.given, got)
			}
		})
	}
}
