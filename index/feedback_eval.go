package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"fabrique/data"
)

// Buyers' votes on the shortlists of their needs (data.NeedFeedback) are a
// second source of truth beside the awards: EvaluateFeedback asks the
// matcher again for each judged need and measures where it puts the
// suppliers the buyers found relevant, and how many of those they found
// irrelevant it still puts in its first ten.

// FeedbackSource gives the matcher its suppliers and the judged needs.
type FeedbackSource interface {
	MatchSource
	// Tender returns a need by its tender id, or an error wrapping
	// data.ErrNotFound.
	Tender(ctx context.Context, id string) (data.Tender, error)
}

// FeedbackReport is how well the matcher, and a ranking by distance alone,
// rank the suppliers buyers judged.
type FeedbackReport struct {
	Needs int `json:"needs"` // needs with a judged supplier still in the store
	Votes int `json:"votes"`
	// Relevant and Irrelevant count the judged (need, supplier) pairs by
	// the balance of their votes; Tied are those with as many of each.
	Relevant   int            `json:"relevant"`
	Irrelevant int            `json:"irrelevant"`
	Tied       int            `json:"tied"`
	Missing    int            `json:"missing"` // votes on needs no longer stored
	Depth      int            `json:"depth"`
	Methods    []FeedbackEval `json:"methods"`
	Took       time.Duration  `json:"took"`
}

// FeedbackEval are the figures of one method.
type FeedbackEval struct {
	Name string `json:"name"`
	// Recall10 and Recall50: the share of relevant pairs ranked within 10
	// and 50; MRR: the mean over needs of the reciprocal rank of the best
	// ranked relevant supplier.
	Recall10 float64 `json:"recall_at_10"`
	Recall50 float64 `json:"recall_at_50"`
	MRR      float64 `json:"mrr"`
	// Irrelevant10 is the share of irrelevant pairs still ranked within
	// 10: lower is better.
	Irrelevant10 float64 `json:"irrelevant_at_10"`
}

// MethodDistance ranks every supplier by distance from the need's place.
const MethodDistance = "distance"

// judgement is the balance of the votes on one supplier of one need.
type judgement struct {
	supplier string
	balance  int // relevant votes minus irrelevant ones
}

// EvaluateFeedback measures the matcher against the buyers' votes, beside
// a ranking by distance alone. opts.Depth bounds both rankings.
func EvaluateFeedback(ctx context.Context, ix *Index, src FeedbackSource, votes []data.NeedFeedback, opts EvalOptions) (FeedbackReport, error) {
	start := time.Now()
	depth := opts.Depth
	if depth <= 0 || depth > DefaultMatchLimit {
		depth = DefaultMatchLimit
	}
	rep := FeedbackReport{Votes: len(votes), Depth: depth}
	byNeed := map[string]map[string]int{}
	for _, v := range votes {
		if byNeed[v.NeedID] == nil {
			byNeed[v.NeedID] = map[string]int{}
		}
		if v.Vote == data.VoteRelevant {
			byNeed[v.NeedID][v.SupplierID]++
		} else {
			byNeed[v.NeedID][v.SupplierID]--
		}
	}
	needIDs := make([]string, 0, len(byNeed))
	for id := range byNeed {
		needIDs = append(needIDs, id)
	}
	sort.Strings(needIDs)

	methods := []string{MethodMatcher, MethodDistance}
	type tally struct{ rel10, rel50, irr10, rr float64 }
	tallies := make([]tally, len(methods))
	relevantNeeds := 0
	for _, id := range needIDs {
		t, err := src.Tender(ctx, id)
		if errors.Is(err, data.ErrNotFound) {
			rep.Missing += len(byNeed[id])
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("index: feedback: need %s: %w", id, err)
		}
		var judged []judgement
		for sup, bal := range byNeed[id] {
			judged = append(judged, judgement{sup, bal})
		}
		rep.Needs++
		hasRelevant := false
		for _, j := range judged {
			switch {
			case j.balance > 0:
				rep.Relevant++
				hasRelevant = true
			case j.balance < 0:
				rep.Irrelevant++
			default:
				rep.Tied++
			}
		}
		if hasRelevant {
			relevantNeeds++
		}
		for m, name := range methods {
			ranking, err := feedbackRanking(ctx, ix, src, t, name, depth)
			if err != nil {
				return rep, err
			}
			best := 0
			for _, j := range judged {
				r := rankOf(ranking, j.supplier)
				switch {
				case j.balance > 0:
					if r > 0 && r <= 10 {
						tallies[m].rel10++
					}
					if r > 0 && r <= 50 {
						tallies[m].rel50++
					}
					if r > 0 && (best == 0 || r < best) {
						best = r
					}
				case j.balance < 0 && r > 0 && r <= 10:
					tallies[m].irr10++
				}
			}
			if best > 0 {
				tallies[m].rr += 1 / float64(best)
			}
		}
	}
	for m, name := range methods {
		e := FeedbackEval{Name: name}
		if rep.Relevant > 0 {
			e.Recall10 = tallies[m].rel10 / float64(rep.Relevant)
			e.Recall50 = tallies[m].rel50 / float64(rep.Relevant)
		}
		if relevantNeeds > 0 {
			e.MRR = tallies[m].rr / float64(relevantNeeds)
		}
		if rep.Irrelevant > 0 {
			e.Irrelevant10 = tallies[m].irr10 / float64(rep.Irrelevant)
		}
		rep.Methods = append(rep.Methods, e)
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// feedbackRanking is the ranking of need t by one method, as supplier ids.
func feedbackRanking(ctx context.Context, ix *Index, src MatchSource, t data.Tender, method string, depth int) ([]string, error) {
	var ids []string
	switch method {
	case MethodMatcher:
		res, err := ix.Match(ctx, src, t, MatchOptions{Limit: depth})
		if err != nil {
			return nil, fmt.Errorf("index: feedback: match %s: %w", t.ID, err)
		}
		for _, m := range res.Tender {
			ids = append(ids, m.SupplierID)
		}
	case MethodDistance:
		p := data.ResolvePlace(t.Place)
		if p.Lat == 0 && p.Lon == 0 {
			return nil, nil // no place: no ranking
		}
		res, err := ix.Search(ctx, Query{Near: &Point{Lat: p.Lat, Lon: p.Lon}, SortByDistance: true, PerPage: depth})
		if err != nil {
			return nil, fmt.Errorf("index: feedback: nearest to %s: %w", t.ID, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
	}
	return ids, nil
}

// rankOf is the 1-based rank of id in ranking, 0 when absent.
func rankOf(ranking []string, id string) int {
	for i, r := range ranking {
		if r == id {
			return i + 1
		}
	}
	return 0
}

// String is the report as `fabrique eval feedback` prints it.
func (r FeedbackReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Évaluation sur les avis des acheteurs / evaluation on buyers' feedback\n")
	fmt.Fprintf(&b, "%d besoins jugés / judged needs, %d votes : %d fournisseurs pertinents, %d pas pertinents, %d partagés (%d votes sur des besoins supprimés ; profondeur / depth %d)\n",
		r.Needs, r.Votes, r.Relevant, r.Irrelevant, r.Tied, r.Missing, r.Depth)
	fmt.Fprintf(&b, "%-42s %10s %10s %7s %14s\n", "méthode / method", "rappel@10", "rappel@50", "MRR", "non pertinents@10")
	titles := map[string]string{MethodMatcher: "rapprochement / matcher", MethodDistance: "distance seule / distance only"}
	for _, m := range r.Methods {
		fmt.Fprintf(&b, "%-42s %10.3f %10.3f %7.3f %14.3f\n", titles[m.Name], m.Recall10, m.Recall50, m.MRR, m.Irrelevant10)
	}
	return b.String()
}
