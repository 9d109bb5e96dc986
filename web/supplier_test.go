package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"fabrique/data"
)

// luhnComplete appends the Luhn check digit to digits.
func luhnComplete(digits string) string {
	for d := 0; d <= 9; d++ {
		s := digits + strconv.Itoa(d)
		sum, double := 0, false
		for i := len(s) - 1; i >= 0; i-- {
			n := int(s[i] - '0')
			if double {
				if n *= 2; n > 9 {
					n -= 9
				}
			}
			sum += n
			double = !double
		}
		if sum%10 == 0 {
			return s
		}
	}
	panic("unreachable")
}

// richSupplier exercises every part of the supplier page: a valid and a
// defective SIRET, a label no longer found, an OFG product range, owner-
// declared products.
func richSupplier() data.Supplier {
	siren := luhnComplete("73282932")
	siret := luhnComplete(siren + "0001")
	bad := siren + "00099" // wrong key
	if data.ValidSIRET(bad) == nil {
		bad = siren + "00098"
	}
	fetched := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	addr := data.ResolveAddress(data.Address{Street: "12 rue des Forges", Postcode: "69003", Commune: "Lyon"})
	return data.Supplier{
		ID: siren, SIREN: siren, Name: "Coutellerie des Pentes", TradeNames: []string{"Lame Lyonnaise"},
		Establishments: []data.Establishment{
			{SIRET: siret, HeadOffice: true, Production: true, Address: addr, Valid: true},
			{SIRET: bad, Address: addr, Valid: false, Defect: "clé de contrôle (Luhn) incorrecte"},
		},
		Address: addr, NAF: "25.71Z", NAFLabel: "Fabrication de coutellerie", HeadcountBand: "12",
		Website:     "https://www.coutellerie-des-pentes.example/",
		Description: "Couteaux forgés à la main depuis 1921.",
		Activities:  []string{"Coutellerie"}, Products: []string{"Couteaux de table", "Couteaux de cuisine"},
		CPVDeclared: []string{"39241000"},
		Labels: []data.Label{
			{Type: data.LabelEPV, Scope: data.ScopeCompany, Category: "Arts de la table", Source: "epv",
				SourceURL: "https://data.economie.gouv.fr/explore/dataset/entreprises-du-patrimoine-vivant-epv/",
				GrantedAt: time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC),
				NotRefoundSince: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
			{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "Couteaux de table", CertificateID: "OFG-2024-117",
				Source: "ofg", SourceURL: "https://www.originefrancegarantie.fr/annuaire-des-produits-certifies/categorie/art-de-la-table",
				GrantedAt: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2099, 6, 1, 0, 0, 0, 0, time.UTC)},
		},
		Extra: map[string]string{"price_range": "Haut de gamme"},
		Provenance: map[string]data.Provenance{
			data.FieldName:     {Source: "epv", SourceURL: "https://data.economie.gouv.fr/explore/dataset/entreprises-du-patrimoine-vivant-epv/", FetchedAt: fetched},
			data.FieldProducts: {Source: "owner", FetchedAt: fetched, Owner: true},
		},
	}
}

// evilSupplier carries markup in every field a crawl could fill.
func evilSupplier() data.Supplier {
	name := "<script>alert(1)</script>"
	addr := data.ResolveAddress(data.Address{Postcode: "69001", Commune: "Lyon"})
	return data.Supplier{
		ID: data.SupplierKey("", name, addr.Postcode), Name: name, Address: addr,
		Products:    []string{`<img src=x onerror=alert(2)> alert`},
		Description: `"><script>alert(3)</script>`,
		Website:     "javascript:alert(4)",
		Labels: []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv",
			SourceURL: "javascript:alert(5)", Category: "<b>Gastronomie</b>"}},
		Defects: []string{"<i>défaut</i>"},
	}
}

func TestSupplierPage(t *testing.T) {
	rich := richSupplier()
	s := newSearchServer(t, Config{}, rich)
	ctx := context.Background()
	err := s.store.PutAwards(ctx, []data.Award{{
		ID: "decp-2019-pes:42", Source: "decp-2019-pes", Buyer: data.Buyer{Name: "Ville de Lyon"},
		Object: "Couverts pour les restaurants scolaires", CPV: "39241000", Amount: 45200,
		NotifiedAt: time.Date(2019, 9, 12, 0, 0, 0, 0, time.UTC), Place: data.Place{Commune: "Lyon", Departement: "69"},
		Winners: []data.Winner{{Name: rich.Name, SIRET: rich.Establishments[0].SIRET}},
	}})
	if err != nil {
		t.Fatalf("PutAwards: %v", err)
	}

	r := s.get(t, supplierURL(rich.ID))
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200:\n%s", r.status, r.body)
	}
	doc := parseHTML(t, r)
	text := textOf(doc.Find("main"))
	band, _ := data.LookupHeadcountBand("12")
	for _, want := range []string{
		rich.SIREN, rich.Establishments[0].SIRET, rich.Establishments[1].SIRET,
		"SIRET invalide : clé de contrôle (Luhn) incorrecte",
		"25.71Z Fabrication de coutellerie", band.Label,
		"12 rue des Forges", "69003 Lyon", "Rhône (69), Auvergne-Rhône-Alpes",
		"Statut : non retrouvé dans la source — non retrouvé depuis le 1er mars 2026", "EPV non retrouvé",
		"Gamme certifiée Couteaux de table", "Certificat OFG-2024-117", "Valable jusqu'au 1er mai 2026",
		"Couteaux de cuisine", "39241000-", "Gamme de prix Haut de gamme",
		"Provenance des données", "Marchés publics remportés", "Ville de Lyon", "45\u202f200\u00a0€",
		"Vous êtes cette entreprise ?",
	} {
		if !strings.Contains(text, normSpace(want)) {
			t.Errorf("supplier page lacks %q", want)
		}
	}
	if href, _ := doc.Find(".claim-box a").Attr("href"); href != supplierURL(rich.ID)+"/revendiquer" {
		t.Errorf("claim link = %q", href)
	}
	var owner, epv []string
	doc.Find("table.provenance tbody tr").Each(func(_ int, tr *goquery.Selection) {
		cells := strings.Fields(textOf(tr))
		switch tr.Find("th").Text() {
		case "Produits et gammes":
			owner = cells
		case "Raison sociale":
			epv = cells
		}
	})
	if len(owner) == 0 || owner[len(owner)-1] != "oui" || !slices.Contains(owner, "l'entreprise") {
		t.Errorf("provenance of the products = %q, want declared by the company (oui)", owner)
	}
	if len(epv) == 0 || epv[len(epv)-1] != "non" || !slices.Contains(epv, "2026") {
		t.Errorf("provenance of the name = %q, want the EPV list, its date, not declared", epv)
	}
	if doc.Find(".map-small svg use.here").Length() != 1 || doc.Find(".map-small svg circle").Length() != 1 {
		t.Errorf("the location map does not show the département and the place")
	}
	if href, _ := doc.Find(`a[href^="https://www.coutellerie"]`).Attr("rel"); !strings.Contains(href, "noopener") {
		t.Errorf("website link without rel=noopener")
	}
}

func TestSupplierPageAddresses(t *testing.T) {
	rich := richSupplier()
	s := newSearchServer(t, Config{}, rich)
	tests := []struct {
		name, path string
		status     int
		location   string
	}{
		{"by SIREN", supplierURL(rich.ID), http.StatusOK, ""},
		{"by SIRET redirects to the company", "/fournisseurs/" + rich.Establishments[0].SIRET, http.StatusMovedPermanently, supplierURL(rich.ID)},
		{"unknown SIREN", "/fournisseurs/" + luhnComplete("12345678"), http.StatusNotFound, ""},
		{"not an identifier", "/fournisseurs/abc", http.StatusNotFound, ""},
		{"claim page asks to sign in", supplierURL(rich.ID) + "/revendiquer", http.StatusSeeOther,
			"/connexion?suite=" + url.QueryEscape(supplierURL(rich.ID)+"/revendiquer")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.path)
			if r.status != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, r.status, tt.status)
			}
			if got := r.header.Get("Location"); got != tt.location {
				t.Errorf("Location = %q, want %q", got, tt.location)
			}
		})
	}
}
