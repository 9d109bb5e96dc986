package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestThrottlesCountClientsBehindTheProxy: behind a trusted proxy every
// connection comes from the proxy, so each throttle must count the client
// the proxy names (the last X-Forwarded-For hop). One client past its
// budget is refused; another client relayed by the proxy, and a local job
// calling the server directly without the header (the backup timer), are
// not; and the refused client cannot escape by prepending hops of its own.
func TestThrottlesCountClientsBehindTheProxy(t *testing.T) {
	const outsider, neighbour = "203.0.113.7", "198.51.100.9"
	wrongToken := []string{"Authorization", "Bearer " + strings.Repeat("0", 32)}
	rightToken := []string{"Authorization", "Bearer " + testAdminToken}
	slow := RateLimit{PerSecond: 0.001, Burst: 2}
	post := func(t *testing.T, s *testServer, header ...string) response {
		form, cookie := withCSRF(url.Values{})
		return s.do(t, http.MethodPost, signOutPath, strings.NewReader(form.Encode()),
			append([]string{"Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie}, header...)...)
	}
	tests := []struct {
		name  string
		cfg   Config
		burst int // requests the outsider gets before 429
		// spend is the outsider's request; other is the one that the
		// others send, which must get otherStatus.
		spend, other func(t *testing.T, s *testServer, header ...string) response
		otherStatus  int
	}{
		{
			name: "API rate limit", cfg: Config{RateLimit: slow}, burst: slow.Burst,
			spend: func(t *testing.T, s *testServer, h ...string) response {
				return s.get(t, "/api/v1/openapi.json", h...)
			},
			other: func(t *testing.T, s *testServer, h ...string) response {
				return s.get(t, "/api/v1/openapi.json", h...)
			},
			otherStatus: http.StatusOK,
		},
		{
			name: "form posts", cfg: Config{FormRateLimit: slow}, burst: slow.Burst,
			spend: post, other: post, otherStatus: http.StatusSeeOther,
		},
		{
			name: "wrong admin tokens", cfg: Config{AdminToken: testAdminToken}, burst: adminFailureBurst,
			spend: func(t *testing.T, s *testServer, h ...string) response {
				return s.get(t, "/admin/backup", append(h, wrongToken...)...)
			},
			other: func(t *testing.T, s *testServer, h ...string) response {
				return s.get(t, "/admin/backup", append(h, rightToken...)...)
			},
			otherStatus: http.StatusOK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.TrustProxy = true
			s := newTestServer(t, cfg)
			for i := range tt.burst {
				if r := tt.spend(t, s, "X-Forwarded-For", outsider); r.status == http.StatusTooManyRequests {
					t.Fatalf("outsider's request %d = 429 within its budget of %d", i+1, tt.burst)
				}
			}
			for _, xff := range []string{outsider, "10.1.2.3, " + outsider} {
				if r := tt.spend(t, s, "X-Forwarded-For", xff); r.status != http.StatusTooManyRequests {
					t.Fatalf("outsider past its budget (X-Forwarded-For %q) = %d, want 429", xff, r.status)
				}
			}
			others := []struct {
				who    string
				header []string
			}{
				{"another client of the proxy", []string{"X-Forwarded-For", neighbour}},
				{"another client naming the outsider first", []string{"X-Forwarded-For", outsider + ", " + neighbour}},
				{"a local job without X-Forwarded-For", nil},
			}
			for _, o := range others {
				if r := tt.other(t, s, o.header...); r.status != tt.otherStatus {
					t.Errorf("%s = %d, want %d: the outsider's budget was not its own", o.who, r.status, tt.otherStatus)
				}
			}
		})
	}
}

// TestOnlyClientAddrReadsTheConnectionAddress keeps the fix above: a
// throttle, log or audit entry that read c.IP() would count the proxy
// again. clientAddr is the one reader of the connection's address.
func TestOnlyClientAddrReadsTheConnectionAddress(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Name.Name == "clientAddr" {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 0 {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "IP" {
					t.Errorf("%s: %s calls .IP(): use s.clientAddr(c), which knows the trusted proxy", fset.Position(call.Pos()), fn.Name.Name)
				}
				return true
			})
		}
	}
}
