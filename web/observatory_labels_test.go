package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// TestObservatoryKnowsEveryLabel: the observatory breaks down, filters
// and names the labels of data.Labels(), MIF included (it showed « MIF
// MIF », offered EPV and OFG only and refused ?label=MIF with « label
// inconnu : EPV ou OFG »), and the API document's label enums are the
// same list.
func TestObservatoryKnowsEveryLabel(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	sup := data.Supplier{ID: data.SupplierKey("", "Savonnerie du Midi", "13001"), Name: "Savonnerie du Midi",
		Address: data.Address{Postcode: "13001", Commune: "Marseille", Departement: "13", Region: "93"},
		Labels:  []data.Label{{Type: data.LabelMIF, Scope: data.ScopeCompany, Source: "jsonld", FirstSeen: obsDay, LastSeen: obsDay}}}
	if err := s.store.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}

	r := s.get(t, "/observatoire")
	if r.status != http.StatusOK {
		t.Fatalf("GET /observatoire = %d", r.status)
	}
	want := []string{`<option value="">Tous les labels</option>`,
		`<span class="badge">MIF</span> Fabriqué en France (annuaire) : 1 entreprise, dont 1 titulaire d'un label valide`}
	for _, l := range data.Labels() {
		want = append(want, `<option value="`+string(l)+`">`+string(l)+` – `+data.LabelName(l)+`</option>`)
	}
	mustContain(t, "the observatory", r.body, want...)
	if strings.Contains(r.body, "MIF MIF") {
		t.Error("the observatory names MIF by its code twice")
	}

	for _, target := range []string{"/observatoire?label=MIF", "/api/v1/stats/coverage?label=MIF", "/api/v1/stats/tenders?label=MIF",
		"/api/v1/stats/awards?label=MIF", "/api/v1/stats/history?label=MIF"} {
		if r := s.get(t, target); r.status != http.StatusOK {
			t.Errorf("GET %s = %d: %.300s", target, r.status, r.body)
		}
	}
	if r := s.get(t, "/api/v1/stats/coverage?label=ISO"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "label inconnu : EPV, OFG ou MIF") {
		t.Errorf("GET /api/v1/stats/coverage?label=ISO = %d %s, want 400 naming every label", r.status, r.body)
	}
	// The supplier search takes the same labels.
	var p searchParams
	if err := addLabel(&p, "mif"); err != nil || !slices.Equal(p.Labels, []string{"MIF"}) {
		t.Errorf("search label=mif: %v, labels %v", err, p.Labels)
	}
	if err := addLabel(&p, "ISO"); err == nil || !strings.Contains(err.Error(), "label inconnu : EPV, OFG ou MIF") {
		t.Errorf("search label=ISO: %v, want the known labels named", err)
	}

	// Every enum of label codes in the API document.
	var doc any
	if err := json.Unmarshal([]byte(openAPIDocument), &doc); err != nil {
		t.Fatal(err)
	}
	var labels []data.LabelType
	for _, l := range data.Labels() {
		labels = append(labels, l)
	}
	found := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if enum, ok := v["enum"].([]any); ok && slices.Contains(enum, any("EPV")) {
				found++
				var got []data.LabelType
				for _, e := range enum {
					s, _ := e.(string)
					got = append(got, data.LabelType(s))
				}
				if !slices.Equal(got, labels) {
					t.Errorf("openapi.json label enum %v, want data.Labels() %v", got, labels)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	if found == 0 {
		t.Error("no label enum in openapi.json")
	}
}
