package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// docBuilder turns an indexDoc into a bleve document directly, with the
// options and analyzers the mapping gives each field. It does what
// mapping.MapDocument does with reflection, at a fraction of the cost: a
// rebuild spends its time in analysis and segment building, not in
// walking structs. TestDocBuilderMatchesMapping keeps both in step.
type docBuilder struct {
	fields map[string]fieldSpec
}

type fieldSpec struct {
	options  index.FieldIndexingOptions
	analyzer analysis.Analyzer
}

func newDocBuilder(m *mapping.IndexMappingImpl) (*docBuilder, error) {
	b := &docBuilder{fields: map[string]fieldSpec{}}
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
			}
			b.fields[name] = spec
		}
	}
	return b, nil
}

// document builds the bleve document of d.
func (b *docBuilder) document(d *indexDoc) *document.Document {
	doc := document.NewDocument(d.ID)
	text := func(name, v string, pos []uint64) {
		spec := b.fields[name]
		doc.AddField(document.NewTextFieldCustom(name, pos, []byte(v), spec.options, spec.analyzer))
	}
	list := func(name string, vs []string) {
		for i, v := range vs {
			text(name, v, []uint64{uint64(i)})
		}
	}
	text(fID, d.ID, nil)
	list(fSIREN, d.SIREN)
	list(fSIRETs, d.SIRETs)
	list(fNAF, d.NAF)
	list(fNAFSection, d.NAFSection)
	list(fNAFDivision, d.NAFDivision)
	list(fCPV, d.CPV)
	list(fCPVDivision, d.CPVDivision)
	list(fDepartement, d.Departement)
	list(fRegion, d.Region)
	list(fLabels, d.Labels)
	list(fHeadcount, d.Headcount)
	list(fUnivers, d.Univers)
	list(fArea, d.Area)
	list(fTurnover, d.Turnover)
	list(fStatus, d.Status)
	text(fStamp, d.Stamp, nil)
	text(fNameSort, d.NameSort, nil)
	list(fName, d.Name)
	list(fNameExact, d.NameExact)
	list(fOffer, d.Offer)
	list(fNomenclature, d.Nomenclature)
	text(fDescription, d.Description, nil)
	if d.Geo != nil {
		doc.AddField(document.NewGeoPointFieldWithIndexingOptions(fGeo, nil, d.Geo.Lon, d.Geo.Lat, b.fields[fGeo].options))
	}
	text(fSrc, d.Src, nil)
	return doc
}
