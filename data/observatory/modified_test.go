package observatory

import (
	"bytes"
	"context"
	"testing"

	"fabrique/crawler/notice"
	"fabrique/data"
)

// seedAwards are the awards of the notice files shipped in the binary
// (data.EmbeddedNoticeFiles), as the first start imports them.
func seedAwards(t *testing.T) []data.Award {
	t.Helper()
	var out []data.Award
	for _, f := range data.EmbeddedNoticeFiles() {
		format, err := notice.Detect(f.Name, f.Data[:min(len(f.Data), 4096)])
		if err != nil {
			t.Fatal(err)
		}
		res, err := notice.Parse(format, bytes.NewReader(f.Data), notice.Options{})
		if err != nil && len(res.Awards) == 0 {
			t.Fatal(err)
		}
		out = append(out, res.Awards...)
	}
	return out
}

// TestModifiedContractCountsOnce: a buyer republishes a contract at each
// modification, under the same uid and winners, with another notification
// date and often an amended amount. The observatory identified a contract
// by its uid, day, amount and winners, so each publication counted as a
// contract and their amounts added up: Saint-Suliac's « 2024TRAVEGL »,
// published five times in the shipped DECP 2024 works extract with three
// amounts, counted as five contracts of 475 215,05 €. It is one contract
// (data.ContractIDOf, as the supplier page and the matcher fold them),
// notified in July 2024, for the amount of its latest publication.
func TestModifiedContractCountsOnce(t *testing.T) {
	ctx := context.Background()
	awards := seedAwards(t)
	var suliac []data.Award
	for _, a := range awards {
		if a.UID == "213503147000182024TRAVEGL" {
			suliac = append(suliac, a)
		}
	}
	if len(suliac) != 5 {
		t.Fatalf("%d publications of 2024TRAVEGL in the seed, want 5", len(suliac))
	}
	opts := BuildOptions{Now: day("2026-06-01")}
	one := func(f *Facts, name string) {
		t.Helper()
		check(t, name+": the contract", f.AwardShare(Filter{}).All, Tally{Count: 1, Amount: 87596.27})
		check(t, name+": its other publications", f.AwardShare(Filter{}).Duplicates, 4)
		july := f.AwardShare(Filter{From: day("2024-07-01"), To: day("2024-08-01")})
		check(t, name+": notified in July 2024", july.All, Tally{Count: 1, Amount: 87596.27})
		september := f.AwardShare(Filter{From: day("2024-09-01"), To: day("2024-10-01")})
		check(t, name+": in September 2024, a modification only", september.All.Count, 0)
		check(t, name+": in September 2024, folded", september.Duplicates, 1)
	}
	st := openStore(t)
	if err := st.PutAwards(ctx, suliac); err != nil {
		t.Fatal(err)
	}
	one(build(t, st, opts), "Build")

	// Published one by one, the latest first: Apply folds them as Build.
	st = openStore(t)
	changes := follow(st)
	if err := st.PutAwards(ctx, suliac[4:]); err != nil {
		t.Fatal(err)
	}
	f := build(t, st, opts)
	changes()
	for i := 3; i >= 0; i-- {
		if err := st.PutAwards(ctx, suliac[i:i+1]); err != nil {
			t.Fatal(err)
		}
		var err error
		if f, err = f.Apply(ctx, st, changes(), opts); err != nil {
			t.Fatal(err)
		}
	}
	one(f, "Apply")

	// The whole seed: 17 303 records, of which 2 757 repeat a contract.
	st = openStore(t)
	if err := st.PutAwards(ctx, awards); err != nil {
		t.Fatal(err)
	}
	as := build(t, st, opts).AwardShare(Filter{})
	check(t, "records of the seed", len(awards), 17303)
	check(t, "records folded into another contract", as.Duplicates, 2757)
	check(t, "contracts counted", as.All.Count, 17303-2757)
}
