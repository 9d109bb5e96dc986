package data

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Embedded reference data, copied from the project's shared sources; see
// data/README.md for provenance and licences.
//
//go:embed refdata/*.csv refdata/*.geojson seed/*.csv
var files embed.FS

// EmbeddedEPVCSV returns the official EPV export shipped in the binary
// (data.economie.gouv.fr, April 2026), used to seed an empty directory.
func EmbeddedEPVCSV() []byte { return mustRead("seed/epv_entreprises_patrimoine_vivant.csv") }

// DepartementShapesGeoJSON returns the simplified polygons of the 96
// metropolitan départements (IGN Admin Express via france-geojson).
func DepartementShapesGeoJSON() []byte {
	return mustRead("refdata/departements-version-simplifiee.geojson")
}

// RegionShapesGeoJSON returns the simplified polygons of the 13
// metropolitan régions.
func RegionShapesGeoJSON() []byte { return mustRead("refdata/regions-version-simplifiee.geojson") }

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("data: embedded file missing: " + name) // a build defect, not a runtime condition
	}
	return b
}

// readCSV parses an embedded CSV with a header line into maps keyed by
// column name. The embedded files are part of the build, so a parse error
// is a build defect and panics with the file name.
func readCSV(name string) []map[string]string {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(mustRead(name), []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		panic(fmt.Sprintf("data: %s: %v", name, err))
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(fmt.Sprintf("data: %s: %v", name, err))
		}
		m := make(map[string]string, len(header))
		for i, h := range header {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		rows = append(rows, m)
	}
	return rows
}

func atof(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}

// lazy holds a value computed once on first use.
type lazy[T any] struct {
	once sync.Once
	v    T
	load func() T
}

func (l *lazy[T]) get() T {
	l.once.Do(func() { l.v = l.load() })
	return l.v
}
