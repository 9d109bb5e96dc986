package index

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"fabrique/data"
)

// linkFolds learns the CPV ↔ NAF links of the evaluation without leakage:
// one set per group of winners, from the evidence of the other winners
// only (leave one winner out).
type linkFolds struct {
	evidence []data.WonAward
	awards   []data.Award                 // the evaluated awards and the store's
	folds    map[string]*data.CPVNAFLinks // by sorted winner SIRENs
	learned  int                          // pairs learned from, summed over folds
}

// newLinkFolds gathers the evidence: the evaluated awards, and the store's
// when src lists them (an award in both counts once: the links count an
// award once per winner and ID).
func newLinkFolds(ctx context.Context, src MatchSource, awards []data.Award) (*linkFolds, error) {
	all := slices.Clone(awards)
	if as, ok := src.(AwardSource); ok {
		if err := as.Awards(ctx, func(a data.Award) error {
			all = append(all, a)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("index: evaluate: %w", err)
		}
	}
	won, err := WonAwards(ctx, src, all)
	if err != nil {
		return nil, err
	}
	return &linkFolds{evidence: won, awards: all, folds: map[string]*data.CPVNAFLinks{}}, nil
}

// without returns the links learned from the awards none of whose
// winners is among winners (SIRENs).
func (f *linkFolds) without(winners []string) *data.CPVNAFLinks {
	key := slices.Clone(winners)
	sort.Strings(key)
	k := strings.Join(key, ",")
	if l, ok := f.folds[k]; ok {
		return l
	}
	held := map[string]bool{} // awards of a held-out winner, with all their co-winners
	for _, w := range f.evidence {
		if slices.Contains(winners, w.SIREN) && w.AwardID != "" {
			held[w.AwardID] = true
		}
	}
	var train []data.WonAward
	for _, w := range f.evidence {
		if !held[w.AwardID] && !slices.Contains(winners, w.SIREN) {
			train = append(train, w)
		}
	}
	l := data.LearnCPVNAFLinks(train)
	f.folds[k] = l
	f.learned += l.Awards()
	return l
}

// record sums the folds up for the report.
func (f *linkFolds) record() EvalLearning {
	r := EvalLearning{Evidence: data.LearnCPVNAFLinks(f.evidence).Awards(), Folds: len(f.folds)}
	if r.Folds > 0 {
		r.MeanHeldOut = float64(f.learned) / float64(r.Folds)
	}
	return r
}
