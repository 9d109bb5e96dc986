package data_test

import (
	"slices"
	"testing"

	"fabrique/data"
)

// TestGroupContracts: publications sharing a part of their contract ID are
// one contract, through other publications too — a record that shares its
// uid with one publication and its amount with another joins them, even
// read last — and a zero ID is a contract of its own. The supplier page
// added a record to the first contract it matched and left the two apart.
func TestGroupContracts(t *testing.T) {
	ids := []data.ContractID{
		{1, 0, 0}, // uid-less publication A
		{0, 2, 0}, // B: nothing shared with A
		{},        // unknown: alone
		{1, 2, 0}, // links A and B
		{0, 0, 9}, // another contract
		{0, 0, 9}, // again
	}
	got, n := data.GroupContracts(len(ids), func(i int) data.ContractID { return ids[i] })
	if want := []int32{0, 0, 1, 0, 2, 2}; !slices.Equal(got, want) || n != 3 {
		t.Errorf("GroupContracts = %v, %d contracts; want %v, 3", got, n, want)
	}
	if got, n := data.GroupContracts(0, nil); len(got) != 0 || n != 0 {
		t.Errorf("no publication: %v, %d", got, n)
	}
}

// TestPublicationLater: a contract counts as its latest publication — the
// later day (an undated one is the earliest), then the larger amount, then
// the larger source name — whatever order they are read in.
func TestPublicationLater(t *testing.T) {
	tests := []struct {
		name string
		p, q data.Publication
	}{
		{"later day", data.Publication{Day: 20, Amount: 1}, data.Publication{Day: 10, Amount: 9}},
		{"dated after undated", data.Publication{Day: 0}, data.Publication{Day: data.NoDay, Amount: 9}},
		{"same day, larger amount", data.Publication{Day: 10, Amount: 9}, data.Publication{Day: 10, Amount: 1}},
		{"same day and amount, source", data.Publication{Day: 10, Amount: 1, Source: "decp-pes"}, data.Publication{Day: 10, Amount: 1, Source: "decp-aife"}},
	}
	for _, tc := range tests {
		if !tc.p.Later(tc.q) || tc.q.Later(tc.p) {
			t.Errorf("%s: %+v later than %+v = %v, reverse %v", tc.name, tc.p, tc.q, tc.p.Later(tc.q), tc.q.Later(tc.p))
		}
	}
	if p := (data.Publication{Day: 1, Amount: 1, Source: "x"}); p.Later(p) {
		t.Error("a publication is not later than itself")
	}
}
