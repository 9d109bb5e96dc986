package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/mirror"
	"fabrique/data"
)

// TestCrawlRegisterFromMirror lists the register mirror's test companies
// in a store, as a label directory would, then runs `fabrique crawl
// --source sirene` against the mirror and reads what it filled.
func TestCrawlRegisterFromMirror(t *testing.T) {
	m := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer m.Close()
	dir := t.TempDir()
	st, err := openStore(dir, nil, newStore)
	if err != nil {
		t.Fatal(err)
	}
	var batch []data.Supplier
	for _, siren := range mirror.SireneTestSIRENs() {
		s := data.Supplier{ID: siren, SIREN: siren, Name: "Listée " + siren}
		s.SetProvenance(data.FieldName, data.Provenance{Source: "epv", FetchedAt: time.Now().UTC()})
		batch = append(batch, s)
	}
	if _, err := st.UpsertCrawled(context.Background(), batch, "test"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	cfg := writeTemp(t, `{"politeness": {"no_delay": true}}`)
	stdout, stderr, err := runCmd(t, env(), "crawl", "--data", dir, "--source", "sirene", "--base-url", m.URL+"/sirene", "--config", cfg)
	if err != nil {
		t.Fatalf("crawl: %v\n%s\n%s", err, stdout, stderr)
	}
	st, err = openStore(dir, nil, newStore)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Supplier(context.Background(), "999900012")
	if err != nil {
		t.Fatal(err)
	}
	r := s.Register
	if r == nil || r.LegalForm != "5710" || r.CreatedOn.IsZero() || s.HeadcountBand != "22" || s.Category != "PME" ||
		!strings.HasPrefix(s.Name, "FORGES DE L'EXEMPLE") || len(s.Establishments) != 3 || r.HeadOffice.Commune != "Thiers" {
		t.Errorf("register fields not filled: name %q band %q category %q establishments %d register %+v",
			s.Name, s.HeadcountBand, s.Category, len(s.Establishments), r)
	}
	ceased, err := st.Supplier(context.Background(), "999900020")
	if err != nil {
		t.Fatal(err)
	}
	if !ceased.Ceased() {
		t.Errorf("ceased company not flagged: %+v", ceased.Register)
	}
}
