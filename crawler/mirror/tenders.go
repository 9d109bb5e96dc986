package mirror

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
)

// boampFeed is the BOAMP sample reshaped for paging.
type boampFeed struct {
	results []map[string]any
}

func (m *Mirror) loadTenders() {
	b, err := files.ReadFile("files/boamp/boamp_avis_2026-03-15_sample.api-shape.json")
	if err != nil {
		panic("mirror: " + err.Error())
	}
	var doc struct {
		Results []map[string]any `json:"results"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		panic("mirror: BOAMP sample: " + err.Error())
	}
	m.bmp.results = doc.Results
	m.ted = listFiles("files/ted/eforms")
	m.boxs = listFiles("files/boamp/xml")
}

func listFiles(dir string) []string {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		panic("mirror: " + err.Error())
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".xml") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func (m *Mirror) tenderRoutes() {
	m.mux.HandleFunc("GET /api/explore/v2.1/catalog/datasets/boamp/records", func(w http.ResponseWriter, r *http.Request) {
		m.records(w, r, m.bmp.results)
	})
	m.xmlFeed("/boamp/xml/", "files/boamp/xml", m.boxs)
	m.xmlFeed("/ted/eforms/", "files/ted/eforms", m.ted)
}

// xmlFeed serves a directory of XML notices: an index at prefix (JSON:
// {"notices": [{"id", "url"}]}) and each notice at prefix+name.
func (m *Mirror) xmlFeed(prefix, dir string, names []string) {
	m.mux.HandleFunc("GET "+prefix+"{$}", func(w http.ResponseWriter, r *http.Request) {
		type notice struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		}
		idx := struct {
			Notices []notice `json:"notices"`
		}{Notices: []notice{}}
		for _, n := range names {
			idx.Notices = append(idx.Notices, notice{ID: strings.TrimSuffix(n, ".xml"), URL: prefix + n})
		}
		m.serveJSON(w, r, idx)
	})
	m.mux.HandleFunc("GET "+prefix+"{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if strings.Contains(name, "/") || !strings.HasSuffix(name, ".xml") {
			http.NotFound(w, r)
			return
		}
		b, err := files.ReadFile(path.Join(dir, name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		m.serve(w, r, "application/xml; charset=utf-8", b)
	})
}
