package index

import (
	"context"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/geo"
	"github.com/blevesearch/bleve/v2/numeric"

	"fabrique/index/synth"
)

// keepGeoHashOnly replaces the geo field bleve's mapping makes in d by
// what docBuilder.point makes of the same point: the morton hash alone
// (bleve's field also indexes cells or precision steps that the
// suppliers' index never queries).
func keepGeoHashOnly(d *document.Document) {
	for i, f := range d.Fields {
		gf, ok := f.(*document.GeoPointField)
		if !ok || f.Name() != fGeo {
			continue
		}
		// Value is the hash at shift 0, the field's first term.
		d.Fields[i] = &flatField{name: fGeo, values: []string{string(gf.Value())}, options: gf.Options()}
	}
}

// TestPointFieldKeepsTheDocValue indexes suppliers with docBuilder.point
// and checks, for each, that the geo doc value read back from the index is
// the one bleve's own GeoPointField gives for the same point (what the
// columns and bleve's distance sort decode), and that the field has no
// other term.
func TestPointFieldKeepsTheDocValue(t *testing.T) {
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sups := synth.Suppliers(200, 7)
	if err := ix.Put(context.Background(), sups...); err != nil {
		t.Fatal(err)
	}
	r, done := liveSnapshot(t, ix)
	defer done()

	terms := dictTerms(t, r, fGeo)
	for _, term := range terms {
		if shift, err := numeric.PrefixCoded(term).Shift(); err != nil || shift != 0 {
			t.Errorf("geo term %q is not a point's hash", term)
		}
	}
	if len(terms) != len(sups) {
		t.Errorf("geo terms = %d, want one per supplier (%d)", len(terms), len(sups))
	}

	dv, err := r.DocValueReader([]string{fGeo})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sups {
		d, err := toDoc(s, s.UpdatedAt)
		if err != nil || d.Geo == nil {
			t.Fatalf("supplier %s: no point (%v)", s.ID, err)
		}
		want := document.NewGeoPointField(fGeo, nil, d.Geo.Lon, d.Geo.Lat).Value()
		iid, err := r.InternalID(s.ID)
		if err != nil || iid == nil {
			t.Fatalf("supplier %s: not indexed (%v)", s.ID, err)
		}
		var got [][]byte
		if err := dv.VisitDocValues(iid, func(field string, term []byte) {
			if field == fGeo {
				got = append(got, append([]byte(nil), term...))
			}
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || string(got[0]) != string(want) {
			t.Fatalf("supplier %s: geo doc values %q, want %q", s.ID, got, want)
		}
		h, _ := numeric.PrefixCoded(got[0]).Int64()
		lat, lon := geo.MortonUnhashLat(uint64(h)), geo.MortonUnhashLon(uint64(h))
		if math.Abs(lat-d.Geo.Lat) > 1e-6 || math.Abs(lon-d.Geo.Lon) > 1e-6 {
			t.Errorf("supplier %s: doc value decodes to %g,%g, want %g,%g", s.ID, lat, lon, d.Geo.Lat, d.Geo.Lon)
		}
	}
}
