package crawler

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fabrique/data"
)

// SuppliersFromEPVCSV reads the official EPV export of data.economie.gouv.fr
// (";" or "," separated, with or without a UTF-8 BOM, column labels or
// field names as headers, "lat, lon" in geolocetablissement) through the
// same field mapping and normalisation as the EPV API source.
//
// Every row gives or joins a supplier: rows of the same company (same
// SIREN: a renewed label, a second site) are merged into one, keeping the
// most recent grant, and reported as a problem. Rows whose SIRET stays
// invalid after repair are kept under a name-and-place key, flagged. An
// error is returned only when the file itself cannot be read.
func SuppliersFromEPVCSV(r io.Reader, opts NormalizeOptions) ([]data.Supplier, []Problem, error) {
	x, err := newJSONExtractor(DefaultConfig().Sources["epv"])
	if err != nil {
		return nil, nil, err
	}
	return suppliersFromEPVCSV(r, opts, x, newNormalizer())
}

// suppliersFromEPVCSV reads the file with the EPV source's extractor and a
// normalizer, which cost more to build than a small file costs to read:
// the fuzz target builds them once.
func suppliersFromEPVCSV(r io.Reader, opts NormalizeOptions, x *jsonExtractor, n *normalizer) ([]data.Supplier, []Problem, error) {
	opts.Source = "epv"
	opts = opts.withDefaults()
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	first, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, fmt.Errorf("crawler: EPV CSV: %w", err)
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffSeparator(first)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("crawler: EPV CSV header: %w: %w", ErrParse, err)
	}
	keys := make([]string, len(header))
	for i, h := range header {
		keys[i] = strings.Join(data.Words(h), "_")
	}
	if !contains(keys, "raison_sociale") {
		return nil, nil, fmt.Errorf("crawler: EPV CSV: no \"Raison sociale\" column in %q: %w", header, ErrParse)
	}

	var (
		out      []data.Supplier
		problems []Problem
		byID     = map[string]int{} // supplier ID → index in out
		lineOf   = map[string]int{} // supplier ID → first line
	)
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err != csv.ErrFieldCount {
				problems = append(problems, Problem{Line: line, URL: opts.SourceURL, Field: "ligne", Message: "ligne CSV illisible : " + pe.Err.Error(), Skipped: true})
				continue
			}
			return out, problems, fmt.Errorf("crawler: EPV CSV line %d: %w", line, err)
		}
		obj := make(map[string]any, len(row))
		for i, v := range row {
			if i < len(keys) {
				obj[keys[i]] = v
			}
		}
		rec := x.record(obj, opts.SourceURL)
		s, ps, err := n.normalize(rec, opts)
		for i := range ps {
			ps[i].Line = line
		}
		problems = append(problems, ps...)
		if err != nil {
			continue
		}
		if i, dup := byID[s.ID]; dup {
			out[i] = mergeRows(out[i], s)
			problems = append(problems, Problem{Line: line, URL: opts.SourceURL, Key: s.ID, Field: FieldSIRET,
				Value: s.SIREN, Message: fmt.Sprintf("même entreprise que la ligne %d : fiches fusionnées (label le plus récent retenu)", lineOf[s.ID])})
			continue
		}
		byID[s.ID] = len(out)
		lineOf[s.ID] = line
		out = append(out, s)
	}
	return out, problems, nil
}

// sniffSeparator picks ";" unless the header line only has commas.
func sniffSeparator(head []byte) rune {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.Count(line, []byte(";")) == 0 && bytes.Count(line, []byte(",")) > 0 {
		return ','
	}
	return ';'
}

// mergeRows folds two rows of one company, whatever their order: the row
// with the most recent grant gives the name, address and label; the
// establishments, activities and defects of both are kept.
func mergeRows(a, b data.Supplier) data.Supplier {
	older, newer := a, b
	if grantOf(a).After(grantOf(b)) {
		older, newer = b, a
	}
	var zero time.Time
	m, _ := data.MergeCrawled(&older, newer, zero)
	m.CreatedAt, m.UpdatedAt = zero, zero
	for i := range m.Labels {
		m.Labels[i].FirstSeen, m.Labels[i].LastSeen = zero, zero
	}
	return m
}

func grantOf(s data.Supplier) time.Time {
	var t time.Time
	for _, l := range s.Labels {
		if l.GrantedAt.After(t) {
			t = l.GrantedAt
		}
	}
	return t
}
