package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env returns a getenv that sees only vars, so that the developer's own
// FABRIQUE_* variables never reach the tests.
func env(vars ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return func(k string) string { return m[k] }
}

// runCmd runs the program to completion and returns its outputs.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut syncBuffer
	err = run(context.Background(), args, getenv, &out, &errOut)
	return out.String(), errOut.String(), err
}

// server is a "fabrique serve" running in-process.
type server struct {
	url    string // "http://127.0.0.1:PORT/"
	stop   context.CancelFunc
	done   chan error
	stderr *syncBuffer
}

// startServe runs "fabrique serve" on port 0 and waits for the address it
// prints. The server is stopped at the end of the test if still running.
func startServe(t *testing.T, getenv func(string) string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &server{stop: cancel, done: make(chan error, 1), stderr: &syncBuffer{}}
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenv, pw, s.stderr)
		_ = pw.Close()
		s.done <- err
	}()
	// The first run prints the loading of the embedded data and the index
	// build before the address: wait for the address line.
	const prefix = "Fabrique écoute sur "
	addr := make(chan string, 1)
	var before syncBuffer
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() { // keep draining so that run never blocks on stdout
			if line := sc.Text(); !sent && strings.HasPrefix(line, prefix) {
				addr <- strings.TrimPrefix(line, prefix)
				sent = true
			} else if !sent {
				before.Write([]byte(line + "\n"))
			}
		}
		close(addr)
	}()
	select {
	case url, ok := <-addr:
		if !ok {
			cancel()
			t.Fatalf("serve ended without printing %q…; it printed:\n%s\nstderr:\n%s", prefix, before.String(), s.stderr)
		}
		s.url = url
	case <-time.After(90 * time.Second): // a first run loads and indexes 1 291 companies, slower under -race
		cancel()
		t.Fatalf("serve printed no address in 90 s; it printed:\n%s\nstderr:\n%s", before.String(), s.stderr)
	}
	t.Cleanup(func() { s.shutdown(t) })
	return s
}

// shutdown cancels serve's context and returns what run returned.
func (s *server) shutdown(t *testing.T) error {
	t.Helper()
	s.stop()
	select {
	case err, ok := <-s.done:
		if ok {
			close(s.done)
			return err
		}
		return nil
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop within 15 s of its context being cancelled")
		return nil
	}
}

func httpGet(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, env("FABRIQUE_LOG_FORMAT", "json"), "--data", dir)

	if status, body := httpGet(t, s.url+"healthz"); status != 200 || body != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\"", status, body)
	}
	status, body := httpGet(t, s.url)
	if status != 200 {
		t.Fatalf("GET / = %d, want 200", status)
	}
	for _, want := range []string{`<html lang="fr">`, "Le fabriqué en France dans la commande publique", "Fournisseurs référencés"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET / lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "fabrique.db")); err != nil {
		t.Errorf("serve did not create the store in --data: %v", err)
	}
	// Observability (web/observability.go): ready, and /metrics for a
	// loopback scraper, with the sizes of the store and the index.
	if status, body := httpGet(t, s.url+"readyz"); status != 200 || body != "ready" {
		t.Errorf("GET /readyz = %d %q, want 200 \"ready\"", status, body)
	}
	status, body = httpGet(t, s.url+"metrics")
	for _, want := range []string{"fabrique_store_suppliers ", "fabrique_index_suppliers ", `fabrique_http_requests_total{class="2xx",method="GET",route="/"} 1`} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("GET /metrics = %d, lacks %q", status, want)
		}
	}

	if err := s.shutdown(t); err != nil {
		t.Errorf("serve returned %v after its context was cancelled, want nil", err)
	}
	// FABRIQUE_LOG_FORMAT=json: every log line is a JSON object, and
	// those of requests carry their request ID.
	for _, line := range strings.Split(strings.TrimSpace(s.stderr.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("log line is not JSON: %q", line)
		}
		if v["msg"] == "request" && v["request_id"] == nil {
			t.Errorf("request log line without request_id: %q", line)
		}
	}
}

func TestSecondServeOnSameDataDirFailsFast(t *testing.T) {
	dir := t.TempDir()
	first := startServe(t, env(), "--data", dir)

	start := time.Now()
	_, _, err := runCmd(t, env("FABRIQUE_ADDR", "127.0.0.1:0"), "serve", "--data", dir)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("second serve on the same data directory returned nil, want an error")
	}
	if elapsed > 3*time.Second {
		t.Errorf("second serve took %v to fail, want < 3 s", elapsed)
	}
	if !errors.Is(err, store.ErrLocked) || exitCode(err) != 1 {
		t.Errorf("err = %v (exit %d), want store.ErrLocked and exit status 1", err, exitCode(err))
	}
	want := "le répertoire de données " + dir + " est déjà utilisé par un autre processus fabrique"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if status, _ := httpGet(t, first.url+"healthz"); status != 200 {
		t.Errorf("the first server stopped answering: /healthz = %d", status)
	}
}

// putSupplier writes one supplier into the store of dataDir.
func putSupplier(t *testing.T, dataDir string, name string) data.Supplier {
	t.Helper()
	st, err := store.Open(dbFile(dataDir), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sup := data.Supplier{ID: data.SupplierKey("", name, "45500"), Name: name}
	if err := st.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}
	return sup
}

// supplierName reads one supplier back from the store of dataDir.
func supplierName(t *testing.T, dataDir, id string) string {
	t.Helper()
	st, err := store.Open(dbFile(dataDir), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sup, err := st.Supplier(context.Background(), id)
	if err != nil {
		t.Fatalf("Supplier(%s) in %s: %v", id, dataDir, err)
	}
	return sup.Name
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "neuf")
	sup := putSupplier(t, src, "Faïencerie de Gien")
	file := filepath.Join(t.TempDir(), "sauvegarde.db")

	// Flags after the argument work too.
	if out, stderr, err := runCmd(t, env(), "backup", file, "--data", src); err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr)
	} else if !strings.Contains(out, file) {
		t.Errorf("backup printed %q, want the file name", out)
	}
	if _, stderr, err := runCmd(t, env("FABRIQUE_DATA", dst), "restore", file); err != nil {
		t.Fatalf("restore: %v\n%s", err, stderr)
	}
	if got := supplierName(t, dst, sup.ID); got != sup.Name {
		t.Errorf("restored supplier = %q, want %q", got, sup.Name)
	}
}

func TestBackupAndRestoreWhileServing(t *testing.T) {
	dir := t.TempDir()
	sup := putSupplier(t, dir, "Verrerie de Biot")
	s := startServe(t, env("FABRIQUE_ADMIN_TOKEN", "9c2e7a4f1b8d3e6a0c5f7b2d9e4a1c8f"), "--data", dir)
	file := filepath.Join(t.TempDir(), "sauvegarde.db")

	_, _, err := runCmd(t, env(), "backup", "--data", dir, file)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "/admin/backup") {
		t.Errorf("backup while serving: err = %v, want ErrLocked pointing to /admin/backup", err)
	}

	// The running server gives the backup over HTTP instead.
	if status, _ := httpGet(t, s.url+"admin/backup"); status != http.StatusUnauthorized {
		t.Errorf("GET /admin/backup without a token = %d, want 401", status)
	}
	status, body := httpGet(t, s.url+"admin/backup", "Authorization", "Bearer 9c2e7a4f1b8d3e6a0c5f7b2d9e4a1c8f")
	if status != http.StatusOK {
		t.Fatalf("GET /admin/backup = %d, want 200", status)
	}
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	_, _, err = runCmd(t, env(), "restore", "--data", dir, file)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), dir) {
		t.Errorf("restore while serving: err = %v, want ErrLocked naming %s", err, dir)
	}

	other := t.TempDir()
	if _, stderr, err := runCmd(t, env(), "restore", "--data", other, file); err != nil {
		t.Fatalf("restore of the downloaded backup: %v\n%s", err, stderr)
	}
	if got := supplierName(t, other, sup.ID); got != sup.Name {
		t.Errorf("restored supplier = %q, want %q", got, sup.Name)
	}
}

func TestRestoreRejectsGarbage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pas-une-base.db")
	if err := os.WriteFile(file, []byte("ceci n'est pas une base"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCmd(t, env(), "restore", "--data", t.TempDir(), file)
	if !errors.Is(err, store.ErrBadBackup) || exitCode(err) != 1 {
		t.Errorf("restore of garbage: err = %v (exit %d), want ErrBadBackup, exit 1", err, exitCode(err))
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, env(), "version")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fabrique ", runtime.Version(), "révision"} {
		if !strings.Contains(out, want) {
			t.Errorf("version printed %q, want it to contain %q", out, want)
		}
	}
}

func TestHelp(t *testing.T) {
	out, _, err := runCmd(t, env(), "--help")
	if err != nil {
		t.Fatalf("--help: %v", err)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name+" ") || !strings.Contains(out, c.summary) {
			t.Errorf("--help does not list %s (%s):\n%s", c.name, c.summary, out)
		}
	}
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runCmd(t, env("FABRIQUE_ADMIN_TOKEN", "secret-du-test"), c.name, "--help")
			if err != nil {
				t.Fatalf("%s --help: %v", c.name, err)
			}
			if !strings.HasPrefix(out, "Utilisation : fabrique "+c.name) {
				t.Errorf("%s --help starts with %q", c.name, firstLine(out))
			}
			for _, o := range c.options {
				if !strings.Contains(out, "--"+o) || !strings.Contains(out, options()[o].env) {
					t.Errorf("%s --help does not document --%s and %s", c.name, o, options()[o].env)
				}
			}
			if strings.Contains(out, "secret-du-test") {
				t.Errorf("%s --help prints the admin token from the environment", c.name)
			}
		})
	}
}

// TestHelpWordsItsCommand: an option shared by several commands is
// described in the words of the command asked about (alerts' --dry-run
// imports nothing; its --public-url has no listen address to default to).
func TestHelpWordsItsCommand(t *testing.T) {
	tests := []struct {
		command   string
		want, not []string
	}{
		{"alerts", []string{"N'envoie rien et n'écrit rien dans la base", "obligatoire pour envoyer", "défaut : aucune (envoi refusé)"},
			[]string{"importé", "suivi de l'adresse d'écoute"}},
		{"import", []string{"affiche seulement ce qui serait importé"}, []string{"envoyé"}},
		{"serve", []string{"obligatoire avec --smtp-host", "défaut : http:// suivi de l'adresse d'écoute"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			out, _, err := runCmd(t, env(), tt.command, "--help")
			if err != nil {
				t.Fatal(err)
			}
			_, opts, _ := strings.Cut(out, "\nOptions :")
			for _, w := range tt.want {
				if !strings.Contains(opts, w) {
					t.Errorf("%s --help lacks %q in its options:\n%s", tt.command, w, opts)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(opts, w) {
					t.Errorf("%s --help says %q in its options:\n%s", tt.command, w, opts)
				}
			}
		})
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       []string
		want      string // in the error message
		wantUsage bool   // the usage is printed on stderr
	}{
		{"no command", nil, nil, "commande manquante", true},
		{"unknown command", []string{"frobnicate"}, nil, "commande inconnue « frobnicate »", true},
		{"unknown flag", []string{"serve", "--port", "80"}, nil, "option inconnue « --port »", true},
		{"unknown flag after the arguments", []string{"user", "list", "--bogus"}, nil, "user : option inconnue « --bogus »", true},
		{"flag without its value", []string{"backup", "x.db", "--data"}, nil, "l'option --data attend une valeur", true},
		{"bad boolean value", []string{"import", "--dry-run=peut-être", "x.xml"}, nil, "--dry-run : valeur « peut-être » refusée (valeur booléenne attendue, reçu « peut-être »)", true},
		{"bad flag syntax", []string{"backup", "x.db", "---data", "d"}, nil, "option mal formée « ---data »", true},
		{"missing argument", []string{"backup"}, nil, "1 argument attendu, 0 reçu", true},
		{"extra argument", []string{"version", "now"}, nil, "0 argument attendu, 1 reçu", true},
		{"flag of another command", []string{"version", "--data", "/tmp"}, nil, "option inconnue « --data »", true},
		{"bad log level", []string{"backup", "x.db", "--log-level", "bavard"}, nil, "niveau de journal « bavard » inconnu", false},
		{"bad log format from env", []string{"backup", "x.db"}, []string{"FABRIQUE_LOG_FORMAT", "xml"}, "format de journal « xml » inconnu", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, env(tt.env...), tt.args...)
			if exitCode(err) != 2 {
				t.Errorf("run(%q) = %v, exit %d; want a usage error (exit 2)", tt.args, err, exitCode(err))
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) error = %v, want it to contain %q", tt.args, err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), "flag") || strings.Contains(err.Error(), "invalid")) {
				t.Errorf("run(%q) error = %v: English words of package flag", tt.args, err)
			}
			if tt.wantUsage && !strings.Contains(stderr, "Utilisation") {
				t.Errorf("run(%q) printed no usage on stderr:\n%s", tt.args, stderr)
			}
		})
	}
}
