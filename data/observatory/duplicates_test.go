package observatory

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"fabrique/data"
)

// TestAwardDuplicatesCountOnce: the real DECP of 2019 hold the same
// contract published by two platforms (marches-publics.info and the PES,
// same uid, day, amount and winner) and rows repeated within one file;
// each record counted as a contract, so that a contract won by an EPV
// company counted twice in the labelled companies' share.
func TestAwardDuplicatesCountOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	putSuppliers(t, st, supplier(1, "69123", "25.71Z", label(data.LabelEPV, "2015-01-01", "2030-01-01")))
	changes := follow(st)
	won := []data.Winner{{Name: "Atelier", SIRET: siren(1) + "00013"}}
	contract := func(id, source string, amount float64) data.Award {
		return data.Award{ID: source + ":" + id, UID: "21760322400015" + "20191812000", Source: source, NotifiedAt: day("2019-01-08"),
			Place: data.Place{Departement: "76"}, Buyer: data.Buyer{Name: "Commune du Havre"}, CPV: "45000000", Amount: amount, Winners: won}
	}
	put := func(awards ...data.Award) {
		t.Helper()
		if err := st.PutAwards(ctx, awards); err != nil {
			t.Fatal(err)
		}
	}
	other := data.Award{ID: "boamp:26-1", Source: "boamp", Buyer: data.Buyer{Name: "Ville"}, Winners: []data.Winner{{Name: "SAS X"}}}
	put(contract("a", "decp-marches-publics-info", 28000), other)
	opts := BuildOptions{Now: day("2026-06-01")}
	f0 := build(t, st, opts)
	changes()

	put(contract("a", "decp-pes", 28000), contract("a#2", "decp-marches-publics-info", 28000))
	f1, err := f0.Apply(ctx, st, changes(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]*Facts{"Build": build(t, st, opts), "Apply": f1} {
		as := f.AwardShare(Filter{})
		check(t, name+": all", as.All, Tally{Count: 2, Amount: 28000})
		check(t, name+": labelled", as.Labelled, Tally{Count: 1, Amount: 28000})
		check(t, name+": duplicates", as.Duplicates, 2)
		check(t, name+": duplicates in 2019", f.AwardShare(Filter{From: day("2019-01-01"), To: day("2020-01-01")}).Duplicates, 2)
		check(t, name+": duplicates in 2020", f.AwardShare(Filter{From: day("2020-01-01"), To: day("2021-01-01")}).Duplicates, 0)
		check(t, name+": Normandie", as.ByRegion[0].All.Count, 1)
	}

	// The first record corrected to another amount: the same contract
	// still (same uid and winners, data.ContractIDOf), counted once for
	// the amount of its latest publication — on one day, the larger.
	put(contract("a", "decp-marches-publics-info", 30000))
	f2, err := f1.Apply(ctx, st, changes(), opts)
	if err != nil {
		t.Fatal(err)
	}
	full := build(t, st, opts)
	for name, f := range map[string]*Facts{"Build": full, "Apply": f2} {
		as := f.AwardShare(Filter{})
		check(t, name+" after the correction: all", as.All, Tally{Count: 2, Amount: 30000})
		check(t, name+" after the correction: duplicates", as.Duplicates, 2)
	}

	var buf bytes.Buffer
	if err := WriteFacts(&buf, full, testStamp); err != nil {
		t.Fatal(err)
	}
	read, err := ReadFacts(bytes.NewReader(buf.Bytes()), testStamp)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := read.AwardShare(Filter{}), full.AwardShare(Filter{}); !reflect.DeepEqual(got, want) {
		t.Errorf("after a round trip: %+v\nwant %+v", got, want)
	}
}

// TestTiedPublicationsCountUnderOneSource: a contract published on one day
// for one amount by two platforms counts under one of them (BySource);
// which one followed the order the sources were first met in, so that a
// full Build (a walk in id order) and an Apply that added the other
// platform later credited different platforms.
func TestTiedPublicationsCountUnderOneSource(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	changes := follow(st)
	won := []data.Winner{{Name: "Atelier", SIRET: siren(1) + "00013"}}
	contract := func(source string) data.Award {
		return data.Award{ID: source + ":a", UID: "2176032240001520191812000", Source: source, NotifiedAt: day("2019-01-08"),
			Place: data.Place{Departement: "76"}, Buyer: data.Buyer{Name: "Commune du Havre"}, CPV: "45000000", Amount: 28000, Winners: won}
	}
	if err := st.PutAwards(ctx, []data.Award{contract("decp-pes")}); err != nil {
		t.Fatal(err)
	}
	opts := BuildOptions{Now: day("2026-06-01")}
	f := build(t, st, opts)
	changes()
	if err := st.PutAwards(ctx, []data.Award{contract("decp-marches-publics-info")}); err != nil {
		t.Fatal(err)
	}
	applied, err := f.Apply(ctx, st, changes(), opts)
	if err != nil {
		t.Fatal(err)
	}
	sourceOf := func(f *Facts) string {
		bs := f.AwardShare(Filter{}).BySource
		if len(bs) != 1 || bs[0].All.Count != 1 {
			t.Fatalf("by source %+v, want one contract", bs)
		}
		return bs[0].Source
	}
	if b, a := sourceOf(build(t, st, opts)), sourceOf(applied); b != a || b != "decp-pes" {
		t.Errorf("the contract counts under %s after Build, %s after Apply; want decp-pes (the greater name) for both", b, a)
	}
}
