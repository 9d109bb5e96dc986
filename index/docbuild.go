package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/geo"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"
)

// docBuilder turns an indexDoc into a bleve document directly, with the
// options and analyzers the mapping gives each field. It does what
// mapping.MapDocument does with reflection, at a fraction of the cost: a
// rebuild spends its time in analysis and segment building, not in
// walking structs. TestDocBuilderMatchesMapping checks that both index
// the same terms.
type docBuilder struct {
	fields map[string]fieldSpec
}

type fieldSpec struct {
	options  index.FieldIndexingOptions
	analyzer analysis.Analyzer
	fast     *fastAnalysis // the analyzer's fast path, nil without one
	flat     bool          // indexed as a flatField
	shared   *sharedTerms  // the field's shared term maps (docbuild_shared.go)
}

func newDocBuilder(m *mapping.IndexMappingImpl) (*docBuilder, error) {
	b := &docBuilder{fields: map[string]fieldSpec{}}
	fast := map[string]*fastAnalysis{} // one per analyzer: one stem cache
	for name, dm := range m.DefaultMapping.Properties {
		for _, fm := range dm.Fields {
			spec := fieldSpec{options: fm.Options()}
			if fm.Type == "text" {
				an := fm.Analyzer
				if an == "" {
					an = m.DefaultAnalyzer
				}
				if spec.analyzer = m.AnalyzerNamed(an); spec.analyzer == nil {
					return nil, fmt.Errorf("analyzer %q of field %s not found", an, name)
				}
				spec.fast = fast[an]
				if spec.fast == nil {
					spec.fast = newFastAnalysis(an)
					fast[an] = spec.fast
				}
			}
			// flatField keeps neither positions nor values.
			spec.flat = !spec.options.IncludeTermVectors() && !spec.options.IsStored()
			spec.shared = newSharedTerms()
			b.fields[name] = spec
		}
	}
	return b, nil
}

// document builds the bleve document of d.
func (b *docBuilder) document(d *indexDoc) *document.Document {
	doc := document.NewDocument(d.ID)
	doc.Fields = make([]document.Field, 0, 24)
	flats := make(flatSlab, 0, 24) // the document's flat fields, allocated together
	keyword := func(name string, vs ...string) { b.addValuesIn(doc, &flats, name, vs, nil) }
	text := func(name string, vs ...string) { b.addValuesIn(doc, &flats, name, vs, b.fields[name].analyzer) }
	// Codes that many suppliers share: their term maps are shared too
	// (sharedTerms). Each name is added once: zap merges a document's
	// fields of one name into the first one's map, which must then be
	// the document's own.
	shared := func(name string, vs ...string) { b.addShared(doc, &flats, name, vs, nil) }
	// The id is not a field of its own: bleve indexes it as _id already.
	keyword(fSIREN, d.SIREN...)
	keyword(fSIRETs, d.SIRETs...)
	shared(fNAF, d.NAF...)
	shared(fNAFSection, d.NAFSection...)
	shared(fNAFDivision, d.NAFDivision...)
	keyword(fCPV, d.CPV...)
	shared(fCPVDivision, d.CPVDivision...)
	shared(fDepartement, d.Departement...)
	shared(fRegion, d.Region...)
	shared(fLabels, d.Labels...)
	shared(fHeadcount, d.Headcount...)
	shared(fUnivers, d.Univers...)
	shared(fArea, d.Area...)
	shared(fTurnover, d.Turnover...)
	shared(fStatus, d.Status...)
	keyword(fStamp, d.Stamp)
	keyword(fNameSort, d.NameSort)
	text(fName, d.Name...)
	text(fNameExact, d.NameExact...)
	text(fOffer, d.Offer...)
	// The NAF label and the declared CPV codes' labels: a few hundred
	// lists for 100 000 suppliers, analysed once each.
	b.addShared(doc, &flats, fNomenclature, d.Nomenclature, b.fields[fNomenclature].analyzer)
	text(fDescription, d.Description)
	if d.Geo != nil {
		doc.AddField(b.point(d.Geo))
	}
	src := b.fields[fSrc]
	doc.AddField(document.NewTextFieldCustom(fSrc, nil, []byte(d.Src), src.options, src.analyzer))
	return doc
}

// addValues adds the values of a field to doc: one flatField when the
// field keeps neither positions nor values, else one bleve field per
// value. A nil analyzer makes each value its own term (keywords).
func (b *docBuilder) addValues(doc *document.Document, name string, vs []string, analyzer analysis.Analyzer) {
	b.addValuesIn(doc, nil, name, vs, analyzer)
}

// addValuesIn is addValues taking the flat field from flats (nil: a new
// one).
func (b *docBuilder) addValuesIn(doc *document.Document, flats *flatSlab, name string, vs []string, analyzer analysis.Analyzer) {
	spec := b.fields[name]
	switch {
	case len(vs) == 0:
	case spec.flat:
		f := flats.next()
		*f = flatField{name: name, values: vs, options: spec.options, analyzer: analyzer}
		if analyzer != nil {
			f.fast = spec.fast
		}
		doc.AddField(f)
	default:
		for i, v := range vs {
			doc.AddField(document.NewTextFieldCustom(name, []uint64{uint64(i)}, []byte(v), spec.options, spec.analyzer))
		}
	}
}

// addShared adds the values of a field to doc as addValues does, as a
// flat field whose term map is shared with the other documents holding
// the same values (sharedTerms).
func (b *docBuilder) addShared(doc *document.Document, flats *flatSlab, name string, vs []string, analyzer analysis.Analyzer) {
	b.addValuesIn(doc, flats, name, vs, analyzer)
	if f, ok := lastField(doc).(*flatField); ok && len(vs) > 0 && f.name == name {
		f.shared = b.fields[name].shared
	}
}

// lastField is the field added last to doc, nil for none.
func lastField(doc *document.Document) document.Field {
	if len(doc.Fields) == 0 {
		return nil
	}
	return doc.Fields[len(doc.Fields)-1]
}

// flatSlab holds the flat fields of a document in one allocation: a
// supplier has about twenty, and a rebuild made them one by one.
type flatSlab []flatField

// next returns the next field of the slab, a new one once it is full
// (the fields already given keep their place: the slab never moves).
func (s *flatSlab) next() *flatField {
	if s == nil || len(*s) == cap(*s) {
		return new(flatField)
	}
	*s = (*s)[:len(*s)+1]
	return &(*s)[len(*s)-1]
}

// point is the geo field of a document: the point's morton hash,
// prefix-coded at shift 0, as its one term and its doc value, which is
// what bleve's GeoPointField keeps for sorting by distance. bleve's field
// also indexes the point's s2 cells at seven levels (or seven precision
// steps of the hash without the s2 plugin), for its geo queries; the
// suppliers' index never asks one (a radius search reads the points from
// the doc values, through the columns and their grid, and the baselines
// of eval sort by distance), so those terms, a third of the distinct terms
// of a rebuild's segments, are not made. TestPointFieldKeepsTheDocValue
// checks the doc value against bleve's field.
func (b *docBuilder) point(p *geoPoint) *flatField {
	hash := numeric.MustNewPrefixCodedInt64(int64(geo.MortonHash(p.Lon, p.Lat)), 0)
	// The options bleve's GeoPointField forces.
	opts := b.fields[fGeo].options | index.DocValues | index.SkipDVChunking | index.SkipDVCompression
	return &flatField{name: fGeo, values: []string{string(hash)}, options: opts}
}

// flatField is one indexed field of a document with all its values: what
// bleve's mapping makes one field per value of, each analysed into a map
// of its own that the segment builder then merges into the first, is
// analysed here into one map. The index is the same (same terms, same
// frequencies, same field length; without term vectors, positions are
// not kept), and a rebuild allocates a third fewer maps. Keyword values
// (no analyzer) are their own single term, as bleve's keyword analyzer
// makes them, without building a token stream. Fields that are stored or
// keep term vectors are not flat (fieldSpec.flat).
type flatField struct {
	name     string
	values   []string
	options  index.FieldIndexingOptions
	analyzer analysis.Analyzer // nil: each value is one term
	fast     *fastAnalysis     // the analyzer's fast path, if any

	shared *sharedTerms // where a keyword field's map is shared, nil: its own

	length    int
	freqs     index.TokenFrequencies
	termBytes int // the length of the distinct terms, for Size
}

func (f *flatField) Name() string                        { return f.name }
func (f *flatField) ArrayPositions() []uint64            { return nil }
func (f *flatField) Options() index.FieldIndexingOptions { return f.options }
func (f *flatField) EncodedFieldType() byte              { return 't' }
func (f *flatField) AnalyzedLength() int                 { return f.length }
func (f *flatField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	return f.freqs
}

// Value is the first value: a flat field is never stored, and bleve reads
// the value of a field only to store it.
func (f *flatField) Value() []byte { return []byte(f.values[0]) }

func (f *flatField) NumPlainTextBytes() uint64 {
	n := 0
	for _, v := range f.values {
		n += len(v)
	}
	return uint64(n)
}

// Size is what bleve's fields count: each term once as the map's key and
// once in its TokenFreq (TokenFreq.Size), without walking the map.
func (f *flatField) Size() int {
	n := 96 + len(f.name)
	for _, v := range f.values {
		n += 16 + len(v)
	}
	return n + len(f.freqs)*(48+tokenFreqSize) + 2*f.termBytes
}

// tokenFreqSize is the size bleve counts for a TokenFreq without its term
// and locations.
var tokenFreqSize = (&index.TokenFreq{}).Size()

// Analyze does what bleve's TextField.Analyze and analysis.TokenFrequency
// do for each value, then what TokenFrequencies.MergeAll does to merge
// them. The terms are gathered in one buffer, the analyzer's fast path
// (fastAnalysis) writing them there directly, and the field's term
// frequencies are allocated together, their keys cut from one string.
func (f *flatField) Analyze() {
	if f.shared != nil && f.shared.use(f) {
		return
	}
	size := 0
	for _, v := range f.values {
		size += len(v)
	}
	buf := make([]byte, 0, size+size/4)
	ends := make([]int, 0, len(f.values)*4)
	for _, v := range f.values {
		if f.analyzer == nil {
			buf = append(buf, v...)
			ends = append(ends, len(buf))
			continue
		}
		ok := false
		if f.fast != nil {
			buf, ends, ok = f.fast.appendTerms(buf, ends, []byte(v))
		}
		if !ok {
			for _, t := range f.analyzer.Analyze([]byte(v)) {
				buf = append(buf, t.Term...)
				ends = append(ends, len(buf))
			}
		}
	}
	f.length = len(ends)
	f.count(buf, ends)
	if f.shared != nil {
		f.shared.keep(f)
	}
}

// count sets f.freqs from the terms buf holds, the i-th ending at ends[i].
// A keyword's terms are its values: they are the map's keys as they are.
func (f *flatField) count(buf []byte, ends []int) {
	var keys string
	if f.analyzer != nil {
		keys = string(buf)
	}
	freqs := make(index.TokenFrequencies, len(ends))
	slab := make([]index.TokenFreq, 0, len(ends))
	countFreq := !f.options.SkipFreqNorm()
	start := 0
	for i, end := range ends {
		var key string
		if f.analyzer == nil {
			key = f.values[i]
		} else {
			key = keys[start:end]
		}
		tf, ok := freqs[key]
		if !ok {
			slab = append(slab, index.TokenFreq{Term: buf[start:end:end]})
			tf = &slab[len(slab)-1]
			freqs[key] = tf
			f.termBytes += len(key)
		}
		if countFreq {
			tf.SetFrequency(tf.Frequency() + 1)
		}
		start = end
	}
	f.freqs = freqs
}
