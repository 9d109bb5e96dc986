package crawler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"fabrique/data"
)

// ErrParse is wrapped by extractors when a page cannot be read at all
// (truncated JSON, not a sitemap…).
var ErrParse = fmt.Errorf("crawler: unreadable page: %w", data.ErrInvalid)

// decodeJSON decodes a whole JSON document, keeping numbers as written.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: JSON: %v", ErrParse, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: JSON: data after the document", ErrParse)
	}
	return v, nil
}

// jsonPath returns the values at a dot-separated path; arrays met on the
// way are flattened, so "results.siret" reads every record's SIRET.
func jsonPath(v any, path string) []any {
	cur := []any{v}
	if path != "" {
		for _, key := range strings.Split(path, ".") {
			var next []any
			for _, c := range flatten(cur) {
				if m, ok := c.(map[string]any); ok {
					if x, ok := m[key]; ok && x != nil {
						next = append(next, x)
					}
				}
			}
			cur = next
		}
	}
	return cur
}

func flatten(vs []any) []any {
	var out []any
	for _, v := range vs {
		if a, ok := v.([]any); ok {
			out = append(out, flatten(a)...)
			continue
		}
		out = append(out, v)
	}
	return out
}

// jsonStrings renders JSON values as text: strings as they are, numbers as
// written, arrays element by element, {lat, lon} objects as "lat, lon".
func jsonStrings(vs []any) []string {
	var out []string
	for _, v := range vs {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			out = append(out, strconv.FormatBool(x))
		case []any:
			out = append(out, jsonStrings(x)...)
		case map[string]any:
			lat, ok1 := x["lat"].(json.Number)
			lon, ok2 := x["lon"].(json.Number)
			if ok1 && ok2 {
				out = append(out, lat.String()+", "+lon.String())
			}
		}
	}
	return out
}

// fieldSet is a definition's field rules, compiled once.
type fieldSet struct {
	rules    []FieldRule
	patterns []*regexp.Regexp
}

func compileFields(rules []FieldRule) (*fieldSet, error) {
	fs := &fieldSet{rules: rules, patterns: make([]*regexp.Regexp, len(rules))}
	for i, r := range rules {
		if r.Pattern == "" {
			continue
		}
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("crawler: field %s pattern: %w", r.Field, err)
		}
		fs.patterns[i] = re
	}
	return fs, nil
}

// add post-processes raw values of rule i (pattern, split) into rec.
func (fs *fieldSet) add(rec Record, i int, values []string) {
	r := fs.rules[i]
	for _, v := range values {
		if re := fs.patterns[i]; re != nil {
			m := re.FindStringSubmatch(v)
			if m == nil {
				continue
			}
			v = m[len(m)-1]
		}
		if r.Split != "" {
			rec.Add(r.Field, strings.Split(v, r.Split)...)
			continue
		}
		rec.Add(r.Field, v)
	}
}

// templates fills the template fields once the others are known.
func (fs *fieldSet) templates(rec Record, baseURL, pageURL string) {
	for i, r := range fs.rules {
		if r.Template == "" {
			continue
		}
		isURL := strings.Contains(r.Template, "://") || strings.HasPrefix(r.Template, "{base_url}") || strings.HasPrefix(r.Template, "{page_url}")
		missing := false
		out := templateRe.ReplaceAllStringFunc(r.Template, func(m string) string {
			key := m[1 : len(m)-1]
			switch key {
			case "base_url":
				return strings.TrimRight(baseURL, "/")
			case "page_url":
				return pageURL
			}
			v := strings.TrimSpace(rec.First(key))
			if v == "" {
				missing = true
			}
			if isURL {
				return url.QueryEscape(v)
			}
			return v
		})
		if !missing {
			fs.add(rec, i, []string{out})
		}
	}
}

var templateRe = regexp.MustCompile(`\{[a-z_.]+\}`)

// jsonExtractor reads records from a JSON API page.
type jsonExtractor struct {
	def    *Definition
	fields *fieldSet
}

func newJSONExtractor(d *Definition) (*jsonExtractor, error) {
	fs, err := compileFields(d.Records.Fields)
	if err != nil {
		return nil, err
	}
	return &jsonExtractor{def: d, fields: fs}, nil
}

// extract returns the records of a page and the total number of records
// the API announces (-1 when it does not say).
func (x *jsonExtractor) extract(body []byte, pageURL string) ([]Record, int, error) {
	doc, err := decodeJSON(body)
	if err != nil {
		return nil, -1, err
	}
	total := -1
	if p := x.def.Pagination.TotalPath; p != "" {
		if vs := jsonStrings(jsonPath(doc, p)); len(vs) > 0 {
			if n, err := strconv.Atoi(vs[0]); err == nil && n >= 0 {
				total = n
			}
		}
	}
	items := flatten(jsonPath(doc, x.def.Records.Path))
	recs := make([]Record, 0, len(items))
	for _, it := range items {
		if _, ok := it.(map[string]any); !ok {
			continue
		}
		recs = append(recs, x.record(it, pageURL))
	}
	return recs, total, nil
}

// record maps one JSON object to a record.
func (x *jsonExtractor) record(item any, pageURL string) Record {
	rec := Record{}
	for i, r := range x.fields.rules {
		if r.Template != "" || r.Path == "" {
			continue
		}
		x.fields.add(rec, i, jsonStrings(jsonPath(item, r.Path)))
	}
	x.fields.templates(rec, x.def.BaseURL, pageURL)
	return rec
}
