package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/crawler/mirror"
	"fabrique/data"
	"fabrique/data/store"
)

// The crash test kills a real fabrique process (this test binary, re-run
// as TestCrashWorkload: the program's own code, in its own process) with
// SIGKILL while it crawls, imports, edits listings and sends alert
// digests, again and again.
// After each kill the data directory is opened the way serve opens it
// (openDirectory: store, seed check, index repair) and checked:
//
//   - the store opens and passes its consistency check;
//   - every write the workload acknowledged is there (the workload appends
//     one line per acknowledged write to a file, after the store returned);
//   - both indexes, repaired at start, hold exactly the store's documents,
//     at the same versions (ids and update times, not only counts);
//   - every digest acknowledged as sent is in the store as sent and was
//     accepted by the test's SMTP server, which outlives the kills, and
//     never accepted again after the acknowledgement (crash_digest_test.go).
//
// FABRIQUE_CRASH_ROUNDS sets the number of kills (default 50, each after
// 50–350 ms of work, every fifth after 1–2 s, another fifth as soon as
// the SMTP server accepted a digest); the long variant is
//
//	FABRIQUE_CRASH_ROUNDS=500 go test ./cmd/fabrique -run TestCrashKill -timeout 1h -v
const (
	crashDataEnv    = "FABRIQUE_CRASH_DATA"
	crashAcksEnv    = "FABRIQUE_CRASH_ACKS"
	crashMirrorEnv  = "FABRIQUE_CRASH_MIRROR"
	crashRoundEnv   = "FABRIQUE_CRASH_ROUND"
	crashRoundsEnv  = "FABRIQUE_CRASH_ROUNDS"
	crashDefaultRun = 50
)

// crashWorkload is one kind of write the killed process keeps doing. run
// writes until ctx ends, calling ack after each write the store returned;
// check verifies, after a kill (or in a restored backup), the
// acknowledged writes of its kind; checkMail, when set, what the test's
// SMTP server received, after each kill (run without FABRIQUE_CRASH_SMTP,
// as the tests of wired_test.go do, the digests go to the store's outbox).
type crashWorkload struct {
	name      string
	run       func(ctx context.Context, w *crashWorker, ack func(id, value string)) error
	check     func(ctx context.Context, st *store.Store, acks map[string]string) error
	checkMail func(ctx context.Context, st *store.Store, inbox *crashInbox, acks map[string]string) error
}

// crashWorker is what a workload works on inside the killed process.
type crashWorker struct {
	p     *program
	dir   *directory
	round int
}

var crashWorkloads = []crashWorkload{
	{name: "crawl", run: crashCrawl, check: checkSuppliersExist},
	{name: "import", run: crashImport, check: checkTendersExist},
	{name: "edit", run: crashEdit, check: checkEdits},
	{name: "digest", run: crashDigest, check: checkDigests, checkMail: checkDigestMails}, // crash_digest_test.go
}

// TestCrashWorkload is the process TestCrashKill kills.
func TestCrashWorkload(t *testing.T) {
	dataDir := os.Getenv(crashDataEnv)
	if dataDir == "" {
		t.Skip("child process of TestCrashKill")
	}
	round, _ := strconv.Atoi(os.Getenv(crashRoundEnv))
	ctx := context.Background()
	p := &program{
		cfg:    config{dataDir: dataDir, baseURL: os.Getenv(crashMirrorEnv)},
		stdout: io.Discard, stderr: os.Stderr,
		log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	d, err := openDirectory(ctx, p, newStore, false)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	f, err := os.OpenFile(os.Getenv(crashAcksEnv), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child acks:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	w := &crashWorker{p: p, dir: d, round: round}
	fmt.Println("READY")
	var wg sync.WaitGroup
	for _, wl := range crashWorkloads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One write(2) per ack, after the store returned: the kernel
			// keeps it whatever happens to this process.
			ack := func(id, value string) {
				mu.Lock()
				defer mu.Unlock()
				if _, err := fmt.Fprintf(f, "%s\t%s\t%s\n", wl.name, id, value); err != nil {
					fmt.Fprintln(os.Stderr, "child ack:", err)
					os.Exit(4)
				}
			}
			if err := wl.run(ctx, w, ack); err != nil {
				fmt.Fprintf(os.Stderr, "child %s: %v\n", wl.name, err)
				os.Exit(4)
			}
		}()
	}
	wg.Wait()
	fmt.Println("DONE") // the parent kills long before: reaching here fails it
}

// ackingState is the crawl's store adapter that acknowledges every
// supplier a batch wrote.
type ackingState struct {
	crawlState
	ack func(id, value string)
}

func (s ackingState) UpsertCrawled(ctx context.Context, batch []data.Supplier, actor string) (crawler.UpsertCounts, error) {
	r, err := s.Store.UpsertCrawled(ctx, batch, actor)
	if err == nil {
		for _, id := range r.IDs {
			s.ack(id, "")
		}
	}
	return crawler.UpsertCounts{New: r.New, Updated: r.Updated, Unchanged: r.Unchanged, Rejected: r.Rejected}, err
}

// crashCrawl crawls the mirror's OFG-like site and JSON-LD directory
// without politeness delays, over and over (a killed run resumes).
func crashCrawl(ctx context.Context, w *crashWorker, ack func(id, value string)) error {
	p := *w.p
	p.cfg.source = "ofg,jsonld"
	cfg, sources, err := crawlConfig(&p)
	if err != nil {
		return err
	}
	cfg.Politeness.NoDelay = true
	for _, name := range sources {
		cfg.Sources[name].Rate = crawler.Rate{}
	}
	st := ackingState{crawlState{w.dir.store}, ack}
	for ctx.Err() == nil {
		if _, err := crawler.Run(ctx, cfg, sources, st, st, nil); err != nil {
			return err
		}
	}
	return nil
}

// crashImport imports the real notices of crawler/notice/testdata again
// and again, each pass under new identifiers so that every pass writes.
func crashImport(ctx context.Context, w *crashWorker, ack func(id, value string)) error {
	var files []string
	for _, sub := range []string{"boamp", "eforms", "ocds"} {
		fs, err := importFiles([]string{filepath.Join("..", "..", "crawler", "notice", "testdata", sub)})
		if err != nil {
			return err
		}
		files = append(files, fs...)
	}
	st := w.dir.store
	written := 0
	for pass := 0; ctx.Err() == nil; pass++ {
		suffix := fmt.Sprintf("-k%d.%d", w.round, pass)
		for _, f := range files {
			res, _, err := parseNoticeFile(f, st, ctx)
			if err != nil {
				continue // not every fixture is a procurement notice
			}
			for _, t := range res.Tenders {
				t.ID += suffix
				t.SourceID += suffix
				if t.ProcedureID != "" {
					t.ProcedureID += suffix
				}
				saved, changed, err := st.FoldNotice(ctx, t, importActor)
				if err != nil || !changed {
					continue // refused notices are reported by import, not written
				}
				ack(saved.ID, "")
				written++
			}
		}
		if pass == 0 && written == 0 {
			return fmt.Errorf("no notice of %d files was written", len(files))
		}
	}
	return nil
}

// crashEdit edits the description of a few listings as their owners do,
// each edit numbered so that the check can tell the last one.
func crashEdit(ctx context.Context, w *crashWorker, ack func(id, value string)) error {
	ids, err := w.dir.store.SupplierIDs(ctx, store.SupplierFilter{})
	if err != nil {
		return err
	}
	ids = ids[:min(len(ids), 5)]
	for n := w.round * 1_000_000; ctx.Err() == nil; n++ {
		id := ids[n%len(ids)]
		_, err := w.dir.store.EditListing(ctx, id, "crash-test", func(s *data.Supplier) ([]string, error) {
			s.Description = crashEditText(n)
			return []string{data.FieldDescription}, nil
		})
		if err != nil {
			return err
		}
		ack(id, strconv.Itoa(n))
	}
	return nil
}

func crashEditText(n int) string {
	return fmt.Sprintf("Présentation n° %d, écrite par le test de coupure.", n)
}

func checkSuppliersExist(ctx context.Context, st *store.Store, acks map[string]string) error {
	for id := range acks {
		if _, err := st.Supplier(ctx, id); err != nil {
			return fmt.Errorf("acknowledged supplier %s: %w", id, err)
		}
	}
	return nil
}

func checkTendersExist(ctx context.Context, st *store.Store, acks map[string]string) error {
	for id := range acks {
		if _, err := st.Tender(ctx, id); err != nil {
			return fmt.Errorf("acknowledged tender %s: %w", id, err)
		}
	}
	return nil
}

// checkEdits: each listing holds its last acknowledged edit, or a later
// one the process made but could not acknowledge before it died.
func checkEdits(ctx context.Context, st *store.Store, acks map[string]string) error {
	for id, last := range acks {
		s, err := st.Supplier(ctx, id)
		if err != nil {
			return fmt.Errorf("edited supplier %s: %w", id, err)
		}
		want, _ := strconv.Atoi(last)
		var got int
		if _, err := fmt.Sscanf(s.Description, "Présentation n° %d,", &got); err != nil || got < want {
			return fmt.Errorf("supplier %s: description %q, want edit %d or a later one", id, s.Description, want)
		}
	}
	return nil
}

// readAcks reads the acknowledgement file: per workload, id → the last
// value acknowledged for it.
func readAcks(t *testing.T, path string) (map[string]map[string]string, int) {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]string{}
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 3 {
			t.Fatalf("acknowledgement line %q: want three fields", sc.Text())
		}
		if out[parts[0]] == nil {
			out[parts[0]] = map[string]string{}
		}
		out[parts[0]][parts[1]] = parts[2]
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out, n
}

// startChild runs this test binary again as the test named test, with the
// environment variables vars added, and returns its stdout and stderr.
func startChild(t *testing.T, test string, vars ...string) (*exec.Cmd, io.Reader, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), vars...)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out, stderr
}

// TestCrashKill is the crash test described at the top of this file.
func TestCrashKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes for about a minute")
	}
	if raceDetector && os.Getenv(crashRoundsEnv) == "" {
		// The race detector slows the killed process five to ten times:
		// most kills would land before its first write, for minutes of CI.
		// .ci/run runs this test once more without it.
		t.Skip("without -race only (.ci/run): go test ./cmd/fabrique -run TestCrashKill")
	}
	rounds := crashDefaultRun
	if v := os.Getenv(crashRoundsEnv); v != "" {
		var err error
		if rounds, err = strconv.Atoi(v); err != nil || rounds < 1 {
			t.Fatalf("%s=%q: want a positive number", crashRoundsEnv, v)
		}
	}
	mirrorSrv := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer mirrorSrv.Close()
	inbox, smtpAddr := startCrashInbox(t)
	dataDir := t.TempDir()
	ackPath := filepath.Join(t.TempDir(), "acks")
	ctx := context.Background()

	rebuilds, acked := 0, 0
	var kinds map[string]int
	atAccept := 0 // kills as SMTP accepted a digest
	start := time.Now()
	for round := range rounds {
		cmd, out, stderr := startChild(t, "TestCrashWorkload", crashDataEnv+"="+dataDir, crashAcksEnv+"="+ackPath,
			crashMirrorEnv+"="+mirrorSrv.URL, crashRoundEnv+"="+strconv.Itoa(round), crashSMTPEnv+"="+smtpAddr)
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			sent := false
			for sc.Scan() {
				if sc.Text() == "READY" && !sent {
					ready <- true
					sent = true
				}
			}
			if !sent {
				ready <- false
			}
		}()
		select {
		case ok := <-ready:
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("round %d: the workload ended before it was ready:\n%s", round, stderr.String())
			}
		case <-time.After(2 * time.Minute):
			_ = cmd.Process.Kill()
			t.Fatalf("round %d: the workload was not ready in 2 minutes:\n%s", round, stderr.String())
		}
		// Mostly short lives, every fifth a longer one so that the crawl
		// gets past its first pages (a killed crawl resumes from there),
		// and every fifth one that ends as soon as the SMTP server accepted
		// a digest (at most 2 s): the kill lands between SMTP's 250 and
		// the store's record of the send, or just before the 250 reaches
		// the sender.
		work := time.Duration(50+rand.IntN(300)) * time.Millisecond
		switch round % 5 {
		case 4:
			work = time.Second + time.Duration(rand.IntN(1000))*time.Millisecond
		case 2:
			work = 2 * time.Second
		}
		if round%5 == 2 && inbox.awaitAccept(work) {
			work, atAccept = 0, atAccept+1
		} else {
			time.Sleep(work)
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: the workload was not killed (%v); it printed:\n%s", round, err, stderr.String())
		}

		var repairs []string
		acked, kinds, repairs = checkAfterCrash(ctx, t, dataDir, ackPath, inbox, round)
		if len(repairs) > 0 {
			rebuilds++
		}
		life := work.String() + " after ready"
		if work == 0 {
			life = "as SMTP accepted a digest"
		}
		t.Logf("round %d: killed %s; acknowledged so far %v; repaired at start: %q", round, life, kinds, repairs)
	}
	t.Logf("%d kills in %s: %d acknowledged writes, all found; the index was repaired at %d starts",
		rounds, time.Since(start).Round(time.Millisecond), acked, rebuilds)
	mails, twice := inbox.resent()
	t.Logf("digests: %d acknowledged as sent, %d mails accepted by SMTP, %d kills as SMTP accepted one, %d digests sent again after a kill with the same Message-ID (at-least-once at SMTP's boundary)",
		kinds["digest"], mails, atAccept, twice)
	if acked == 0 {
		t.Fatal("the workloads acknowledged no write: the test proved nothing")
	}
	if kinds["digest"] == 0 {
		t.Fatal("no digest was acknowledged as sent: the digest check proved nothing")
	}
}

// checkAfterCrash opens the data directory as serve does and checks it
// (see the top of the file). It returns the number of acknowledged
// writes, the number of distinct objects written per workload, and what
// the start repaired.
func checkAfterCrash(ctx context.Context, t *testing.T, dataDir, ackPath string, inbox *crashInbox, round int) (int, map[string]int, []string) {
	t.Helper()
	var out syncBuffer
	p := &program{cfg: config{dataDir: dataDir}, stdout: &out, stderr: io.Discard,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	d, err := openDirectory(ctx, p, newStore, false)
	if err != nil {
		t.Fatalf("round %d: the data directory does not open after a kill: %v", round, err)
	}
	defer d.Close()
	if err := d.store.Check(ctx); err != nil {
		t.Fatalf("round %d: store check after a kill: %v", round, err)
	}
	acks, n := readAcks(t, ackPath)
	for _, wl := range crashWorkloads {
		if err := wl.check(ctx, d.store, acks[wl.name]); err != nil {
			t.Fatalf("round %d: %s: %v", round, wl.name, err)
		}
		if wl.checkMail == nil {
			continue
		}
		if err := wl.checkMail(ctx, d.store, inbox, acks[wl.name]); err != nil {
			t.Fatalf("round %d: %s: %v", round, wl.name, err)
		}
	}

	stored := map[string]time.Time{}
	err = d.store.Suppliers(ctx, func(s data.Supplier) error { stored[s.ID] = s.UpdatedAt; return nil })
	if err != nil {
		t.Fatal(err)
	}
	indexed, err := d.index.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareDocuments(t, round, "suppliers", stored, indexed)
	stored = map[string]time.Time{}
	err = d.store.Tenders(ctx, func(x data.Tender) error { stored[x.ID] = x.UpdatedAt; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if indexed, err = d.tenders.Documents(ctx); err != nil {
		t.Fatal(err)
	}
	compareDocuments(t, round, "tenders", stored, indexed)
	kinds := map[string]int{}
	for k, m := range acks {
		kinds[k] = len(m)
	}
	var repairs []string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "reconstruit") {
			repairs = append(repairs, line)
		}
	}
	return n, kinds, repairs
}

// compareDocuments fails unless the index holds exactly the store's
// documents at the store's versions.
func compareDocuments(t *testing.T, round int, what string, stored, indexed map[string]time.Time) {
	t.Helper()
	if len(stored) != len(indexed) {
		t.Errorf("round %d: %s: %d in the store, %d in the index after the repair", round, what, len(stored), len(indexed))
	}
	bad := 0
	for id, at := range stored {
		got, ok := indexed[id]
		switch {
		case !ok:
			t.Errorf("round %d: %s %s is in the store, not in the index", round, what, id)
		case !got.Equal(at):
			t.Errorf("round %d: %s %s: indexed at version %s, stored at %s", round, what, id, got, at)
		default:
			continue
		}
		if bad++; bad == 5 {
			t.FailNow()
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}
