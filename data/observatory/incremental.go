package observatory

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"time"

	"fabrique/data"
)

// Incremental refresh. Build walks the whole store: at a million tenders
// and a million awards that is tens of seconds of CPU. Apply brings facts
// up to date from the ids the store's write paths report (suppliers,
// tenders, awards), reading only those records again, plus the awards
// won by a changed supplier (its labels decide theirs). Its result equals
// what Build would compute from the same store, with two exceptions that
// only a full Build repairs (it stays as a periodic safety net): the
// first and last dates of a source only grow (a record moved or removed
// at an end of the range leaves it as it was), and an award without a
// notification date keeps the label its winner held when it was last
// read. A change that brings a new kind of label (labelTypes) asks for a
// full Build (ErrRebuild).

// ErrRebuild says that Apply cannot bring the facts up to date: call
// Build.
var ErrRebuild = errors.New("observatory: a full build is needed")

// Changes lists the ids of the records a write changed (created, updated
// or deleted).
type Changes struct {
	Suppliers, Tenders, Awards []string
}

// Len is the number of ids listed.
func (c Changes) Len() int { return len(c.Suppliers) + len(c.Tenders) + len(c.Awards) }

// Add appends o's ids to c.
func (c *Changes) Add(o Changes) {
	c.Suppliers = append(c.Suppliers, o.Suppliers...)
	c.Tenders = append(c.Tenders, o.Tenders...)
	c.Awards = append(c.Awards, o.Awards...)
}

// ChangeSource is what Apply reads: the Source and single records;
// *store.Store satisfies it.
type ChangeSource interface {
	Source
	Supplier(ctx context.Context, id string) (data.Supplier, error)
	Award(ctx context.Context, id string) (data.Award, error)
	AwardsBySIREN(ctx context.Context, siren string) ([]data.Award, error)
}

// factLookup finds the facts of a record by id. Tenders and awards are
// keyed by the 64-bit FNV-1a hash of their id (a million ids weigh about
// 20 MB this way; two ids of a store sharing a hash have a chance of
// about 1 in 10^7 at a million ids). It belongs to one lineage of facts:
// Apply moves it from the facts it reads to those it returns, and only
// Apply reads or changes it.
type factLookup struct {
	bySIREN map[string]int // supplier index of a SIREN (the last in id order)
	// tenderSource holds every tender of the store: its source, as an
	// index into tenderSources.
	tenderSource  map[uint64]uint8
	tenderSources []string
	awardPos      map[uint64]uint32 // index into Facts.Awards
	// packedAwardPos and packedTenderSource hold, for facts read from a
	// file (persist.go), what awardPos and tenderSource are to hold: a
	// million map entries cost about half a second of CPU, which the
	// first Apply pays (unpack) rather than the start.
	packedAwardPos, packedTenderSource []byte
}

func newFactLookup() *factLookup {
	return &factLookup{tenderSource: map[uint64]uint8{}, awardPos: map[uint64]uint32{}}
}

func hashID(id string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return h.Sum64()
}

// indexSuppliers maps the SIRENs of sups to their position, the last one
// winning as in a walk in id order.
func (lk *factLookup) indexSuppliers(sups []SupplierFact) {
	lk.bySIREN = make(map[string]int, len(sups))
	for i := range sups {
		if sups[i].siren != "" {
			lk.bySIREN[sups[i].siren] = i
		}
	}
}

// countTender adds t to the per-source counts and remembers its source.
func (f *Facts) countTender(lk *factLookup, t *data.Tender) {
	imp := importOf(f.TenderSources, t.Source)
	imp.addDate(t.PublishedAt)
	if t.ImportedAt.After(imp.LastImported) {
		imp.LastImported = t.ImportedAt
	}
	si := slices.Index(lk.tenderSources, t.Source)
	if si < 0 && len(lk.tenderSources) < 255 {
		si = len(lk.tenderSources)
		lk.tenderSources = append(lk.tenderSources, t.Source)
	}
	lk.tenderSource[hashID(t.ID)] = uint8(max(si, 0))
}

// uncount removes one record of source from m, and the source when none
// is left (as Build, which never saw it, would).
func uncount(m map[string]*ImportFacts, source string, defects bool) {
	imp := m[source]
	if imp == nil {
		return
	}
	imp.Count--
	if defects {
		imp.Defects--
	}
	if imp.Count <= 0 {
		delete(m, source)
	}
}

// Apply returns facts brought up to date with the changes, built on
// opts.Now, matching the kept tenders that are new, changed, near a
// changed supplier, or left over by an earlier cap (opts.Capable, at most
// opts.MaxMatched; the others keep their count until a later Apply). A
// tender that closed since keeps its count. f stays valid for its readers, but
// only the returned facts may be applied to again: a second Apply of f,
// or of facts an Apply failed on, returns ErrRebuild.
func (f *Facts) Apply(ctx context.Context, src ChangeSource, ch Changes, opts BuildOptions) (*Facts, error) {
	start := time.Now()
	opts = opts.withDefaults(start)
	lk := f.lookup
	if lk == nil {
		return nil, ErrRebuild
	}
	f.lookup = nil
	lk.unpack()
	n := &Facts{BuiltAt: opts.Now, FullBuildAt: f.FullBuildAt, directory: f.directory, Suppliers: f.Suppliers, Awards: f.Awards, contracts: f.contracts,
		TendersTotal: f.TendersTotal, labelTypes: f.labelTypes, sources: slices.Clone(f.sources),
		TenderSources: cloneImports(f.TenderSources), AwardSources: cloneImports(f.AwardSources)}
	for k := range n.sectors {
		t := &f.sectors[k]
		n.sectors[k] = sectorTable{codes: slices.Clone(t.codes), names: slices.Clone(t.names), ids: maps.Clone(t.ids)}
	}
	// The tenders of f still kept now (the window of the closed ones
	// moves with the day); the changed ones go.
	changedTenders := set(ch.Tenders)
	n.Tenders = make([]TenderFact, 0, len(f.Tenders)+len(changedTenders))
	for i := range f.Tenders {
		if t := &f.Tenders[i]; t.keptOn(opts.Now) && !changedTenders[t.ID] {
			n.Tenders = append(n.Tenders, *t)
		}
	}

	moved, sirens, err := n.applySuppliers(ctx, src, lk, ch.Suppliers)
	if err != nil {
		return nil, err
	}
	if err := n.applyTenders(ctx, src, lk, changedTenders); err != nil {
		return nil, err
	}
	n.markStale(moved)
	awards := set(ch.Awards)
	for siren := range sirens {
		won, err := src.AwardsBySIREN(ctx, siren)
		if err != nil {
			return nil, fmt.Errorf("observatory: awards of %s: %w", siren, err)
		}
		for _, a := range won {
			awards[a.ID] = true
		}
	}
	if err := n.applyAwards(ctx, src, lk, awards); err != nil {
		return nil, err
	}
	if err := n.matchTenders(ctx, src, opts.Now, opts); err != nil {
		return nil, err
	}
	if n.Runs, err = src.CrawlRuns(ctx, 0); err != nil {
		return nil, fmt.Errorf("observatory: crawl runs: %w", err)
	}
	n.BuildTook = time.Since(start)
	n.lookup = lk
	return n, nil
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func cloneImports(m map[string]*ImportFacts) map[string]*ImportFacts {
	out := make(map[string]*ImportFacts, len(m))
	for k, v := range m {
		c := *v
		out[k] = &c
	}
	return out
}

// applySuppliers reads the changed suppliers again. It returns where the
// changed suppliers were and are (an unknown place is returned too: it
// concerns the tenders without a place) and the SIRENs whose awards must
// be counted again.
func (n *Facts) applySuppliers(ctx context.Context, src ChangeSource, lk *factLookup, ids []string) ([]geoPoint, map[string]bool, error) {
	sirens := map[string]bool{}
	if len(ids) == 0 {
		return nil, sirens, nil
	}
	n.Suppliers = slices.Clone(n.Suppliers)
	pos := make(map[string]int, len(n.Suppliers))
	for i := range n.Suppliers {
		pos[n.Suppliers[i].ID] = i
	}
	var moved []geoPoint
	removed, added := false, false
	for id := range set(ids) {
		s, err := src.Supplier(ctx, id)
		if err != nil && !errors.Is(err, data.ErrNotFound) {
			return nil, nil, fmt.Errorf("observatory: supplier %s: %w", id, err)
		}
		i, had := pos[id]
		if had {
			old := &n.Suppliers[i]
			sirens[old.siren] = true
			moved = append(moved, old.at)
			n.directory ^= old.stamp
		}
		if err != nil { // deleted
			if had {
				n.Suppliers[i].ID, removed = "", true
			}
			continue
		}
		sf := n.intern(SupplierFactOf(&s))
		n.directory ^= sf.stamp
		sirens[sf.siren] = true
		moved = append(moved, sf.at)
		if had {
			n.Suppliers[i] = sf
		} else {
			pos[id] = len(n.Suppliers)
			n.Suppliers = append(n.Suppliers, sf)
			added = true
		}
	}
	if removed {
		n.Suppliers = slices.DeleteFunc(n.Suppliers, func(s SupplierFact) bool { return s.ID == "" })
	}
	if added {
		slices.SortFunc(n.Suppliers, func(a, b SupplierFact) int { return cmpString(a.ID, b.ID) })
	}
	if !slices.Equal(labelTypesOf(n.Suppliers), n.labelTypes) {
		return nil, nil, ErrRebuild // award label bits would change meaning
	}
	lk.indexSuppliers(n.Suppliers)
	delete(sirens, "")
	return moved, sirens, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// applyTenders reads the changed tenders again: counts per source, and
// the facts of those kept now (keptTender; not matched yet).
func (n *Facts) applyTenders(ctx context.Context, src ChangeSource, lk *factLookup, ids map[string]bool) error {
	for id := range ids {
		t, err := src.Tender(ctx, id)
		if err != nil && !errors.Is(err, data.ErrNotFound) {
			return fmt.Errorf("observatory: tender %s: %w", id, err)
		}
		h := hashID(id)
		if si, had := lk.tenderSource[h]; had {
			n.TendersTotal--
			if int(si) < len(lk.tenderSources) {
				uncount(n.TenderSources, lk.tenderSources[si], false)
			}
			delete(lk.tenderSource, h)
		}
		if err != nil || !published(&t) { // deleted, or a buyer's need
			continue
		}
		n.TendersTotal++
		n.countTender(lk, &t)
		if keptTender(&t, n.BuiltAt) {
			n.Tenders = append(n.Tenders, tenderFactOf(&t))
		}
	}
	return nil
}

// maxMovedPoints bounds the distance checks of markStale: past it, every
// kept tender is marked.
const maxMovedPoints = 256

// markStale marks the kept tenders whose capable suppliers may have
// changed: those within CapableRadiusKm of a changed supplier's old or
// new place, and those without a place (their suppliers are counted at
// any distance) when any supplier changed.
func (n *Facts) markStale(moved []geoPoint) {
	if len(moved) == 0 {
		return
	}
	for i := range n.Tenders {
		t := &n.Tenders[i]
		if t.Capable < 0 || t.stale {
			continue
		}
		if !t.at.ok || len(moved) > maxMovedPoints {
			t.stale = true
			continue
		}
		for _, p := range moved {
			if p.ok && near(t.at, p) && data.DistanceKm(t.at.lat, t.at.lon, p.lat, p.lon) <= CapableRadiusKm {
				t.stale = true
				break
			}
		}
	}
}

// applyAwards reads the changed awards again (and those of the changed
// suppliers' SIRENs). A deleted award stays in the slice, marked.
func (n *Facts) applyAwards(ctx context.Context, src ChangeSource, lk *factLookup, ids map[string]bool) error {
	if len(ids) == 0 {
		return nil
	}
	n.Awards, n.contracts = slices.Clone(n.Awards), slices.Clone(n.contracts)
	keys := map[uint64]bool{} // the contract ID parts of the changed awards, before and after: their contracts are folded again
	defer func() { n.markDuplicates(keys) }()
	addKeys := func(id data.ContractID) {
		for _, p := range id {
			if p != 0 {
				keys[p] = true
			}
		}
	}
	for id := range ids {
		a, err := src.Award(ctx, id)
		if err != nil && !errors.Is(err, data.ErrNotFound) {
			return fmt.Errorf("observatory: award %s: %w", id, err)
		}
		h := hashID(id)
		p, had := lk.awardPos[h]
		if had {
			old := &n.Awards[p]
			addKeys(n.contracts[p])
			if old.flags&awardDeleted == 0 && int(old.source) < len(n.sources) {
				uncount(n.AwardSources, n.sources[old.source], old.flags&awardDefects != 0)
			}
		}
		if err != nil { // deleted
			if had {
				n.Awards[p], n.contracts[p] = AwardFact{flags: awardDeleted}, data.ContractID{}
			}
			continue
		}
		imp := importOf(n.AwardSources, a.Source)
		imp.addDate(a.NotifiedAt)
		if len(a.Defects) > 0 {
			imp.Defects++
		}
		si := slices.Index(n.sources, a.Source)
		if si < 0 {
			if len(n.sources) >= 255 {
				return ErrRebuild
			}
			si = len(n.sources)
			n.sources = append(n.sources, a.Source)
		}
		af, id := n.awardFact(&a, uint8(si), lk.bySIREN, n.BuiltAt), data.ContractIDOf(a)
		addKeys(id)
		if had {
			n.Awards[p], n.contracts[p] = af, id
		} else {
			lk.awardPos[h] = uint32(len(n.Awards))
			n.Awards, n.contracts = append(n.Awards, af), append(n.contracts, id)
		}
	}
	return nil
}

// near is a cheap test before the distance: false only when the two
// points are more than CapableRadiusKm apart in latitude alone (a degree
// of latitude is 111 km everywhere). It spares most of the distances of
// markStale, which a year of closed tenders multiplies.
func near(a, b geoPoint) bool {
	const maxDegrees = CapableRadiusKm/111.0 + 0.05
	d := a.lat - b.lat
	return d <= maxDegrees && d >= -maxDegrees
}
