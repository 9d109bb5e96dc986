package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Analyzer names defined by the mapping.
const (
	// textAnalyzer is French analysis with accent folding: lower case,
	// elision ("l'ébéniste" → "ébéniste"), folding, French stop words,
	// feminine "-ère" as "-er", light stemming (with a few overrides).
	textAnalyzer = "fr_fold"
	// nameAnalyzer keeps whole words, folded but not stemmed, for
	// autocomplete and typo-tolerant (fuzzy) name matching: prefix and
	// fuzzy queries are not analysed, so the terms must look like what a
	// user types.
	nameAnalyzer = "name_fold"
)

// Field names of the indexed document.
const (
	fSIREN       = "siren"
	fSIRETs      = "sirets"
	fNAF         = "naf"
	fNAFSection  = "naf_section"
	fNAFDivision = "naf_division"
	fCPV         = "cpv"
	fCPVDivision = "cpv_division"
	fDepartement = "departement"
	fRegion      = "region"
	fLabels      = "labels"
	fHeadcount   = "headcount"
	fUnivers     = "univers"
	fStamp       = "stamp"
	fNameSort    = "name_sort"
	fArea        = "area"     // declared service area: "FR", "D:69", "R:84"
	fTurnover    = "turnover" // declared turnover band
	fStatus      = "status"

	fName         = "name"
	fNameExact    = "name_exact"
	fOffer        = "offer"        // products, activities, certified ranges
	fNomenclature = "nomenclature" // NAF and CPV labels of the company's codes
	fDescription  = "description"

	fGeo = "geo"
	fSrc = "src"
)

// textFields are searched by free text, with their boosts: the name first,
// then what the company makes, then the nomenclature labels, then prose.
// They are few on purpose: every query word becomes one term query per
// field (and per trade alternative), and bleve pays per matching term.
var textFields = []struct {
	name  string
	boost float64
}{
	{fName, 4},
	{fOffer, 2.5},
	{fNomenclature, 1.5},
	{fDescription, 0.8},
}

// facetFields are the keyword fields faceted on request (counted from
// their postings by the columns).
var facetFields = []string{fLabels, fRegion, fDepartement, fNAFSection, fNAFDivision, fCPVDivision, fHeadcount, fUnivers}

// newMapping builds the index mapping. It is static: only the fields
// declared here are indexed, and nothing goes to a catch-all _all field
// (it would double the text index).
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomTokenMap("stop_fr_folded", map[string]any{
		"type":   tokenmap.Name,
		"tokens": foldedStopWords(),
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomTokenFilter("stop_fr_folded", map[string]any{
		"type":           stop.Name,
		"stop_token_map": "stop_fr_folded",
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     wordsTokenizerName,
		"token_filters": []any{lowercase.Name, fr.ElisionName, foldFilterName, "stop_fr_folded", feminineFilterName, stemFilterName},
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(nameAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     wordsTokenizerName,
		"token_filters": []any{lowercase.Name, fr.ElisionName, foldFilterName},
	}); err != nil {
		return nil, err
	}

	doc := bleve.NewDocumentStaticMapping()
	// Doc values only where they are read: the stamps by the consistency
	// check (indexStamps), the sort names and the status by the columns.
	// Facets are counted from the postings (buildFacetColumn), never from
	// bleve's facet requests: doc values on the facet fields were written
	// by every rebuild and merge and read by nothing.
	for _, f := range []struct {
		name      string
		docValues bool
	}{
		{fSIREN, false}, {fSIRETs, false}, {fNAF, false}, {fCPV, false},
		{fNAFSection, false}, {fNAFDivision, false}, {fCPVDivision, false}, {fDepartement, false},
		{fRegion, false}, {fLabels, false}, {fHeadcount, false}, {fUnivers, false},
		{fStamp, true}, {fNameSort, true}, {fArea, false}, {fTurnover, false}, {fStatus, true},
	} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.DocValues = f.docValues
		fm.Store = false // what a hit shows comes from src, facets from doc values
		// No term vectors: bleve's keyword mapping keeps each term's
		// position and offsets, which only highlighting reads, and
		// highlights are computed from src.
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.SkipFreqNorm = true
		doc.AddFieldMappingsAt(f.name, fm)
	}
	for _, f := range textFields {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = textAnalyzer
		fm.Store = false
		fm.IncludeTermVectors = false // highlights are computed from the src blob
		fm.IncludeInAll = false
		fm.DocValues = false
		doc.AddFieldMappingsAt(f.name, fm)
	}
	exact := bleve.NewTextFieldMapping()
	exact.Analyzer = nameAnalyzer
	exact.Store = false // the name a hit shows comes from src
	exact.IncludeTermVectors = false
	exact.IncludeInAll = false
	exact.DocValues = false
	doc.AddFieldMappingsAt(fNameExact, exact)

	geo := bleve.NewGeoPointFieldMapping()
	geo.IncludeInAll = false
	geo.Store = false // distances come from the doc values, through the columns
	doc.AddFieldMappingsAt(fGeo, geo)

	// src is stored, not indexed: what a hit shows and highlights, read in
	// one stored-field lookup per hit.
	src := bleve.NewTextFieldMapping()
	src.Analyzer = keyword.Name
	src.Index = false
	src.Store = true
	src.IncludeInAll = false
	src.IncludeTermVectors = false
	src.DocValues = false
	doc.AddFieldMappingsAt(fSrc, src)

	// No catch-all field: bleve adds an "_all" composite (with term
	// vectors) to every document unless it is disabled explicitly.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = doc
	im.DefaultAnalyzer = textAnalyzer
	im.DefaultField = fName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
