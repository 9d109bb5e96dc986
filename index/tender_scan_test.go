package index_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// TestTenderListWithoutClausesScansColumns checks the list of every
// public notice (no clause: read from the columns, without bleve)
// against the same list asked with a clause that every notice meets
// (bleve's searcher): same total, pages and facets, buyers' needs left
// out of both.
func TestTenderListWithoutClausesScansColumns(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gen := newTenderGen(3)
	tenders := make([]data.Tender, 0, 1500)
	for i := range cap(tenders) {
		tenders = append(tenders, gen.tender(i))
	}
	need := tenders[7]
	need.ID, need.Source, need.SourceID = data.SourceNeed+":1", data.SourceNeed, "need-1"
	need.Deadline = tenderBenchNow.AddDate(0, 0, 3) // open: it would come first
	tenders = append(tenders, need)
	if err := st.PutTenders(ctx, tenders, "test"); err != nil {
		t.Fatal(err)
	}
	ti, err := index.OpenTenders("", index.TenderOptions{Now: func() time.Time { return tenderBenchNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer ti.Close()
	if _, _, err := ti.EnsureConsistent(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	ids := func(r index.TenderResults) []string {
		var out []string
		for _, h := range r.Hits {
			out = append(out, h.Tender.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		q    index.TenderQuery
	}{
		{"default order, page 1", index.TenderQuery{Facets: true}},
		{"default order, page 2 (open, then closed)", index.TenderQuery{Facets: true, Page: 2, PerPage: 30}},
		{"default order, page 30", index.TenderQuery{Facets: true, Page: 30}},
		{"default order, six months earlier", index.TenderQuery{Facets: true, Page: 2, At: tenderBenchNow.AddDate(0, -6, 0)}},
		{"deadline order", index.TenderQuery{Facets: true, Sort: index.SortTenderDeadline, Page: 2}},
		{"publication order", index.TenderQuery{Sort: index.SortTenderPublished, Page: 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.q.At.IsZero() {
				tt.q.At = tenderBenchNow
			}
			scanned, err := ti.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			withClause := tt.q
			withClause.PublishedFrom = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC) // every notice has a publication date (not a deadline: a prior-information notice has none)
			searched, err := ti.Search(ctx, withClause)
			if err != nil {
				t.Fatal(err)
			}
			if scanned.Total != uint64(len(tenders)-1) || searched.Total != scanned.Total {
				t.Errorf("total = %d scanned, %d searched; want %d (the need left out)", scanned.Total, searched.Total, len(tenders)-1)
			}
			if got, want := ids(scanned), ids(searched); !reflect.DeepEqual(got, want) || len(got) == 0 {
				t.Errorf("page scanned = %v\nsearched = %v", got, want)
			}
			for _, id := range ids(scanned) {
				if id == need.ID {
					t.Errorf("the buyer's need %s is listed", id)
				}
			}
			if !reflect.DeepEqual(scanned.Facets, searched.Facets) {
				t.Errorf("facets scanned = %v\nsearched = %v", scanned.Facets, searched.Facets)
			}
		})
	}
}
