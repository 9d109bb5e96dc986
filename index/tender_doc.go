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

	"fabrique/data"
)

// tenderSchemaVersion changes whenever the tender mapping or document
// does, so that a tender index built by an older binary is rebuilt.
const tenderSchemaVersion = "2" // 2: inferred CPV codes (cpv_inferred)

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
	tfSource      = "source"       // facet: boamp, ted, ocds…
	tfOutcome     = "outcome"      // "awarded", "cancelled" or "none" (data.Tender.Outcome)
	tfLots        = "has_lots"     // "1" when the tender has lots
	tfDeadline    = "deadline"     // datetime, when known
	tfOpenUntil   = "open_until"   // datetime: the deadline (or openForever) of tenders with no outcome
	tfPublished   = "published"    // datetime, when known
	tfValue       = "value"        // estimated value in euros, when known

	tfTitle       = "title"
	tfLotText     = "lot_text"
	tfDescription = "description"
	tfBuyerText   = "buyer_text"
)

// openForever stands for the deadline of a tender that gives none: such a
// tender stays open (data.Tender.StatusAt) and must match "open until
// after now" at any time.
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
	keywordField(fID, false)
	keywordField(tfCPVPrefix, false)
	keywordField(tfLots, false)
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

// tenderDocument builds the bleve document of a tender.
func (b *docBuilder) tenderDocument(t *data.Tender) (*document.Document, error) {
	if strings.TrimSpace(t.ID) == "" {
		return nil, fmt.Errorf("index: tender without id: %w", data.ErrInvalid)
	}
	doc := document.NewDocument(t.ID)
	text := func(name, v string) {
		if v == "" {
			return
		}
		spec := b.fields[name]
		doc.AddField(document.NewTextFieldCustom(name, nil, []byte(v), spec.options, spec.analyzer))
	}
	list := func(name string, vs []string) {
		for _, v := range vs {
			text(name, v)
		}
	}
	date := func(name string, v time.Time) error {
		if v.IsZero() {
			return nil
		}
		f, err := document.NewDateTimeFieldWithIndexingOptions(name, nil, v, time.RFC3339, b.fields[name].options)
		if err != nil {
			return fmt.Errorf("index: tender %s: %s: %w", t.ID, name, err)
		}
		doc.AddField(f)
		return nil
	}
	text(fID, t.ID)
	text(fStamp, tenderStamp(t.UpdatedAt))
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
	list(tfCPVPrefix, prefixes)
	list(tfCPVDivision, divisions)
	list(tfCPVInferred, inferred)
	text(tfProcedure, t.Procedure)
	text(tfNature, string(t.Nature))
	deps, regs := tenderAreas(t)
	list(tfDepartement, deps)
	list(tfRegion, regs)
	text(tfBuyer, strings.TrimSpace(t.Buyer.Name))
	text(tfSource, t.Source)
	outcome := string(t.Outcome())
	if outcome == "" {
		outcome = outcomeNone
		until := t.Deadline
		if until.IsZero() {
			until = openForever
		}
		if err := date(tfOpenUntil, until); err != nil {
			return nil, err
		}
	}
	text(tfOutcome, outcome)
	if len(t.Lots) > 0 {
		text(tfLots, "1")
	}
	if err := date(tfDeadline, t.Deadline); err != nil {
		return nil, err
	}
	if err := date(tfPublished, t.PublishedAt); err != nil {
		return nil, err
	}
	if t.EstimatedValue > 0 {
		doc.AddField(document.NewNumericFieldWithIndexingOptions(tfValue, nil, t.EstimatedValue, b.fields[tfValue].options))
	}
	text(tfTitle, t.Title)
	for _, l := range t.Lots {
		text(tfLotText, l.Title+"\n"+truncateUTF8(l.Description, maxLotText))
	}
	text(tfDescription, truncateUTF8(t.Description, maxTenderDescription))
	text(tfBuyerText, t.Buyer.Name)
	if p := tenderPoint(t.Place); p != nil {
		doc.AddField(document.NewGeoPointFieldWithIndexingOptions(fGeo, nil, p.Lon, p.Lat, b.fields[fGeo].options))
	}
	src, err := json.Marshal(tenderSummary(t))
	if err != nil {
		return nil, fmt.Errorf("index: tender %s: %w", t.ID, err)
	}
	text(fSrc, string(src))
	return doc, nil
}

// inferredCPVMinConfidence is the least confidence of an inferred CPV
// code for the CPV filter and facets to count it: at 0.5, measured, three
// guesses in four have the right division (data.InferCPV); weaker ones
// are shown on the tender's page but do not classify it.
const inferredCPVMinConfidence = 0.5

// IndexedInferredCPV returns the inferred CPV codes of a tender that the
// CPV filter and facets count (a tender with declared codes has none).
func IndexedInferredCPV(t *data.Tender) []string {
	var out []string
	for _, g := range t.InferredCPV {
		if g.Confidence >= inferredCPVMinConfidence && len(g.Code) == 8 {
			out = append(out, g.Code)
		}
	}
	return out
}

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
// the kind and date of each notice.
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
			s.History[i] = data.TenderRevision{SourceID: r.SourceID, State: r.State, At: r.At}
		}
	}
	return s
}
