package crawler

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestJSONPath(t *testing.T) {
	doc, err := decodeJSON([]byte(`{"total_count": 2, "results": [
		{"siret": 1698006200109, "geo": {"lat": 48.1, "lon": 2.5}, "tags": ["a", "b"], "nested": {"x": [{"y": "1"}, {"y": "2"}]}},
		{"siret": "44270113200049", "geo": null, "ok": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want []string
	}{
		{"total_count", []string{"2"}},
		{"results.siret", []string{"1698006200109", "44270113200049"}},
		{"results.geo", []string{"48.1, 2.5"}},
		{"results.tags", []string{"a", "b"}},
		{"results.nested.x.y", []string{"1", "2"}},
		{"results.ok", []string{"true"}},
		{"results.missing", nil},
		{"total_count.deeper", nil},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if got := jsonStrings(jsonPath(doc, tc.path)); !slices.Equal(got, tc.want) {
				t.Errorf("jsonPath(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func TestJSONExtractEPV(t *testing.T) {
	x, err := newJSONExtractor(DefaultConfig().Sources["epv"])
	if err != nil {
		t.Fatal(err)
	}
	body := `{"total_count": 1298, "results": [{"raison_sociale": "HORUS", "siret": 44270113200049, "univers": "Mode et Beauté",
		"secteur_d_activite": ["Maroquinerie"], "type_de_clientele": "Particuliers,Professionnels", "gamme_de_prix": ["Moins de 50 €"],
		"geolocetablissement": {"lon": 7.45, "lat": 48.39}, "site_internet": "www.horus.fr"}]}`
	recs, total, err := x.extract([]byte(body), "https://mirror.example/records")
	if err != nil || total != 1298 || len(recs) != 1 {
		t.Fatalf("extract: %d records, total %d, err %v", len(recs), total, err)
	}
	r := recs[0]
	for field, want := range map[string][]string{
		FieldName: {"HORUS"}, FieldSIRET: {"44270113200049"}, FieldGeo: {"48.39, 7.45"},
		FieldActivities: {"Mode et Beauté", "Maroquinerie"}, "extra.clientele": {"Particuliers", "Professionnels"},
		FieldRecordURL: {"https://data.economie.gouv.fr/explore/dataset/entreprises-du-patrimoine-vivant-epv/table/?q=44270113200049"},
	} {
		if !slices.Equal(r[field], want) {
			t.Errorf("%s = %q, want %q", field, r[field], want)
		}
	}
	if _, _, err := x.extract([]byte(`{"results": [{"raison_sociale": "TRONQ`), ""); !errors.Is(err, ErrParse) {
		t.Errorf("truncated JSON: err = %v, want ErrParse", err)
	}
}

func TestHTMLExtract(t *testing.T) {
	d := &Definition{Name: "t", Kind: KindHTML, BaseURL: "https://annuaire.example", Start: []string{"{base_url}/"},
		Records: RecordRule{Selector: "article.fiche", Fields: []FieldRule{
			{Field: FieldName, Selector: "h2"},
			{Field: FieldWebsite, Selector: "a.site", Attr: "href"},
			{Field: FieldCertificateID, Selector: ".cert", Pattern: `n°\s*(\S+)`},
			{Field: FieldActivities, Selector: ".tags", Split: ","},
			{Field: FieldRecordURL, Template: "{base_url}/fiche?nom={name}"},
		}}}
	x, err := newHTMLExtractor(d)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := parseHTML([]byte(`<base href="https://annuaire.example/dir/"><article class="fiche"><h2>Forge <script>x()</script>Dupont</h2>
		<a class="site" href="../forge">site</a><p class="cert">Certificat n° OFG-12</p><p class="tags">Couteaux, Outils</p></article>
		<article class="fiche"><p>sans nom</p></article>`))
	recs := x.extract(doc, "https://annuaire.example/dir/page")
	if len(recs) != 1 {
		t.Fatalf("records = %d, want 1 (the empty article gives nothing): %v", len(recs), recs)
	}
	r := recs[0]
	for field, want := range map[string][]string{
		FieldName: {"Forge Dupont"}, FieldWebsite: {"https://annuaire.example/forge"}, FieldCertificateID: {"OFG-12"},
		FieldActivities: {"Couteaux", " Outils"}, FieldRecordURL: {"https://annuaire.example/fiche?nom=Forge+Dupont"},
	} {
		if !slices.Equal(r[field], want) {
			t.Errorf("%s = %q, want %q", field, r[field], want)
		}
	}
	if _, err := newHTMLExtractor(&Definition{Name: "t", Records: RecordRule{Selector: "div[["}}); err == nil {
		t.Error("a broken selector was accepted")
	}
}

func TestHTMLLinks(t *testing.T) {
	d := DefaultConfig().Sources["ofg"]
	lr, err := compileLinks(d)
	if err != nil {
		t.Fatal(err)
	}
	base := "https://www.originefrancegarantie.fr/annuaire-des-produits-certifies/"
	doc, _ := parseHTML([]byte(`<a href="categorie/maison/">Maison</a><a href="categorie/maison/page/2/">2</a>
		<article class="produit-certifie"><h2 class="entry-title"><a href="produit/couteaux/">Couteaux</a></h2></article>
		<a class="next page-numbers" href="categorie/maison/page/2/">Suivant</a><a href="https://ailleurs.example/categorie/x/">x</a>
		<a href="javascript:void(0)">js</a><a href="categorie/maison/#haut">ancre</a>`))
	got := lr.htmlLinks(doc, base)
	want := []string{base + "categorie/maison/page/2/", base + "categorie/maison/", base + "produit/couteaux/"}
	if !slices.Equal(got, want) {
		t.Errorf("links = %q, want %q", got, want)
	}
}

func TestJSONLDExtract(t *testing.T) {
	d := DefaultConfig().Sources["jsonld"]
	x, err := newJSONLDExtractor(d)
	if err != nil {
		t.Fatal(err)
	}
	page := `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
		{"@type":"Organization","@id":"https://a.example/#org","legalName":"ATELIER DUPONT SAS","name":"Dupont",
		 "identifier":{"@type":"PropertyValue","propertyID":"SIRET","value":"442 701 132 00049"},
		 "address":{"@type":"PostalAddress","streetAddress":"1 rue X","postalCode":"67140","addressLocality":"Mittelbergheim","addressRegion":"Grand Est"}},
		{"@type":"schema:Product","name":"Robinet","countryOfOrigin":{"@type":"Country","name":"France"},"manufacturer":{"@id":"https://a.example/#org"}}]}
	</script><script type="application/ld+json">{"@type":"Product","name":"Sans fabricant"}</script>
	<script type="application/ld+json">{"@type":"Corporation","name":"Autre","vatID":"FR32442701132"</script>`
	doc, _ := parseHTML([]byte(page))
	recs, err := x.extract(doc, "https://a.example/dupont")
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %v, err %v; want one company", recs, err)
	}
	r := recs[0]
	for field, want := range map[string][]string{
		FieldName: {"ATELIER DUPONT SAS"}, FieldTradeName: {"Dupont"}, FieldSIRET: {"44270113200049"}, FieldPostcode: {"67140"},
		FieldRegion: {"Grand Est"}, FieldProducts: {"Robinet"}, FieldMadeIn: {"France"}, FieldRecordURL: {"https://a.example/#org"},
	} {
		if !slices.Equal(r[field], want) {
			t.Errorf("%s = %q, want %q", field, r[field], want)
		}
	}
	broken, _ := parseHTML([]byte(`<script type="application/ld+json">{"@type": "Organiz</script>`))
	if _, err := x.extract(broken, ""); !errors.Is(err, ErrParse) {
		t.Errorf("only broken JSON-LD: err = %v, want ErrParse", err)
	}
}

func TestParseSitemap(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		urls     int
		sitemaps int
		wantErr  bool
	}{
		{"urlset", `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://a.example/1 </loc></url><url><loc>ftp://x/</loc></url><url><loc>/relative</loc></url></urlset>`, 1, 0, false},
		{"index", `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>`, 0, 1, false},
		{"html", `<html><body>not a sitemap</body></html>`, 0, 0, true},
		{"truncated", `<urlset><url><loc>https://a.example/1`, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sm, err := ParseSitemap([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && (len(sm.URLs) != tc.urls || len(sm.Sitemaps) != tc.sitemaps) {
				t.Errorf("got %d urls and %d sitemaps, want %d and %d", len(sm.URLs), len(sm.Sitemaps), tc.urls, tc.sitemaps)
			}
		})
	}
}

func FuzzJSONExtract(f *testing.F) {
	x, err := newJSONExtractor(DefaultConfig().Sources["epv"])
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"total_count":1,"results":[{"raison_sociale":"A","siret":1,"geolocetablissement":{"lat":1,"lon":2}}]}`))
	f.Add([]byte(`{"results":[[[{"raison_sociale":["a",{"b":1}]}]]]}`))
	f.Add([]byte(`{"results":[{"raison_sociale":"A"`))
	f.Fuzz(func(t *testing.T, body []byte) {
		recs, total, err := x.extract(body, "https://x.example/")
		if err != nil && (len(recs) != 0 || !errors.Is(err, ErrParse)) {
			t.Fatalf("error %v with %d records", err, len(recs))
		}
		if total < -1 {
			t.Fatalf("total %d", total)
		}
	})
}

func FuzzHTMLExtract(f *testing.F) {
	d := DefaultConfig().Sources["ofg"]
	x, err := newHTMLExtractor(d)
	if err != nil {
		f.Fatal(err)
	}
	lr, err := compileLinks(d)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`<article class="produit-certifie-fiche"><h1 class="entry-title">G</h1><p class="titulaire__nom">N</p></article>`))
	f.Add([]byte(`<article class="produit-certifie-fiche"><h1 class="entry-title"><script>x</script>`))
	f.Add([]byte(`<a class="next page-numbers" href="//evil/">n</a><base href="javascript:">`))
	f.Add([]byte(`<article class="produit-certifie-fiche"><h1 class="entry-title">Couteaux</h1><p class="titulaire__nom">Forge</p>` +
		`<p class="titulaire__siret">442 701 132 00049</p><p class="titulaire__adresse"><span class="adresse">1 rue</span>` +
		`<span class="code-postal">63300</span><span class="ville">Thiers</span></p><p class="titulaire__site"><a href="www.forge.fr">s</a></p>` +
		`<time class="certificat__fin" datetime="2027-01-01">f</time></article>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		doc, err := parseHTML(body)
		if err != nil {
			return
		}
		for _, l := range lr.htmlLinks(doc, d.BaseURL+"/annuaire-des-produits-certifies/") {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Fatalf("non-http link %q", l)
			}
		}
		opts := NormalizeOptions{Source: d.Name, Label: d.Label, Scope: d.Scope, FetchedAt: time.Unix(0, 0)}
		for _, r := range x.extract(doc, d.BaseURL+"/p") {
			for _, v := range r[FieldName] {
				if strings.Contains(v, "<script") {
					t.Fatalf("script kept in %q", v)
				}
			}
			if s, _, err := Normalize(r, opts); err == nil {
				checkCrawled(t, s)
			}
		}
	})
}

func FuzzJSONLDExtract(f *testing.F) {
	x, err := newJSONLDExtractor(DefaultConfig().Sources["jsonld"])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"@type":"Organization","name":"A","address":{"postalCode":"75001"}}`)
	f.Add(`{"@graph":[{"@type":"Product","name":"P","manufacturer":{"@id":"#o"}},{"@id":"#o","@type":"Organization","name":"O"}]}`)
	f.Add(`[{"@type":["LocalBusiness"],"name":["x"],"identifier":[{"value":1}],"geo":[{"latitude":"a"}]}]`)
	f.Fuzz(func(t *testing.T, ld string) {
		doc, err := parseHTML([]byte(`<script type="application/ld+json">` + ld + `</script>`))
		if err != nil {
			return
		}
		recs, err := x.extract(doc, "https://x.example/")
		if err != nil && !errors.Is(err, ErrParse) {
			t.Fatalf("unexpected error %v", err)
		}
		for _, r := range recs {
			if r.First(FieldName) == "" && r.First(FieldTradeName) != "" {
				t.Fatalf("trade name without name: %v", r)
			}
		}
	})
}

func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>https://a.example/</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>https://a.example/s.xml</loc></sitemap></sitemapindex>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><urlset>&a;</urlset>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		sm, err := ParseSitemap(body)
		if err != nil {
			return
		}
		for _, u := range append(sm.URLs, sm.Sitemaps...) {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Fatalf("non-http URL %q kept", u)
			}
		}
	})
}
