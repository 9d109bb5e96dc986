package observatory

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"time"

	"fabrique/data"
)

// Persisted facts. A server that stops cleanly writes its facts to a file
// (WriteFacts) so that the next start serves them at once instead of
// walking the whole store again (tens of seconds of CPU at a million
// awards). The file is only a cache: ReadFacts refuses, with a reason,
// anything it cannot trust, and the caller then builds the facts as
// without it.
//
// Layout (integers little-endian):
//
//	magic      8 bytes  "FABOBSF\n"
//	version    uint32   FactsFormatVersion
//	stamp len  uint32   then the stamp: the caller's identity of the store
//	                    state the facts describe (see web's clean-stop marker)
//	body len   uint64
//	body crc   uint32   CRC-32C (Castagnoli) of the body
//	body                gob of factsFile
//
// The body is gob for the parts with nested, variable records (suppliers,
// kept tenders, crawl runs, per-source sums) and packed fixed-width bytes
// for the million-row tables (awards and the id hashes of the lookup):
// gob spends about a microsecond per struct, which a million awards turn
// into a second at start (BenchmarkFactsAwardsCodec measures both).

// FactsFormatVersion is the version of the file layout and of factsFile;
// any change to either, or to the meaning of a packed field, raises it.
// Version 2: open tenders carry their capable suppliers by label and
// whether they are abroad, and buyers' needs are no longer in the facts.
// Version 3: an award's packed day is its notification day as the notice
// wrote it (dayNumber), no longer the UTC day.
// Version 4: an open tender that declares no CPV code has the division of
// its classifying inferred code (TenderFact.CPVInferred).
// Version 5: an award's packed place may be a région alone (regionOnly),
// and an open tender's région is known from a région's NUTS code.
// Version 6: an award's label bits are the labels held on its notification
// day, no longer at the instant of the notice's midnight.
// Version 7: a prior-information notice, or a result notice without a
// call, is no longer an open tender (data.NoticeKindOf): facts saved
// before counted them.
// Version 8: an award carries the key of its contract (awardKey) and may
// be marked a duplicate of an earlier record.
// Version 9: an award carries its contract's ID (data.ContractIDOf) and
// the days from the contract's first notification: the records of one contract
// (modifications, other platforms) are folded into its latest one, where
// version 8 only folded the copies of one day and amount.
// Version 10: the tenders kept are the calls open on BuiltAt and those
// closed or awarded since that were published in the RecentMonths before
// it, with their outcome and end (TenderFact.Outcome, OpenUntil); a
// supplier carries its stamp and the facts the directory's fingerprint,
// which decide whether a closed tender's count is reused; MatchPending
// is kept.
const FactsFormatVersion = 10

// ErrFactsFile says a facts file may not be used; the wrapped message says
// why (truncated, corrupted, another format version, another store).
var ErrFactsFile = errors.New("observatory: facts file not usable")

var factsMagic = [8]byte{'F', 'A', 'B', 'O', 'B', 'S', 'F', '\n'}

// maxFactsBody bounds the body a header may announce (a corrupted length
// must not allocate the machine away): 16 GiB.
const maxFactsBody = 16 << 30

// maxStamp bounds the stamp's length.
const maxStamp = 1 << 10

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// factsFile is the gob body: the exported figures of Facts and what its
// unexported lookup tables need to be rebuilt.
type factsFile struct {
	BuiltAt, FullBuildAt time.Time
	BuildTook            time.Duration
	Directory            uint64 // Facts.directory
	MatchPending         int
	Suppliers            []supplierRecord
	Tenders              []tenderRecord
	Runs                 []data.CrawlRun
	TenderSources        map[string]*ImportFacts
	AwardSources         map[string]*ImportFacts
	TendersTotal         int
	LabelTypes           []data.LabelType
	AwardSourceNames     []string
	SectorCodes          [sectorKinds][]string
	SectorNames          [sectorKinds][]string
	TenderSourceNames    []string
	// Awards packs every AwardFact (awardRecordSize bytes each).
	Awards []byte
	// AwardPos packs the lookup of awards: id hash (8 bytes), position (4).
	AwardPos []byte
	// TenderSource packs the source of every tender of the store: id hash
	// (8 bytes), index into TenderSourceNames (1).
	TenderSource []byte
}

// supplierRecord is a SupplierFact with its unexported fields that are
// not derived (the interned ones are set again by Facts.intern).
type supplierRecord struct {
	SupplierFact
	SIREN    string
	Lat, Lon float64
	Placed   bool
	Stamp    uint64
}

// tenderRecord is a TenderFact with its unexported fields.
type tenderRecord struct {
	TenderFact
	Lat, Lon float64
	Placed   bool
	Stale    bool
}

const (
	awardRecordSize = 8 + 8 + 4 + 6 + 4 + 3*8
	awardPosSize    = 8 + 4
	tenderSrcSize   = 8 + 1
)

// WriteFacts writes f, with the stamp that identifies the store state it
// describes, to w. f must be facts that Build or Apply returned and that
// no Apply has consumed yet (they hold the lookup Apply needs), and no
// Apply may run on them meanwhile.
func WriteFacts(w io.Writer, f *Facts, stamp []byte) error {
	if f.lookup == nil {
		return fmt.Errorf("observatory: write facts: %w", ErrRebuild)
	}
	if len(stamp) > maxStamp {
		return fmt.Errorf("observatory: write facts: stamp of %d bytes", len(stamp))
	}
	var body bytes.Buffer
	if err := gob.NewEncoder(&body).Encode(f.file()); err != nil {
		return fmt.Errorf("observatory: encode facts: %w", err)
	}
	head := make([]byte, 0, 8+4+4+len(stamp)+8+4)
	head = append(head, factsMagic[:]...)
	head = binary.LittleEndian.AppendUint32(head, FactsFormatVersion)
	head = binary.LittleEndian.AppendUint32(head, uint32(len(stamp)))
	head = append(head, stamp...)
	head = binary.LittleEndian.AppendUint64(head, uint64(body.Len()))
	head = binary.LittleEndian.AppendUint32(head, crc32.Checksum(body.Bytes(), castagnoli))
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("observatory: write facts: %w", err)
	}
	if _, err := body.WriteTo(w); err != nil {
		return fmt.Errorf("observatory: write facts: %w", err)
	}
	return nil
}

// ReadFacts reads facts that WriteFacts wrote with the same stamp. Any
// other file (truncated, corrupted, of another format version, written
// for another stamp) is refused with an error wrapping ErrFactsFile that
// says why; the facts are then to be built as without a file.
func ReadFacts(r io.Reader, stamp []byte) (*Facts, error) {
	var fixed [16]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return nil, unusable("header truncated (%v)", err)
	}
	if !bytes.Equal(fixed[:8], factsMagic[:]) {
		return nil, unusable("not a facts file (magic %q)", fixed[:8])
	}
	if v := binary.LittleEndian.Uint32(fixed[8:]); v != FactsFormatVersion {
		return nil, unusable("format version %d, this program reads version %d", v, FactsFormatVersion)
	}
	n := binary.LittleEndian.Uint32(fixed[12:])
	if n > maxStamp {
		return nil, unusable("stamp of %d bytes", n)
	}
	rest := make([]byte, int(n)+12)
	if _, err := io.ReadFull(r, rest); err != nil {
		return nil, unusable("header truncated (%v)", err)
	}
	if !bytes.Equal(rest[:n], stamp) {
		return nil, unusable("written for another store state (stamp %x, the store's is %x)", rest[:n], stamp)
	}
	size := binary.LittleEndian.Uint64(rest[n:])
	sum := binary.LittleEndian.Uint32(rest[n+8:])
	if size > maxFactsBody {
		return nil, unusable("body of %d bytes announced", size)
	}
	// Sized from the header, up to a bound a corrupted length cannot
	// exceed; a longer body grows the buffer as it comes.
	buf := bytes.NewBuffer(make([]byte, 0, min(size, 1<<30)+1))
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(size)+1)); err != nil {
		return nil, fmt.Errorf("observatory: read facts: %w", err)
	}
	body := buf.Bytes()
	switch {
	case uint64(len(body)) < size:
		return nil, unusable("truncated: body of %d bytes, %d announced", len(body), size)
	case uint64(len(body)) > size:
		return nil, unusable("trailing bytes after the body")
	case crc32.Checksum(body, castagnoli) != sum:
		return nil, unusable("checksum mismatch (the file is corrupted)")
	}
	return decodeBody(body)
}

// decodeBody decodes a body whose checksum matched.
func decodeBody(body []byte) (*Facts, error) {
	var ff factsFile
	if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&ff); err != nil {
		return nil, unusable("body does not decode: %v", err)
	}
	f, err := ff.facts()
	if err != nil {
		return nil, unusable("%v", err)
	}
	return f, nil
}

func unusable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFactsFile, fmt.Sprintf(format, args...))
}

// file is the persisted form of f.
func (f *Facts) file() *factsFile {
	lk := f.lookup
	ff := &factsFile{BuiltAt: f.BuiltAt, FullBuildAt: f.FullBuildAt, BuildTook: f.BuildTook, Runs: f.Runs,
		Directory: f.directory, MatchPending: f.MatchPending,
		TenderSources: f.TenderSources, AwardSources: f.AwardSources, TendersTotal: f.TendersTotal,
		LabelTypes: f.labelTypes, AwardSourceNames: f.sources, TenderSourceNames: lk.tenderSources}
	ff.Suppliers = make([]supplierRecord, len(f.Suppliers))
	for i := range f.Suppliers {
		s := &f.Suppliers[i]
		ff.Suppliers[i] = supplierRecord{SupplierFact: *s, SIREN: s.siren, Lat: s.at.lat, Lon: s.at.lon, Placed: s.at.ok, Stamp: s.stamp}
	}
	ff.Tenders = make([]tenderRecord, len(f.Tenders))
	for i := range f.Tenders {
		t := &f.Tenders[i]
		ff.Tenders[i] = tenderRecord{TenderFact: *t, Lat: t.at.lat, Lon: t.at.lon, Placed: t.at.ok, Stale: t.stale}
	}
	for k := range f.sectors {
		ff.SectorCodes[k], ff.SectorNames[k] = f.sectors[k].codes, f.sectors[k].names
	}
	ff.Awards = make([]byte, 0, len(f.Awards)*awardRecordSize)
	for i := range f.Awards {
		ff.Awards = appendAward(ff.Awards, &f.Awards[i], f.contracts[i])
	}
	if lk.packedAwardPos != nil || lk.packedTenderSource != nil { // read from a file, not applied to since
		ff.AwardPos, ff.TenderSource = lk.packedAwardPos, lk.packedTenderSource
		return ff
	}
	ff.AwardPos = make([]byte, 0, len(lk.awardPos)*awardPosSize)
	for h, p := range lk.awardPos {
		ff.AwardPos = binary.LittleEndian.AppendUint64(ff.AwardPos, h)
		ff.AwardPos = binary.LittleEndian.AppendUint32(ff.AwardPos, p)
	}
	ff.TenderSource = make([]byte, 0, len(lk.tenderSource)*tenderSrcSize)
	for h, si := range lk.tenderSource {
		ff.TenderSource = binary.LittleEndian.AppendUint64(ff.TenderSource, h)
		ff.TenderSource = append(ff.TenderSource, si)
	}
	return ff
}

// unpack fills the maps of a lookup read from a file; Apply calls it
// first, as the lookup's only owner.
func (lk *factLookup) unpack() {
	if lk.packedAwardPos == nil && lk.packedTenderSource == nil {
		return
	}
	lk.awardPos = make(map[uint64]uint32, len(lk.packedAwardPos)/awardPosSize)
	for b := lk.packedAwardPos; len(b) > 0; b = b[awardPosSize:] {
		lk.awardPos[binary.LittleEndian.Uint64(b)] = binary.LittleEndian.Uint32(b[8:])
	}
	lk.tenderSource = make(map[uint64]uint8, len(lk.packedTenderSource)/tenderSrcSize)
	for b := lk.packedTenderSource; len(b) > 0; b = b[tenderSrcSize:] {
		lk.tenderSource[binary.LittleEndian.Uint64(b)] = b[8]
	}
	lk.packedAwardPos, lk.packedTenderSource = nil, nil
}

func appendAward(b []byte, a *AwardFact, id data.ContractID) []byte {
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.Amount))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.LabelledAmount))
	b = binary.LittleEndian.AppendUint32(b, uint32(a.day))
	b = append(b, a.dep, a.cpvDiv, uint8(a.buyer), a.labels, a.flags, a.source)
	b = binary.LittleEndian.AppendUint32(b, uint32(a.earlier))
	for _, p := range id {
		b = binary.LittleEndian.AppendUint64(b, p)
	}
	return b
}

func readAward(b []byte) (AwardFact, data.ContractID) {
	return AwardFact{
		Amount:         math.Float64frombits(binary.LittleEndian.Uint64(b)),
		LabelledAmount: math.Float64frombits(binary.LittleEndian.Uint64(b[8:])),
		day:            int32(binary.LittleEndian.Uint32(b[16:])),
		dep:            b[20], cpvDiv: b[21], buyer: BuyerType(b[22]), labels: b[23], flags: b[24], source: b[25],
		earlier: int32(binary.LittleEndian.Uint32(b[26:])),
	}, data.ContractID{binary.LittleEndian.Uint64(b[30:]), binary.LittleEndian.Uint64(b[38:]), binary.LittleEndian.Uint64(b[46:])}
}

// facts rebuilds Facts and their lookup, checking that every index points
// inside its table (the checksum guards against corruption, this against
// a writer's bug).
func (ff *factsFile) facts() (*Facts, error) {
	if len(ff.LabelTypes) > 8 {
		return nil, fmt.Errorf("%d label types, at most 8", len(ff.LabelTypes))
	}
	// Written by a program that knew other labels: its figures lack a
	// label this one shows (labelTypesOf).
	if known := data.Labels(); !slices.Equal(ff.LabelTypes[:min(len(known), len(ff.LabelTypes))], known) {
		return nil, fmt.Errorf("label types %v, this program counts %v first", ff.LabelTypes, known)
	}
	if len(ff.Awards)%awardRecordSize != 0 || len(ff.AwardPos)%awardPosSize != 0 || len(ff.TenderSource)%tenderSrcSize != 0 {
		return nil, errors.New("packed tables of a wrong size")
	}
	f := &Facts{BuiltAt: ff.BuiltAt, FullBuildAt: ff.FullBuildAt, BuildTook: ff.BuildTook, Runs: ff.Runs,
		directory: ff.Directory, MatchPending: ff.MatchPending,
		TenderSources: ff.TenderSources, AwardSources: ff.AwardSources, TendersTotal: ff.TendersTotal,
		labelTypes: ff.LabelTypes, sources: ff.AwardSourceNames}
	// gob leaves an empty map nil; Apply writes to these.
	if f.TenderSources == nil {
		f.TenderSources = map[string]*ImportFacts{}
	}
	if f.AwardSources == nil {
		f.AwardSources = map[string]*ImportFacts{}
	}
	for k := range f.sectors {
		codes, names := ff.SectorCodes[k], ff.SectorNames[k]
		if len(codes) != len(names) {
			return nil, fmt.Errorf("sector table %d: %d codes, %d names", k, len(codes), len(names))
		}
		t := &f.sectors[k]
		for i := range codes {
			if t.id(codes[i], names[i]) != uint16(i) {
				return nil, fmt.Errorf("sector table %d: code %q twice", k, codes[i])
			}
		}
	}
	f.Suppliers = make([]SupplierFact, len(ff.Suppliers))
	for i := range ff.Suppliers {
		r := &ff.Suppliers[i]
		sf := r.SupplierFact
		if len(sf.Univers) != len(sf.UniversKeys) {
			return nil, fmt.Errorf("supplier %d: %d univers, %d keys", i, len(sf.Univers), len(sf.UniversKeys))
		}
		if sf.Completeness < 0 || sf.Completeness > 100 { // Coverage counts it in fifths
			return nil, fmt.Errorf("supplier %d: completeness %d%%", i, sf.Completeness)
		}
		sf.siren, sf.at, sf.stamp = r.SIREN, geoPoint{lat: r.Lat, lon: r.Lon, ok: r.Placed}, r.Stamp
		sf.sectors = nil
		f.Suppliers[i] = f.intern(sf) // finds the codes in the tables read above
	}
	for k := range f.sectors {
		if len(f.sectors[k].codes) != len(ff.SectorCodes[k]) {
			return nil, fmt.Errorf("sector table %d lacks a supplier's sector", k)
		}
	}
	f.Tenders = make([]TenderFact, len(ff.Tenders))
	for i := range ff.Tenders {
		r := &ff.Tenders[i]
		tf := r.TenderFact
		tf.at, tf.stale = geoPoint{lat: r.Lat, lon: r.Lon, ok: r.Placed}, r.Stale
		f.Tenders[i] = tf
	}
	deps, _ := areaTables()
	f.Awards = make([]AwardFact, len(ff.Awards)/awardRecordSize)
	f.contracts = make([]data.ContractID, len(f.Awards))
	for i := range f.Awards {
		a, id := readAward(ff.Awards[i*awardRecordSize:])
		f.contracts[i] = id
		if a.flags&awardDeleted == 0 && int(a.source) >= len(f.sources) {
			return nil, fmt.Errorf("award %d: source %d of %d", i, a.source, len(f.sources))
		}
		// AwardShare indexes a table of buyer types with it.
		if a.buyer >= buyerTypeCount {
			return nil, fmt.Errorf("award %d: buyer type %d of %d", i, a.buyer, buyerTypeCount)
		}
		// A département's index, or regionOnly+i for a place known by its
		// région alone (regionOnlyIndex).
		if int(a.dep) > len(deps) && (a.dep <= regionOnly || int(a.dep-regionOnly) > len(regionCodes())) {
			return nil, fmt.Errorf("award %d: département %d of %d (régions alone: %d to %d)", i, a.dep, len(deps),
				regionOnly+1, regionOnly+len(regionCodes()))
		}
		f.Awards[i] = a
	}
	for b := ff.AwardPos; len(b) > 0; b = b[awardPosSize:] {
		if p := binary.LittleEndian.Uint32(b[8:]); int(p) >= len(f.Awards) {
			return nil, fmt.Errorf("award position %d of %d", p, len(f.Awards))
		}
	}
	// The maps are filled by the first Apply (unpack).
	lk := &factLookup{tenderSources: ff.TenderSourceNames, packedAwardPos: ff.AwardPos, packedTenderSource: ff.TenderSource}
	if lk.packedAwardPos == nil {
		lk.packedAwardPos = []byte{} // unpacked even when empty: the maps must exist
	}
	lk.indexSuppliers(f.Suppliers)
	f.lookup = lk
	return f, nil
}
