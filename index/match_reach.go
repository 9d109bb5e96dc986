package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"fabrique/data"
	"fabrique/index/match"
)

// prepareNeed gives a need what the learned links and the reach of trades
// take: the links, and the number of suppliers its trades are counted
// against (match.Need.TradePool).
func (m *matcher) prepareNeed(ctx context.Context, n *match.Need, links *data.CPVNAFLinks) error {
	n.Links = links
	pool, err := m.ix.sectorSize(ctx, m.g, n.CPVDivisions, links)
	if err != nil {
		return err
	}
	if pool == 0 {
		pool = m.stats.n // no sector: the whole directory
	}
	n.TradePool = pool
	n.RareTrades = nil
	for _, d := range n.CPVDivisions {
		for _, l := range links.ForDivision(d) {
			count, err := m.tradeCount(ctx, l.NAF)
			if err != nil {
				return err
			}
			if match.RareTrade(count/pool) && !containsString(n.RareTrades, l.NAF) {
				n.RareTrades = append(n.RareTrades, l.NAF)
			}
		}
	}
	return nil
}

// rareTradePool returns the suppliers of the need's rare trades
// (Need.RareTrades), nearest first (or best first without a place): the
// widened pool of a rare trade, which the nearest of the whole sector
// would miss. sectorPool widens its radius until it holds a pool or
// covers France, and a rare trade holds less than a pool.
func (ix *Index) rareTradePool(ctx context.Context, g *generation, n *match.Need) ([]string, error) {
	if len(n.RareTrades) == 0 {
		return nil, nil
	}
	return ix.sectorPool(ctx, g, n, keywordsQuery(fNAF, n.RareTrades), candidatePool)
}

// sectorSize is the number of suppliers of the sector of the CPV
// divisions (sectorQuery: curated and learned NAF fits, declared codes,
// univers), the population a trade's rarity is a share of, as the
// measure of match.ReachStretch counts a CPV code's winners among those
// of all building works. Counted once per index version.
func (ix *Index) sectorSize(ctx context.Context, g *generation, divisions []string, links *data.CPVNAFLinks) (float64, error) {
	sq := sectorQuery(divisions, nil, links)
	if sq == nil {
		return 0, nil
	}
	key := sectorKey{divisions: strings.Join(divisions, ","), links: links}
	version := ix.version.Load()
	s := &ix.learn
	s.mu.Lock()
	if s.version != version || s.sectors == nil {
		s.version, s.sectors = version, map[sectorKey]float64{}
	}
	v, ok := s.sectors[key]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	req := bleve.NewSearchRequestOptions(sq, 0, 0, false)
	req.Score = "none" // a count: the scores of a whole sector are not read
	res, err := g.idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("index: match: sector size: %w", err)
	}
	v = float64(res.Total)
	s.mu.Lock()
	if s.version == version {
		if len(s.sectors) >= maxCachedSectors {
			clear(s.sectors)
		}
		s.sectors[key] = v
	}
	s.mu.Unlock()
	return v, nil
}

// maxCachedSectors bounds the cache of sector sizes: needs come with few
// distinct sets of divisions, and the evaluation's folds each have their
// own links.
const maxCachedSectors = 512

// countTrade sets the candidate's TradeCount, once per Match call (the
// candidates are cached across the needs of a tender).
func (m *matcher) countTrade(ctx context.Context, c *match.Candidate) error {
	if c.TradeCount > 0 {
		return nil
	}
	count, err := m.tradeCount(ctx, c.Supplier().NAF)
	c.TradeCount = count
	return err
}

// tradeCount is the number of the directory's suppliers that have the NAF
// code naf: one posting-list count per code and Match call, cached with
// the term statistics.
func (m *matcher) tradeCount(ctx context.Context, naf string) (float64, error) {
	if naf == "" {
		return 0, nil
	}
	key := "\x00naf:" + naf // never an analysed stem
	if v, ok := m.stats.df.get(key); ok {
		return v, nil
	}
	tfr, err := m.stats.r.TermFieldReader(ctx, []byte(naf), fNAF, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("index: match: %w", err)
	}
	count := float64(tfr.Count())
	if err := tfr.Close(); err != nil {
		return 0, fmt.Errorf("index: match: %w", err)
	}
	m.stats.df.put(key, count)
	return count, nil
}
