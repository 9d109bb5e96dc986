package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// searchTextForms are the forms of the search text that the index reads
// beyond plain words: a place at the end of the words, and a SIREN in
// groups. openapi.json gives each as an example of the q parameter of
// searchSuppliers; the contract plays each example against the real
// server, so that the document says what the search does.
var searchTextForms = []searchTextForm{
	{text: "menuiserie"},
	{text: "menuiserie Lyon", kind: "commune", code: "69123"},
	{text: "menuiserie à Tours", kind: "commune", code: "37261"},
	{text: "menuiserie Marseille 13", kind: "commune", code: "13055"},
	{text: "menuiserie Paris 11e", kind: "commune", code: "75056"},
	{text: "menuiserie 35", kind: "departement", code: "35"},
	{text: "ferronnier Bretagne", kind: "region", code: "53"},
	{text: "348 830 308", siren: "348830308"},
}

// searchTextForm is a search text and what the server reads in it.
type searchTextForm struct {
	text string
	// kind and code of the place read in the text; "" when none is.
	kind, code string
	// siren heads the results when set.
	siren string
}

// testContractSearchTextForms checks that the q parameter's examples are
// the forms of searchTextForms, that the server reads each as the table
// says (place in the answer, or the company first), and that the answer
// example of the search reports the place it was read from as the server
// does.
func testContractSearchTextForms(t *testing.T, cs *contractServer) {
	op := cs.doc.Paths.Find("/api/v1/suppliers").Get
	q := op.Parameters.GetByInAndName("query", "q")
	if q == nil {
		t.Fatal("searchSuppliers has no q parameter")
	}
	documented := map[string]bool{}
	for name, ex := range q.Examples {
		text, ok := ex.Value.Value.(string)
		if !ok {
			t.Errorf("example %q of q is not a string: %v", name, ex.Value.Value)
			continue
		}
		documented[text] = true
		if !slices.ContainsFunc(searchTextForms, func(f searchTextForm) bool { return f.text == text }) {
			t.Errorf("example %q of q (%q) is not played: add it to searchTextForms", name, text)
		}
	}
	for _, f := range searchTextForms {
		t.Run(f.text, func(t *testing.T) {
			if !documented[f.text] {
				t.Errorf("openapi.json does not give %q among the examples of q", f.text)
			}
			x := cs.fetch(t, http.MethodGet, "/api/v1/suppliers?q="+url.QueryEscape(f.text), "", nil)
			if _, err := validateExchange(cs.router, x); err != nil {
				t.Errorf("the answer does not follow the document: %v", err)
			}
			var got struct {
				Place   *struct{ Kind, Code string }
				Near    *apiPlace
				Results []struct {
					SIREN string `json:"siren"`
				}
			}
			if err := json.Unmarshal([]byte(x.response.body), &got); err != nil {
				t.Fatalf("%d: %v", x.status, err)
			}
			switch {
			case f.kind == "" && got.Place != nil:
				t.Errorf("place = %+v, want none", got.Place)
			case f.kind != "" && (got.Place == nil || got.Place.Kind != f.kind || got.Place.Code != f.code):
				t.Errorf("place = %+v, want %s %s", got.Place, f.kind, f.code)
			case f.kind != "" && got.Near == nil:
				t.Errorf("no near beside the place: distances are measured from it")
			}
			if f.siren != "" && (len(got.Results) == 0 || got.Results[0].SIREN != f.siren) {
				t.Errorf("results %+v, want %s first", got.Results, f.siren)
			}
		})
	}

	// The answer example is the answer to the search it says it is.
	const exampleQuery = "?q=menuiserie+Lyon&per_page=1"
	mt := op.Responses.Status(http.StatusOK).Value.Content.Get("application/json")
	if desc := *op.Responses.Status(http.StatusOK).Value.Description; !strings.Contains(desc, exampleQuery) {
		t.Errorf("the answer's description %q does not name its example's query %s", desc, exampleQuery)
	}
	example, err := json.Marshal(mt.Example)
	if err != nil {
		t.Fatal(err)
	}
	type placeRead struct {
		Near    any `json:"near"`
		Place   any `json:"place"`
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	var want, got placeRead
	if err := json.Unmarshal(example, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(cs.fetch(t, http.MethodGet, "/api/v1/suppliers"+exampleQuery, "", nil).response.body), &got); err != nil {
		t.Fatal(err)
	}
	if want.Place == nil || !reflect.DeepEqual(got.Place, want.Place) || !reflect.DeepEqual(got.Near, want.Near) ||
		len(got.Results) != 1 || len(want.Results) != 1 || got.Results[0].ID != want.Results[0].ID {
		t.Errorf("the answer example of searchSuppliers reports\n%+v\nthe server answers %s with\n%+v", want, exampleQuery, got)
	}
}
