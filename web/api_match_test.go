package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"fabrique/data"
)

// menuiserieNeed is a buyer's need with two lots, in Ille-et-Vilaine,
// where the real EPV directory has joiners and ironworkers.
const menuiserieNeed = `{
	"title": "Restauration des menuiseries en bois de la mairie",
	"description": "Fenêtres et portes en chêne du XIXe siècle, ébénisterie et ferronnerie.",
	"cpv": ["45421000"],
	"departement": "35",
	"estimated_value": 150000,
	"lots": [
		{"title": "Fenêtres en chêne", "cpv": ["45421130"]},
		{"title": "Grilles en fer forgé", "description": "ferronnerie d'art"}
	]
}`

// apiMatchBody is the answer of the match API, decoded loosely so that
// the test sees exactly the JSON a client gets.
type apiMatchBody struct {
	Tender  map[string]any   `json:"tender"`
	Matches []map[string]any `json:"matches"`
	Lots    []struct {
		LotID   string           `json:"lot_id"`
		Title   string           `json:"title"`
		Matches []map[string]any `json:"matches"`
		Terms   []string         `json:"terms"`
	} `json:"lots"`
	Terms []string `json:"terms"`
}

// checkMatchShape checks one match of the API against the contract.
func checkMatchShape(t *testing.T, m map[string]any) {
	t.Helper()
	for _, key := range []string{"supplier_id", "siren", "siret", "name", "score", "distance_km", "url", "reasons"} {
		if _, ok := m[key]; !ok {
			t.Errorf("match lacks %q: %v", key, m)
		}
	}
	if score, _ := m["score"].(float64); score <= 0 || score > 100 {
		t.Errorf("score %v, want in (0, 100]", m["score"])
	}
	if siren, _ := m["siren"].(string); len(siren) != 9 {
		t.Errorf("siren %q", siren)
	}
	if u, _ := m["url"].(string); !strings.Contains(u, "/fournisseurs/") {
		t.Errorf("url %q does not link to the supplier's page", u)
	}
	reasons, _ := m["reasons"].([]any)
	if len(reasons) == 0 {
		t.Fatalf("match without reasons: %v", m)
	}
	for _, x := range reasons {
		r, _ := x.(map[string]any)
		kind, _ := r["kind"].(string)
		text, _ := r["text"].(string)
		if kind == "" || text == "" {
			t.Errorf("reason without kind or French text: %v", r)
		}
		if _, ok := r["weight"].(float64); !ok {
			t.Errorf("reason without weight: %v", r)
		}
	}
}

// frenchReason reports whether some reason of the matches reads as one of
// the French sentences of data.Reason.
func frenchReason(ms []map[string]any, prefixes ...string) bool {
	for _, m := range ms {
		reasons, _ := m["reasons"].([]any)
		for _, x := range reasons {
			text, _ := x.(map[string]any)["text"].(string)
			for _, p := range prefixes {
				if strings.HasPrefix(text, p) {
					return true
				}
			}
		}
	}
	return false
}

func TestMatchAPI(t *testing.T) {
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})

	t.Run("contract", func(t *testing.T) {
		r := s.postJSON(t, "/api/v1/match", menuiserieNeed)
		if r.status != http.StatusOK {
			t.Fatalf("POST /api/v1/match = %d: %s", r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
		var got apiMatchBody
		decodeJSON(t, r, &got)
		if len(got.Matches) == 0 || len(got.Matches) > 50 {
			t.Fatalf("%d matches, want 1 to 50 (the default)", len(got.Matches))
		}
		for _, m := range got.Matches {
			checkMatchShape(t, m)
		}
		if !frenchReason(got.Matches, "à ", "CPV ", "termes : ", "label EPV valide") {
			t.Errorf("no reason reads in French: %.1000s", r.body)
		}
		if len(got.Terms) == 0 {
			t.Errorf("no terms")
		}
		if len(got.Lots) != 2 || got.Lots[0].LotID != "1" || got.Lots[0].Title != "Fenêtres en chêne" || got.Lots[1].LotID != "2" {
			t.Fatalf("lots = %+v, want the two lots of the need", got.Lots)
		}
		for _, l := range got.Lots {
			if len(l.Matches) == 0 {
				t.Errorf("lot %s: no match", l.LotID)
			}
			for _, m := range l.Matches {
				checkMatchShape(t, m)
			}
		}
		// The nearest joiners of Ille-et-Vilaine come with their distance.
		d, _ := got.Matches[0]["distance_km"].(float64)
		if d <= 0 || d > 150 {
			t.Errorf("first match at %v km of Ille-et-Vilaine", got.Matches[0]["distance_km"])
		}
		if got.Tender != nil {
			t.Errorf("a need sent to the API is not stored, yet the answer names a tender: %v", got.Tender)
		}
	})

	t.Run("limit", func(t *testing.T) {
		var got apiMatchBody
		decodeJSON(t, s.postJSON(t, "/api/v1/match", `{"title":"Restauration de boiseries","departement":"35","limit":3}`), &got)
		if len(got.Matches) != 3 || len(got.Lots) != 0 {
			t.Errorf("%d matches and %d lots, want 3 and none", len(got.Matches), len(got.Lots))
		}
	})

	t.Run("an omitted or null limit is the default", func(t *testing.T) {
		for _, body := range []string{`{"title":"Restauration de boiseries","departement":"35"}`,
			`{"title":"Restauration de boiseries","departement":"35","limit":null}`} {
			var got apiMatchBody
			if r := s.postJSON(t, "/api/v1/match", body); r.status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", body, r.status, r.body)
			} else {
				decodeJSON(t, r, &got)
			}
			if len(got.Matches) != 50 {
				t.Errorf("%s: %d matches, want the default 50", body, len(got.Matches))
			}
		}
	})

	t.Run("a commune places the need", func(t *testing.T) {
		for body, placed := range map[string]bool{
			`{"title":"Restauration de boiseries","commune":"Rennes","limit":3}`: true,
			`{"title":"Restauration de boiseries","limit":3}`:                    false, // nationwide: no distance
		} {
			var got apiMatchBody
			decodeJSON(t, s.postJSON(t, "/api/v1/match", body), &got)
			if len(got.Matches) != 3 {
				t.Fatalf("%s: %d matches, want 3", body, len(got.Matches))
			}
			for _, m := range got.Matches {
				if _, ok := m["distance_km"].(float64); ok != placed {
					t.Errorf("%s: distance_km %v, want a distance: %v", body, m["distance_km"], placed)
				}
			}
		}
	})

	t.Run("only a CPV code", func(t *testing.T) {
		r := s.postJSON(t, "/api/v1/match", `{"cpv":["45212350-4"],"postcode":"35000","limit":5}`)
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})

	errs := []struct {
		name        string
		body        string
		contentType string
		status      int
		words       []string
	}{
		{"invalid CPV named", `{"title":"Menuiserie","cpv":["45421000","99999999"]}`, "", http.StatusBadRequest, []string{"99999999", "CPV"}},
		{"wrong check digit", `{"title":"Menuiserie","cpv":["45421000-9"]}`, "", http.StatusBadRequest, []string{"45421000-9", "45421000-4"}},
		{"invalid CPV of a lot", `{"title":"Menuiserie","lots":[{"title":"Portes","cpv":["1234"]}]}`, "", http.StatusBadRequest, []string{"1234"}},
		{"unknown field named", `{"title":"Menuiserie","departemnt":"35"}`, "", http.StatusBadRequest, []string{"departemnt", "champ inconnu"}},
		{"unknown field of a lot", `{"title":"Menuiserie","lots":[{"titre":"Portes"}]}`, "", http.StatusBadRequest, []string{"titre"}},
		{"wrong type", `{"title":"Menuiserie","estimated_value":"cher"}`, "", http.StatusBadRequest, []string{"estimated_value", "nombre"}},
		{"malformed JSON", `{"title":`, "", http.StatusBadRequest, []string{"JSON"}},
		{"trailing garbage", `{"title":"Menuiserie"} {}`, "", http.StatusBadRequest, []string{"JSON"}},
		{"empty body", ``, "", http.StatusBadRequest, []string{"vide"}},
		{"nothing to look for", `{"description":"sans intitulé"}`, "", http.StatusBadRequest, []string{"intitulé"}},
		{"unknown département", `{"title":"Menuiserie","departement":"99"}`, "", http.StatusBadRequest, []string{"99", "département"}},
		{"limit too high", `{"title":"Menuiserie","limit":500}`, "", http.StatusBadRequest, []string{"limit"}},
		{"limit 0, as GET …/matches?limit=0", `{"title":"Menuiserie","limit":0}`, "", http.StatusBadRequest, []string{"limit « 0 »", "entre 1 et 200"}},
		{"negative limit", `{"title":"Menuiserie","limit":-3}`, "", http.StatusBadRequest, []string{"limit « -3 »"}},
		{"a list instead of an object", `[{"title":"Menuiserie"}]`, "", http.StatusBadRequest, []string{"le corps doit être un objet JSON"}},
		{"a string instead of an object", `"Menuiserie"`, "", http.StatusBadRequest, []string{"le corps doit être un objet JSON"}},
		{"postcode outside the département", `{"title":"Vitraux","departement":"29","postcode":"69001"}`, "", http.StatusBadRequest,
			[]string{"le code postal 69001 (Lyon, Rhône) n'est pas dans le département 29 – Finistère"}},
		{"unknown commune", `{"title":"menuiserie","commune":"Nulle-Part-sur-Mer"}`, "", http.StatusBadRequest,
			[]string{"commune inconnue : Nulle-Part-sur-Mer"}},
		{"ambiguous commune", `{"title":"menuiserie","commune":"Saint-Denis"}`, "", http.StatusBadRequest,
			[]string{"commune ambiguë", "précisez le département"}},
		{"not JSON", `title=Menuiserie`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, []string{"application/json"}},
		{"oversized body", `{"title":"Menuiserie","description":"` + strings.Repeat("pierre ", 50000) + `"}`, "", http.StatusRequestEntityTooLarge, []string{"Kio"}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			r := s.do(t, http.MethodPost, "/api/v1/match", strings.NewReader(tt.body), "Content-Type", ct)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			var e struct {
				Error string `json:"error"`
			}
			decodeJSON(t, r, &e)
			for _, w := range tt.words {
				if !strings.Contains(e.Error, w) {
					t.Errorf("error %q does not mention %q", e.Error, w)
				}
			}
		})
	}

	t.Run("unknown query parameter", func(t *testing.T) {
		if r := s.postJSON(t, "/api/v1/match?limit=5", menuiserieNeed); r.status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", r.status)
		}
	})
}

func TestTenderMatches(t *testing.T) {
	// The notice buys green-space upkeep (CPV 77310000), which no company
	// of the EPV list does (no NAF 81.30Z): a landscaper of the Rouen area
	// that listed itself gives the shortlist someone to show.
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}}, landscaper())
	tender := loadNotice(t, "cn_24_FRA_comments.xml")
	putTenders(t, s, tender)
	path := "/appels-d-offres/" + tender.ID

	t.Run("API", func(t *testing.T) {
		r := s.get(t, "/api/v1/tenders/"+tender.ID+"/matches?limit=5")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var got apiMatchBody
		decodeJSON(t, r, &got)
		if got.Tender["id"] != tender.ID || !strings.HasSuffix(got.Tender["page_url"].(string), path) {
			t.Errorf("tender = %v", got.Tender)
		}
		if len(got.Matches) == 0 || len(got.Matches) > 5 {
			t.Errorf("%d matches, want 1 to 5", len(got.Matches))
		}
		if len(got.Lots) != 2 || got.Lots[0].LotID != "LOT-0001" || got.Lots[0].Title != "Agence centre" {
			t.Errorf("lots = %+v", got.Lots)
		}
		for _, m := range got.Matches {
			checkMatchShape(t, m)
		}
		for _, target := range []string{"/api/v1/tenders/ted:inconnu/matches", "/api/v1/tenders/" + tender.ID + "/matches?limit=0"} {
			if r := s.get(t, target); r.status != http.StatusNotFound && r.status != http.StatusBadRequest {
				t.Errorf("GET %s = %d, want 404 or 400", target, r.status)
			}
		}
	})

	t.Run("page ranks suppliers per lot", func(t *testing.T) {
		r := s.get(t, path)
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		mustContain(t, "tender page", r.body, "Fournisseurs proposés", `id="ensemble"`, "Ensemble du marché",
			`id="lot-LOT-0001"`, "Lot LOT-0001 : Agence centre", "Lot LOT-0002 : Agence Hauts de Rouen",
			`<h4><a href="/fournisseurs/`, `class="reasons"`, "score ", path+"/fournisseurs.csv", path+"/rapport")
		if strings.Contains(r.body, "n'est pas disponible") {
			t.Errorf("the page says the ranking is unavailable")
		}
	})

	t.Run("CSV export", func(t *testing.T) {
		r := s.get(t, path+"/fournisseurs.csv")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if !strings.HasPrefix(r.body, "\ufeffClassement;Lot;Intitulé du lot;SIREN;SIRET;Raison sociale;") {
			t.Errorf("CSV starts %q", r.body[:min(len(r.body), 80)])
		}
		if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
			t.Errorf("Content-Disposition = %q", cd)
		}
		lines := strings.Split(strings.TrimSpace(r.body), "\r\n")
		if len(lines) < 3 {
			t.Fatalf("%d lines", len(lines))
		}
		if !strings.Contains(r.body, ";LOT-0001;Agence centre;") || !strings.Contains(lines[1], "1;;Ensemble du marché;") {
			t.Errorf("CSV rows do not name their lot:\n%s\n%s", lines[1], lines[len(lines)-1])
		}
		if !strings.Contains(lines[1], "à ") || !strings.Contains(lines[1], "/fournisseurs/") {
			t.Errorf("row without reasons or link: %s", lines[1])
		}
		checkShortlistConfidence(t, r.body)
	})

	t.Run("printable report", func(t *testing.T) {
		r := s.get(t, path+"/rapport")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		mustContain(t, "report", r.body, "Rapport de sourcing", "Rouen Habitat", "Ensemble du marché", "Lot LOT-0002 : Agence Hauts de Rouen",
			`class="shortlist-table"`, "report.")
	})
}

func BenchmarkMatchAPI(b *testing.B) {
	s := newSearchServer(b, Config{RateLimit: RateLimit{PerSecond: -1}})
	for b.Loop() {
		r := s.postJSON(b, "/api/v1/match", menuiserieNeed)
		if r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
	}
}

// FuzzDecodeNeed checks that whatever the body, the match API's decoding
// answers a need or a French error naming something, never a panic.
func FuzzDecodeNeed(f *testing.F) {
	for _, s := range []string{menuiserieNeed, `{}`, `{"title":1}`, `{"lots":[{"x":1}]}`, `[]`, `null`, `{"cpv":"45"}`, "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		n, err := decodeNeed([]byte(body))
		if err != nil {
			if invalidMessage(err) == "valeur incorrecte" {
				t.Fatalf("decodeNeed(%q): error without a French message: %v", body, err)
			}
			return
		}
		b, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("decoded need does not marshal: %v", err)
		}
		// The need as JSON (a client sending back what it sent, the
		// shortlist's link) decodes to the same need and the same tender id.
		again, err := decodeNeed(b)
		if b2, _ := json.Marshal(again); err != nil || !bytes.Equal(b2, b) {
			t.Fatalf("decodeNeed(%s) = %s, %v", b, b2, err)
		}
		tn, err := n.Tender()
		if err == nil {
			if tn2, err := again.Tender(); err != nil || tn2.ID != tn.ID {
				t.Fatalf("the same need gives tender %q, then %q (%v)", tn.ID, tn2.ID, err)
			}
		}
		if err != nil {
			if !isInvalid(err) {
				t.Fatalf("Tender(%q): %v, want a validation error", body, err)
			}
			var ve *data.ValidationError
			errors.As(err, &ve)
			if msg := invalidMessage(needError(err)); msg == "valeur incorrecte" || !strings.Contains(msg, " : ") && !namesItself(ve) {
				t.Fatalf("needError(%v) = %q, want the field named before the reason", err, msg)
			}
		}
	})
}

// landscaper is a landscaping company near Rouen (NAF 81.30Z), which the
// EPV list lacks.
func landscaper() data.Supplier {
	siren := luhnComplete("81234567")
	siret := luhnComplete(siren + "0001")
	addr := data.ResolveAddress(data.Address{Street: "3 rue des Jardins", Postcode: "76100", Commune: "Rouen"})
	return data.Supplier{
		ID: siren, SIREN: siren, Name: "Jardins de la Seine", Address: addr,
		Establishments: []data.Establishment{{SIRET: siret, HeadOffice: true, Address: addr, Valid: true}},
		NAF:            "81.30Z", NAFLabel: "Services d'aménagement paysager",
		Activities: []string{"Entretien des espaces verts", "Aménagement paysager"},
	}
}
