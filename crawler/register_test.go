package crawler_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/crawler/crawltest"
	"fabrique/data"
)

// seedListed puts in mem, as a label directory would list them, the
// companies of the register mirror's test data plus one it does not know.
func seedListed(t *testing.T, mem *crawltest.Memory) {
	t.Helper()
	listing := func(name, siret, dep string, lat, lon float64) data.Supplier {
		prov := data.Provenance{Source: "epv", FetchedAt: time.Now().UTC()}
		addr := data.Address{Departement: dep, Lat: lat, Lon: lon, Precision: data.GeoExact}
		s := data.Supplier{ID: data.SIRENOf(siret), SIREN: data.SIRENOf(siret), Name: name, Address: addr,
			Establishments: []data.Establishment{{SIRET: siret, Valid: true, Address: addr}},
			Labels:         []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv"}}}
		s.SetProvenance(data.FieldName, prov)
		s.SetProvenance(data.FieldAddress, prov)
		s.SetProvenance(data.FieldEstablishment, prov)
		return s
	}
	batch := []data.Supplier{
		listing("FORGES DE L'EXEMPLE", "99990001200025", "42", 46.04, 4.07), // listed for its Roanne site
		listing("TISSAGES DISPARUS", "99990002000010", "39", 46.4, 5.87),
		listing("ATELIER DISCRET", "99990003800012", "29", 47.9, -3.9),
		listing("EXEMPLE*/JEANNE MARIE/", "99990004600015", "25", 47.06, 6.58),
		listing("INCONNUE DU REGISTRE", "99990005300011", "75", 48.85, 2.35),
	}
	if _, err := mem.UpsertCrawled(context.Background(), batch, "test"); err != nil {
		t.Fatal(err)
	}
}

func TestRegisterSourceAgainstMirror(t *testing.T) {
	cfg := mirrorConfig(t)
	mem := crawltest.New()
	seedListed(t, mem)
	run, err := crawler.Run(context.Background(), cfg, []string{"sirene"}, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.PagesFetched != 5 || len(run.PagesFailed) != 0 {
		t.Fatalf("run = %+v, want 5 pages fetched (one per SIREN), none failed", run)
	}
	get := func(id string) data.Supplier {
		s, ok := mem.Supplier(id)
		if !ok {
			t.Fatalf("%s missing", id)
		}
		return s
	}
	date := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }

	t.Run("several establishments", func(t *testing.T) {
		s := get("999900012")
		if s.Name != "FORGES DE L'EXEMPLE (DONNEES DE TEST)" || s.Provenance[data.FieldName].Source != "sirene" {
			t.Errorf("name = %q (%+v)", s.Name, s.Provenance[data.FieldName])
		}
		r := s.Register
		if r == nil || !r.Found || r.LegalForm != "5710" || !r.CreatedOn.Equal(date("1987-03-01")) || r.Ceased || r.Partial {
			t.Fatalf("register = %+v", r)
		}
		if data.LegalFormName(r.LegalForm) != "Société par actions simplifiée (SAS)" {
			t.Errorf("legal form name = %q", data.LegalFormName(r.LegalForm))
		}
		if s.HeadcountBand != "22" || s.Category != "PME" || s.Provenance[data.FieldHeadcount].Source != "sirene" {
			t.Errorf("headcount %q category %q", s.HeadcountBand, s.Category)
		}
		if got := r.HeadOffice; got.Street != "Zone Artisanale des Forges, 12 rue des Forges" || got.Postcode != "63300" ||
			got.Commune != "Thiers" || got.Departement != "63" {
			t.Errorf("head office = %+v", got)
		}
		if len(s.Establishments) != 3 {
			t.Fatalf("establishments = %+v", s.Establishments)
		}
		byS := map[string]data.Establishment{}
		for _, e := range s.Establishments {
			byS[e.SIRET] = e
		}
		if e := byS["99990001200033"]; !e.Closed || !e.ClosedOn.Equal(date("2019-12-31")) {
			t.Errorf("closed establishment = %+v", e)
		}
		if e := byS["99990001200017"]; !e.HeadOffice || e.Closed {
			t.Errorf("head office establishment = %+v", e)
		}
		// The company is placed at the establishment it is listed for.
		if a := s.Address; a.Street != "4 bis avenue de la Gare" || a.Commune != "Roanne" || a.Departement != "42" ||
			s.Provenance[data.FieldAddress].Source != "sirene" {
			t.Errorf("address = %+v (%+v)", a, s.Provenance[data.FieldAddress])
		}
		for _, want := range []string{"FDE", "COUTELLERIE DE L'EXEMPLE", "ATELIER DE LA GARE", "FORGES DE L'EXEMPLE"} {
			if !slices.Contains(s.TradeNames, want) {
				t.Errorf("trade names %q lack %q", s.TradeNames, want)
			}
		}
		if s.Ceased() {
			t.Error("active company reported ceased")
		}
	})
	t.Run("ceased", func(t *testing.T) {
		s := get("999900020")
		if !s.Ceased() || !s.Register.CeasedOn.Equal(date("2025-06-30")) {
			t.Errorf("register = %+v", s.Register)
		}
		if !s.EstablishmentClosed("99990002000010") {
			t.Error("ceased company's establishment not closed")
		}
	})
	t.Run("non-diffusible", func(t *testing.T) {
		s := get("999900038")
		if s.Register == nil || !s.Register.Partial || s.Name != "ATELIER DISCRET" {
			t.Errorf("name %q register %+v: a withheld name must not replace the listed one", s.Name, s.Register)
		}
		for _, e := range s.Establishments {
			if !e.Hidden || e.Address.Street != "" || strings.Contains(e.Address.Street, "NON-DIFFUSIBLE") {
				t.Errorf("withheld establishment shown: %+v", e)
			}
		}
		if strings.Contains(s.Address.Street, "NON") || s.Provenance[data.FieldAddress].Source == "sirene" {
			t.Errorf("address replaced by a withheld one: %+v", s.Address)
		}
	})
	t.Run("individual entrepreneur", func(t *testing.T) {
		s := get("999900046")
		if s.Name != "Jeanne Marie Exemple" || s.Register.LegalName != "Jeanne Marie Exemple" {
			t.Errorf("name = %q", s.Name)
		}
		if s.HeadcountBand != "" {
			t.Errorf("headcount NN kept as %q", s.HeadcountBand)
		}
		if a := s.Address; a.Street != "1 route de la Vallee" || a.Commune != "Morteau" || !a.HasGeo() {
			t.Errorf("address = %+v (coordinates of the listing must be kept when the register has none)", a)
		}
	})
	t.Run("unknown to the register", func(t *testing.T) {
		if s := get("999900053"); s.Register != nil || s.Name != "INCONNUE DU REGISTRE" {
			t.Errorf("unknown company changed: %+v", s)
		}
	})
	t.Run("a label directory does not undo the register", func(t *testing.T) {
		seedListed(t, mem)
		s := get("999900012")
		if s.Name != "FORGES DE L'EXEMPLE (DONNEES DE TEST)" || s.Address.Street != "4 bis avenue de la Gare" {
			t.Errorf("after a new listing: name %q address %+v", s.Name, s.Address)
		}
		for _, e := range s.Establishments {
			if e.SIRET == "99990001200025" && e.Address.Street == "" {
				t.Errorf("registered address of the listed establishment lost: %+v", e)
			}
		}
		if s := get("999900046"); s.Name != "Jeanne Marie Exemple" {
			t.Errorf("raw name came back: %q", s.Name)
		}
	})
}

func TestRegisterSourceRate(t *testing.T) {
	cfg := crawler.DefaultConfig()
	d, err := cfg.Source("sirene")
	if err != nil {
		t.Fatal(err)
	}
	if d.Rate.PublishedPerSecond != 7 || d.Rate.Parallelism != 1 || !d.PerCompany() {
		t.Fatalf("sirene rate = %+v", d.Rate)
	}
	var mu sync.Mutex
	var at []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"results":[],"total_results":0}`))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	f := crawler.NewFetcher(context.Background(), crawler.Politeness{}, []string{host})
	f.SetRate(host, d.Rate)
	for i := 0; i < 5; i++ {
		if _, err := f.Fetch(context.Background(), srv.URL+"/search?q=99990001"+string(rune('0'+i)), data.PageState{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < len(at); i++ {
		gap := at[i].Sub(at[i-1])
		if gap < 135*time.Millisecond {
			t.Errorf("gap %d = %v: faster than the published 7 requests/s", i, gap)
		}
		if gap > 900*time.Millisecond {
			t.Errorf("gap %d = %v: the published limit should replace the general 1 s delay", i, gap)
		}
	}
}
