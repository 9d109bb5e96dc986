package data

import (
	"bytes"
	"compress/gzip"
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
//go:embed refdata/*.csv refdata/*.geojson seed/*.csv seed/notices/*.gz
var files embed.FS

// EmbeddedEPVCSV returns the official EPV export shipped in the binary
// (data.economie.gouv.fr, April 2026), used to seed an empty directory.
func EmbeddedEPVCSV() []byte { return mustRead("seed/epv_entreprises_patrimoine_vivant.csv") }

// EmbeddedNoticeFile is a file of real notices or awards shipped in the
// binary, under its original name.
type EmbeddedNoticeFile struct {
	Name string
	Data []byte
}

// EmbeddedNoticeFiles returns, decompressed, the real tender notices and
// awards shipped in the binary to fill an empty directory (data/README.md):
// the 90 BOAMP notices of 15 March 2026 and the DECP awards of 2019 and of
// the second half of 2024 (works, CPV 4521). They are gzipped in the
// binary (1.3 MB instead of 8.9).
func EmbeddedNoticeFiles() []EmbeddedNoticeFile {
	entries, err := files.ReadDir("seed/notices")
	if err != nil {
		panic("data: embedded notices missing: " + err.Error()) // a build defect
	}
	var out []EmbeddedNoticeFile
	for _, e := range entries {
		zr, err := gzip.NewReader(bytes.NewReader(mustRead("seed/notices/" + e.Name())))
		if err != nil {
			panic("data: embedded notices: " + e.Name() + ": " + err.Error())
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			panic("data: embedded notices: " + e.Name() + ": " + err.Error())
		}
		out = append(out, EmbeddedNoticeFile{Name: strings.TrimSuffix(e.Name(), ".gz"), Data: b})
	}
	return out
}

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
