package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

const (
	crashDirEnv   = "FABRIQUE_STORE_CRASH_DB"
	crashRoundEnv = "FABRIQUE_STORE_CRASH_ROUND"
	crashSeedEnv  = "FABRIQUE_STORE_CRASH_SEED" // replay a failed run
)

// TestCrashChild is the process TestCrashRecovery kills: it writes
// suppliers with real fsync and prints "ack <id>" once each write returned.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashDirEnv)
	if path == "" {
		t.Skip("child process of TestCrashRecovery")
	}
	round, _ := strconv.Atoi(os.Getenv(crashRoundEnv))
	s, err := Open(path, Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	ctx := context.Background()
	deps := []string{"25", "39", "70", "90", "2A", "971"}
	ack := func(id string) { fmt.Fprintf(os.Stdout, "ack %s\n", id) }
	for i := 0; i < 1_000_000; i++ {
		n := round*1_000_000 + i
		sup := synthetic(n, deps[n%len(deps)])
		sup.Description = strings.Repeat("Savoir-faire d'exception. ", 1+n%150) // some records overflow a page
		switch {
		case i%7 == 6: // a batch through the crawl path
			batch := []data.Supplier{sup, synthetic(n+500_000, "39")}
			res, err := s.UpsertCrawled(ctx, batch, "crawler:epv")
			if err != nil {
				fmt.Fprintln(os.Stderr, "child upsert:", err)
				os.Exit(4)
			}
			for _, id := range res.IDs {
				ack(id)
			}
		default:
			if err := s.PutSupplier(ctx, sup, "test"); err != nil {
				fmt.Fprintln(os.Stderr, "child put:", err)
				os.Exit(4)
			}
			ack(sup.ID)
		}
		if i%4 == 3 { // move an earlier one: index entries are removed and added
			old := synthetic(n-2, deps[(n+1)%len(deps)])
			if err := s.PutSupplier(ctx, old, "test"); err != nil {
				fmt.Fprintln(os.Stderr, "child update:", err)
				os.Exit(4)
			}
			ack(old.ID)
		}
	}
	_ = s.Close()
}

// TestCrashRecovery kills a writing child process with SIGKILL at random
// moments and checks, each time, that the store opens, passes Check and
// holds every write the child acknowledged.
func TestCrashRecovery(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(crashSeedEnv); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (replay with %s=%d)", seed, crashSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	dbPath := filepath.Join(t.TempDir(), "fabrique.db")
	ctx := context.Background()
	acked := map[string]bool{}

	const rounds = 6
	for round := 1; round <= rounds; round++ {
		delay := time.Duration(50+rng.IntN(450)) * time.Millisecond
		ids, stderr := runAndKill(t, dbPath, round, delay)
		for _, id := range ids {
			acked[id] = true
		}

		s, err := Open(dbPath, Options{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("round %d (killed after %v): reopen: %v\nchild stderr: %s", round, delay, err, stderr)
		}
		if err := s.Check(ctx); err != nil {
			s.Close()
			t.Fatalf("round %d (killed after %v): %v", round, delay, err)
		}
		missing := 0
		for id := range acked {
			if _, err := s.Supplier(ctx, id); err != nil {
				missing++
				t.Errorf("round %d: acknowledged supplier %s: %v", round, id, err)
			}
		}
		n, _ := s.CountSuppliers(ctx)
		s.Close()
		t.Logf("round %d: killed after %v, %d acks this round, %d acknowledged ids in all, %d stored, %d missing",
			round, delay, len(ids), len(acked), n, missing)
	}
	if len(acked) == 0 {
		t.Fatal("the child never acknowledged a write: the test proves nothing")
	}
}

// runAndKill starts the child, SIGKILLs it after delay and returns the ids
// it acknowledged and its stderr.
func runAndKill(t *testing.T, dbPath string, round int, delay time.Duration) ([]string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dbPath, crashRoundEnv+"="+strconv.Itoa(round))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan []string)
	go func() {
		var ids []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
				ids = append(ids, id)
			}
		}
		done <- ids
	}()
	time.Sleep(delay)
	_ = cmd.Process.Kill() // SIGKILL: no deferred code, no flush
	ids := <-done          // every ack written before the kill is in the pipe
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		t.Fatalf("round %d: the child failed on its own (%v): %s", round, err, stderr.String())
	}
	return ids, stderr.String()
}
