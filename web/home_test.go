package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestHomeIsFrench(t *testing.T) {
	s := newTestServer(t, Config{Version: "v1.2.3"})
	r := s.get(t, "/")
	if r.status != http.StatusOK {
		t.Fatalf("GET / = %d, want 200; body:\n%s", r.status, r.body)
	}
	if got := r.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/html; charset=utf-8", got)
	}
	for _, want := range []string{
		`<html lang="fr">`,
		`<a class="skip-link" href="#contenu">Aller au contenu</a>`,
		`<main id="contenu"`,
		"Fabrique",
		"Le fabriqué en France dans la commande publique",
		"Acheteurs publics",
		"PMI et ateliers",
		"Origine France Garantie (OFG), ou présentées par un\n  annuaire du fabriqué en France (MIF)",
		"L'Alliance",
		`<form class="search" action="/recherche" method="get" role="search">`,
		"Licence Ouverte",
		"Insee",
		"IGN",
		"Office des publications de l'Union européenne",
		"Version v1.2.3.",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
}

func TestHomeShowsSupplierCount(t *testing.T) {
	s := newTestServer(t, Config{})
	ctx := context.Background()
	epv := []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv"}}
	for i, name := range []string{"Atelier Dupont", "Forges de Bretagne"} {
		sup := data.Supplier{ID: data.SupplierKey("", name, "2900"+string(rune('0'+i))), Name: name}
		if i == 0 {
			sup.Labels = epv
		}
		if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
			t.Fatalf("PutSupplier(%s): %v", name, err)
		}
	}
	first := s.get(t, "/") // before the label states are computed: the label index counts
	mustContain(t, "the first home page", first.body,
		`<dt><span class="badge">EPV</span> Entreprise du Patrimoine Vivant : entreprises référencées</dt><dd>1</dd>`,
		"labels valides et expirés en cours de décompte")
	if _, err := s.observatoryFacts(ctx); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, "/")
	for _, want := range []string{
		"<dt>Fournisseurs référencés</dt><dd>2</dd>",
		`<dt><span class="badge">EPV</span> Entreprise du Patrimoine Vivant : label valide</dt><dd>1</dd>`,
		// A label without any company says so: the figure stood alone, a
		// bare 0 under a lead that promises OFG companies.
		`<dt><span class="badge">OFG</span> Origine France Garantie : label valide</dt><dd>0</dd><dd class="figure-detail">aucune entreprise de ce label dans l'annuaire pour le moment</dd></div>`,
		`<a href="/observatoire">Voir l'observatoire`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "L'annuaire est vide") || strings.Contains(r.body, "L&#39;annuaire est vide") {
		t.Errorf("home page says the directory is empty while it holds 2 suppliers")
	}
}

// TestHomeCountsValidLabelsApart checks the home page's EPV figure on the
// real embedded list: valid labels (1 012 on 2026-12-06, as a count of the
// CSV's end dates gives) apart from the expired ones (279).
func TestHomeCountsValidLabelsApart(t *testing.T) {
	s := newSearchServer(t, Config{Now: func() time.Time { return obsDay }})
	if _, err := s.observatoryFacts(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, "/")
	mustContain(t, "the home page", r.body,
		"<dt><span class=\"badge\">EPV</span> Entreprise du Patrimoine Vivant : label valide</dt><dd>1\u202f012</dd>",
		"sur 1\u202f291 entreprises référencées avec ce label, dont 279 au label expiré")
}

func TestHomeEscapesQuery(t *testing.T) {
	s := newTestServer(t, Config{})
	r := s.get(t, `/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E`)
	if r.status != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", r.status)
	}
	if strings.Contains(r.body, "<script>") {
		t.Errorf("the query was written unescaped:\n%s", r.body)
	}
	if want := `value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`; !strings.Contains(r.body, want) {
		t.Errorf("search field lacks the escaped query %q", want)
	}
}

func TestNavigationShowsOnlyServedPages(t *testing.T) {
	tests := []struct {
		name   string
		routes []route
		want   []string
	}{
		{"home only", []route{{method: "GET", path: "/"}}, []string{"/"}},
		{"search added", []route{{method: "GET", path: "/"}, {method: "GET", path: "/recherche"}}, []string{"/", "/recherche"}},
		{"POST does not count", []route{{method: "POST", path: "/besoins/nouveau"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range visibleNav(tt.routes) {
				got = append(got, e.Path)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("visibleNav = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNavMarksCurrentSection(t *testing.T) {
	s := &Server{nav: navigation()}
	tests := []struct {
		path string
		want string // label of the current entry, "" for none
	}{
		{"/", "Accueil"},
		{"/recherche", "Rechercher des fournisseurs"},
		{"/appels-d-offres/boamp:123", "Appels d'offres"},
		{"/rechercher", ""},
		{"/healthz", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, item := range s.navFor(tt.path) {
			if item.Current {
				got = append(got, item.Label)
			}
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("navFor(%q) current = %v, want %q", tt.path, got, tt.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "0"},
		{999, "999"},
		{1000, "1\u202f000"},
		{1298, "1\u202f298"},
		{1234567, "1\u202f234\u202f567"},
		{-45000, "-45\u202f000"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.n); got != tt.want {
			t.Errorf("formatNumber(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func BenchmarkHome(b *testing.B) {
	s := newTestServer(b, Config{})
	for b.Loop() {
		if r := s.get(b, "/"); r.status != http.StatusOK {
			b.Fatalf("GET / = %d", r.status)
		}
	}
}
