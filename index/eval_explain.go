package index

import (
	"context"
	"fmt"
	"math"
	"strings"

	"fabrique/data"
	"fabrique/index/match"
)

// EvalParts is one match of a ranking split into the points of each
// component of the score (match.Weights), read from its reasons: what
// lifts the winner, or what lifts the firms ranked before it.
type EvalParts struct {
	Rank  int     `json:"rank"`
	ID    string  `json:"supplier_id"`
	Name  string  `json:"name"`
	NAF   string  `json:"naf,omitempty"`
	Score float64 `json:"score"`
	// Text, Classification, Geography, TrackRecord, Labels and Capacity
	// are the points of each component; TrackRecord holds those the past
	// awards brought to the classification too (as the shortlist shows).
	Text           float64 `json:"text"`
	Classification float64 `json:"classification"`
	Geography      float64 `json:"geography"`
	TrackRecord    float64 `json:"track_record"`
	Labels         float64 `json:"labels"`
	Capacity       float64 `json:"capacity"`
	// Neutral is what the components with nothing to say brought (the
	// same to every firm: capacity when the headcount or the value is
	// unknown, distance when the need has no place).
	Neutral    float64  `json:"neutral"`
	DistanceKm *float64 `json:"distance_km,omitempty"`
}

// explainDepth is the rank from which a winner is explained: those not in
// the first 10, the shortlist a buyer reads.
const explainDepth = 10

// partsOf splits a match's score by component.
func partsOf(rank int, m data.Match) EvalParts {
	p := EvalParts{Rank: rank, ID: m.SupplierID, Name: m.Name, Score: m.Score, DistanceKm: m.DistanceKm}
	for _, r := range m.Reasons {
		switch r.Kind {
		case data.ReasonTerms:
			p.Text += r.Weight
		case data.ReasonCPV, data.ReasonCPVFromNAF, match.ReasonUnivers:
			p.Classification += r.Weight
		case data.ReasonDistance, data.ReasonServiceArea:
			p.Geography += r.Weight
		case data.ReasonTrackRecord:
			p.TrackRecord += r.Weight
		case data.ReasonLabel:
			p.Labels += r.Weight
		case data.ReasonCapacity:
			p.Capacity += r.Weight
		}
	}
	p.Neutral = round1(p.Score - (p.Text + p.Classification + p.Geography + p.TrackRecord + p.Labels + p.Capacity))
	return p
}

// explainRanking returns, for a winner ranked deep (0: not in the
// ranking at all) outside the first explainDepth, the score parts of the
// winner, of the 10th and of the 50th of the ranking, with their NAF
// codes.
func explainRanking(ctx context.Context, src MatchSource, ms []data.Match, deep int) ([]EvalParts, error) {
	if deep > 0 && deep <= explainDepth {
		return nil, nil
	}
	var out []EvalParts
	for _, rank := range []int{deep, explainDepth, DefaultMatchLimit} {
		if rank <= 0 || rank > len(ms) {
			continue
		}
		p := partsOf(rank, ms[rank-1])
		s, err := src.Supplier(ctx, p.ID)
		switch {
		case err == nil:
			p.NAF = s.NAF
		case !isNotFound(err):
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// writeExplained prints the explained rows: the winner's parts against
// the 10th's and the 50th's.
func writeExplained(b *strings.Builder, rows []EvalRow) {
	any := false
	for _, row := range rows {
		if len(row.Explain) > 0 || (row.Ranks[0] == 0 && row.Cause != "") {
			any = true
			break
		}
	}
	if !any {
		return
	}
	fmt.Fprintf(b, "\nTitulaires hors des %d premiers, points par composante / winners outside the first %d, points by component\n", explainDepth, explainDepth)
	fmt.Fprintf(b, "  (T texte/text, C classification, G distance, R références/track record, L labels, K capacité/capacity, N neutre/neutral)\n")
	for _, row := range rows {
		if len(row.Explain) == 0 {
			continue
		}
		fmt.Fprintf(b, "  %s — %s (%s)\n", truncateUTF8(row.Object, 60), row.Winner, row.Place)
		winner := false
		for _, p := range row.Explain {
			who := fmt.Sprintf("%3de", p.Rank)
			if !winner && p.ID == row.WinnerID {
				who, winner = "tit.", true
			}
			dist := "   ?"
			if p.DistanceKm != nil {
				dist = fmt.Sprintf("%4.0f", *p.DistanceKm)
			}
			fmt.Fprintf(b, "    %s rang %3d %5.1f = T %4.1f C %4.1f G %4.1f R %4.1f L %3.1f K %3.1f N %3.1f  %s km  %-6s %s\n",
				who, p.Rank, p.Score, p.Text, p.Classification, p.Geography, p.TrackRecord, p.Labels, p.Capacity,
				p.Neutral, dist, p.NAF, truncateUTF8(p.Name, 40))
		}
		if !winner {
			fmt.Fprintf(b, "    tit. hors des %d premiers classés / not among the %d ranked\n", MaxMatchLimit, MaxMatchLimit)
		}
	}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
