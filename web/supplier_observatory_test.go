package web

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/data/observatory"
)

// TestSupplierPagesAgreeWithObservatory: a company's « Marchés publics
// remportés » and the observatory must count the same contracts out of the
// same records. The supplier page added a record to the first contract it
// matched, while the observatory joined contracts transitively (a record
// sharing a part with two contracts makes them one), so a modification
// published under the uid of one publication and the amount of another
// was two contracts on the page and one in the observatory. On the awards
// shipped in the binary (data/seed/notices), every company's contracts,
// taken together (a joint contract once), are the observatory's: the same
// number, the same records folded, the same amount (the latest
// publication's), in the same years (the first notification's).
func TestSupplierPagesAgreeWithObservatory(t *testing.T) {
	ctx := context.Background()
	s := newTestServer(t, Config{})
	sirens := map[string]bool{}
	for _, f := range data.EmbeddedNoticeFiles() {
		format, err := notice.Detect(f.Name, f.Data[:min(len(f.Data), 4096)])
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		res, err := notice.Parse(format, bytes.NewReader(f.Data), notice.Options{})
		if err != nil && len(res.Awards) == 0 {
			t.Fatal(err)
		}
		// The observatory counts the records that reach a company's page:
		// those won by a company of valid SIREN.
		var won []data.Award
		for _, a := range res.Awards {
			var ok bool
			for _, w := range a.Winners {
				if siren := data.CleanDigits(w.SIRET); len(siren) >= 9 && data.ValidSIREN(siren[:9]) == nil {
					sirens[siren[:9]], ok = true, true
				}
			}
			if ok {
				won = append(won, a)
			}
		}
		if err := s.store.PutAwards(ctx, won); err != nil {
			t.Fatal(err)
		}
	}

	// Every company's page; a joint contract is on each winner's page, as
	// the same publications.
	type contract struct {
		amount float64
		year   int
	}
	contracts := map[string]contract{} // the IDs of its publications → the contract
	records := map[string]bool{}
	for siren := range sirens {
		awards, err := s.store.AwardsBySIREN(ctx, siren)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range foldContracts(awards) {
			var ids []string
			for _, p := range c.pubs {
				ids = append(ids, p.ID)
				records[p.ID] = true
			}
			slices.Sort(ids)
			key := strings.Join(ids, " ")
			contracts[key] = contract{amount: data.AwardAmount(c.last()), year: c.first().NotifiedAt.Year()}
		}
	}
	for key := range contracts { // a record in two contracts: two pages group differently
		for _, id := range strings.Fields(key) {
			records[id] = !records[id] // flipped once per contract holding it
		}
	}
	for id, single := range records {
		if single {
			t.Errorf("record %s is in more than one contract of the pages", id)
		}
	}

	f, err := observatory.Build(ctx, s.store, observatory.BuildOptions{Now: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	as := f.AwardShare(observatory.Filter{})
	amount := 0.0
	byYear := map[int]int{}
	for _, c := range contracts {
		amount += c.amount
		byYear[c.year]++
	}
	t.Logf("%d records won by %d companies: %d contracts on their pages, %d in the observatory (%d folded)",
		len(records), len(sirens), len(contracts), as.All.Count, as.Duplicates)
	if as.All.Count != len(contracts) || as.Duplicates != len(records)-len(contracts) {
		t.Errorf("observatory: %d contracts, %d records folded; the companies' pages: %d contracts, %d folded",
			as.All.Count, as.Duplicates, len(contracts), len(records)-len(contracts))
	}
	// The buyers of a company's sector count the same contracts.
	table, err := buildSectorAwards(ctx, s.store)
	if err != nil {
		t.Fatal(err)
	}
	if len(table.contracts) != as.All.Count {
		t.Errorf("the buyers' table: %d contracts; the observatory: %d", len(table.contracts), as.All.Count)
	}
	if math.Abs(as.All.Amount-amount) > 0.01*float64(len(contracts)) {
		t.Errorf("observatory: %.2f €; the companies' pages: %.2f € (each contract at its latest publication's amount)", as.All.Amount, amount)
	}
	for year, n := range byYear {
		if year == 1 { // undated
			continue
		}
		from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		if got := f.AwardShare(observatory.Filter{From: from, To: from.AddDate(1, 0, 0)}).All.Count; got != n {
			t.Errorf("%d: observatory %d contracts, the companies' pages %d (dated by their first notification)", year, got, n)
		}
	}
}
