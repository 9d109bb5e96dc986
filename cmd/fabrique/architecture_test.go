package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The import rules of GUIDE.md ("Packages and who may import whom"), checked
// on the non-test imports of every package of the module. Test files may
// import anything.

// layer says which project packages a package tree may import, besides
// the packages of its own tree.
type layer struct {
	tree  string   // "fabrique/web": the package and its subpackages
	may   []string // exact project packages it may import; nil: none
	any   bool     // may import every project package (cmd)
	about string   // for the failure message
}

func layers() []layer {
	return []layer{
		{tree: "fabrique/data", about: "data imports no project package"},
		{tree: "fabrique/data/store", may: []string{"fabrique/data"}, about: "the store imports only data"},
		{tree: "fabrique/index", may: []string{"fabrique/data", "fabrique/index/match"}, about: "index imports only data and the matcher's scoring"},
		{tree: "fabrique/index/match", may: []string{"fabrique/data"}, about: "the matcher's need model and scoring import only data"},
		{tree: "fabrique/crawler", may: []string{"fabrique/data"}, about: "crawler imports only data and its own subpackages"},
		{tree: "fabrique/web", may: []string{"fabrique/data", "fabrique/data/store", "fabrique/index", "fabrique/data/observatory"}, about: "web imports only data, the store, index and the observatory's figures"},
		{tree: "fabrique/cmd", any: true, about: "cmd wires everything"},
		{tree: "fabrique/web/loadtest", may: []string{"fabrique/data", "fabrique/data/store", "fabrique/index", "fabrique/index/synth", "fabrique/web"}, about: "the load test runs the server on the synthetic corpus"},
	}
}

// engine is an outside dependency that one project package tree owns.
type engine struct {
	name     string
	prefixes []string // import path prefixes
	owner    string   // the project package (exact) or tree allowed to import it
	exact    bool     // owner is a single package, not a tree
}

func engines() []engine {
	return []engine{
		{name: "bbolt", prefixes: []string{"go.etcd.io/bbolt"}, owner: "fabrique/data/store"},
		{name: "go-json (the store's walks decode with it)", prefixes: []string{"github.com/goccy/go-json"}, owner: "fabrique/data/store", exact: true},
		{name: "bleve", prefixes: []string{"github.com/blevesearch/"}, owner: "fabrique/index", exact: true},
		{name: "fiber", prefixes: []string{"github.com/gofiber/fiber", "github.com/valyala/fasthttp"}, owner: "fabrique/web"},
		{name: "colly", prefixes: []string{"github.com/gocolly/colly"}, owner: "fabrique/crawler", exact: true},
		{name: "go-mail", prefixes: []string{"github.com/wneessen/go-mail"}, owner: "fabrique/web/mail", exact: true},
		{name: "x/crypto (argon2id)", prefixes: []string{"golang.org/x/crypto"}, owner: "fabrique/web/password", exact: true},
		{name: "x/term", prefixes: []string{"golang.org/x/term"}, owner: "fabrique/cmd/fabrique", exact: true},
		{name: "Prometheus client", prefixes: []string{"github.com/prometheus/"}, owner: "fabrique/web/metrics", exact: true},
		// Test tools: never in a non-test file.
		{name: "chromedp (tests only)", prefixes: []string{"github.com/chromedp/"}, owner: "", exact: true},
		{name: "go-smtp (tests only)", prefixes: []string{"github.com/emersion/go-smtp", "github.com/emersion/go-sasl"}, owner: "", exact: true},
		{name: "modernc sqlite (benchmark baseline only)", prefixes: []string{"modernc.org/"}, owner: "fabrique/cmd/fabrique-bench", exact: true},
		{name: "pgx (benchmark baseline only)", prefixes: []string{"github.com/jackc/"}, owner: "fabrique/cmd/fabrique-bench", exact: true},
		{name: "kin-openapi (API contract tests only)", prefixes: []string{"github.com/getkin/kin-openapi"}, owner: "", exact: true},
		// The API client generated from openapi.json, used by tests only.
		{name: "oapi-codegen runtime", prefixes: []string{"github.com/oapi-codegen/"}, owner: "fabrique/web/apiclient", exact: true},
		// The alert profiles' Atom feeds (web/feed); a feed and an iCalendar
		// parser check them in tests.
		{name: "gorilla/feeds", prefixes: []string{"github.com/gorilla/feeds"}, owner: "fabrique/web/feed", exact: true},
		{name: "gofeed (tests only)", prefixes: []string{"github.com/mmcdole/"}, owner: "", exact: true},
		{name: "golang-ical (tests only)", prefixes: []string{"github.com/arran4/golang-ical"}, owner: "", exact: true},
	}
}

// goPackage is what `go list -json` says of a package.
type goPackage struct {
	ImportPath string
	Imports    []string // non-test imports only
}

func inTree(pkg, tree string) bool { return pkg == tree || strings.HasPrefix(pkg, tree+"/") }

func hasPrefix(path, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(path, prefix)
	}
	return inTree(path, prefix)
}

// layerOf returns the most specific layer holding pkg.
func layerOf(pkg string) (layer, bool) {
	var best layer
	found := false
	for _, l := range layers() {
		if inTree(pkg, l.tree) && (!found || len(l.tree) > len(best.tree)) {
			best, found = l, true
		}
	}
	return best, found
}

// violations lists every import arrow that breaks the rules, one line each.
func violations(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		l, ok := layerOf(p.ImportPath)
		if !ok {
			out = append(out, fmt.Sprintf("%s: no architecture rule for this package; add its layer to layers() in cmd/fabrique/architecture_test.go (see GUIDE.md)", p.ImportPath))
			continue
		}
		for _, imp := range p.Imports {
			if msg, bad := checkArrow(p.ImportPath, l, imp); bad {
				out = append(out, fmt.Sprintf("%s → %s: %s", p.ImportPath, imp, msg))
			}
		}
	}
	slices.Sort(out)
	return out
}

func checkArrow(from string, l layer, imp string) (string, bool) {
	if inTree(imp, "fabrique") {
		if l.any || slices.Contains(l.may, imp) {
			return "", false
		}
		// Its own tree, unless the target belongs to a more specific layer
		// (data may not import data/store).
		if target, ok := layerOf(imp); ok && target.tree == l.tree {
			return "", false
		}
		return l.about, true
	}
	for _, e := range engines() {
		if !slices.ContainsFunc(e.prefixes, func(p string) bool { return hasPrefix(imp, p) }) {
			continue
		}
		allowed := e.owner != "" && (from == e.owner || (!e.exact && inTree(from, e.owner)))
		if allowed {
			return "", false
		}
		if e.owner == "" {
			return e.name + " may be imported by test files only", true
		}
		return fmt.Sprintf("%s may be imported only by %s", e.name, e.owner), true
	}
	return "", false
}

// listModule runs `go list` on every package of the module.
func listModule(t *testing.T) []goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports", "fabrique/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestArchitecture(t *testing.T) {
	pkgs := listModule(t)
	if !slices.ContainsFunc(pkgs, func(p goPackage) bool { return p.ImportPath == "fabrique/web" }) {
		t.Fatalf("go list did not list fabrique/web; got %d packages", len(pkgs))
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

// TestArchitectureRulesCatchViolations proves the checker fails on each kind
// of wrong arrow, so that TestArchitecture can fail.
func TestArchitectureRulesCatchViolations(t *testing.T) {
	tests := []struct {
		name string
		pkg  goPackage
		want []string
	}{
		{"data imports the store", goPackage{"fabrique/data", []string{"fabrique/data/store", "strings"}},
			[]string{"fabrique/data → fabrique/data/store: data imports no project package"}},
		{"store imports index", goPackage{"fabrique/data/store", []string{"fabrique/data", "fabrique/index"}},
			[]string{"fabrique/data/store → fabrique/index: the store imports only data"}},
		{"index imports the store", goPackage{"fabrique/index", []string{"fabrique/data/store"}},
			[]string{"fabrique/index → fabrique/data/store: index imports only data and the matcher's scoring"}},
		{"the matcher's scoring imports index", goPackage{"fabrique/index/match", []string{"fabrique/data", "fabrique/index"}},
			[]string{"fabrique/index/match → fabrique/index: the matcher's need model and scoring import only data"}},
		{"the matcher's scoring imports bleve", goPackage{"fabrique/index/match", []string{"github.com/blevesearch/bleve/v2/analysis"}},
			[]string{"fabrique/index/match → github.com/blevesearch/bleve/v2/analysis: bleve may be imported only by fabrique/index"}},
		{"crawler subpackage imports web", goPackage{"fabrique/crawler/boamp", []string{"fabrique/crawler", "fabrique/web"}},
			[]string{"fabrique/crawler/boamp → fabrique/web: crawler imports only data and its own subpackages"}},
		{"web imports the crawler", goPackage{"fabrique/web", []string{"fabrique/index", "fabrique/crawler"}},
			[]string{"fabrique/web → fabrique/crawler: web imports only data, the store, index and the observatory's figures"}},
		{"web imports bbolt", goPackage{"fabrique/web", []string{"go.etcd.io/bbolt"}},
			[]string{"fabrique/web → go.etcd.io/bbolt: bbolt may be imported only by fabrique/data/store"}},
		{"store imports bleve", goPackage{"fabrique/data/store", []string{"github.com/blevesearch/bleve/v2"}},
			[]string{"fabrique/data/store → github.com/blevesearch/bleve/v2: bleve may be imported only by fabrique/index"}},
		{"index imports fiber", goPackage{"fabrique/index", []string{"github.com/gofiber/fiber/v2"}},
			[]string{"fabrique/index → github.com/gofiber/fiber/v2: fiber may be imported only by fabrique/web"}},
		{"crawler subpackage imports colly", goPackage{"fabrique/crawler/ofg", []string{"github.com/gocolly/colly/v2"}},
			[]string{"fabrique/crawler/ofg → github.com/gocolly/colly/v2: colly may be imported only by fabrique/crawler"}},
		{"cmd imports sqlite", goPackage{"fabrique/cmd/fabrique", []string{"modernc.org/sqlite"}},
			[]string{"fabrique/cmd/fabrique → modernc.org/sqlite: modernc sqlite (benchmark baseline only) may be imported only by fabrique/cmd/fabrique-bench"}},
		{"index imports pgx", goPackage{"fabrique/index", []string{"github.com/jackc/pgx/v5"}},
			[]string{"fabrique/index → github.com/jackc/pgx/v5: pgx (benchmark baseline only) may be imported only by fabrique/cmd/fabrique-bench"}},
		{"the harness imports its baselines", goPackage{"fabrique/cmd/fabrique-bench", []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5/stdlib", "fabrique/index/synth"}}, nil},
		{"web imports go-mail", goPackage{"fabrique/web", []string{"github.com/wneessen/go-mail"}},
			[]string{"fabrique/web → github.com/wneessen/go-mail: go-mail may be imported only by fabrique/web/mail"}},
		{"web/mail imports go-smtp", goPackage{"fabrique/web/mail", []string{"github.com/emersion/go-smtp"}},
			[]string{"fabrique/web/mail → github.com/emersion/go-smtp: go-smtp (tests only) may be imported by test files only"}},
		{"web imports x/crypto", goPackage{"fabrique/web", []string{"golang.org/x/crypto/argon2"}},
			[]string{"fabrique/web → golang.org/x/crypto/argon2: x/crypto (argon2id) may be imported only by fabrique/web/password"}},
		{"unknown package", goPackage{"fabrique/util", nil},
			[]string{"fabrique/util: no architecture rule for this package; add its layer to layers() in cmd/fabrique/architecture_test.go (see GUIDE.md)"}},
		{"allowed arrows", goPackage{"fabrique/web", []string{"fabrique/data", "fabrique/data/store", "fabrique/index", "fabrique/web/internal/x", "github.com/gofiber/fiber/v2/middleware/recover", "github.com/PuerkitoBio/goquery"}}, nil},
		{"cmd imports everything", goPackage{"fabrique/cmd/fabrique", []string{"fabrique/web", "fabrique/crawler", "fabrique/index"}}, nil},
		{"crawler owns colly", goPackage{"fabrique/crawler", []string{"github.com/gocolly/colly/v2", "fabrique/crawler/boamp"}}, nil},
		{"web imports the API client's runtime", goPackage{"fabrique/web", []string{"github.com/oapi-codegen/runtime"}},
			[]string{"fabrique/web → github.com/oapi-codegen/runtime: oapi-codegen runtime may be imported only by fabrique/web/apiclient"}},
		{"the generated client imports its runtime", goPackage{"fabrique/web/apiclient", []string{"github.com/oapi-codegen/runtime", "github.com/oapi-codegen/runtime/types"}}, nil},
		{"web imports kin-openapi", goPackage{"fabrique/web", []string{"github.com/getkin/kin-openapi/openapi3"}},
			[]string{"fabrique/web → github.com/getkin/kin-openapi/openapi3: kin-openapi (API contract tests only) may be imported by test files only"}},
		{"a lookalike module is not bbolt", goPackage{"fabrique/web", []string{"go.etcd.io/bboltx"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := violations([]goPackage{tt.pkg})
			if !slices.Equal(got, tt.want) {
				t.Errorf("violations =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
