package index_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// noticeDirs hold the real notices the tender tests import: BOAMP (API and
// XML), TED eForms, OCDS, and the notices of the command's tests.
var noticeDirs = []string{
	"../crawler/notice/testdata/boamp",
	"../crawler/notice/testdata/boamp/xml",
	"../crawler/notice/testdata/eforms",
	"../crawler/notice/testdata/ocds",
	"../cmd/fabrique/testdata/notices",
}

// noticeStore returns a store in a temporary directory holding the real
// notices, folded as `fabrique import` folds them: a notice the store
// refuses to fold into another procedure's tender (the eForms SDK's
// examples share procedure UUIDs between unrelated buyers) is left out.
func noticeStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	opts := notice.Options{Now: func() time.Time { return testNow }}
	n := 0
	for _, dir := range noticeDirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil || len(b) == 0 {
				continue // a directory
			}
			format, err := notice.Detect(f, b[:min(len(b), 8192)])
			if err != nil {
				continue
			}
			res, err := notice.Parse(format, bytes.NewReader(b), opts)
			if err != nil {
				continue // the invalid fixtures are invalid on purpose
			}
			for _, tn := range res.Tenders {
				if _, _, err := st.FoldNotice(ctx, tn, "test"); errors.Is(err, data.ErrConflict) {
					continue
				} else if err != nil {
					t.Fatalf("%s: fold %s: %v", f, tn.ID, err)
				}
				n++
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d real notices imported", n)
	}
	return st
}

// storedTenders reads every tender of st.
func storedTenders(t testing.TB, st *store.Store) []data.Tender {
	t.Helper()
	var out []data.Tender
	if err := st.Tenders(context.Background(), func(x data.Tender) error {
		out = append(out, x)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// openTenders opens a tender index in dir ("" = memory) on a fixed clock,
// closed at the end of t.
func openTenders(t testing.TB, dir string, now time.Time) *index.TenderIndex {
	t.Helper()
	ti, err := index.OpenTenders(dir, index.TenderOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("OpenTenders(%q): %v", dir, err)
	}
	t.Cleanup(func() {
		if err := ti.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ti
}

// medianDeadline is a time at which about half of the tenders with a
// deadline and a declared CPV code are still open: the corpus's notices
// span 2016 to 2026, and those of 2026 (the BOAMP sample) declare no code;
// at the median of every deadline, no tender with lots or a code was open
// any more, but for notices without a deadline published years before,
// which a tender no longer stays open for (data.PresumedOpenDays).
func medianDeadline(tenders []data.Tender) time.Time {
	var ds []time.Time
	for _, t := range tenders {
		if !t.Deadline.IsZero() && t.CPV != "" {
			ds = append(ds, t.Deadline)
		}
	}
	slices.SortFunc(ds, time.Time.Compare)
	return ds[len(ds)/2]
}

// searchTenders runs q, failing the test on error.
func searchTenders(t testing.TB, ti *index.TenderIndex, q index.TenderQuery) index.TenderResults {
	t.Helper()
	res, err := ti.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// tenderHitIDs are the ids of the hits, in order.
func tenderHitIDs(res index.TenderResults) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.Tender.ID
	}
	return out
}

// tendersOf is a tender index at at holding the tenders, folded into a
// store of their own as the importer does.
func tendersOf(t testing.TB, at time.Time, tenders ...data.Tender) *index.TenderIndex {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	for _, x := range tenders {
		if _, _, err := st.FoldNotice(ctx, x, "test"); err != nil {
			t.Fatal(err)
		}
	}
	ti := openTenders(t, "", at)
	if _, _, err := ti.EnsureConsistent(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	return ti
}

// fitIDs are the ids of the tenders of fits, in their order.
func fitIDs(fits []index.TenderFit) []string {
	ids := make([]string, 0, len(fits))
	for _, f := range fits {
		ids = append(ids, f.Tender.ID)
	}
	return ids
}
