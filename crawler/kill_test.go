package crawler_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/crawler/mirror"
	"fabrique/data"
	"fabrique/data/store"
)

// storeAdapter makes the real store a crawler State and Sink, as the
// command does.
type storeAdapter struct{ *store.Store }

func (a storeAdapter) UpsertCrawled(ctx context.Context, batch []data.Supplier, actor string) (crawler.UpsertCounts, error) {
	r, err := a.Store.UpsertCrawled(ctx, batch, actor)
	return crawler.UpsertCounts{New: r.New, Updated: r.Updated, Unchanged: r.Unchanged, Rejected: r.Rejected}, err
}

func (a storeAdapter) MarkSeen(ctx context.Context, source string, ids []string, _ time.Time) error {
	_, err := a.Store.MarkSeen(ctx, source, ids, "crawler:"+source)
	return err
}

const (
	killChildEnv = "FABRIQUE_CRAWL_CHILD_DB"
	killMirror   = "FABRIQUE_CRAWL_CHILD_MIRROR"
)

// TestKillChild is the crawling process of TestKillAndResume: it crawls
// the EPV mirror into a real store, slowly, printing each page.
func TestKillChild(t *testing.T) {
	path := os.Getenv(killChildEnv)
	if path == "" {
		t.Skip("child process of TestKillAndResume")
	}
	st, err := store.Open(path, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := crawler.DefaultConfig()
	cfg.Politeness.NoDelay = false
	cfg.Politeness.Delay = crawler.Duration(60 * time.Millisecond)
	cfg.Sources["epv"].Rate = crawler.Rate{}
	if err := cfg.SetBaseURL("epv", os.Getenv(killMirror)); err != nil {
		t.Fatal(err)
	}
	a := storeAdapter{st}
	run, err := crawler.Run(context.Background(), cfg, []string{"epv"}, a, a, func(p crawler.Progress) {
		fmt.Printf("PAGE %d\n", p.PagesDone)
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("DONE %s complete=%v\n", run.ID, run.Complete)
}

// TestKillAndResume kills a crawl with SIGKILL twice, at different
// moments, then lets it finish: the store ends with every listing once.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	srv := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "fabrique.db")

	child := func(killAfter int) (killed bool, out string) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), killChildEnv+"="+db, killMirror+"="+srv.URL)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var lines []string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if killAfter > 0 && sc.Text() == fmt.Sprintf("PAGE %d", killAfter) {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				break
			}
		}
		_ = cmd.Wait()
		return killed, strings.Join(lines, "\n")
	}

	for _, at := range []int{3, 8} {
		if killed, out := child(at); !killed {
			t.Fatalf("child finished before page %d could be killed:\n%s", at, out)
		}
	}
	if _, out := child(0); !strings.Contains(out, "DONE") || !strings.Contains(out, "complete=true") {
		t.Fatalf("last child did not complete the crawl:\n%s", out)
	}

	st, err := store.Open(db, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var all []data.Supplier
	err = st.Suppliers(context.Background(), func(s data.Supplier) error { all = append(all, s); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1291 {
		t.Errorf("suppliers in the store = %d, want 1291", len(all))
	}
	checkEPVIngested(t, all)
	runs, err := st.CrawlRuns(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	// The counters are saved after each page's state: a kill between the
	// two writes loses that page's counts (never its data), hence 11..13.
	if len(runs) != 1 || !runs[0].Complete || runs[0].PagesFetched < 11 || runs[0].PagesFetched > 13 {
		t.Errorf("runs: %+v; want the one run, resumed twice, complete with its 13 pages", runs)
	}
}
