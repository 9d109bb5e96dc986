package apiclient

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestGeneratedClientIsFresh regenerates the client from openapi.json into
// a temporary file, with the go:generate command of doc.go, and compares
// it with client.gen.go: a document changed without `go generate
// ./web/apiclient` fails here.
func TestGeneratedClientIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs oapi-codegen")
	}
	// The configuration of doc.go's go:generate, writing elsewhere (its
	// output setting wins over the -o flag).
	cfg, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "client.gen.go")
	tmpCfg := regexp.MustCompile(`(?m)^output: .*$`).ReplaceAll(cfg, []byte("output: "+out))
	if bytes.Equal(tmpCfg, cfg) {
		t.Fatal("oapi-codegen.yaml has no output line to redirect")
	}
	if err := os.WriteFile(filepath.Join(dir, "oapi-codegen.yaml"), tmpCfg, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", filepath.Join(dir, "oapi-codegen.yaml"), "../openapi.json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, stderr.String())
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Errorf("client.gen.go is stale: openapi.json changed since it was generated; run `go generate ./web/apiclient` and commit the result")
	}
}
