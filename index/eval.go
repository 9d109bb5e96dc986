package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"fabrique/data"
	"fabrique/index/match"
)

// EvalOptions tunes Evaluate. The zero value is usable.
type EvalOptions struct {
	// Depth is how far down each ranking the winner is looked for
	// (default and at most DefaultMatchLimit): the same for the matcher
	// and the baselines, so that their figures compare.
	Depth int
	// NoCPV asks with the words and the place only, as for the many
	// notices without CPV code: the award's code is withheld (its label
	// stays the object when the source gives no object, as a buyer who
	// writes « Travaux de charpente » would).
	NoCPV bool
	// Rankings keeps each award's whole ranking (EvalRow.Ranking), split
	// by component, for analyses outside the report (scripts/eval-reweight).
	Rankings bool
}

// Names of the evaluated methods, in report order.
const (
	MethodMatcher    = "matcher"
	MethodGeographic = "geographic"
	MethodSectorRule = "sector_rule"
	// MethodCurated is the matcher with the curated CPV ↔ NAF table only,
	// no link learned from awards: what the learned links bring.
	MethodCurated = "matcher_curated"
	// MethodNoTrack is the matcher without the winners' track record:
	// what the track record brings.
	MethodNoTrack = "matcher_no_track"
)

// evalMethods are the methods in the order of EvalRow.Ranks.
var evalMethods = []string{MethodMatcher, MethodGeographic, MethodSectorRule, MethodCurated, MethodNoTrack}

// EvalReport is how well the matcher and two baselines find the real
// winners of past contracts.
type EvalReport struct {
	Awards     int `json:"awards"`     // awards evaluated: a winner is in the directory
	Outside    int `json:"outside"`    // awards whose winners are all outside the directory
	Duplicates int `json:"duplicates"` // the same contract published twice, counted once
	// Republished counts the later publications of a contract by its
	// buyer (a modification, data.ContractID), counted once.
	Republished int          `json:"republished"`
	Depth       int          `json:"depth"`
	NoCPV       bool         `json:"no_cpv,omitempty"`
	Methods     []EvalMethod `json:"methods"`
	// Levels is the record of each confidence level of the matcher.
	Levels []EvalLevel `json:"levels"`
	// NoGood counts the rankings with no match better than weak
	// (data.NoGoodMatch), NoGoodFound those of them whose winner was still
	// within Depth.
	NoGood      int `json:"no_good"`
	NoGoodFound int `json:"no_good_found"`
	// Causes counts why winners were not in the matcher's first Depth.
	Causes map[string]int `json:"causes,omitempty"`
	// Learning tells how the CPV ↔ NAF links were learned without
	// leaking the tested award (see Evaluate).
	Learning EvalLearning `json:"learning"`
	// Track tells how much track record the evaluation could use.
	Track EvalTrack `json:"track"`
	// Trade is how the winners stand within their own trade (EvalRow.TradeRank).
	Trade EvalTrade     `json:"trade"`
	Rows  []EvalRow     `json:"rows"`
	Took  time.Duration `json:"took"`
}

// EvalMethod is the score of one method.
type EvalMethod struct {
	Name     string  `json:"name"`
	Recall10 float64 `json:"recall_at_10"`
	Recall50 float64 `json:"recall_at_50"`
	MRR      float64 `json:"mrr"` // mean reciprocal rank, 0 for a winner deeper than Depth
}

// EvalRow is one evaluated award: the rank of its winner by each method,
// in the order of EvalReport.Methods (0: not within Depth).
type EvalRow struct {
	AwardID string `json:"award_id"`
	Object  string `json:"object"`
	CPV     string `json:"cpv,omitempty"`
	Place   string `json:"place,omitempty"`
	Winner  string `json:"winner"`
	Ranks   []int  `json:"ranks"`
	// WinnerConfidence is the confidence of the winner's match ("" when
	// not within Depth); Sizes the number of matches of each level
	// (forte, moyenne, faible) in the matcher's ranking.
	WinnerConfidence string  `json:"winner_confidence,omitempty"`
	WinnerScore      float64 `json:"winner_score,omitempty"`
	// Scores are the matcher's scores down the ranking, to Depth.
	Scores []float64 `json:"scores,omitempty"`
	Sizes  [3]int    `json:"sizes"`
	// Cause says why the winner is not within Depth.
	Cause string `json:"cause,omitempty"`
	// WinnerPastAwards is the number of awards of the CPV division the
	// winners had won before this one (the track record it could use).
	WinnerPastAwards int `json:"winner_past_awards,omitempty"`
	// WinnerBuyerAwards is how many of those the same buyer awarded.
	WinnerBuyerAwards int `json:"winner_buyer_awards,omitempty"`
	// WinnerID is the supplier ID of the best-ranked winner (the first
	// in the directory when none is ranked).
	WinnerID string `json:"winner_id,omitempty"`
	// TradeRank is the winner's rank among the companies of its own NAF
	// code (MatchOptions.Trade): where it stands once the buyer has chosen
	// its trade on the shortlist (web's « corps d'état »); 0 when not
	// within MaxMatchLimit of them.
	TradeRank int `json:"trade_rank,omitempty"`
	// TradeSize is the number of companies of that ranking (at most
	// MaxMatchLimit): a rare trade's is short. TradeNearest is the
	// winner's rank among its trade's companies by distance alone (the
	// baseline; 0 without a place).
	TradeSize    int `json:"trade_size,omitempty"`
	TradeNearest int `json:"trade_nearest,omitempty"`
	// Explain splits the scores of the winner, the 10th and the 50th by
	// component when the winner is not in the first 10 (eval_explain.go).
	Explain []EvalParts `json:"explain,omitempty"`
	// Ranking is the matcher's whole ranking (to MaxMatchLimit) split by
	// component, and WinnerIDs the award's winners in the directory; only
	// with EvalOptions.Rankings.
	Ranking   []EvalParts `json:"ranking,omitempty"`
	WinnerIDs []string    `json:"winner_ids,omitempty"`
}

// EvalTrade is the record of the rankings of one trade, which a buyer
// gets by choosing the lot's trade (corps d'état) on a shortlist: the
// share of winners among the first 10 and 20 (a page) of their own NAF
// code.
type EvalTrade struct {
	Recall10 float64 `json:"recall_at_10"`
	Recall20 float64 `json:"recall_at_20"`
	MRR      float64 `json:"mrr"`
	// NearestRecall10 and NearestMRR are the baseline's: the trade's
	// companies by distance alone (EvalRow.TradeNearest).
	NearestRecall10 float64 `json:"nearest_recall_at_10"`
	NearestMRR      float64 `json:"nearest_mrr"`
	// MedianSize is the median length of the winners' trade rankings
	// (EvalRow.TradeSize): how many companies the buyer reads instead of
	// the whole directory.
	MedianSize int `json:"median_size"`
}

// EvalTrack describes the track record of the evaluation: learned from
// the evaluated awards and the store's, cut for each award at its date
// (only awards notified strictly before it count, never the award itself
// nor the same contract published twice).
type EvalTrack struct {
	// Companies is the number of the directory's companies with an award.
	Companies int `json:"companies"`
	// Awards is the number of (contract, company) pairs learned.
	Awards int `json:"awards"`
	// WithHistory is the number of evaluated awards one of whose winners
	// had won, before it, an award of its CPV division.
	WithHistory int `json:"with_history"`
	// Found10 and Found50 are how many of those the matcher ranked in
	// its first 10 and 50.
	Found10 int `json:"found_at_10"`
	Found50 int `json:"found_at_50"`
	// SameBuyer is how many of those had won such an award from the
	// same buyer, and SameBuyerFirst how many of these the matcher
	// ranked first.
	SameBuyer      int `json:"same_buyer"`
	SameBuyerFirst int `json:"same_buyer_first"`
}

// EvalLearning describes the cross-validation of the learned links.
type EvalLearning struct {
	// Evidence is the number of (award, winner) pairs the links can be
	// learned from: the evaluated awards and the store's, won by
	// companies of the directory.
	Evidence int `json:"evidence"`
	// Folds is the number of distinct winner groups: each is tested with
	// links learned from the awards of the other winners only.
	Folds int `json:"folds"`
	// MeanHeldOut is the mean number of pairs a fold learned from.
	MeanHeldOut float64 `json:"mean_learned_from"`
}

// EvalLevel is the record of one confidence level on real awards.
type EvalLevel struct {
	Name string `json:"name"`
	// WinnerShare is the share of the awards whose winner was a match of
	// this level.
	WinnerShare float64 `json:"winner_share"`
	// MeanSize is the mean number of matches of this level per ranking.
	MeanSize float64 `json:"mean_size"`
}

// confidenceLevels are the levels, strongest first.
var confidenceLevels = []string{data.ConfidenceHigh, data.ConfidenceMedium, data.ConfidenceLow}

// Evaluate asks the matcher, for every award whose winner is in the
// directory, with only what the buyer knew (object, or the CPV label when
// the source has none; CPV; place of performance, or the buyer's
// département; value; and the award's date, so that labels and track
// record are those of that day), and records the rank of the real
// winner. Two baselines run on the same awards: every supplier by
// distance from the place, and the suppliers whose NAF division fits the
// CPV division (data.FitOf) by distance; a third is the matcher with the
// curated CPV ↔ NAF table only. The same contract published by two
// platforms is evaluated once.
//
// The CPV ↔ NAF links the matcher learns from awards are cross-validated,
// grouped by winner (leave one winner out): the links used to rank an
// award's candidates are learned from the awards of the other winners
// only (the evaluated awards and, when src lists them, the store's), never
// from an award of the tested winner — so a company that wins often does
// not teach the matcher its own trade. Every figure of the report is
// held out in that sense; none is in-sample.
//
// The winners' track record (data.TrackRecord) is learned from the same
// awards and cut in time: an award dated d is ranked with the contracts
// notified before d only, never with itself nor another publication of
// the same contract (data.ContractID). Each contract is evaluated once,
// at its first publication. The report says how many awards had a winner
// with earlier contracts of the kind, and gives the matcher without the
// track record beside it.
func Evaluate(ctx context.Context, ix *Index, src MatchSource, awards []data.Award, opts EvalOptions) (EvalReport, error) {
	start := time.Now()
	if opts.Depth <= 0 || opts.Depth > DefaultMatchLimit {
		opts.Depth = DefaultMatchLimit
	}
	rep := EvalReport{Depth: opts.Depth, NoCPV: opts.NoCPV, Causes: map[string]int{}}
	cv, err := newLinkFolds(ctx, src, awards)
	if err != nil {
		return EvalReport{}, err
	}
	track, err := TrackRecordOf(ctx, src, cv.awards)
	if err != nil {
		return EvalReport{}, err
	}
	rep.Track = EvalTrack{Companies: track.Companies(), Awards: track.Awards()}
	contracts, err := rep.contracts(ctx, src, awards)
	if err != nil {
		return EvalReport{}, err
	}
	for _, c := range contracts {
		if err := ctx.Err(); err != nil {
			return EvalReport{}, fmt.Errorf("index: evaluate: %w", err)
		}
		a, winners := c.award, c.winners
		row, err := evaluateAward(ctx, ix, src, a, winners, opts, cv.without(winners), track)
		if err != nil {
			return EvalReport{}, err
		}
		if row.WinnerPastAwards > 0 {
			rep.Track.WithHistory++
			if r := row.Ranks[0]; r > 0 && r <= 10 {
				rep.Track.Found10++
			}
			if r := row.Ranks[0]; r > 0 && r <= 50 {
				rep.Track.Found50++
			}
		}
		if row.WinnerBuyerAwards > 0 {
			rep.Track.SameBuyer++
			if row.Ranks[0] == 1 {
				rep.Track.SameBuyerFirst++
			}
		}
		rep.Rows = append(rep.Rows, row)
	}
	rep.Awards = len(rep.Rows)
	rep.Learning = cv.record()
	for i, name := range evalMethods {
		ranks := rowRanks(rep.Rows, func(r EvalRow) int { return r.Ranks[i] })
		rep.Methods = append(rep.Methods, EvalMethod{Name: name, Recall10: recallAt(ranks, 10), Recall50: recallAt(ranks, 50),
			MRR: meanReciprocal(ranks)})
	}
	trade := rowRanks(rep.Rows, func(r EvalRow) int { return r.TradeRank })
	nearest := rowRanks(rep.Rows, func(r EvalRow) int { return r.TradeNearest })
	rep.Trade = EvalTrade{Recall10: recallAt(trade, 10), Recall20: recallAt(trade, 20), MRR: meanReciprocal(trade),
		NearestRecall10: recallAt(nearest, 10), NearestMRR: meanReciprocal(nearest),
		MedianSize: median(rowRanks(rep.Rows, func(r EvalRow) int { return r.TradeSize }))}
	rep.addLevels()
	rep.Took = time.Since(start)
	return rep, nil
}

// evalContract is one contract to evaluate: its earliest publication and
// its winners in the directory.
type evalContract struct {
	award   data.Award
	winners []string
}

// contracts returns the awards to evaluate, in order: those with a winner
// in the directory, each contract once (data.ContractIDOf): a contract
// published by two platforms counts as a duplicate, one its buyer
// published again on another day (a modification) as republished, and
// the earliest publication is the one evaluated, as the buyer first
// awarded it.
func (rep *EvalReport) contracts(ctx context.Context, src MatchSource, awards []data.Award) ([]evalContract, error) {
	var out []evalContract
	byPart := map[uint64]int{} // a part of a ContractID → index in out
	for _, a := range awards {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("index: evaluate: %w", err)
		}
		winners, err := winnersInDirectory(ctx, src, a)
		if err != nil {
			return nil, err
		}
		if len(winners) == 0 {
			rep.Outside++
			continue
		}
		id := data.ContractIDOf(a)
		i, dup := -1, false
		for _, part := range id {
			if j, ok := byPart[part]; ok && part != 0 {
				i, dup = j, true
				break
			}
		}
		if !dup {
			i = len(out)
			out = append(out, evalContract{a, winners})
		} else {
			kept := &out[i]
			if data.ContractKey(kept.award) == data.ContractKey(a) {
				rep.Duplicates++
			} else {
				rep.Republished++
			}
			if !a.NotifiedAt.IsZero() && a.NotifiedAt.Before(kept.award.NotifiedAt) {
				*kept = evalContract{a, winners}
			}
		}
		for _, part := range id {
			if part != 0 {
				byPart[part] = i
			}
		}
	}
	return out, nil
}

// addLevels sums the confidence levels and the causes of the rows.
func (rep *EvalReport) addLevels() {
	n := float64(rep.Awards)
	for i, name := range confidenceLevels {
		l := EvalLevel{Name: name}
		for _, r := range rep.Rows {
			if r.WinnerConfidence == name {
				l.WinnerShare++
			}
			l.MeanSize += float64(r.Sizes[i])
		}
		if n > 0 {
			l.WinnerShare, l.MeanSize = l.WinnerShare/n, l.MeanSize/n
		}
		rep.Levels = append(rep.Levels, l)
	}
	for _, r := range rep.Rows {
		if r.Sizes[0]+r.Sizes[1] == 0 {
			rep.NoGood++
			if r.Ranks[0] > 0 {
				rep.NoGoodFound++
			}
		}
		if r.Cause != "" {
			rep.Causes[causeKind(r.Cause)]++
		}
	}
}

// winnersInDirectory returns the supplier IDs of the award's winners that
// the directory holds (a supplier's ID is its SIREN).
func winnersInDirectory(ctx context.Context, src MatchSource, a data.Award) ([]string, error) {
	var out []string
	for _, w := range a.Winners {
		siren := data.SIRENOf(w.SIRET)
		if siren == "" || containsString(out, siren) {
			continue
		}
		_, err := src.Supplier(ctx, siren)
		switch {
		case err == nil:
			out = append(out, siren)
		case !isNotFound(err):
			return nil, fmt.Errorf("index: evaluate: %w", err)
		}
	}
	return out, nil
}

// tenderOfAward is the tender as the buyer wrote it, as far as the award
// tells; without its CPV code when noCPV.
func tenderOfAward(a data.Award, noCPV bool) data.Tender {
	t := data.Tender{ID: a.ID, Source: a.Source, Title: a.Object, Nature: a.Nature, Place: a.Place, Buyer: a.Buyer,
		EstimatedValue: a.Amount, PublishedAt: a.NotifiedAt, State: data.StateAwarded}
	if c, err := data.NormalizeCPV(a.CPV); err == nil {
		t.CPV = c
		if strings.TrimSpace(t.Title) == "" {
			if cc, ok := data.LookupCPV(c); ok {
				t.Title = cc.LabelFR
			}
		}
	}
	if noCPV {
		t.CPV = ""
	}
	return t
}

// evaluateAward ranks the winners of one award by each method.
// links are the CPV ↔ NAF links learned without the award's winners;
// track is the companies' record of awards, which the match cuts at the
// award's date.
func evaluateAward(ctx context.Context, ix *Index, src MatchSource, a data.Award, winners []string, opts EvalOptions, links *data.CPVNAFLinks, track *data.TrackRecord) (EvalRow, error) {
	depth := opts.Depth
	t := tenderOfAward(a, opts.NoCPV)
	row := EvalRow{AwardID: a.ID, Object: t.Title, CPV: t.CPV, Place: placeLabel(t.Place), Ranks: make([]int, len(evalMethods))}
	for _, w := range a.Winners {
		if containsString(winners, data.SIRENOf(w.SIRET)) {
			row.Winner = w.Name
			break
		}
	}
	if t.Title == "" && t.CPV == "" {
		return row, nil // nothing to ask: a miss for every method
	}
	// Labels are checked on the directory's date, not the award's: the EPV
	// list only carries each company's latest grant, so a company renewed
	// after the award would wrongly look unlabelled on its date. The track
	// record is cut at the award's date instead, so that it holds only
	// what was known then, without the award itself.
	cut := data.TrackCut{Before: a.NotifiedAt, Skip: data.ContractIDOf(a)}
	if cut.Before.IsZero() {
		track = &data.TrackRecord{} // no date: nothing can be shown to be earlier
	}
	row.WinnerPastAwards, row.WinnerBuyerAwards = pastAwardsOf(track, cut, winners, a.CPV, data.SIRENOf(a.Buyer.SIRET))
	mopts := MatchOptions{Limit: MaxMatchLimit, At: ix.opts.Now(), Links: links, Track: track,
		TrackBefore: cut.Before, TrackSkip: cut.Skip}
	res, err := ix.Match(ctx, src, t, mopts)
	if err != nil {
		return EvalRow{}, fmt.Errorf("index: evaluate %s: %w", a.ID, err)
	}
	// The variants: the curated table without learned links, and no
	// track record.
	curated, noTrack := mopts, mopts
	curated.Links, noTrack.Track = &data.CPVNAFLinks{}, &data.TrackRecord{}
	for i, o := range map[int]MatchOptions{3: curated, 4: noTrack} {
		o.Limit = depth
		v, err := ix.Match(ctx, src, t, o)
		if err != nil {
			return EvalRow{}, fmt.Errorf("index: evaluate %s: %w", a.ID, err)
		}
		row.Ranks[i] = bestRank(matchIDs(v.Tender), winners)
	}
	deep := bestRank(matchIDs(res.Tender), winners)
	if deep > 0 && deep <= depth {
		row.Ranks[0] = deep
		row.WinnerConfidence = res.Tender[deep-1].Confidence
	}
	row.WinnerID = winners[0]
	if deep > 0 {
		row.WinnerScore = res.Tender[deep-1].Score
		row.WinnerID = res.Tender[deep-1].SupplierID
	}
	if row.TradeRank, row.TradeSize, row.TradeNearest, err = tradeRank(ctx, ix, src, t, mopts, winners); err != nil {
		return EvalRow{}, fmt.Errorf("index: evaluate %s: %w", a.ID, err)
	}
	if row.Explain, err = explainRanking(ctx, src, res.Tender, deep); err != nil {
		return EvalRow{}, fmt.Errorf("index: evaluate %s: %w", a.ID, err)
	}
	if opts.Rankings {
		row.WinnerIDs = winners
		for i, m := range res.Tender {
			p := partsOf(i+1, m)
			p.NAF = m.NAF
			row.Ranking = append(row.Ranking, p)
		}
	}
	for _, m := range res.Tender[:min(depth, len(res.Tender))] {
		row.Scores = append(row.Scores, m.Score)
		if i := slices.Index(confidenceLevels, m.Confidence); i >= 0 {
			row.Sizes[i]++
		}
	}
	if row.Ranks[0] == 0 {
		if row.Cause, err = missCause(ctx, src, t, winners, deep, row.WinnerPastAwards, links); err != nil {
			return EvalRow{}, fmt.Errorf("index: evaluate %s: %w", a.ID, err)
		}
	}

	place := match.ResolvePlace(t.Place)
	if !validLatLon(place.Lat, place.Lon) {
		return row, nil // no place: the baselines cannot rank
	}
	geo, err := ix.nearest(ctx, place, nil, depth)
	if err != nil {
		return EvalRow{}, fmt.Errorf("index: evaluate %s: %w", a.ID, err)
	}
	row.Ranks[1] = bestRank(geo, winners)
	if divs := fittingNAFDivisions(t.CPV); len(divs) > 0 {
		sec, err := ix.nearest(ctx, place, keywordsQuery(fNAFDivision, divs), depth)
		if err != nil {
			return EvalRow{}, fmt.Errorf("index: evaluate %s: %w", a.ID, err)
		}
		row.Ranks[2] = bestRank(sec, winners)
	}
	return row, nil
}

// Causes of a winner missed by the matcher, as EvalRow.Cause starts.
const (
	causeRanked = "classé au-delà" // scored, but deeper than Depth
	// causeRankedFirst and causeRankedKnown split causeRanked by the
	// winner's track record: its first contract of the kind (none before
	// the award's date), or not.
	causeRankedFirst = causeRanked + ", premier marché de ce type"
	causeRankedKnown = causeRanked + " malgré des marchés antérieurs"
	causeNoFit       = "aucun lien"                  // neither words nor sector link it to the need
	causeFarFit      = "secteur lié, hors du vivier" // its sector fits, the pool of the nearest missed it
	causeNoPlace     = "sans lieu"                   // the need has no place to measure from
	causeUnplaced    = "titulaire non situé"
)

// causeKind is the kind of a cause, its words before " :".
func causeKind(cause string) string {
	if i := strings.Index(cause, " :"); i > 0 {
		return cause[:i]
	}
	return cause
}

// missCause says why the winner is not in the first Depth: ranked deeper
// (deep, its rank among MaxMatchLimit), with or without earlier contracts
// of the kind (past), or never a candidate, and then what links it to the
// need (the curated table, or the links learned without the award's
// winners).
func missCause(ctx context.Context, src MatchSource, t data.Tender, winners []string, deep, past int, links *data.CPVNAFLinks) (string, error) {
	switch {
	case deep > 0 && past == 0:
		return fmt.Sprintf("%s : rang %d", causeRankedFirst, deep), nil
	case deep > 0:
		return fmt.Sprintf("%s : rang %d, %d marché(s) antérieur(s) de la division", causeRankedKnown, deep, past), nil
	}
	s, err := src.Supplier(ctx, winners[0])
	if err != nil {
		return "", err
	}
	if t.CPV == "" {
		return fmt.Sprintf("%s : NAF %s, sans code CPV", causeNoFit, s.NAF), nil
	}
	div := data.CPVDivision(t.CPV)
	_, learned := links.Link(t.CPV, s.NAF)
	if _, ok := data.FitOf(t.CPV, s.NAF); !ok && !learned {
		return fmt.Sprintf("%s : NAF %s hors de la table CPV↔NAF pour la division %s, sans lien appris des autres titulaires",
			causeNoFit, s.NAF, div), nil
	}
	place := match.ResolvePlace(t.Place)
	lat, lon, ok := match.SupplierPoint(s)
	switch {
	case !validLatLon(place.Lat, place.Lon):
		return causeNoPlace, nil
	case !ok:
		return causeUnplaced, nil
	}
	return fmt.Sprintf("%s : NAF %s ↔ division %s, à %.0f km", causeFarFit, s.NAF, div,
		data.DistanceKm(place.Lat, place.Lon, lat, lon)), nil
}

// nearest returns the IDs of the n suppliers nearest to the place among
// those matching filter (nil: all), nearest first: the baselines.
func (ix *Index) nearest(ctx context.Context, p data.Place, filter query.Query, n int) ([]string, error) {
	g, err := ix.acquire()
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	q := filter
	if q == nil {
		q = query.NewMatchAllQuery()
	}
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	gs, err := search.NewSortGeoDistance(fGeo, "km", p.Lon, p.Lat, false)
	if err != nil {
		return nil, err
	}
	req.SortByCustom(search.SortOrder{gs, &search.SortDocID{}})
	res, err := g.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// pastAwardsOf counts the awards of the CPV code's division the winners
// won that the cut counts, and how many of them the buyer (a SIREN, "" when
// unknown) awarded.
func pastAwardsOf(track *data.TrackRecord, cut data.TrackCut, winners []string, cpv, buyer string) (n, fromBuyer int) {
	div := data.CPVDivision(cpv)
	for _, w := range winners {
		for _, won := range track.Wins(w, cut) {
			if div != "" && data.CPVDivision(won.CPV) == div {
				n++
				if buyer != "" && won.Buyer == buyer {
					fromBuyer++
				}
			}
		}
	}
	return n, fromBuyer
}

// fittingNAFDivisions are the NAF divisions that fit the CPV code's
// division in the correspondence table, primary or secondary.
func fittingNAFDivisions(cpv string) []string {
	div := data.CPVDivision(cpv)
	var out []string
	for _, f := range data.CPVNAFFits() {
		if f.CPVDivision == div {
			out = append(out, f.NAFDivision)
		}
	}
	return out
}

// matchIDs are the supplier IDs of a ranking.
func matchIDs(ms []data.Match) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.SupplierID
	}
	return ids
}

// bestRank is the 1-based rank of the first winner in ids, 0 if none.
func bestRank(ids, winners []string) int {
	for i, id := range ids {
		if containsString(winners, id) {
			return i + 1
		}
	}
	return 0
}

func placeLabel(p data.Place) string {
	for _, s := range []string{p.Commune, p.Postcode, p.Departement, p.NUTS} {
		if s != "" {
			return s
		}
	}
	return ""
}

func isNotFound(err error) bool { return errors.Is(err, data.ErrNotFound) }

// tradeRank is the best rank of the winners among the companies of their
// own trade, as the shortlist ranks a trade the buyer chose
// (MatchOptions.Trade); 0 when none is ranked.
func tradeRank(ctx context.Context, ix *Index, src MatchSource, t data.Tender, opts MatchOptions, winners []string) (rank, size, nearest int, err error) {
	place := match.ResolvePlace(t.Place)
	tried := map[string]bool{}
	for _, w := range winners {
		s, err := src.Supplier(ctx, w)
		if isNotFound(err) || (err == nil && (s.NAF == "" || tried[s.NAF])) {
			continue
		}
		if err != nil {
			return 0, 0, 0, err
		}
		tried[s.NAF] = true
		o := opts
		o.Trade = s.NAF
		res, err := ix.Match(ctx, src, t, o)
		if err != nil {
			return 0, 0, 0, err
		}
		if r := bestRank(matchIDs(res.Tender), winners); r > 0 && (rank == 0 || r < rank) {
			rank, size = r, len(res.Tender)
		}
		// The baseline: the trade's companies by distance alone.
		if validLatLon(place.Lat, place.Lon) {
			ids, err := ix.nearest(ctx, place, keywordsQuery(fNAF, []string{s.NAF}), MaxMatchLimit)
			if err != nil {
				return 0, 0, 0, err
			}
			if r := bestRank(ids, winners); r > 0 && (nearest == 0 || r < nearest) {
				nearest = r
			}
		}
	}
	return rank, size, nearest, nil
}

// rowRanks is one rank of every row (0: not found).
func rowRanks(rows []EvalRow, rank func(EvalRow) int) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = rank(r)
	}
	return out
}

// recallAt is the share of ranks within the first k (0 is not found).
func recallAt(ranks []int, k int) float64 {
	if len(ranks) == 0 {
		return 0
	}
	n := 0
	for _, r := range ranks {
		if r > 0 && r <= k {
			n++
		}
	}
	return float64(n) / float64(len(ranks))
}

// meanReciprocal is the mean of 1/rank, a rank of 0 counting 0.
func meanReciprocal(ranks []int) float64 {
	if len(ranks) == 0 {
		return 0
	}
	sum := 0.0
	for _, r := range ranks {
		if r > 0 {
			sum += 1 / float64(r)
		}
	}
	return sum / float64(len(ranks))
}

// median is the median of the positive values (0 when none).
func median(vals []int) int {
	var pos []int
	for _, v := range vals {
		if v > 0 {
			pos = append(pos, v)
		}
	}
	if len(pos) == 0 {
		return 0
	}
	slices.Sort(pos)
	return pos[len(pos)/2]
}
