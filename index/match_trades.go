package index

import (
	"context"
	"fmt"

	"fabrique/data"
	"fabrique/index/match"
)

// The trades (corps d'état) of a tender's ranking. A need that names a
// building and not the trade of its lot (« Travaux de construction
// d'églises », the CPV label of many works notices) is answered by the
// builders nearest to it, while its lot may be the stained glass or the
// bells: on the real awards of `fabrique eval awards`, the winners ranked
// beyond the 50th are crafts of heritage, 3rd to 13th of their own trade.
// The buyer knows the lot's trade: Match counts the trades (NAF codes) of
// every candidate it scored for the whole tender (MatchResult.Trades), and
// ranks one of them alone when it is chosen (MatchOptions.Trade).

// TradeCount is one trade among the candidates scored for a tender.
type TradeCount struct {
	NAF string `json:"naf"`
	// Count is the number of candidates of the trade that were scored;
	// Best the rank of the best of them in the whole ranking (1-based,
	// which may be beyond the ranking's limit).
	Count int `json:"count"`
	Best  int `json:"best"`
}

// checkTrade refuses a chosen trade that is not a NAF code of the
// nomenclature's sub-class level.
func checkTrade(code string) error {
	if code == "" {
		return nil
	}
	if _, ok := data.LookupTrade(code); !ok {
		return fmt.Errorf("index: match: trade %.20q is not a NAF code: %w", code, data.ErrInvalid)
	}
	return nil
}

// addTradePool adds to ids the suppliers of the need's trade nearest to
// it (all of France when it has no place), which the other pools may have
// missed: a trade only weakly linked to the need (bells for church works)
// has few of its companies among them. It returns the ids and those the
// trade's pool alone brought. Within one trade distance decides most of
// the order (the classification is the same for all), so twice the
// ranking's length of the nearest is enough, and costs less than a full
// pool to read and score.
func (ix *Index) addTradePool(ctx context.Context, g *generation, n *match.Need, ids []string, limit int) ([]string, map[string]bool, error) {
	pool, err := ix.sectorPool(ctx, g, n, keywordsQuery(fNAF, []string{n.Trade}), min(candidatePool, max(2*limit, minTradePool)))
	if err != nil {
		return nil, nil, err
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[id] = true
	}
	extra := map[string]bool{}
	for _, id := range pool {
		if !seen[id] {
			seen[id], extra[id] = true, true
			ids = append(ids, id)
		}
	}
	return ids, extra, nil
}

// minTradePool is the fewest companies of a chosen trade gathered.
const minTradePool = 50

// countTrades counts the trades of scored candidates, best first. The
// candidates the trade pool alone brought (extra) are left out, so that a
// ranking offers the same trades whichever is chosen.
func countTrades(scored []match.Scored, extra map[string]bool) []TradeCount {
	var out []TradeCount
	at := map[string]int{}
	for i := range scored {
		s := scored[i].Candidate().Supplier()
		if s.NAF == "" || extra[s.ID] {
			continue
		}
		j, ok := at[s.NAF]
		if !ok {
			j = len(out)
			at[s.NAF] = j
			out = append(out, TradeCount{NAF: s.NAF, Best: i + 1})
		}
		out[j].Count++
	}
	return out
}

// onlyTrade keeps the scored candidates of one trade, in their order.
func onlyTrade(scored []match.Scored, trade string) []match.Scored {
	out := scored[:0:0]
	for _, sm := range scored {
		if sm.Candidate().Supplier().NAF == trade {
			out = append(out, sm)
		}
	}
	return out
}
