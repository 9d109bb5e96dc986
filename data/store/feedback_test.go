package store

import (
	"context"
	"errors"
	"testing"

	"fabrique/data"
)

func TestNeedFeedback(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	sups := []data.Supplier{synthetic(1, "35"), synthetic(2, "69")}
	for _, sup := range sups {
		if err := s.PutSupplier(ctx, sup, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"besoin:aaaa", "besoin:bbbb"} {
		if err := s.PutTender(ctx, data.Tender{ID: id, Source: data.SourceNeed, SourceID: id[7:], Title: id}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	a, b := sups[0].ID, sups[1].ID
	for _, f := range []data.NeedFeedback{
		{NeedID: "besoin:aaaa", SupplierID: a, Voter: "session:1", Vote: data.VoteRelevant},
		{NeedID: "besoin:aaaa", SupplierID: a, Voter: "session:1", Vote: data.VoteIrrelevant}, // changed
		{NeedID: "besoin:aaaa", SupplierID: a, Voter: "account:x", Vote: data.VoteRelevant},
		{NeedID: "besoin:aaaa", SupplierID: b, Voter: "session:1", Vote: data.VoteRelevant},
		{NeedID: "besoin:bbbb", SupplierID: a, Voter: "session:2", Vote: data.VoteRelevant},
	} {
		if err := s.PutNeedFeedback(ctx, f); err != nil {
			t.Fatalf("PutNeedFeedback(%+v): %v", f, err)
		}
	}
	got, err := s.NeedFeedback(ctx, "besoin:aaaa")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("votes on aaaa = %+v, want 3 (one changed)", got)
	}
	for _, f := range got {
		if f.At.IsZero() || f.NeedID != "besoin:aaaa" {
			t.Errorf("vote %+v: no time or wrong need", f)
		}
		if f.SupplierID == a && f.Voter == "session:1" && f.Vote != data.VoteIrrelevant {
			t.Errorf("the changed vote is %q, want %q", f.Vote, data.VoteIrrelevant)
		}
	}
	if err := s.DeleteNeedFeedback(ctx, "besoin:aaaa", b, "session:1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteNeedFeedback(ctx, "besoin:aaaa", b, "session:1"); err != nil {
		t.Errorf("withdrawing twice: %v", err)
	}
	n := 0
	if err := s.EachNeedFeedback(ctx, "", func(data.NeedFeedback) error { n++; return nil }); err != nil || n != 3 {
		t.Errorf("every vote: %d, %v; want 3", n, err)
	}

	for name, tc := range map[string]struct {
		f    data.NeedFeedback
		want error
	}{
		"unknown need":     {data.NeedFeedback{NeedID: "besoin:cccc", SupplierID: a, Voter: "session:1", Vote: data.VoteRelevant}, data.ErrNotFound},
		"unknown supplier": {data.NeedFeedback{NeedID: "besoin:aaaa", SupplierID: "000000000", Voter: "session:1", Vote: data.VoteRelevant}, data.ErrNotFound},
		"not a need":       {data.NeedFeedback{NeedID: "boamp:1", SupplierID: a, Voter: "session:1", Vote: data.VoteRelevant}, data.ErrInvalid},
		"bad vote":         {data.NeedFeedback{NeedID: "besoin:aaaa", SupplierID: a, Voter: "session:1", Vote: "bof"}, data.ErrInvalid},
		"no voter":         {data.NeedFeedback{NeedID: "besoin:aaaa", SupplierID: a, Vote: data.VoteRelevant}, data.ErrInvalid},
		"a key separator":  {data.NeedFeedback{NeedID: "besoin:aaaa", SupplierID: a + "|x", Voter: "session:1", Vote: data.VoteRelevant}, data.ErrInvalid},
	} {
		if err := s.PutNeedFeedback(ctx, tc.f); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	mustCheck(t, s)
}
