package mirror

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const ofgRoot = "/ofg/annuaire-des-produits-certifies/"

// ofgSite renders the OFG-like pages from the fixture.
type ofgSite struct {
	category *template.Template
	rng      *template.Template
	index    *template.Template
}

func newOFGSite() ofgSite {
	return ofgSite{
		index:    template.Must(template.New("index").Parse(ofgHead + ofgIndexBody + ofgFoot)),
		category: template.Must(template.New("category").Parse(ofgHead + ofgCategoryBody + ofgFoot)),
		rng:      template.Must(template.New("range").Parse(ofgHead + ofgRangeBody + ofgFoot)),
	}
}

func (m *Mirror) ofgRoutes() {
	m.mux.HandleFunc("GET "+ofgRoot+"{$}", func(w http.ResponseWriter, r *http.Request) {
		m.render(w, r, m.ofg.index, map[string]any{"Title": "Annuaire des produits certifiés", "Root": ofgRoot, "Categories": ofgCategories})
	})
	m.mux.HandleFunc("GET "+ofgRoot+"categorie/{slug}/", func(w http.ResponseWriter, r *http.Request) {
		m.ofgCategory(w, r, r.PathValue("slug"), 1)
	})
	m.mux.HandleFunc("GET "+ofgRoot+"categorie/{slug}/page/{n}/", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 1 {
			http.NotFound(w, r)
			return
		}
		m.ofgCategory(w, r, r.PathValue("slug"), n)
	})
	m.mux.HandleFunc("GET "+ofgRoot+"produit/{slug}/", func(w http.ResponseWriter, r *http.Request) {
		for _, rg := range ofgRanges {
			if rg.Slug == r.PathValue("slug") {
				m.render(w, r, m.ofg.rng, ofgRangeView(rg))
				return
			}
		}
		http.NotFound(w, r)
	})
}

type ofgCard struct {
	URL, Range, Company, Postcode, City, Certificate, Category, CategoryURL string
}

func (m *Mirror) ofgCategory(w http.ResponseWriter, r *http.Request, slug string, page int) {
	var cat *ofgCategory
	for i := range ofgCategories {
		if ofgCategories[i].Slug == slug {
			cat = &ofgCategories[i]
		}
	}
	if cat == nil {
		http.NotFound(w, r)
		return
	}
	var cards []ofgCard
	for _, rg := range ofgRanges {
		for _, c := range rg.Categories {
			if c == slug {
				co := ofgCompanies[rg.Company]
				cards = append(cards, ofgCard{URL: ofgRoot + "produit/" + rg.Slug + "/", Range: rg.Name, Company: co.Name,
					Postcode: co.Postcode, City: co.City, Certificate: rg.Certificate, Category: cat.Name,
					CategoryURL: ofgRoot + "categorie/" + slug + "/"})
			}
		}
	}
	size := m.cfg.OFGPageSize
	pages := max(1, (len(cards)+size-1)/size)
	if page > pages {
		http.NotFound(w, r)
		return
	}
	pageURL := func(n int) string {
		if n == 1 {
			return ofgRoot + "categorie/" + slug + "/"
		}
		return fmt.Sprintf("%scategorie/%s/page/%d/", ofgRoot, slug, n)
	}
	var nums []map[string]any
	for n := 1; n <= pages; n++ {
		nums = append(nums, map[string]any{"N": n, "URL": pageURL(n), "Current": n == page})
	}
	v := map[string]any{"Title": cat.Name, "Root": ofgRoot, "Cards": cards[(page-1)*size : min(page*size, len(cards))], "Pages": nums}
	if page < pages {
		v["Next"] = pageURL(page + 1)
	}
	if page > 1 {
		v["Prev"] = pageURL(page - 1)
	}
	m.render(w, r, m.ofg.category, v)
}

func ofgRangeView(rg ofgRange) map[string]any {
	co := ofgCompanies[rg.Company]
	var cats []ofgCategory
	for _, s := range rg.Categories {
		for _, c := range ofgCategories {
			if c.Slug == s {
				cats = append(cats, c)
			}
		}
	}
	return map[string]any{"Title": rg.Name, "Root": ofgRoot, "Range": rg, "Company": co, "Categories": cats,
		"Granted": frenchDate(rg.Granted), "Expires": frenchDate(rg.Expires),
		"Description": template.HTML(rg.Description)} // fixture text written here, not taken from the web
}

var frenchMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func frenchDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return fmt.Sprintf("%d %s %d", t.Day(), frenchMonths[t.Month()-1], t.Year())
}

// render executes a template into a buffer, then serves it.
func (m *Mirror) render(w http.ResponseWriter, r *http.Request, t *template.Template, v any) {
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		http.Error(w, "erreur interne du miroir", http.StatusInternalServerError)
		return
	}
	m.serve(w, r, "text/html; charset=utf-8", []byte(b.String()))
}

const ofgHead = `<!DOCTYPE html>
<html lang="fr-FR">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – Annuaire des produits certifiés – miroir de démonstration</title>
<link rel="stylesheet" id="theme-css" href="/ofg/wp-content/themes/ofg/style.css" media="all">
<script>window.dataLayer = window.dataLayer || [];</script>
</head>
<body class="wp-theme-ofg">
<div class="bandeau-fictif" role="note"><strong>Exemple fictif</strong> : site de démonstration qui imite la structure de l'annuaire
Origine France Garantie. Les entreprises, gammes et certificats sont inventés.</div>
<header id="masthead" class="site-header"><a href="{{.Root}}" rel="home">Annuaire des produits certifiés</a>
<nav class="main-navigation"><a href="/ofg/wp-admin/">Administration</a></nav></header>
<main id="main" class="site-main">
`

const ofgFoot = `</main>
<footer class="site-footer"><p>Miroir local de Fabrique — exemples fictifs.</p></footer>
</body>
</html>
`

const ofgIndexBody = `<header class="page-header"><h1 class="page-title">Annuaire des produits certifiés</h1></header>
<ul class="liste-categories">
{{range .Categories}}<li class="cat-item"><a href="{{$.Root}}categorie/{{.Slug}}/">{{.Name}}</a></li>
{{end}}</ul>
`

const ofgCategoryBody = `<header class="page-header"><h1 class="page-title">{{.Title}}</h1></header>
<div class="produits-certifies">
{{range .Cards}}<article class="produit-certifie type-produit status-publish">
  <h2 class="entry-title"><a href="{{.URL}}" rel="bookmark">{{.Range}}</a></h2>
  <div class="produit-certifie__meta">
    <span class="entreprise">{{.Company}}</span>
    <span class="localisation"><span class="code-postal">{{.Postcode}}</span> <span class="ville">{{.City}}</span></span>
    <span class="certificat">Certificat n° <strong>{{.Certificate}}</strong></span>
    <span class="categorie"><a href="{{.CategoryURL}}" rel="tag">{{.Category}}</a></span>
  </div>
</article>
{{end}}</div>
<nav class="navigation pagination" aria-label="Pagination"><div class="nav-links">
{{with .Prev}}<a class="prev page-numbers" href="{{.}}">Précédent</a>{{end}}
{{range .Pages}}{{if .Current}}<span aria-current="page" class="page-numbers current">{{.N}}</span>{{else}}<a class="page-numbers" href="{{.URL}}">{{.N}}</a>{{end}}
{{end}}{{with .Next}}<a class="next page-numbers" href="{{.}}">Suivant</a>{{end}}
</div></nav>
`

const ofgRangeBody = `<article class="produit-certifie-fiche type-produit">
  <h1 class="entry-title">{{.Range.Name}}</h1>
  <div class="fiche__categories">Catégories : {{range $i, $c := .Categories}}{{if $i}}, {{end}}<a rel="tag" href="{{$.Root}}categorie/{{$c.Slug}}/">{{$c.Name}}</a>{{end}}</div>
  <section class="fiche__titulaire">
    <h2>Titulaire de la certification</h2>
    <p class="titulaire__nom">{{.Company.Name}}</p>
    <p class="titulaire__adresse"><span class="adresse">{{.Company.Street}}</span>, <span class="code-postal">{{.Company.Postcode}}</span> <span class="ville">{{.Company.City}}</span></p>
    {{with .Company.Website}}<p class="titulaire__site"><a href="{{.}}" rel="nofollow">Site de l'entreprise</a></p>{{end}}
  </section>
  <section class="fiche__certificat">
    <p>Numéro de certificat : <span class="certificat__numero">{{.Range.Certificate}}</span></p>
    <p>Date de certification : <time class="certificat__debut" datetime="{{.Range.Granted}}">{{.Granted}}</time></p>
    <p>Valable jusqu'au : <time class="certificat__fin" datetime="{{.Range.Expires}}">{{.Expires}}</time></p>
  </section>
  <div class="fiche__description entry-content">{{.Description}}</div>
  <p class="mention-fictive"><em>Exemple fictif</em> : gamme, entreprise et certificat inventés pour le miroir de démonstration.</p>
</article>
`
