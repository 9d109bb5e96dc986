package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"fabrique/data"
)

// cpvTenders are a BOAMP notice without CPV code but with a descriptor,
// and one that declares its code.
func cpvTenders() []data.Tender {
	return []data.Tender{
		{ID: "boamp:26-70", Source: "boamp", SourceID: "26-70", Title: "Aménagement d'un parking de 116 places", Nature: data.NatureWorks,
			Descriptors: []data.Descriptor{{Code: "341", Label: "Terrassement"}}, Place: data.Place{Departement: "33"},
			Deadline: inDays(6), State: data.StateOpen},
		{ID: "boamp:26-71", Source: "boamp", SourceID: "26-71", Title: "Menuiseries de l'école", CPV: "45421000",
			Place: data.Place{Departement: "33"}, Deadline: inDays(7), State: data.StateOpen},
	}
}

func TestInferredCPVShownApart(t *testing.T) {
	s := newTestServer(t, Config{})
	putTenders(t, s, cpvTenders()...)
	tests := []struct {
		name        string
		target      string
		want, avoid []string
	}{
		{"tender page", "/appels-d-offres/boamp:26-70",
			[]string{"<dt>CPV déduit</dt>", "<li><span class=\"code\">45112000-5</span> Travaux de fouille et de terrassement",
				"source : descripteur BOAMP « Terrassement »", "confiance forte", "L'avis ne déclare aucun code CPV"},
			// The term stood twice: « CPV déduit — CPV déduit : 45112000-5 ».
			[]string{"<dt>Codes CPV</dt>", "<li>CPV déduit :"}},
		{"declared codes only", "/appels-d-offres/boamp:26-71",
			[]string{"<dt>Codes CPV</dt>", "45421000-4"},
			[]string{"CPV déduit"}},
		{"list", "/appels-d-offres",
			[]string{"CPV déduit : <span class=\"code\">45112000-5</span> Travaux de fouille et de terrassement",
				"source : descripteur BOAMP « Terrassement »", "CPV 45421000</span> Travaux de menuiserie"},
			nil},
		{"CPV filter finds the guess", "/appels-d-offres?cpv=4511",
			[]string{"Aménagement d&#39;un parking"},
			[]string{"Menuiseries de l&#39;école"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.get(t, tc.target)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: %d", tc.target, r.status)
			}
			mustContain(t, tc.target, r.body, tc.want...)
			for _, a := range tc.avoid {
				if strings.Contains(r.body, a) {
					t.Errorf("GET %s shows %q", tc.target, a)
				}
			}
		})
	}
}

func TestAPIInferredCPV(t *testing.T) {
	s := newTestServer(t, Config{})
	putTenders(t, s, cpvTenders()...)
	var detail struct {
		CPV         string             `json:"cpv"`
		Descriptors []data.Descriptor  `json:"descriptors"`
		InferredCPV []data.InferredCPV `json:"inferred_cpv"`
	}
	r := s.get(t, "/api/v1/tenders/boamp:26-70")
	if r.status != http.StatusOK {
		t.Fatalf("detail: %d %s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &detail); err != nil {
		t.Fatal(err)
	}
	if detail.CPV != "" || len(detail.InferredCPV) == 0 || detail.InferredCPV[0].Code != "45112000" ||
		detail.InferredCPV[0].Source != data.CPVSourceDescriptor || len(detail.Descriptors) != 1 {
		t.Errorf("detail: cpv %q, inferred %+v, descriptors %v; want no cpv, 45112000 from the descriptor", detail.CPV, detail.InferredCPV, detail.Descriptors)
	}
	var page struct {
		Results []struct {
			ID          string             `json:"id"`
			InferredCPV []data.InferredCPV `json:"inferred_cpv"`
		} `json:"results"`
		Facets map[string][]struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	r = s.get(t, "/api/v1/tenders?facets=true")
	if r.status != http.StatusOK {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &page); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, x := range page.Results {
		got[x.ID] = len(x.InferredCPV)
	}
	if got["boamp:26-70"] == 0 || got["boamp:26-71"] != 0 {
		t.Errorf("inferred codes per tender in the list: %v; want some for 26-70 only", got)
	}
	inferred := page.Facets["cpv_inferred"]
	if len(inferred) != 1 || inferred[0].Value != "45" || inferred[0].Count != 1 {
		t.Errorf("facet cpv_inferred = %+v, want 45: 1", inferred)
	}
}
