package observatory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fabrique/data"
)

// Source is what Build reads; *store.Store satisfies it.
type Source interface {
	Suppliers(ctx context.Context, fn func(data.Supplier) error) error
	Tenders(ctx context.Context, fn func(data.Tender) error) error
	Awards(ctx context.Context, fn func(data.Award) error) error
	CrawlRuns(ctx context.Context, limit int) ([]data.CrawlRun, error)
	// Tender reads one tender again, for the matcher: the walk keeps only
	// the facts of the open ones.
	Tender(ctx context.Context, id string) (data.Tender, error)
}

// CapableFunc returns the ids of the suppliers able to meet an open
// tender: the matcher's matches scoring at least CapableScore within
// CapableRadiusKm of the place of performance. The observatory does not
// rank suppliers itself: the caller runs the index's matcher (web's
// capableSuppliers). The ids, not a count, let the figures keep only the
// suppliers of one label (Filter.Label).
type CapableFunc func(ctx context.Context, t data.Tender) ([]string, error)

// The rule of a "capable" supplier, stated on the page.
const (
	// CapableScore is the lowest matcher score (out of 100) that counts.
	CapableScore = 40.0
	// CapableRadiusKm is the largest distance from the place of
	// performance that counts.
	CapableRadiusKm = 150.0
)

// BuildOptions tunes Build. The zero value is usable.
type BuildOptions struct {
	// Now is the day the facts are built on (zero: time.Now): it decides
	// which tenders are open and which labels were held for an award.
	Now time.Time
	// Capable, when set, is run on the tenders the facts keep (at most
	// MaxMatched of them: the open ones nearest deadline first, then the
	// others newest first). Without it no tender is evaluated.
	Capable CapableFunc
	// MaxMatched bounds the tenders matched by one Build (default 2 000);
	// the others are counted as not evaluated until a later Build or
	// Apply matches them (Facts.MatchPending).
	MaxMatched int
	// Previous facts lend their counts to tenders not updated since they
	// were matched: an open tender's for MatchTTL, a closed or awarded
	// one's for as long as the directory did not change, so that a
	// rebuild only matches what changed.
	Previous *Facts
	// MatchTTL is how long an open tender's count is reused (default 6 h).
	MatchTTL time.Duration
}

// Facts are the compact records the figures are aggregated from, built
// by Build or brought up to date by Apply. Their figures are never
// modified after Build or Apply returns, and they may be shared between
// goroutines; only Apply, which moves the private lookup to the facts it
// returns, may not run on the same facts twice.
type Facts struct {
	BuiltAt   time.Time
	BuildTook time.Duration
	Suppliers []SupplierFact
	// Tenders are the calls for tenders open on BuiltAt, and those closed
	// or awarded since that were published in the RecentMonths before it
	// (keptTender), in the order of the store's walk then of Apply's
	// changes.
	Tenders []TenderFact
	Awards  []AwardFact
	// contracts[i] is the contract ID of Awards[i] (data.ContractIDOf),
	// apart so that the aggregations, which never read it, scan 32 bytes
	// per award rather than 56; zero for a deleted award.
	contracts []data.ContractID
	Runs      []data.CrawlRun // newest first
	// TenderSources and AwardSources sum every tender and award by source,
	// open or not (tenders: published notices only, see published).
	TenderSources map[string]*ImportFacts
	AwardSources  map[string]*ImportFacts
	// TendersTotal counts every published notice in the store.
	TendersTotal int

	labelTypes []data.LabelType // bit i of AwardFact.labels is labelTypes[i]
	sources    []string         // AwardFact.source indexes it
	// sectors intern the sector codes of the suppliers, per kind, so that
	// an aggregation counts in slices rather than maps.
	sectors [sectorKinds]sectorTable
	// lookup lets Apply find the facts of a changed record; it moves to
	// the facts Apply returns (incremental.go).
	lookup *factLookup
	// FullBuildAt is when the walk of the whole store that these facts
	// descend from ran (Build; Apply keeps it).
	FullBuildAt time.Time
	// MatchPending counts the tenders left to match when the cap
	// (BuildOptions.MaxMatched) stopped the matcher: a later Build or
	// Apply, even without changes, matches them. 0 without a matcher.
	MatchPending int
	// directory is a fingerprint of the directory the counts were matched
	// against: the XOR of the suppliers' stamps (SupplierFact.stamp). A
	// closed tender's count is reused by a full Build only while it is the
	// same; Apply marks the counts a change may move (markStale).
	directory uint64
}

// The kinds of sector the coverage counts.
const (
	sectorNAFSection = iota
	sectorNAFDivision
	sectorUnivers
	sectorCPVDivision
	sectorKinds
)

// sectorTable interns the codes of one kind of sector.
type sectorTable struct {
	codes, names []string
	ids          map[string]uint16
}

func (t *sectorTable) id(code, name string) uint16 {
	if id, ok := t.ids[code]; ok {
		return id
	}
	if t.ids == nil {
		t.ids = map[string]uint16{}
	}
	id := uint16(len(t.codes))
	t.ids[code] = id
	t.codes, t.names = append(t.codes, code), append(t.names, name)
	return id
}

// sectorRef is a sector a supplier belongs to.
type sectorRef struct {
	kind uint8
	id   uint16
}

// addSupplier keeps a supplier's facts, interning its place and sectors.
func (f *Facts) addSupplier(sf SupplierFact) {
	f.Suppliers = append(f.Suppliers, f.intern(sf))
}

// intern sets the interned place and sectors of sf.
func (f *Facts) intern(sf SupplierFact) SupplierFact {
	sf.dep = depIndex(sf.Departement)
	sf.region = regionIndex(sf.Region)
	add := func(kind int, code, name string) {
		sf.sectors = append(sf.sectors, sectorRef{kind: uint8(kind), id: f.sectors[kind].id(code, name)})
	}
	add(sectorNAFSection, sf.NAFSection, "")
	add(sectorNAFDivision, sf.NAFDivision, "")
	for i, k := range sf.UniversKeys {
		add(sectorUnivers, k, sf.Univers[i])
	}
	for _, d := range sf.CPVDivisions {
		add(sectorCPVDivision, d, "")
	}
	return sf
}

// SupplierFact is what the figures need of one supplier.
type SupplierFact struct {
	ID           string
	Departement  string
	Region       string
	NAF          string   // rév. 2 sub-class, "" when unknown
	NAFSection   string   // "C", "" when the NAF code is unknown
	NAFDivision  string   // "25"
	Univers      []string // EPV univers, as first written
	UniversKeys  []string // the same, folded for grouping ("mode et beaute")
	CPVDivisions []string // divisions declared, inferred or implied by the NAF code
	Labels       []data.Label
	Claimed      bool
	Completeness int // per cent of the completeness fields filled (completenessFields)
	Sources      []string

	dep, region uint8       // interned Departement and Region (0: unknown)
	sectors     []sectorRef // set by Facts.intern
	siren       string
	at          geoPoint // where the supplier is, for the tenders it may serve
	// stamp is the hash of the supplier's id and last update: what the
	// matcher read of it (Facts.directory).
	stamp uint64
}

// geoPoint is a place; ok is false when it is unknown.
type geoPoint struct {
	lat, lon float64
	ok       bool
}

// TenderFact is what the figures need of one tender the facts keep
// (keptTender): open, or closed or awarded after a call.
type TenderFact struct {
	ID     string
	Title  string
	Source string
	State  data.TenderState
	// Outcome is data.StatusAwarded when the notices named the winners,
	// else "": the tender is then open until OpenUntil (statusOn).
	Outcome data.TenderStatus
	// OpenUntil is data.Tender.OpenUntil: the deadline, else the one
	// presumed from the publication, zero when neither is known (open).
	// Kept rather than recomputed: statusOn runs on every kept tender of
	// every aggregation, and a data.Tender to ask is a large value.
	OpenUntil   time.Time
	Deadline    time.Time
	PublishedAt time.Time
	UpdatedAt   time.Time
	Departement string
	Region      string
	// CPVDivision is the first declared CPV code's division, else that of
	// the most confident inferred code that classifies the tender
	// (data.Tender.ClassifyingInferredCPV, as the tenders' CPV filter and
	// facets count it): CPVInferred then.
	CPVDivision string
	CPVInferred bool
	// Capable is the number of capable suppliers; -1 when the tender was
	// not evaluated (no matcher, over MaxMatched, abroad, or the matcher
	// refused it: MatchError says why).
	Capable int
	// CapableLabels counts the capable suppliers by the label types they
	// have (held or holding, as Filter.Label reads them).
	CapableLabels map[data.LabelType]int
	MatchedAt     time.Time
	MatchError    string
	// Abroad marks a place of performance known to be outside France (a
	// foreign NUTS code, as in TED notices): such a tender is not matched
	// and not counted among the French open tenders.
	Abroad bool

	at geoPoint // the place of performance
	// stale marks a count that a supplier's change may have moved: it is
	// shown until the matcher runs again (Apply).
	stale bool
}

// AwardFact is what the figures need of one award, packed: a million of
// them weigh about 32 MB (and their contract IDs, Facts.contracts, 24 MB).
type AwardFact struct {
	Amount         float64 // euros excl. VAT, 0 when unknown
	LabelledAmount float64 // the part won by labelled companies (see Build)
	day            int32   // notification day since 1970-01-01; noDay when unknown
	dep            uint8   // index into depCodes()+1; regionOnly+index into regionCodes()+1 for a région alone; 0 unknown
	cpvDiv         uint8   // CPV division number; 0 unknown
	buyer          BuyerType
	labels         uint8 // bit i: a winner held Facts.labelTypes[i] on the day
	flags          uint8
	source         uint8 // index into Facts.sources
	// earlier is, on the record counted for a contract (markDuplicates),
	// the number of days from the contract's first notification (the
	// earliest of its publications' days) to this record's day: the
	// period and the years count the contract on day−earlier. 0 for a
	// contract published once, and for a record folded into another.
	earlier int32
}

const (
	awardListed       uint8 = 1 << iota // a winner is listed in the directory
	awardUnidentified                   // no winner has a well-formed SIRET or SIREN
	awardLabelled                       // a winner held a label on the notification day
	awardDefects                        // the record had defects as received
	awardDeleted                        // removed from the store since Build (Apply)
	awardDuplicate                      // another record of the same contract is counted for it (markDuplicates)
)

const noDay = data.NoDay

// ImportFacts sums the tenders or awards of one source.
type ImportFacts struct {
	Count        int
	LastImported time.Time // latest ImportedAt (tenders)
	First, Last  time.Time // publication or notification dates covered
	Defects      int       // records with defects as received
}

// completenessFields are the parts of a listing that make it complete,
// counted by Completeness.
var completenessFields = []struct {
	name string
	has  func(s *data.Supplier) bool
}{
	{"adresse", func(s *data.Supplier) bool { return s.Address.CommuneINSEE != "" }},
	{"code NAF", func(s *data.Supplier) bool { return s.NAF != "" }},
	{"effectif", func(s *data.Supplier) bool { return s.HeadcountBand != "" }},
	{"site web", func(s *data.Supplier) bool { return s.Website != "" }},
	{"contact", func(s *data.Supplier) bool { return len(s.Contacts) > 0 }},
	{"description", func(s *data.Supplier) bool { return strings.TrimSpace(s.Description) != "" }},
	{"produits", func(s *data.Supplier) bool { return len(s.Products) > 0 }},
	{"codes CPV déclarés", func(s *data.Supplier) bool { return len(s.CPVDeclared) > 0 }},
	{"zone d'intervention", func(s *data.Supplier) bool { return s.ServiceArea.Kind != data.ServiceAreaUnknown }},
	{"établissements", func(s *data.Supplier) bool { return len(s.Establishments) > 0 }},
}

// CompletenessFieldNames lists, in French, what the completeness counts.
func CompletenessFieldNames() []string {
	out := make([]string, len(completenessFields))
	for i, f := range completenessFields {
		out[i] = f.name
	}
	return out
}

// Completeness is the share of completenessFields the listing fills, in
// per cent.
func Completeness(s *data.Supplier) int {
	n := 0
	for _, f := range completenessFields {
		if f.has(s) {
			n++
		}
	}
	return n * 100 / len(completenessFields)
}

// SupplierFactOf extracts the facts of one supplier.
func SupplierFactOf(s *data.Supplier) SupplierFact {
	f := SupplierFact{ID: s.ID, Departement: s.Address.Departement, Region: s.Address.Region,
		NAF: s.NAF, Claimed: s.ClaimedBy != "", Completeness: Completeness(s), siren: s.SIREN,
		stamp: hashID(s.ID + "\x00" + strconv.FormatInt(s.UpdatedAt.UnixNano(), 10)),
		at:    geoPoint{lat: s.Address.Lat, lon: s.Address.Lon, ok: s.Address.Lat != 0 || s.Address.Lon != 0}}
	if f.Region == "" && f.Departement != "" {
		if d, ok := data.LookupDepartement(f.Departement); ok {
			f.Region = d.Region
		}
	}
	if n, ok := data.LookupNAF(s.NAF); ok {
		f.NAFSection, f.NAFDivision = n.Section, n.Division()
	}
	divs := map[string]bool{}
	for _, c := range s.CPVAll() {
		if d := data.CPVDivision(c); d != "" {
			divs[d] = true
		}
	}
	for _, c := range data.NAFCPVDivisions(s.NAF) {
		divs[data.CPVDivision(c)] = true
	}
	f.CPVDivisions = sortedKeys(divs)
	seenUnivers := map[string]bool{}
	seenSource := map[string]bool{}
	for _, l := range s.Labels {
		l.SourceURL, l.CertificateID, l.Range = "", "", "" // not needed: keep the facts small
		f.Labels = append(f.Labels, l)
		if l.Type == data.LabelEPV && strings.TrimSpace(l.Category) != "" {
			if k := universKey(l.Category); !seenUnivers[k] {
				seenUnivers[k] = true
				f.Univers = append(f.Univers, strings.TrimSpace(l.Category))
				f.UniversKeys = append(f.UniversKeys, k)
			}
		}
		if l.Source != "" && !seenSource[l.Source] {
			seenSource[l.Source] = true
			f.Sources = append(f.Sources, l.Source)
		}
	}
	return f
}

// universKey groups the spellings of one EPV univers ("Mode et beauté",
// "Mode et Beauté").
func universKey(s string) string { return strings.Join(data.Words(s), " ") }

// BestState is where the supplier stands for a label type on day t: the
// best state among its labels of that type (valid, then expiring, not
// re-found, expired, not yet); ok is false when it has none.
func (f *SupplierFact) BestState(t data.LabelType, day time.Time) (data.LabelState, bool) {
	best, found := data.LabelState(""), false
	for i := range f.Labels {
		if f.Labels[i].Type != t {
			continue
		}
		st := f.Labels[i].StateOn(day)
		if !found || stateRank(st) < stateRank(best) {
			best, found = st, true
		}
	}
	return best, found
}

// HoldsAny reports whether the supplier holds a label (of type t, or any
// when t is "") on day.
func (f *SupplierFact) HoldsAny(t data.LabelType, day time.Time) bool {
	for i := range f.Labels {
		if (t == "" || f.Labels[i].Type == t) && f.Labels[i].StateOn(day).Holds() {
			return true
		}
	}
	return false
}

func (f *SupplierFact) hasLabel(t data.LabelType) bool {
	return slices.ContainsFunc(f.Labels, func(l data.Label) bool { return l.Type == t })
}

// LabelStates lists the states in the order the figures show them.
func LabelStates() []data.LabelState {
	return []data.LabelState{data.LabelValid, data.LabelExpiring, data.LabelNotRefound, data.LabelExpired, data.LabelNotYet}
}

func stateRank(s data.LabelState) int { return slices.Index(LabelStates(), s) }

// Build walks the source once and returns the facts of every supplier,
// kept tender (keptTender) and award, and the crawl runs.
func Build(ctx context.Context, src Source, opts BuildOptions) (*Facts, error) {
	start := time.Now()
	opts = opts.withDefaults(start)
	now := opts.Now
	lk := newFactLookup()
	f := &Facts{BuiltAt: now, FullBuildAt: now, TenderSources: map[string]*ImportFacts{}, AwardSources: map[string]*ImportFacts{}}
	err := src.Suppliers(ctx, func(s data.Supplier) error {
		f.addSupplier(SupplierFactOf(&s))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("observatory: suppliers: %w", err)
	}
	f.labelTypes = labelTypesOf(f.Suppliers)
	lk.indexSuppliers(f.Suppliers)
	bySIREN := lk.bySIREN
	for i := range f.Suppliers {
		f.directory ^= f.Suppliers[i].stamp
	}

	err = src.Tenders(ctx, func(t data.Tender) error {
		if !published(&t) {
			return nil
		}
		f.TendersTotal++
		f.countTender(lk, &t)
		if keptTender(&t, now) {
			f.Tenders = append(f.Tenders, tenderFactOf(&t))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("observatory: tenders: %w", err)
	}
	f.carryCounts(opts)
	if err := f.matchTenders(ctx, src, now, opts); err != nil {
		return nil, err
	}

	sourceIdx := map[string]uint8{}
	err = src.Awards(ctx, func(a data.Award) error {
		imp := importOf(f.AwardSources, a.Source)
		imp.addDate(a.NotifiedAt)
		if len(a.Defects) > 0 {
			imp.Defects++
		}
		si, ok := sourceIdx[a.Source]
		if !ok && len(f.sources) < 255 {
			si = uint8(len(f.sources))
			sourceIdx[a.Source] = si
			f.sources = append(f.sources, a.Source)
		}
		lk.awardPos[hashID(a.ID)] = uint32(len(f.Awards))
		f.Awards = append(f.Awards, f.awardFact(&a, si, bySIREN, now))
		f.contracts = append(f.contracts, data.ContractIDOf(a))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("observatory: awards: %w", err)
	}
	f.markDuplicates(nil)
	if f.Runs, err = src.CrawlRuns(ctx, 0); err != nil {
		return nil, fmt.Errorf("observatory: crawl runs: %w", err)
	}
	f.BuildTook = time.Since(start)
	f.lookup = lk
	return f, nil
}

// withDefaults fills the zero fields of opts; start is the clock's
// reading when Now is zero.
func (opts BuildOptions) withDefaults(start time.Time) BuildOptions {
	if opts.Now.IsZero() {
		opts.Now = start
	}
	if opts.MaxMatched <= 0 {
		opts.MaxMatched = 2000
	}
	if opts.MatchTTL <= 0 {
		opts.MatchTTL = 6 * time.Hour
	}
	return opts
}

// labelTypesOf lists the label types the facts break down by: every label
// data knows (data.Labels), then the other codes the suppliers' sources
// gave, 8 in all at most (the bits of AwardFact.labels).
func labelTypesOf(sups []SupplierFact) []data.LabelType {
	seen := map[data.LabelType]bool{}
	var out []data.LabelType
	for _, t := range data.Labels() {
		seen[t] = true
		out = append(out, t)
	}
	for i := range sups {
		for _, l := range sups[i].Labels {
			if !seen[l.Type] && len(out) < 8 {
				seen[l.Type] = true
				out = append(out, l.Type)
			}
		}
	}
	return out
}

func importOf(m map[string]*ImportFacts, source string) *ImportFacts {
	imp := m[source]
	if imp == nil {
		imp = &ImportFacts{}
		m[source] = imp
	}
	imp.Count++
	return imp
}

func (imp *ImportFacts) addDate(t time.Time) {
	if t.IsZero() {
		return
	}
	if imp.First.IsZero() || t.Before(imp.First) {
		imp.First = t
	}
	if t.After(imp.Last) {
		imp.Last = t
	}
}

// published reports whether a tender is a published notice. The needs
// buyers describe on Fabrique (data.SourceNeed) are stored as tenders but
// are private sourcing, not calls for tenders: no figure counts them and
// no page of the observatory shows their titles.
func published(t *data.Tender) bool { return t.Source != data.SourceNeed }

// RecentMonths is how far back the facts keep the calls for tenders that
// are no longer open, by their publication day: the observatory answers
// for the notices of the last twelve months, open or not, and for any
// period within them. A million notices over four years keep about a
// quarter of them.
const RecentMonths = 12

// RecentSince is the first publication day (00:00 UTC) of the tenders
// no longer open that facts built on now keep: RecentMonths before now's
// day in Paris.
func RecentSince(now time.Time) time.Time { return labelDay(now).AddDate(0, -RecentMonths, 0) }

// keptTender reports whether the facts built on now keep a published
// tender: open on now, or closed or awarded after a call for tenders
// (data.Tender.CalledFor) published on or after RecentSince(now). Cancelled
// procedures and prior-information notices are not kept: nobody could
// answer them.
func keptTender(t *data.Tender, now time.Time) bool {
	switch t.StatusAt(now) {
	case data.StatusOpen:
		return true
	case data.StatusClosed, data.StatusAwarded:
		return t.CalledFor() && recent(t.PublishedAt, now)
	}
	return false
}

// recent reports whether a publication falls on or after RecentSince(now).
func recent(published, now time.Time) bool {
	return !published.IsZero() && dayNumber(published) >= dayNumber(RecentSince(now))
}

// tenderFactOf extracts the facts of a kept tender, not yet matched.
func tenderFactOf(t *data.Tender) TenderFact {
	place := data.ResolvePlace(t.Place)
	tf := TenderFact{ID: t.ID, Title: t.Title, Source: t.Source, State: t.State, Outcome: t.Outcome(), OpenUntil: t.OpenUntil(), Deadline: t.Deadline,
		PublishedAt: t.PublishedAt, UpdatedAt: t.UpdatedAt, CPVDivision: data.CPVDivision(t.CPV),
		Capable: -1, Abroad: place.Abroad(), at: geoPoint{lat: place.Lat, lon: place.Lon, ok: place.Lat != 0 || place.Lon != 0}}
	if d, ok := data.LookupDepartement(place.Departement); ok {
		tf.Departement, tf.Region = d.Code, d.Region
	} else if r, ok := data.RegionOfNUTS(place.NUTS); ok {
		tf.Region = r // a place known by its région alone
	}
	if tf.CPVDivision == "" {
		for _, c := range t.CPVCodes() {
			if tf.CPVDivision = data.CPVDivision(c); tf.CPVDivision != "" {
				break
			}
		}
	}
	if tf.CPVDivision == "" {
		for _, c := range t.ClassifyingInferredCPV() {
			if tf.CPVDivision = data.CPVDivision(c); tf.CPVDivision != "" {
				tf.CPVInferred = true
				break
			}
		}
	}
	return tf
}

// matchTenders counts the capable suppliers of the kept tenders that
// are due (dueForMatch): the open ones nearest deadline first, then the
// closed or awarded ones newest first, up to the cap; the others wait
// (MatchPending). A tender is read again from src for the matcher.
// Tenders abroad are not matched: the directory's French suppliers are
// not what they are counted for.
func (f *Facts) matchTenders(ctx context.Context, src Source, now time.Time, opts BuildOptions) error {
	f.MatchPending = 0
	if opts.Capable == nil {
		return nil
	}
	var due []int
	for i := range f.Tenders {
		if tf := &f.Tenders[i]; !tf.Abroad && tf.dueForMatch(now, opts.MatchTTL) {
			due = append(due, i)
		}
	}
	slices.SortFunc(due, func(i, j int) int { return matchOrder(&f.Tenders[i], &f.Tenders[j], now) })
	if len(due) > opts.MaxMatched {
		for _, i := range due[opts.MaxMatched:] {
			if f.Tenders[i].MatchError == "" { // a tender the matcher refused is tried again, not awaited
				f.MatchPending++
			}
		}
		due = due[:opts.MaxMatched]
	}
	for _, i := range due {
		tf := &f.Tenders[i]
		t, err := src.Tender(ctx, tf.ID)
		if errors.Is(err, data.ErrNotFound) {
			continue // deleted since the walk
		}
		if err != nil {
			return fmt.Errorf("observatory: tender %s: %w", tf.ID, err)
		}
		ids, err := opts.Capable(ctx, t)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("observatory: match %s: %w", tf.ID, err)
			}
			tf.MatchError = err.Error()
			continue
		}
		tf.Capable, tf.CapableLabels = f.capableLabels(ids)
		tf.MatchedAt, tf.MatchError, tf.stale = now, "", false
	}
	return nil
}

// dueForMatch reports whether the tender's count is to be matched (again)
// on now: never matched, stale, or, while open, matched ttl ago or more.
// A closed or awarded tender's count does not expire: the tender no
// longer changes, and a change of the directory marks it stale.
func (t *TenderFact) dueForMatch(now time.Time, ttl time.Duration) bool {
	if t.Capable < 0 || t.stale {
		return true
	}
	return t.statusOn(now) == data.StatusOpen && now.Sub(t.MatchedAt) >= ttl
}

// matchOrder orders the tenders to match: the open ones on now first,
// nearest deadline first, then the others newest publication first, then
// by id.
func matchOrder(a, b *TenderFact, now time.Time) int {
	ao, bo := a.statusOn(now) == data.StatusOpen, b.statusOn(now) == data.StatusOpen
	switch {
	case ao != bo:
		if ao {
			return -1
		}
		return 1
	case ao && !a.Deadline.Equal(b.Deadline):
		if deadlineBefore(a.Deadline, b.Deadline) {
			return -1
		}
		return 1
	case !ao && !a.PublishedAt.Equal(b.PublishedAt):
		return b.PublishedAt.Compare(a.PublishedAt)
	}
	return cmpString(a.ID, b.ID)
}

// statusOn is where the tender stands on day, as data.Tender.StatusAt
// says it: its outcome when the notices named one (awarded), else open
// until OpenUntil, closed after.
func (t *TenderFact) statusOn(day time.Time) data.TenderStatus {
	if t.Outcome != "" {
		return t.Outcome
	}
	if t.OpenUntil.IsZero() || day.Before(t.OpenUntil) {
		return data.StatusOpen
	}
	return data.StatusClosed
}

// capableLabels counts the capable suppliers of ids, all and by the label
// types they have. An id unknown to the facts (a supplier written since
// they were read) counts in the total only.
func (f *Facts) capableLabels(ids []string) (int, map[data.LabelType]int) {
	byLabel := map[data.LabelType]int{}
	for _, id := range ids {
		// The suppliers are in id order: the store's walk, kept by Apply.
		i, ok := slices.BinarySearchFunc(f.Suppliers, id, func(s SupplierFact, id string) int { return cmpString(s.ID, id) })
		if !ok {
			continue
		}
		labels := f.Suppliers[i].Labels
		for j, l := range labels {
			if !slices.ContainsFunc(labels[:j], func(o data.Label) bool { return o.Type == l.Type }) {
				byLabel[l.Type]++
			}
		}
	}
	return len(ids), byLabel
}

// carryCounts lends the previous facts' counts to the tenders not
// updated since they were matched: an open tender's when matched less
// than MatchTTL ago; a closed or awarded one's always, marked stale when
// the directory changed since (the count is shown until the matcher runs
// again, within the cap).
func (f *Facts) carryCounts(opts BuildOptions) {
	if opts.Previous == nil {
		return
	}
	prev := make(map[string]*TenderFact, len(opts.Previous.Tenders))
	for i := range opts.Previous.Tenders {
		p := &opts.Previous.Tenders[i]
		prev[p.ID] = p
	}
	moved := opts.Previous.directory != f.directory
	for i := range f.Tenders {
		tf := &f.Tenders[i]
		p := prev[tf.ID]
		if p == nil || p.Capable < 0 || !p.UpdatedAt.Equal(tf.UpdatedAt) {
			continue
		}
		switch {
		case tf.statusOn(opts.Now) == data.StatusOpen:
			if opts.Now.Sub(p.MatchedAt) < opts.MatchTTL {
				tf.Capable, tf.CapableLabels, tf.MatchedAt, tf.stale = p.Capable, p.CapableLabels, p.MatchedAt, p.stale
			}
		default:
			tf.Capable, tf.CapableLabels, tf.MatchedAt, tf.stale = p.Capable, p.CapableLabels, p.MatchedAt, p.stale || moved
		}
	}
}

// deadlineBefore orders deadlines soonest first, tenders without one last.
func deadlineBefore(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return !a.IsZero() && b.IsZero()
	}
	return a.Before(b)
}

// awardFact packs one award. A winner counts as labelled when the
// directory lists its SIREN with a label held on the notification day, as
// the notice wrote it (on now when the award has no date). The labelled amount is the sum of the
// labelled winners' own amounts when the source gives them, else the
// award's whole amount.
func (f *Facts) awardFact(a *data.Award, source uint8, bySIREN map[string]int, now time.Time) AwardFact {
	af := AwardFact{Amount: a.Amount, day: noDay, buyer: ClassifyBuyer(a.Buyer.Name), source: source}
	day := labelDay(now)
	if !a.NotifiedAt.IsZero() {
		af.day = dayNumber(a.NotifiedAt)
		// The notification day, as a label's dates are written: 00:00 UTC.
		// The instant (00:00 in Paris, the day before in UTC) fell before
		// a label granted that day and after one that ended that day.
		day = dayTime(af.day)
	}
	place := data.ResolvePlace(a.Place)
	af.dep = depIndex(place.Departement)
	if af.dep == 0 {
		af.dep = regionOnlyIndex(place.NUTS)
	}
	if n, err := strconv.Atoi(data.CPVDivision(a.CPV)); err == nil && n > 0 && n < 256 {
		af.cpvDiv = uint8(n)
	}
	identified, sumWinners, labelledWinners := false, 0.0, 0.0
	anyWinnerAmount := false
	for _, w := range a.Winners {
		sumWinners += w.Amount
		anyWinnerAmount = anyWinnerAmount || w.Amount > 0
		siren := winnerSIREN(w.SIRET)
		if siren == "" {
			continue
		}
		identified = true
		i, ok := bySIREN[siren]
		if !ok {
			continue
		}
		af.flags |= awardListed
		held := false
		for b, lt := range f.labelTypes {
			if f.Suppliers[i].HoldsAny(lt, day) {
				af.labels |= 1 << b
				held = true
			}
		}
		if held {
			af.flags |= awardLabelled
			labelledWinners += w.Amount
		}
	}
	if !identified {
		af.flags |= awardUnidentified
	}
	if len(a.Defects) > 0 {
		af.flags |= awardDefects
	}
	if af.Amount == 0 && anyWinnerAmount {
		af.Amount = sumWinners
	}
	if af.flags&awardLabelled != 0 {
		af.LabelledAmount = af.Amount
		if anyWinnerAmount {
			af.LabelledAmount = labelledWinners
		}
	}
	return af
}

// markDuplicates folds the records of one contract into one: the live
// awards that share a part of their contract ID, directly or through
// other records, are one contract (data.GroupContracts, the grouping a
// company's « Marchés publics remportés » shares) —
// published by two platforms, or again by its buyer at each modification,
// with another notification date and often an amended amount. The
// contract counts once, as its latest publication gives it (the amount
// after the modifications, as the supplier page shows it), on the day it
// was first notified (earlier); the other records are marked
// awardDuplicate. With only (Apply: the parts of the IDs of the changed
// awards, before and after), only the contracts that hold one of those
// parts are folded again; nil folds every award (Build).
//
// In the DECP shipped as seed, 2 757 of the 17 303 records are the same
// contract as another: Saint-Suliac's « 2024TRAVEGL » is published five
// times with three amounts between July and November 2024 and counted
// once, for 87 596,27 € (its November amount), in July.
func (f *Facts) markDuplicates(only map[uint64]bool) {
	if only != nil && len(only) == 0 {
		return
	}
	live := func(i int) bool { return f.Awards[i].flags&awardDeleted == 0 && f.contracts[i] != (data.ContractID{}) }
	var members []uint32 // the records to fold again, in slice order
	if only == nil {
		members = make([]uint32, 0, len(f.Awards))
		for i := range f.Awards {
			if live(i) {
				members = append(members, uint32(i))
			}
		}
	} else {
		// The records holding a part of only, then those sharing a part
		// with them, until none is added: the contracts the changes touch.
		in := map[uint32]bool{}
		for grew := true; grew; {
			grew = false
			for i := range f.Awards {
				id := &f.contracts[i]
				if in[uint32(i)] || !(only[id[0]] || only[id[1]] || only[id[2]]) || !live(i) {
					continue
				}
				in[uint32(i)], grew = true, true
				for _, p := range id {
					if p != 0 {
						only[p] = true
					}
				}
			}
		}
		for i := range in {
			members = append(members, i)
		}
		slices.Sort(members)
	}
	// The contracts of the members (data.GroupContracts, the grouping the
	// supplier page shares): per contract, the record counted and the
	// first day.
	group, n := data.GroupContracts(len(members), func(m int) data.ContractID { return f.contracts[members[m]] })
	const none = ^uint32(0)
	counted := make([]uint32, n)
	first := make([]int32, n)
	for g := range counted {
		counted[g] = none
	}
	for m, i := range members {
		a := &f.Awards[i]
		a.flags |= awardDuplicate
		a.earlier = 0
		r := group[m]
		if counted[r] == none {
			counted[r], first[r] = i, a.day
			continue
		}
		if a.day != noDay && (first[r] == noDay || a.day < first[r]) {
			first[r] = a.day
		}
		if f.laterPublication(a, &f.Awards[counted[r]]) {
			counted[r] = i
		}
	}
	for r, i := range counted {
		if i != none {
			a := &f.Awards[i]
			a.flags &^= awardDuplicate
			a.earlier = 0
			if a.day != noDay { // then first[r] is dated too: an undated record is never the latest
				a.earlier = a.day - first[r]
			}
		}
	}
}

// laterPublication reports whether a is a later publication of a contract
// than b: data.Publication.Later (a later notification day, an undated
// one the earliest; a larger amount on one day; the larger source name,
// as the supplier page picks it), then an order of their figures, so that the record counted — and the source it counts under
// (AwardShare.BySource) — does not depend on the order of the records
// (Build's walk, Apply's appends). scripts/obs-recompute follows it up to
// the CPV division.
func (f *Facts) laterPublication(a, b *AwardFact) bool {
	pa := data.Publication{Day: a.day, Amount: a.Amount, Source: f.sourceName(a.source)}
	pb := data.Publication{Day: b.day, Amount: b.Amount, Source: f.sourceName(b.source)}
	if pa.Later(pb) || pb.Later(pa) {
		return pa.Later(pb)
	}
	ka := [...]uint8{a.dep, a.cpvDiv, uint8(a.buyer), a.labels, a.flags &^ awardDuplicate}
	kb := [...]uint8{b.dep, b.cpvDiv, uint8(b.buyer), b.labels, b.flags &^ awardDuplicate}
	if c := slices.Compare(ka[:], kb[:]); c != 0 {
		return c > 0
	}
	return a.LabelledAmount > b.LabelledAmount
}

// sourceName is the source of index i of f.sources, "" when none.
func (f *Facts) sourceName(i uint8) string {
	if int(i) < len(f.sources) {
		return f.sources[i]
	}
	return ""
}

// winnerSIREN is the SIREN of a winner identifier as found in the DECP (a
// SIRET, sometimes a SIREN) when its key is right, else "".
func winnerSIREN(id string) string {
	id = data.CleanDigits(id)
	switch {
	case len(id) == 14 && data.ValidSIRET(id) == nil:
		return id[:9]
	case len(id) == 14 && data.ValidSIREN(id[:9]) == nil:
		return id[:9] // establishments of La Poste and a few others break the SIRET key, not the SIREN's
	case len(id) == 9 && data.ValidSIREN(id) == nil:
		return id
	}
	return ""
}

// dayNumber is the number of t's calendar day since 1970-01-01, the day
// as the notice wrote it (in t's own offset): BOAMP and DECP date in Paris
// time, and a contract notified on 1 October at 00:00+02:00 belongs to
// October, not to 30 September in UTC. ParsePeriod's bounds, at 00:00 UTC,
// keep their day.
func dayNumber(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayTime(d int32) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// labelDay is t's calendar day in Paris at 00:00 UTC, the form of a
// label's dates: the day a label state is decided on. At 23:30 UTC on 7
// December it is 8 December, the day the page names.
func labelDay(t time.Time) time.Time {
	y, m, d := t.In(data.Paris()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// depCodes are the département codes in order, for AwardFact.dep.
var depCodes = sync.OnceValue(func() []string {
	var out []string
	for _, d := range data.Departements() {
		out = append(out, d.Code)
	}
	return out
})

func depIndex(code string) uint8 {
	i, ok := slices.BinarySearch(depCodes(), code)
	if !ok || code == "" {
		return 0
	}
	return uint8(i + 1)
}

// regionCodes are the région codes in order; regionIndex is 1 + the
// position of a code, 0 for an unknown one.
var regionCodes = sync.OnceValue(func() []string {
	var out []string
	for _, r := range data.Regions() {
		out = append(out, r.Code)
	}
	return out
})

func regionIndex(code string) uint8 {
	i, ok := slices.BinarySearch(regionCodes(), code)
	if !ok || code == "" {
		return 0
	}
	return uint8(i + 1)
}

// regionOnly is where the places known by their région alone start in
// AwardFact.dep: regionOnly+1+i is regionCodes()[i].
const regionOnly = 128

// regionOnlyIndex is AwardFact.dep of a place known by its NUTS code only:
// the région's (data.RegionOfNUTS), 0 when none.
func regionOnlyIndex(nuts string) uint8 {
	r, ok := data.RegionOfNUTS(nuts)
	if !ok {
		return 0
	}
	if i := regionIndex(r); i > 0 {
		return regionOnly + i
	}
	return 0
}

func depOf(i uint8) string {
	if i == 0 {
		return ""
	}
	return depCodes()[i-1]
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
