package mirror

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

//go:embed files
var files embed.FS

// Config tunes a mirror; the zero value serves the defaults.
type Config struct {
	// LastModified is the Last-Modified date of every answer; zero means
	// 2026-04-01, the date of the EPV export.
	LastModified time.Time
	// OFGPageSize is the number of range cards per category page (0: 8).
	OFGPageSize int
	// EPVMaxLimit caps the limit parameter of the EPV and BOAMP APIs, as
	// Opendatasoft does (0: 100).
	EPVMaxLimit int
}

// Mirror serves the local copies. Build it with New; it is read-only
// afterwards and safe for concurrent use.
type Mirror struct {
	cfg  Config
	mux  *http.ServeMux
	epv  []map[string]any
	csv  []byte
	ofg  ofgSite
	ld   []ldCompany
	bmp  boampFeed
	ted  []string // eForms file names
	boxs []string // BOAMP XML file names
	// sirene holds the register mirror's test companies by SIREN.
	sirene map[string]json.RawMessage
}

// New loads the data and builds the routes.
func New(cfg Config) *Mirror {
	if cfg.LastModified.IsZero() {
		cfg.LastModified = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	}
	if cfg.OFGPageSize <= 0 {
		cfg.OFGPageSize = 8
	}
	if cfg.EPVMaxLimit <= 0 {
		cfg.EPVMaxLimit = 100
	}
	m := &Mirror{cfg: cfg, mux: http.NewServeMux()}
	m.loadEPV()
	m.ofg = newOFGSite()
	m.ld = jsonldCompanies()
	m.loadTenders()
	m.sirene = sireneCompanies()
	m.routes()
	return m
}

// Handler returns the mirror's HTTP handler.
func (m *Mirror) Handler() http.Handler { return m.mux }

// BaseURLs returns, for a mirror served at root (e.g.
// "http://127.0.0.1:8081"), the base URL of each crawler source.
func BaseURLs(root string) map[string]string {
	root = strings.TrimRight(root, "/")
	return map[string]string{
		"epv":    root,
		"ofg":    root + "/ofg",
		"jsonld": root + "/jsonld",
		"boamp":  root,
		"ted":    root + "/ted",
		"sirene": root + "/sirene",
	}
}

// robots is the mirror's robots.txt: it shows a polite crawler at work.
const robots = `# Miroir local de Fabrique
User-agent: *
Disallow: /jsonld/prive/
Disallow: /ofg/wp-admin/

Sitemap: /jsonld/sitemap.xml
`

func (m *Mirror) routes() {
	m.mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		m.serve(w, r, "text/plain; charset=utf-8", []byte(robots))
	})
	m.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		m.serve(w, r, "text/html; charset=utf-8", []byte(indexPage))
	})
	m.epvRoutes()
	m.ofgRoutes()
	m.jsonldRoutes()
	m.tenderRoutes()
	m.sireneRoutes()
}

const indexPage = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Miroir local de Fabrique</title></head>
<body><h1>Miroir local de Fabrique</h1>
<ul>
<li><a href="/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/records?limit=10&amp;offset=0">EPV (données réelles, API Opendatasoft)</a></li>
<li><a href="/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/exports/csv">EPV, export CSV</a></li>
<li><a href="/ofg/annuaire-des-produits-certifies/">Annuaire de type Origine France Garantie (exemples fictifs)</a></li>
<li><a href="/jsonld/sitemap.xml">Annuaire JSON-LD (exemples fictifs)</a></li>
<li><a href="/api/explore/v2.1/catalog/datasets/boamp/records?limit=10&amp;offset=0">BOAMP (avis réels du 15 mars 2026)</a></li>
<li><a href="/boamp/xml/">BOAMP, avis XML</a></li>
<li><a href="/ted/eforms/">TED, exemples eForms</a></li>
<li><a href="/sirene/search?q=999900012">Répertoire Sirene, API Recherche d'entreprises (données de test fictives)</a></li>
</ul></body></html>`

// serve writes body with a strong ETag and Last-Modified, answering 304
// to a matching If-None-Match (or, without it, If-Modified-Since).
func (m *Mirror) serve(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", m.cfg.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "public, max-age=300")
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etagMatch(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !m.cfg.LastModified.After(t) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Type", contentType)
	_, _ = w.Write(body)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// serveJSON marshals v and serves it.
func (m *Mirror) serveJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "erreur interne du miroir", http.StatusInternalServerError)
		return
	}
	m.serve(w, r, "application/json; charset=utf-8", b)
}

// odsError answers like Opendatasoft does to a bad parameter.
func odsError(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{"error_code": "InvalidRESTParameterError", "message": msg})
}
