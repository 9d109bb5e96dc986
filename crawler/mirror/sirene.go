package mirror

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// The register mirror answers GET /sirene/search?q=SIREN in the shape of
// the API Recherche d'entreprises. Its companies are test data
// (files/sirene/test-data.json): fictional SIRENs 99990xxxx, one per case
// the register source must handle (several establishments, one closed; a
// ceased company; a company withheld from publication; an individual
// entrepreneur's raw name). Any other SIREN is answered with no result, as
// the API does for a company it does not list.

// sireneCompanies loads the test companies, keyed by SIREN.
func sireneCompanies() map[string]json.RawMessage {
	b, err := files.ReadFile("files/sirene/test-data.json")
	if err != nil {
		panic("mirror: " + err.Error()) // a build defect
	}
	var f struct {
		Companies []json.RawMessage `json:"companies"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		panic("mirror: sirene test data: " + err.Error())
	}
	out := map[string]json.RawMessage{}
	for _, c := range f.Companies {
		var id struct {
			SIREN string `json:"siren"`
		}
		if err := json.Unmarshal(c, &id); err != nil {
			panic("mirror: sirene test data: " + err.Error())
		}
		out[id.SIREN] = c
	}
	return out
}

// SireneTestSIRENs returns the SIRENs of the register mirror's fictional
// companies, for tests and demos that list them first.
func SireneTestSIRENs() []string {
	return []string{"999900012", "999900020", "999900038", "999900046"}
}

func (m *Mirror) sireneRoutes() {
	m.mux.HandleFunc("GET /sirene/search", func(w http.ResponseWriter, r *http.Request) {
		q := strings.TrimSpace(r.URL.Query().Get("q"))
		if q == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"erreur":"Veuillez indiquer au moins un paramètre de recherche."}`))
			return
		}
		perPage := 10
		if n, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && n > 0 && n <= 25 {
			perPage = n
		}
		var results []json.RawMessage
		if c, ok := m.sirene[strings.ReplaceAll(q, " ", "")]; ok {
			results = append(results, c)
		}
		total := len(results)
		pages := 0
		if total > 0 {
			pages = 1
		}
		body, err := json.Marshal(map[string]any{"results": results, "total_results": total, "page": 1,
			"per_page": perPage, "total_pages": pages})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if results == nil {
			body = []byte(`{"results":[],"total_results":0,"page":1,"per_page":` + strconv.Itoa(perPage) + `,"total_pages":0}`)
		}
		m.serve(w, r, "application/json", body)
	})
}
