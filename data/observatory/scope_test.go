package observatory

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
)

// TestAwardSourcesScope: on first start every labelled win comes from the
// DECP 2024 extract, which holds works of CPV 4521* only, while the page
// read « 22 marchés remportés » over all the DECP of 2019 as well, without
// saying what each source covers. AwardShare.BySource says it, from the
// facts: per source, its contracts, their notification days and their CPV
// divisions.
func TestAwardSourcesScope(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	sups, _, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()),
		crawler.NormalizeOptions{FetchedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCrawled(ctx, sups, "epv"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutAwards(ctx, seedAwards(t)); err != nil {
		t.Fatal(err)
	}
	as := build(t, st, BuildOptions{Now: day("2026-12-07")}).AwardShare(Filter{})
	sum := 0
	scopes := map[string]SourceScope{}
	for _, sc := range as.BySource {
		sum += sc.All.Count
		scopes[sc.Source] = sc
		t.Logf("%s: %d contracts, %d labelled, %s..%s, %d undated, divisions %v, %d without CPV", sc.Source, sc.All.Count,
			sc.Labelled.Count, sc.From.Format(time.DateOnly), sc.To.Format(time.DateOnly), sc.Undated, sc.CPVDivisions, sc.UnknownCPV)
	}
	check(t, "contracts of the sources", sum, as.All.Count)
	works := scopes["decp"]
	if !slices.Equal(works.CPVDivisions, []string{"45"}) {
		t.Errorf("the 2024 extract's CPV divisions = %v, want 45 alone", works.CPVDivisions)
	}
	check(t, "the 2024 extract's labelled wins", works.Labelled, as.Labelled)
	if works.From.Before(day("2024-07-01")) || works.To.After(day("2025-01-01")) {
		t.Errorf("the 2024 extract covers %s..%s, want within the second half of 2024", works.From, works.To)
	}
	for _, src := range []string{"decp-aife", "decp-marches-publics-info", "decp-pes", "decp-e-marchespublics"} {
		sc := scopes[src]
		if len(sc.CPVDivisions) < 10 || sc.From.Year() < 2017 || sc.To.Year() > 2019 {
			t.Errorf("%s: %d CPV divisions, %s..%s; want all sectors, 2018–2019", src, len(sc.CPVDivisions), sc.From, sc.To)
		}
	}
	if !slices.IsSortedFunc(as.BySource, func(a, b SourceScope) int { return b.All.Count - a.All.Count }) {
		t.Errorf("sources not most contracts first: %+v", as.BySource)
	}
}
