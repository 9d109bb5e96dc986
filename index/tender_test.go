package index_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// tenderIndexOf returns the real notices' store, an in-memory tender index
// built from it, the stored tenders and a time at which about half are
// open.
func tenderIndexOf(t *testing.T) (*index.TenderIndex, []data.Tender, time.Time) {
	t.Helper()
	st := noticeStore(t)
	tenders := storedTenders(t, st)
	at := medianDeadline(tenders)
	ti := openTenders(t, "", at)
	rebuilt, _, err := ti.EnsureConsistent(context.Background(), st, nil)
	if err != nil || !rebuilt {
		t.Fatalf("EnsureConsistent = %t, %v; want a rebuild of the new index", rebuilt, err)
	}
	return ti, tenders, at
}

// TestTenderSearchAgreesWithTheStore runs each filter on the index and on
// the stored tenders themselves: the same tenders must come back.
func TestTenderSearchAgreesWithTheStore(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	first := func(pick func(*data.Tender) string) string {
		for i := range tenders {
			if v := pick(&tenders[i]); v != "" {
				return v
			}
		}
		t.Fatal("no value in the corpus")
		return ""
	}
	cpv := first(func(x *data.Tender) string { return x.CPV })
	dep := first(func(x *data.Tender) string { return data.ResolvePlace(x.Place).Departement })
	proc := first(func(x *data.Tender) string { return x.Procedure })
	buyer := first(func(x *data.Tender) string { return x.Buyer.Name })

	inDeps := func(x *data.Tender, dep string) bool {
		if data.ResolvePlace(x.Place).Departement == dep {
			return true
		}
		return slices.ContainsFunc(x.Lots, func(l data.Lot) bool { return data.ResolvePlace(l.Place).Departement == dep })
	}
	tests := []struct {
		name string
		q    index.TenderQuery
		want func(*data.Tender) bool
	}{
		{"every tender", index.TenderQuery{}, func(*data.Tender) bool { return true }},
		{"open", index.TenderQuery{Statuses: []data.TenderStatus{data.StatusOpen}},
			func(x *data.Tender) bool { return x.StatusAt(at) == data.StatusOpen }},
		{"closed", index.TenderQuery{Statuses: []data.TenderStatus{data.StatusClosed}},
			func(x *data.Tender) bool { return x.StatusAt(at) == data.StatusClosed }},
		{"awarded or cancelled", index.TenderQuery{Statuses: []data.TenderStatus{data.StatusAwarded, data.StatusCancelled}},
			func(x *data.Tender) bool {
				s := x.StatusAt(at)
				return s == data.StatusAwarded || s == data.StatusCancelled
			}},
		{"CPV division " + cpv[:2], index.TenderQuery{CPV: []string{cpv[:2]}},
			func(x *data.Tender) bool { return hasCPVPrefix(x, cpv[:2]) }},
		{"CPV code " + cpv, index.TenderQuery{CPV: []string{cpv}},
			func(x *data.Tender) bool { return hasCPVPrefix(x, cpv) }},
		{"département " + dep, index.TenderQuery{Departements: []string{dep}},
			func(x *data.Tender) bool { return inDeps(x, dep) }},
		{"procedure " + proc, index.TenderQuery{Procedures: []string{proc}},
			func(x *data.Tender) bool { return x.Procedure == proc }},
		{"buyer", index.TenderQuery{Buyers: []string{buyer}},
			func(x *data.Tender) bool { return strings.TrimSpace(x.Buyer.Name) == buyer }},
		{"deadline in the 60 days before", index.TenderQuery{DeadlineFrom: at.AddDate(0, 0, -60), DeadlineTo: at},
			func(x *data.Tender) bool {
				return !x.Deadline.IsZero() && !x.Deadline.Before(at.AddDate(0, 0, -60)) && x.Deadline.Before(at)
			}},
		{"value of 100 000 € or more", index.TenderQuery{ValueMin: 100000},
			func(x *data.Tender) bool { return x.EstimatedValue >= 100000 }},
		{"open with lots", index.TenderQuery{Statuses: []data.TenderStatus{data.StatusOpen}, LotsOnly: true},
			func(x *data.Tender) bool { return x.StatusAt(at) == data.StatusOpen && len(x.Lots) > 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for i := range tenders {
				if tc.want(&tenders[i]) {
					want = append(want, tenders[i].ID)
				}
			}
			res, got := allTenderHits(t, ti, tc.q)
			slices.Sort(got)
			slices.Sort(want)
			if int(res.Total) != len(want) || !slices.Equal(got, want) {
				t.Errorf("total %d, ids %v;\nwant %d, %v", res.Total, got, len(want), want)
			}
			if len(want) == 0 && tc.name != "awarded or cancelled" {
				t.Errorf("the case selects nothing in the corpus: it tests nothing")
			}
			for _, h := range res.Hits {
				if h.Status != h.Tender.StatusAt(at) {
					t.Errorf("%s: hit status %q, tender's %q", h.Tender.ID, h.Status, h.Tender.StatusAt(at))
				}
			}
		})
	}
}

// allTenderHits pages through every result of q.
func allTenderHits(t *testing.T, ti *index.TenderIndex, q index.TenderQuery) (index.TenderResults, []string) {
	t.Helper()
	q.PerPage = index.MaxPerPage
	var all index.TenderResults
	var ids []string
	for q.Page = 1; ; q.Page++ {
		res := searchTenders(t, ti, q)
		all.Total = res.Total
		all.Hits = append(all.Hits, res.Hits...)
		ids = append(ids, tenderHitIDs(res)...)
		if len(res.Hits) < q.PerPage {
			return all, ids
		}
	}
}

// TestTenderFacetsCountTheStore checks the status and CPV division facets
// against the stored tenders.
func TestTenderFacetsCountTheStore(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	res := searchTenders(t, ti, index.TenderQuery{Facets: true, PerPage: 1})
	wantStatus, wantDiv, wantInferred := map[string]int{}, map[string]int{}, map[string]int{}
	for i := range tenders {
		wantStatus[string(tenders[i].StatusAt(at))]++
		divs, inferred := map[string]bool{}, map[string]bool{}
		for _, c := range tenders[i].CPVCodes() {
			divs[data.CPVDivision(c)] = true
		}
		for _, c := range index.IndexedInferredCPV(&tenders[i]) {
			divs[data.CPVDivision(c)] = true
			inferred[data.CPVDivision(c)] = true
		}
		for d := range divs {
			wantDiv[d]++
		}
		for d := range inferred {
			wantInferred[d]++
		}
	}
	check := func(facet string, want map[string]int) {
		got := map[string]int{}
		for _, fc := range res.Facets[facet] {
			got[fc.Value] = fc.Count
			if fc.Label == "" {
				t.Errorf("%s %s: no label", facet, fc.Value)
			}
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s %s: %d, want %d", facet, k, got[k], n)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", facet, got, want)
		}
	}
	check("status", wantStatus)
	check("cpv_division", wantDiv)
	check("cpv_inferred", wantInferred)
	if len(wantInferred) == 0 {
		t.Error("no tender of the real notices has an inferred CPV code the facets count")
	}
	if len(res.Facets["procedure"]) == 0 || len(res.Facets["departement"]) == 0 || len(res.Facets["source"]) < 2 {
		t.Errorf("facets missing: %v", res.Facets)
	}
}

// TestTenderStatusMovesWithTime: the same index answers "open" at one time
// and "closed" later, without being written to.
func TestTenderStatusMovesWithTime(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	var open data.Tender
	for _, x := range tenders {
		if x.StatusAt(at) == data.StatusOpen && !x.Deadline.IsZero() {
			open = x
			break
		}
	}
	if open.ID == "" {
		t.Fatal("no open tender with a deadline")
	}
	idsAt := func(when time.Time, s data.TenderStatus) []string {
		res := searchTenders(t, ti, index.TenderQuery{At: when, Statuses: []data.TenderStatus{s}, PerPage: index.MaxPerPage})
		return tenderHitIDs(res)
	}
	before := open.Deadline.Add(-time.Second)
	if !slices.Contains(idsAt(before, data.StatusOpen), open.ID) || slices.Contains(idsAt(before, data.StatusClosed), open.ID) {
		t.Errorf("%s not open a second before its deadline", open.ID)
	}
	if slices.Contains(idsAt(open.Deadline, data.StatusOpen), open.ID) || !slices.Contains(idsAt(open.Deadline, data.StatusClosed), open.ID) {
		t.Errorf("%s still open at its deadline", open.ID)
	}
}

// A tender that publishes no deadline is open for data.PresumedOpenDays
// after its publication, in the index as in the store.
func TestTenderWithoutDeadlineClosesWhenPresumed(t *testing.T) {
	ti, tenders, _ := tenderIndexOf(t)
	var none data.Tender
	for _, x := range tenders {
		if x.Deadline.IsZero() && !x.PublishedAt.IsZero() && x.Outcome() == "" {
			none = x
			break
		}
	}
	if none.ID == "" {
		t.Fatal("no tender without a deadline in the corpus")
	}
	idsAt := func(when time.Time, s data.TenderStatus) []string {
		_, ids := allTenderHits(t, ti, index.TenderQuery{At: when, Statuses: []data.TenderStatus{s}}) // every page: without a deadline, it comes last
		return ids
	}
	until := none.PublishedAt.AddDate(0, 0, data.PresumedOpenDays)
	before := until.Add(-time.Second)
	if !slices.Contains(idsAt(before, data.StatusOpen), none.ID) || none.StatusAt(before) != data.StatusOpen {
		t.Errorf("%s not open a second before %d days after its publication", none.ID, data.PresumedOpenDays)
	}
	if slices.Contains(idsAt(until, data.StatusOpen), none.ID) || !slices.Contains(idsAt(until, data.StatusClosed), none.ID) ||
		none.StatusAt(until) != data.StatusClosed {
		t.Errorf("%s still open %d days after its publication, with no deadline", none.ID, data.PresumedOpenDays)
	}
}

// TestTenderDefaultOrder: open tenders first, nearest deadline first, then
// the others, latest deadline first; pages follow each other without gap
// or repeat.
func TestTenderDefaultOrder(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	var all []index.TenderHit
	for page := 1; ; page++ {
		res := searchTenders(t, ti, index.TenderQuery{Page: page, PerPage: 7})
		all = append(all, res.Hits...)
		if len(res.Hits) < 7 {
			break
		}
	}
	if len(all) != len(tenders) {
		t.Fatalf("%d hits over the pages, want %d", len(all), len(tenders))
	}
	seen := map[string]bool{}
	for i, h := range all {
		if seen[h.Tender.ID] {
			t.Errorf("%s twice", h.Tender.ID)
		}
		seen[h.Tender.ID] = true
		if i == 0 {
			continue
		}
		p := all[i-1]
		po, ho := p.Status == data.StatusOpen, h.Status == data.StatusOpen
		switch {
		case !po && ho:
			t.Errorf("open %s (%s) after %s (%s)", h.Tender.ID, h.Status, p.Tender.ID, p.Status)
		case po && ho && !h.Tender.OpenUntil().IsZero() && (p.Tender.OpenUntil().IsZero() || h.Tender.OpenUntil().Before(p.Tender.OpenUntil())):
			// Nearest closing first: the deadline, or the day a notice
			// without one is presumed to close.
			t.Errorf("open %s (%v) after %s (%v)", h.Tender.ID, h.Tender.OpenUntil(), p.Tender.ID, p.Tender.OpenUntil())
		case !po && !ho && !h.Tender.Deadline.IsZero() && (p.Tender.Deadline.IsZero() || h.Tender.Deadline.After(p.Tender.Deadline)):
			t.Errorf("closed %s (%v) after %s (%v)", h.Tender.ID, h.Tender.Deadline, p.Tender.ID, p.Tender.Deadline)
		}
	}
	_ = at
}

// TestTenderText: French analysis finds singular, plural and accents.
func TestTenderText(t *testing.T) {
	ti, _, _ := tenderIndexOf(t)
	for _, text := range []string{"travaux", "TRAVAUX", "travail"} {
		res := searchTenders(t, ti, index.TenderQuery{Text: text, Sort: index.SortTenderRelevance})
		if res.Total == 0 {
			t.Errorf("%q: nothing found", text)
		}
	}
	a := searchTenders(t, ti, index.TenderQuery{Text: "fourniture", PerPage: 100})
	b := searchTenders(t, ti, index.TenderQuery{Text: "Fournitures", PerPage: 100})
	if a.Total == 0 || a.Total != b.Total {
		t.Errorf("fourniture %d, Fournitures %d: want the same, not zero", a.Total, b.Total)
	}
	none := searchTenders(t, ti, index.TenderQuery{Text: "zzqxwv"})
	if none.Total != 0 {
		t.Errorf("nonsense found %d tenders", none.Total)
	}
}

func TestTenderQueryErrors(t *testing.T) {
	ti := openTenders(t, "", testNow)
	tests := []struct {
		name string
		q    index.TenderQuery
	}{
		{"unknown status", index.TenderQuery{Statuses: []data.TenderStatus{"ouvert"}}},
		{"CPV with letters", index.TenderQuery{CPV: []string{"45ab"}}},
		{"CPV of one digit", index.TenderQuery{CPV: []string{"4"}}},
		{"unknown procedure", index.TenderQuery{Procedures: []string{"secrète"}}},
		{"inverted value range", index.TenderQuery{ValueMin: 10, ValueMax: 5}},
		{"distance sort without a place", index.TenderQuery{Sort: index.SortTenderDistance}},
		{"page too deep", index.TenderQuery{Page: 1000, PerPage: 100}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ti.Search(context.Background(), tc.q)
			var ve *data.ValidationError
			if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &ve) || ve.Message == "" {
				t.Errorf("err = %v, want a validation error with a French message", err)
			}
		})
	}
}

// TestTenderIndexFollowsTheStore: a correction reaches the index in place;
// a reopened index that holds the store's versions is kept, one that
// missed a write is rebuilt.
func TestTenderIndexFollowsTheStore(t *testing.T) {
	ctx := context.Background()
	st := noticeStore(t)
	tenders := storedTenders(t, st)
	at := medianDeadline(tenders)
	dir := t.TempDir()
	ti, err := index.OpenTenders(dir, index.TenderOptions{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	if rebuilt, _, err := ti.EnsureConsistent(ctx, st, nil); err != nil || !rebuilt {
		t.Fatalf("first start: rebuilt %t, %v", rebuilt, err)
	}
	var followed []string
	cancel := st.OnTenderChange(func(ids []string) { followed = append(followed, ids...) })

	// A correction moves an open tender's deadline into the past.
	var target data.Tender
	for _, x := range tenders {
		if x.StatusAt(at) == data.StatusOpen && !x.Deadline.IsZero() {
			target = x
			break
		}
	}
	corr := data.Tender{ID: target.Source + ":rectificatif-test", Source: target.Source, SourceID: "rectificatif-test",
		SourceIDs: []string{target.ID}, State: data.StateCorrected, Deadline: at.Add(-time.Hour), Title: target.Title + " (rectifié)"}
	if _, changed, err := st.FoldNotice(ctx, corr, "test"); err != nil || !changed {
		t.Fatalf("fold correction: %t, %v", changed, err)
	}
	cancel()
	if !slices.Contains(followed, target.ID) {
		t.Fatalf("store did not report %s (got %v)", target.ID, followed)
	}
	if err := ti.Apply(ctx, st, followed); err != nil {
		t.Fatal(err)
	}
	res := searchTenders(t, ti, index.TenderQuery{Text: "rectifié", Statuses: []data.TenderStatus{data.StatusClosed}})
	if !slices.Contains(tenderHitIDs(res), target.ID) {
		t.Errorf("corrected %s not found closed under its new title: %v", target.ID, tenderHitIDs(res))
	}
	if n, _ := ti.Count(); int(n) != len(tenders) {
		t.Errorf("count %d after an in-place update, want %d", n, len(tenders))
	}
	if err := ti.Close(); err != nil {
		t.Fatal(err)
	}

	reopen := func() (bool, string) {
		ti, err := index.OpenTenders(dir, index.TenderOptions{Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		defer ti.Close()
		rebuilt, reason, err := ti.EnsureConsistent(ctx, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		return rebuilt, reason
	}
	if rebuilt, reason := reopen(); rebuilt {
		t.Errorf("an index in step with the store was rebuilt: %s", reason)
	}
	// A write while the index is closed (another process, a crash).
	if err := st.PutTender(ctx, data.Tender{ID: "manual:hors-index", Source: "manual", SourceID: "hors-index", Title: "Avis ajouté index fermé"}, "test"); err != nil {
		t.Fatal(err)
	}
	if rebuilt, reason := reopen(); !rebuilt || !strings.Contains(reason, "périmé") {
		t.Errorf("missed write: rebuilt %t (%q), want a rebuild saying the index is stale", rebuilt, reason)
	}
	if rebuilt, reason := reopen(); rebuilt {
		t.Errorf("rebuilt twice: %s", reason)
	}
}
