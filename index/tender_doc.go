package index

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
)

// tenderSchemaVersion changes whenever the tender mapping or document
// does, so that a tender index built by an older binary is rebuilt.
const tenderSchemaVersion = "7" // 7: buyer_key (BuyerNames); 2: inferred CPV codes (cpv_inferred); 3: dates, value and point one term each, no id field; 4: the région of a place known by its région alone; 5: open_until presumed from the publication when no deadline (data.PresumedOpenDays); 6: outcome "announced" for prior-information notices, "awarded" for result-only ones (data.NoticeKindOf)

// keyTenderSchema holds tenderSchemaVersion in a tender generation.
var keyTenderSchema = []byte("fabrique:tender-schema")

// Field names of a tender document. Codes and names are keywords, with
// doc values where they are faceted; title, lots, description and buyer
// are French text analysed like the suppliers' text.
const (
	tfCPVPrefix   = "cpv_prefix"   // every prefix (2 to 8 digits) of every CPV code of the tender and its lots
	tfCPVDivision = "cpv_division" // facet: declared and inferred codes
	tfCPVInferred = "cpv_inferred" // facet: the divisions of the inferred codes only (data.Tender.InferredCPV)
	tfProcedure   = "procedure"    // facet, data.NormalizeProcedure
	tfNature      = "nature"       // facet: works, supplies, services
	tfDepartement = "departement"  // facet: of the tender and its lots
	tfRegion      = "region"       // facet
	tfBuyer       = "buyer"        // facet: the buyer's name as published
	tfBuyerKey    = "buyer_key"    // the buyer's SIRET and folded name (buyerKeys)
	tfSource      = "source"       // facet: boamp, ted, ocds…
	tfOutcome     = "outcome"      // "announced", "awarded", "cancelled" or "none" (data.Tender.Outcome)
	tfLots        = "has_lots"     // "1" when the tender has lots
	tfDeadline    = "deadline"     // datetime, when known
	tfOpenUntil   = "open_until"   // datetime: data.Tender.OpenUntil (or openForever) of tenders with no outcome
	tfPublished   = "published"    // datetime, when known
	tfValue       = "value"        // estimated value in euros, when known

	tfTitle       = "title"
	tfLotText     = "lot_text"
	tfDescription = "description"
	tfBuyerText   = "buyer_text"
)

// openForever stands for the deadline of a tender that gives neither a
// deadline nor a publication date: such a tender stays open
// (data.Tender.StatusAt) and must match "open until after now" at any time.
var openForever = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// outcomeNone is the outcome keyword of a tender still open or closed.
const outcomeNone = "none"

// tenderTextFields are searched by free text, with their boosts.
var tenderTextFields = []struct {
	name  string
	boost float64
}{
	{tfTitle, 3},
	{tfLotText, 1.5},
	{tfDescription, 1},
	{tfBuyerText, 0.8},
}

// tenderFacetFields are the keyword facets a tender search can count,
// by the name the caller asks for them.
var tenderFacetFields = map[string]string{
	"cpv_division": tfCPVDivision,
	"cpv_inferred": tfCPVInferred,
	"procedure":    tfProcedure,
	"nature":       tfNature,
	"departement":  tfDepartement,
	"region":       tfRegion,
	"buyer":        tfBuyer,
	"source":       tfSource,
}

// newTenderMapping builds the tender mapping on top of the suppliers' one,
// so that both use the same analyzers (French text, folded names).
func newTenderMapping() (*mapping.IndexMappingImpl, error) {
	im, err := newMapping()
	if err != nil {
		return nil, err
	}
	doc := bleve.NewDocumentStaticMapping()
	keywordField := func(name string, docValues bool) {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.DocValues = docValues
		fm.Store = false
		fm.IncludeInAll = false
		fm.SkipFreqNorm = true
		doc.AddFieldMappingsAt(name, fm)
	}
	keywordField(tfCPVPrefix, false)
	keywordField(tfLots, false)
	keywordField(tfBuyerKey, false)
	for _, f := range []string{tfCPVDivision, tfCPVInferred, tfProcedure, tfNature, tfDepartement, tfRegion, tfBuyer, tfSource, tfOutcome, fStamp} {
		keywordField(f, true)
	}
	for _, f := range []string{tfDeadline, tfOpenUntil, tfPublished} {
		fm := bleve.NewDateTimeFieldMapping()
		fm.Store, fm.IncludeInAll, fm.DocValues = false, false, true
		doc.AddFieldMappingsAt(f, fm)
	}
	value := bleve.NewNumericFieldMapping()
	value.Store, value.IncludeInAll, value.DocValues = false, false, true
	doc.AddFieldMappingsAt(tfValue, value)
	for _, f := range tenderTextFields {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = textAnalyzer
		fm.Store, fm.IncludeTermVectors, fm.IncludeInAll, fm.DocValues = false, false, false, false
		doc.AddFieldMappingsAt(f.name, fm)
	}
	geo := bleve.NewGeoPointFieldMapping()
	geo.IncludeInAll, geo.Store = false, false
	doc.AddFieldMappingsAt(fGeo, geo)
	src := bleve.NewTextFieldMapping()
	src.Analyzer = keyword.Name
	src.Index, src.Store, src.IncludeInAll, src.IncludeTermVectors, src.DocValues = false, true, false, false, false
	doc.AddFieldMappingsAt(fSrc, src)
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = doc
	im.DefaultField = tfTitle
	return im, nil
}

// tenderStamp is how a tender's UpdatedAt is written in the index, the
// way the store writes it in its checksum lines (UTC, nine fractional
// digits), so that the index can recompute the store's checksum.
func tenderStamp(t time.Time) string { return data.Stamp(t) }

// tenderDocument builds the bleve document of a tender. Every indexed
// field is one flatField (docBuilder.addValues), as for suppliers. The
// dates, the value and the point are one term each, their value
// prefix-coded at shift 0, which is what their doc values hold: bleve's
// date and numeric fields add 15 coarser terms each and its geo field
// the point's cells, for its range and distance queries, which the
// tenders' index answers from the snapshot's columns instead
// (tender_filter.go). Those terms were 61 of a tender's 107 (document,
// term) pairs and three quarters of a batch's distinct terms.
func (b *docBuilder) tenderDocument(t *data.Tender) (*document.Document, error) {
	if strings.TrimSpace(t.ID) == "" {
		return nil, fmt.Errorf("index: tender without id: %w", data.ErrInvalid)
	}
	doc := document.NewDocument(t.ID)
	doc.Fields = make([]document.Field, 0, 24)
	keyword := func(name string, vs ...string) { b.addValues(doc, name, nonEmpty(vs), nil) }
	text := func(name string, vs ...string) { b.addValues(doc, name, nonEmpty(vs), b.fields[name].analyzer) }
	date := func(name string, v time.Time) {
		if !v.IsZero() {
			doc.AddField(b.sortable(name, v.UnixNano()))
		}
	}
	// The id is not a field of its own: bleve indexes it as _id already.
	keyword(fStamp, tenderStamp(t.UpdatedAt))
	codes := t.CPVCodes()
	var prefixes, divisions []string
	for _, c := range codes {
		for n := 2; n <= len(c) && n <= 8; n++ {
			prefixes = appendUnique(prefixes, c[:n])
		}
		divisions = appendUnique(divisions, data.CPVDivision(c))
	}
	var inferred []string
	for _, c := range IndexedInferredCPV(t) {
		for n := 2; n <= cpvSignificant(c); n++ {
			prefixes = appendUnique(prefixes, c[:n])
		}
		divisions = appendUnique(divisions, data.CPVDivision(c))
		inferred = appendUnique(inferred, data.CPVDivision(c))
	}
	keyword(tfCPVPrefix, prefixes...)
	keyword(tfCPVDivision, divisions...)
	keyword(tfCPVInferred, inferred...)
	keyword(tfProcedure, t.Procedure)
	keyword(tfNature, string(t.Nature))
	deps, regs := tenderAreas(t)
	keyword(tfDepartement, deps...)
	keyword(tfRegion, regs...)
	keyword(tfBuyer, strings.TrimSpace(t.Buyer.Name))
	keyword(tfBuyerKey, buyerKeys(t.Buyer)...)
	keyword(tfSource, t.Source)
	outcome := string(t.Outcome())
	if outcome == "" {
		outcome = outcomeNone
		until := t.OpenUntil()
		if until.IsZero() {
			until = openForever
		}
		date(tfOpenUntil, until)
	}
	keyword(tfOutcome, outcome)
	if len(t.Lots) > 0 {
		keyword(tfLots, "1")
	}
	date(tfDeadline, t.Deadline)
	date(tfPublished, t.PublishedAt)
	if t.EstimatedValue > 0 {
		doc.AddField(b.sortable(tfValue, numeric.Float64ToInt64(t.EstimatedValue)))
	}
	text(tfTitle, t.Title)
	lots := make([]string, len(t.Lots))
	for i, l := range t.Lots {
		lots[i] = l.Title + "\n" + truncateUTF8(l.Description, maxLotText)
	}
	text(tfLotText, lots...)
	text(tfDescription, truncateUTF8(t.Description, maxTenderDescription))
	text(tfBuyerText, t.Buyer.Name)
	if p := tenderPoint(t.Place); p != nil {
		doc.AddField(b.point(&geoPoint{Lat: p.Lat, Lon: p.Lon}))
	}
	src, err := json.Marshal(tenderSummary(t))
	if err != nil {
		return nil, fmt.Errorf("index: tender %s: %w", t.ID, err)
	}
	spec := b.fields[fSrc]
	doc.AddField(document.NewTextFieldCustom(fSrc, nil, src, spec.options, spec.analyzer))
	return doc, nil
}

// sortable is a date or number field of one value, v as bleve's date and
// numeric fields encode it (Unix nanoseconds; numeric.Float64ToInt64),
// prefix-coded at shift 0 only: its one term and its doc value, which
// the columns and bleve's sorts read.
func (b *docBuilder) sortable(name string, v int64) *flatField {
	term := numeric.MustNewPrefixCodedInt64(v, 0)
	return &flatField{name: name, values: []string{string(term)}, options: b.fields[name].options | index.DocValues}
}

// nonEmpty drops the empty strings of vs.
func nonEmpty(vs []string) []string {
	out := vs[:0:0]
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// IndexedInferredCPV returns the inferred CPV codes of a tender that the
// CPV filter and facets count (a tender with declared codes has none):
// those of confidence data.InferredCPVMinConfidence or more, the rule the
// observatory follows too.
func IndexedInferredCPV(t *data.Tender) []string { return t.ClassifyingInferredCPV() }

// cpvSignificant is the number of digits of a CPV code that say
// something (at least the division's 2): a guessed group, 45100000,
// matches the filters 45 and 451, not 4510.
func cpvSignificant(code string) int {
	return max(2, len(strings.TrimRight(code, "0")))
}

// Bounds of the text indexed per tender: the first words say what is
// bought; the rest is conditions and legal boilerplate.
const (
	maxTenderDescription = 4000
	maxLotText           = 1000
)

// tenderAreas are the départements and régions where a tender or one of
// its lots is performed.
func tenderAreas(t *data.Tender) (deps, regs []string) {
	add := func(p data.Place) {
		p = data.ResolvePlace(p)
		if p.Departement == "" {
			// A place known by its région alone (several départements of
			// one région, a NUTS-1 or NUTS-2 code): that région, as the
			// observatory counts it.
			if r, ok := data.RegionOfNUTS(p.NUTS); ok {
				regs = appendUnique(regs, r)
			}
			return
		}
		deps = appendUnique(deps, p.Departement)
		if d, ok := data.LookupDepartement(p.Departement); ok && d.Region != "" {
			regs = appendUnique(regs, d.Region)
		}
	}
	add(t.Place)
	for _, l := range t.Lots {
		add(l.Place)
	}
	return deps, regs
}

// tenderPoint places a tender on the map: its coordinates, else its
// commune's or postcode's, else its département's.
func tenderPoint(p data.Place) *Point {
	p = data.ResolvePlace(p)
	if (p.Lat != 0 || p.Lon != 0) && validLatLon(p.Lat, p.Lon) {
		return &Point{Lat: p.Lat, Lon: p.Lon}
	}
	return nil
}

// tenderSummary is what a hit carries back: the tender without its long
// texts (description, lot descriptions) and with its history reduced to
// the type, state and date of each notice (the status reads the types:
// data.Tender.Outcome).
func tenderSummary(t *data.Tender) data.Tender {
	s := *t
	s.Description = ""
	s.Place = data.ResolvePlace(t.Place)
	if len(t.Lots) > 0 {
		s.Lots = make([]data.Lot, len(t.Lots))
		for i, l := range t.Lots {
			l.Description = ""
			s.Lots[i] = l
		}
	}
	if len(t.History) > 0 {
		s.History = make([]data.TenderRevision, len(t.History))
		for i, r := range t.History {
			s.History[i] = data.TenderRevision{SourceID: r.SourceID, NoticeType: r.NoticeType, State: r.State, At: r.At}
		}
	}
	return s
}
