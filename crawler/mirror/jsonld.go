package mirror

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

// ldCompany is one page of the JSON-LD directory: fictional companies
// described with schema.org, as a made-in-France directory would.
type ldCompany struct {
	Slug  string
	Title string
	LD    any // the JSON-LD document
}

func jsonldCompanies() []ldCompany {
	addr := func(street, pc, city string) map[string]any {
		return map[string]any{"@type": "PostalAddress", "streetAddress": street, "postalCode": pc, "addressLocality": city, "addressCountry": "FR"}
	}
	return []ldCompany{
		{"verrerie-des-brumes", "Verrerie des Brumes", map[string]any{
			"@context": "https://schema.org", "@type": "Organization", "@id": "#verrerie",
			"name": "Verrerie des Brumes (fictif)", "url": "https://verrerie-des-brumes.example",
			"description":  "Verre soufflé à la bouche, pièces uniques et petites séries.",
			"foundingDate": "1921", "address": addr("5 rue du Four à Verre", "57960", "Meisenthal"),
			"geo":        map[string]any{"@type": "GeoCoordinates", "latitude": 48.9717, "longitude": 7.3522},
			"makesOffer": []any{map[string]any{"@type": "Offer", "itemOffered": map[string]any{"@type": "Product", "name": "Verres soufflés", "countryOfOrigin": "FR"}}},
		}},
		{"ebenisterie-du-lac", "Ébénisterie du Lac", map[string]any{
			"@context": "https://schema.org",
			"@graph": []any{
				map[string]any{"@type": "WebPage", "name": "Ébénisterie du Lac"},
				map[string]any{"@type": "LocalBusiness", "name": "Ébénisterie du Lac (fictif)", "telephone": "+33 4 00 00 00 00",
					"address": addr("22 avenue du Lac", "74000", "Annecy"), "madeIn": "France",
					"knowsAbout": []any{"Ébénisterie", "Marqueterie"}},
			},
		}},
		{"savon-72", "Savon de Marseille 72 %", map[string]any{
			"@context": "https://schema.org", "@type": "Product", "name": "Savon de Marseille 72 %",
			"countryOfOrigin": map[string]any{"@type": "Country", "name": "France"},
			"manufacturer": map[string]any{"@type": "Organization", "name": "Savonnerie du Midi Imaginaire (fictif)",
				"address": addr("40 chemin de la Madrague", "13014", "Marseille")},
		}},
		{"comptoir-lointain", "Comptoir Lointain", map[string]any{
			"@context": "https://schema.org", "@type": "Organization", "name": "Comptoir Lointain (fictif)",
			"address":    addr("1 rue du Commerce", "59000", "Lille"),
			"makesOffer": []any{map[string]any{"@type": "Offer", "itemOffered": map[string]any{"@type": "Product", "name": "Théières importées", "countryOfOrigin": "CN"}}},
		}},
		{"literie-du-songe", "Literie du Songe", map[string]any{
			"@context": "https://schema.org", "@type": "Organization", "name": "Literie du Songe (fictif)",
			"address": addr("18 avenue des Lits", "49300", "Cholet"), "url": "https://literie-songe.example",
			"description": "Matelas et sommiers fabriqués dans les Mauges.",
		}},
	}
}

var ldPage = template.Must(template.New("ld").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Title}} – annuaire de démonstration</title>
<script type="application/ld+json">{{.LD}}</script>
</head><body>
<p class="mention-fictive"><strong>Exemple fictif</strong> : annuaire de démonstration du miroir local de Fabrique ; entreprise inventée.</p>
<h1>{{.Title}}</h1>
</body></html>
`))

func (m *Mirror) jsonldRoutes() {
	m.mux.HandleFunc("GET /jsonld/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		root := "http://" + r.Host + "/jsonld"
		m.serve(w, r, "application/xml; charset=utf-8", []byte(`<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>`+root+`/sitemap-fabricants.xml</loc></sitemap>
</sitemapindex>
`))
	})
	m.mux.HandleFunc("GET /jsonld/sitemap-fabricants.xml", func(w http.ResponseWriter, r *http.Request) {
		root := "http://" + r.Host + "/jsonld"
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		for _, c := range m.ld {
			b.WriteString("  <url><loc>" + root + "/fabricants/" + c.Slug + ".html</loc><lastmod>2026-04-01</lastmod></url>\n")
		}
		b.WriteString("  <url><loc>" + root + "/a-propos.html</loc></url>\n")
		b.WriteString("  <url><loc>" + root + "/prive/brouillon.html</loc></url>\n") // disallowed by robots.txt
		b.WriteString("</urlset>\n")
		m.serve(w, r, "application/xml; charset=utf-8", []byte(b.String()))
	})
	m.mux.HandleFunc("GET /jsonld/fabricants/{page}", func(w http.ResponseWriter, r *http.Request) {
		slug, ok := strings.CutSuffix(r.PathValue("page"), ".html")
		for _, c := range m.ld {
			if ok && c.Slug == slug {
				m.ldRender(w, r, c.Title, c.LD)
				return
			}
		}
		http.NotFound(w, r)
	})
	m.mux.HandleFunc("GET /jsonld/a-propos.html", func(w http.ResponseWriter, r *http.Request) {
		m.ldRender(w, r, "À propos", map[string]any{"@context": "https://schema.org", "@type": "WebSite", "name": "Annuaire de démonstration"})
	})
	m.mux.HandleFunc("GET /jsonld/prive/{page}", func(w http.ResponseWriter, r *http.Request) {
		m.ldRender(w, r, "Brouillon", map[string]any{"@context": "https://schema.org", "@type": "Organization", "name": "Brouillon à ne pas indexer (fictif)"})
	})
}

func (m *Mirror) ldRender(w http.ResponseWriter, r *http.Request, title string, ld any) {
	b, err := json.Marshal(ld)
	if err != nil {
		http.Error(w, "erreur interne du miroir", http.StatusInternalServerError)
		return
	}
	// html/template escapes the JSON for a <script> context (it stays valid JSON).
	m.render(w, r, ldPage, map[string]any{"Title": title, "LD": template.JS(b)})
}
