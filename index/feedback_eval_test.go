package index_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

// feedbackSource serves the EPV suppliers and a few needs.
type feedbackSource struct {
	sups    map[string]data.Supplier
	tenders map[string]data.Tender
}

func (f feedbackSource) Supplier(_ context.Context, id string) (data.Supplier, error) {
	if s, ok := f.sups[id]; ok {
		return s, nil
	}
	return data.Supplier{}, fmt.Errorf("supplier %s: %w", id, data.ErrNotFound)
}

func (f feedbackSource) AwardsBySIREN(context.Context, string) ([]data.Award, error) { return nil, nil }

func (f feedbackSource) Tender(_ context.Context, id string) (data.Tender, error) {
	if t, ok := f.tenders[id]; ok {
		return t, nil
	}
	return data.Tender{}, fmt.Errorf("tender %s: %w", id, data.ErrNotFound)
}

func TestEvaluateFeedback(t *testing.T) {
	ctx := context.Background()
	ix, _ := epvIndex(t)
	src := feedbackSource{sups: map[string]data.Supplier{}, tenders: map[string]data.Tender{}}
	for _, s := range epvSuppliers(t) {
		src.sups[s.ID] = s
	}
	need := data.Tender{ID: "besoin:00000000000000aa", Source: data.SourceNeed, SourceID: "00000000000000aa",
		Title: "Restauration des vitraux de l'église", CPV: "45212361", Place: data.Place{Departement: "26"}}
	src.tenders[need.ID] = need
	res, err := ix.Match(ctx, src, need, index.MatchOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tender) < 12 {
		t.Fatalf("%d matches, want at least 12", len(res.Tender))
	}
	first, third, twelfth := res.Tender[0].SupplierID, res.Tender[2].SupplierID, res.Tender[11].SupplierID
	vote := func(sup, voter string, v data.Vote) data.NeedFeedback {
		return data.NeedFeedback{NeedID: need.ID, SupplierID: sup, Voter: voter, Vote: v}
	}
	votes := []data.NeedFeedback{
		vote(third, "session:a", data.VoteRelevant),
		vote(third, "session:b", data.VoteRelevant),
		vote(third, "session:c", data.VoteIrrelevant), // two against one: relevant
		vote(twelfth, "session:a", data.VoteRelevant),
		vote(first, "session:a", data.VoteIrrelevant),
		vote(res.Tender[5].SupplierID, "session:a", data.VoteRelevant),
		vote(res.Tender[5].SupplierID, "session:b", data.VoteIrrelevant),                                    // tied
		{NeedID: "besoin:00000000000000bb", SupplierID: first, Voter: "session:a", Vote: data.VoteRelevant}, // a deleted need
	}
	rep, err := index.EvaluateFeedback(ctx, ix, src, votes, index.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Needs != 1 || rep.Votes != 8 || rep.Relevant != 2 || rep.Irrelevant != 1 || rep.Tied != 1 || rep.Missing != 1 {
		t.Errorf("counts = %+v", rep)
	}
	if len(rep.Methods) != 2 || rep.Methods[0].Name != index.MethodMatcher || rep.Methods[1].Name != index.MethodDistance {
		t.Fatalf("methods = %+v", rep.Methods)
	}
	m := rep.Methods[0]
	// third is 3rd (within 10), twelfth 12th (within 50 only); the best
	// relevant rank is 3; the irrelevant first is within 10.
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"recall@10", m.Recall10, 0.5}, {"recall@50", m.Recall50, 1}, {"MRR", m.MRR, 1.0 / 3}, {"irrelevant@10", m.Irrelevant10, 1},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("matcher %s = %g, want %g", c.name, c.got, c.want)
		}
	}
	if s := rep.String(); len(s) == 0 {
		t.Error("empty report")
	}
}
