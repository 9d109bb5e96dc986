package index_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/index"
)

// TestTenderTermsPerField counts the terms a batch of synthetic tenders
// gives the segment builder, by field: (document, term) pairs and
// distinct terms, what zap's segment building costs in proportion to
// (go test ./index -run TenderTermsPerField -v prints them). The dates,
// the value and the point are one term each (docBuilder.sortable and
// point; bleve's own fields made 16 and 8), and no field repeats the id.
func TestTenderTermsPerField(t *testing.T) {
	ti, err := index.OpenTenders("", index.TenderOptions{Now: func() time.Time { return tenderBenchNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer ti.Close()
	tenders := genTenders(2500)
	pairs := map[string]int{}
	distinct := map[string]map[string]bool{}
	for i := range tenders {
		terms, err := index.TenderTerms(ti, &tenders[i])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"deadline", "open_until", "published", "value", "geo"} {
			if len(terms[f]) > 1 {
				t.Fatalf("tender %s: %d terms in %s, want one", tenders[i].ID, len(terms[f]), f)
			}
		}
		if len(terms["id"]) > 0 {
			t.Fatalf("tender %s: an id field besides _id", tenders[i].ID)
		}
		for f, ts := range terms {
			pairs[f] += len(ts)
			if distinct[f] == nil {
				distinct[f] = map[string]bool{}
			}
			for _, term := range ts {
				distinct[f][term] = true
			}
		}
	}
	var sumPairs, sumDistinct int
	for _, f := range slices.Sorted(maps.Keys(pairs)) {
		t.Logf("%-14s pairs/doc %6.2f  distinct %6d", f, float64(pairs[f])/float64(len(tenders)), len(distinct[f]))
		sumPairs += pairs[f]
		sumDistinct += len(distinct[f])
	}
	t.Logf("%-14s pairs/doc %6.2f  distinct %6d", "total", float64(sumPairs)/float64(len(tenders)), sumDistinct)
}

// TestTenderIndexOfAnOlderSchemaIsRebuilt: an index built before the
// dates, the value and the point became one term each (schema 2) holds
// terms the new code never reads and an id field: it is rebuilt.
func TestTenderIndexOfAnOlderSchemaIsRebuilt(t *testing.T) {
	ti, err := index.OpenTenders(t.TempDir(), index.TenderOptions{Now: func() time.Time { return tenderBenchNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer ti.Close()
	ctx := context.Background()
	mem := newTenderMemSource(genTenders(50))
	if rebuilt, _, err := ti.EnsureConsistent(ctx, mem, nil); err != nil || !rebuilt {
		t.Fatalf("first EnsureConsistent = %t, %v; want a rebuild", rebuilt, err)
	}
	if rebuilt, reason, err := ti.EnsureConsistent(ctx, mem, nil); err != nil || rebuilt {
		t.Fatalf("EnsureConsistent of an up-to-date index = %t (%s), %v; want nothing done", rebuilt, reason, err)
	}
	if err := index.SetTenderSchema(ti, "2"); err != nil {
		t.Fatal(err)
	}
	rebuilt, reason, err := ti.EnsureConsistent(ctx, mem, nil)
	if err != nil || !rebuilt || !strings.Contains(reason, "schéma") {
		t.Fatalf("EnsureConsistent of a schema-2 index = %t (%s), %v; want a rebuild for its schema", rebuilt, reason, err)
	}
	if n, err := ti.Count(); err != nil || n != 50 {
		t.Fatalf("Count = %d, %v; want 50", n, err)
	}
}
