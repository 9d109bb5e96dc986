package index

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
	"fabrique/index/match"
)

// LearnFromAwards learns, in one walk over the awards of src, what the
// matcher learns from them: the CPV ↔ NAF links (as LearnCPVNAFLinks)
// and the public contracts each company of the directory won
// (data.TrackRecord). It reads each winner once: call it when the awards
// change (see SetCPVNAFLinks and SetTrackRecord), never per match.
func LearnFromAwards(ctx context.Context, src AwardSource) (*data.CPVNAFLinks, *data.TrackRecord, error) {
	links, track := data.NewCPVNAFLearner(), data.NewTrackLearner()
	dir := newInDirectory(src)
	err := src.Awards(ctx, func(a data.Award) error {
		if err := dir.eachWinner(ctx, a, func(siren, _ string) { track.Add(siren, a) }); err != nil {
			return err
		}
		return dir.eachWonAward(ctx, a, links.Add) // the winners are read once, by the line above
	})
	if err != nil {
		return nil, nil, fmt.Errorf("index: learn from awards: %w", err)
	}
	return links.Links(), track.Record(), nil
}

// TrackRecordOf learns the track record of the directory's companies from
// a list of awards (the evaluation's).
func TrackRecordOf(ctx context.Context, src SupplierReader, awards []data.Award) (*data.TrackRecord, error) {
	l := data.NewTrackLearner()
	dir := newInDirectory(src)
	for _, a := range awards {
		if err := dir.eachWinner(ctx, a, func(siren, _ string) { l.Add(siren, a) }); err != nil {
			return nil, fmt.Errorf("index: learn track record: %w", err)
		}
	}
	return l.Record(), nil
}

// inDirectory tells, reading each once, which winners are companies of
// the directory (a supplier's ID is its SIREN), and their NAF codes.
type inDirectory struct {
	src   SupplierReader
	known map[string]dirWinner
}

type dirWinner struct {
	in  bool
	naf string
}

func newInDirectory(src SupplierReader) inDirectory {
	return inDirectory{src: src, known: map[string]dirWinner{}}
}

// eachWonAward calls fn with the award as evidence of its winner's trade
// (data.WonAward), for every winner of the directory with a NAF code.
func (d inDirectory) eachWonAward(ctx context.Context, a data.Award, fn func(data.WonAward)) error {
	return d.eachWinner(ctx, a, func(siren, naf string) {
		if naf != "" {
			fn(data.WonAward{AwardID: a.ID, CPV: a.CPV, SIREN: siren, NAF: naf})
		}
	})
}

// eachWinner calls fn with the SIREN and NAF code of every winner of the
// award that the directory holds.
func (d inDirectory) eachWinner(ctx context.Context, a data.Award, fn func(siren, naf string)) error {
	for _, w := range a.Winners {
		siren := data.SIRENOf(w.SIRET)
		if siren == "" {
			continue
		}
		dw, ok := d.known[siren]
		if !ok {
			s, err := d.src.Supplier(ctx, siren)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			dw = dirWinner{in: err == nil, naf: s.NAF}
			d.known[siren] = dw
		}
		if dw.in {
			fn(siren, dw.naf)
		}
	}
	return nil
}

// SetTrackRecord sets the track record Match uses when its options give
// none; nil forgets it. The caller learns it once per change of the
// awards (LearnTrackRecord).
func (ix *Index) SetTrackRecord(t *data.TrackRecord) { ix.learn.track.Store(t) }

// TrackRecord returns the track record set by SetTrackRecord, or nil.
func (ix *Index) TrackRecord() *data.TrackRecord { return ix.learn.track.Load() }

// setTrack gives the need the track record of the match: that of its
// options, else the index's, cut at the options' date (default: the
// need's day).
func (ix *Index) setTrack(n *match.Need, opts MatchOptions) {
	t := opts.Track
	if t == nil {
		t = ix.learn.track.Load()
	}
	n.SetTrack(t, opts.TrackBefore, opts.TrackSkip)
}

// trackPoolSize is the number of past winners the track pool adds: the
// nearest, a ranking's worth (DefaultMatchLimit). The sector pool
// already holds the past winners among the nearest of their sector; this
// one reaches those of other trades or further away, and each candidate
// costs a read and a scoring.
const trackPoolSize = DefaultMatchLimit

// trackScan bounds the companies the track pool considers per division,
// those with most awards of it first: each is one SIREN term of the
// pool's query. BenchmarkMatchTrack10k (2 000 past winners, 1 000 in
// division 45): 500 cost about 6 ms of CPU per match, 200 about 3 ms.
const trackScan = 200

// trackPool returns the companies that already won awards of the need's
// CPV divisions (as its cut counts them), nearest first (most awards
// first without a place): a company that did such work for a public
// buyer is worth scoring however far down the nearest of its sector it
// comes, and whatever its trade.
func (ix *Index) trackPool(ctx context.Context, g *generation, snap index.IndexReader, n *match.Need) ([]string, error) {
	var sirens []string
	seen := map[string]bool{}
	for _, d := range n.CPVDivisions {
		for _, s := range n.Track.WinnersOf(d, n.TrackCut, trackScan) {
			if !seen[s] {
				seen[s] = true
				sirens = append(sirens, s)
			}
		}
	}
	if len(sirens) == 0 {
		return nil, nil
	}
	q := keywordsQuery(fSIREN, sirens)
	if !n.HasPoint {
		res, err := g.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, trackPoolSize, 0, false))
		if err != nil {
			return nil, fmt.Errorf("index: match: track record candidates: %w", err)
		}
		return hitIDs(res), nil
	}
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		return nil, err
	}
	ids, _, err := ix.nearestMatching(ctx, snap, cols, q, n.Place.Lat, n.Place.Lon, trackPoolSize)
	if err != nil {
		return nil, fmt.Errorf("index: match: track record candidates: %w", err)
	}
	return ids, nil
}

// appendUnseen appends to ids those of more not in seen, and marks them.
func appendUnseen(ids []string, seen map[string]bool, more []string) []string {
	for _, id := range more {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// hitIDs are the IDs of a search's hits, in order.
func hitIDs(res *bleve.SearchResult) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}
