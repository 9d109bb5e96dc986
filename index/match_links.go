package index

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/search/query"

	"fabrique/data"
)

// AwardSource is where the CPV ↔ NAF links are learned from: every award
// the store holds, and the suppliers that won them. The store satisfies
// it.
type AwardSource interface {
	Awards(ctx context.Context, fn func(data.Award) error) error
	Supplier(ctx context.Context, id string) (data.Supplier, error)
}

// LearnCPVNAFLinks learns which NAF codes win which CPV divisions from the
// awards of src whose winner is a company of the directory (its NAF code
// known). It walks every award once, without holding them, and reads
// each winner once: call it when the awards change (see
// SetCPVNAFLinks), never per match.
func LearnCPVNAFLinks(ctx context.Context, src AwardSource) (*data.CPVNAFLinks, error) {
	learner := data.NewCPVNAFLearner()
	dir := newInDirectory(src)
	err := src.Awards(ctx, func(a data.Award) error {
		return dir.eachWonAward(ctx, a, learner.Add)
	})
	if err != nil {
		return nil, fmt.Errorf("index: learn CPV ↔ NAF links: %w", err)
	}
	return learner.Links(), nil
}

// WonAwards turns awards into the evidence the links are learned from:
// one data.WonAward per award and winner of the directory with a NAF
// code. Each winner is read once.
func WonAwards(ctx context.Context, src SupplierReader, awards []data.Award) ([]data.WonAward, error) {
	dir := newInDirectory(src)
	var out []data.WonAward
	for _, a := range awards {
		if err := dir.eachWonAward(ctx, a, func(w data.WonAward) { out = append(out, w) }); err != nil {
			return nil, fmt.Errorf("index: learn CPV ↔ NAF links: %w", err)
		}
	}
	return out, nil
}

// SupplierReader reads one supplier, or an error wrapping
// data.ErrNotFound (MatchSource and AwardSource are ones).
type SupplierReader interface {
	Supplier(ctx context.Context, id string) (data.Supplier, error)
}

// SetCPVNAFLinks sets the learned links Match uses when its options give
// none; nil goes back to the curated table only. The caller learns them
// once per change of the awards (LearnCPVNAFLinks).
func (ix *Index) SetCPVNAFLinks(l *data.CPVNAFLinks) { ix.learn.links.Store(l) }

// CPVNAFLinks returns the learned links set by SetCPVNAFLinks, or nil.
func (ix *Index) CPVNAFLinks() *data.CPVNAFLinks { return ix.learn.links.Load() }

// linksFor returns the links a match uses: those of its options, else the
// index's.
func (ix *Index) linksFor(opts MatchOptions) *data.CPVNAFLinks {
	if opts.Links != nil {
		return opts.Links
	}
	return ix.learn.links.Load()
}

// learnedBoost is the weight of a learned NAF code in the sector query,
// against primaryFitBoost for a curated primary fit: between a secondary
// and a primary one, since a learned link rests on fewer, unreviewed
// observations (see match.learnedFit for the score).
const learnedBoost = 1.5

// learnedNAFQuery matches the suppliers of the NAF codes that won awards
// of the divisions (nil when none did).
func learnedNAFQuery(links *data.CPVNAFLinks, divisions []string) query.Query {
	var codes []string
	for _, d := range divisions {
		for _, l := range links.ForDivision(d) {
			if !containsString(codes, l.NAF) {
				codes = append(codes, l.NAF)
			}
		}
	}
	if len(codes) == 0 {
		return nil
	}
	sort.Strings(codes)
	dis := make([]query.Query, len(codes))
	for i, c := range codes {
		dis[i] = termOn(c, fNAF, learnedBoost)
	}
	return query.NewDisjunctionQuery(dis)
}

// learnState is what the index keeps for the learned links and the reach
// of trades (Index.learn).
type learnState struct {
	links atomic.Pointer[data.CPVNAFLinks]
	track atomic.Pointer[data.TrackRecord] // SetTrackRecord (match_track.go)
	// sectors caches the number of suppliers of a sector (sectorSize), for
	// one index version: a sector is counted once per change, not per
	// match.
	mu      sync.Mutex
	version uint64
	sectors map[sectorKey]float64
}

type sectorKey struct {
	divisions string
	links     *data.CPVNAFLinks
}
