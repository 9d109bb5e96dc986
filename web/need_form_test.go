package web

import (
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"fabrique/data"
)

func TestParseEuros(t *testing.T) {
	tests := []struct {
		raw     string
		want    float64
		wantErr bool
	}{
		{"", 0, false},
		{"150000", 150000, false},
		{"150 000", 150000, false},
		{"150\u00a0000 €", 150000, false},
		{"150\u202f000 € HT", 150000, false},
		{"12 500,50", 12500.5, false},
		{"12500.5", 12500.5, false},
		{"80 000 euros", 80000, false},
		{"1,5 M€", 0, true},
		{"-5000", 0, true},
		{"beaucoup", 0, true},
		{"1e6", 0, true},
		{"NaN", 0, true},
		{"1.000.000", 0, true},
		// A dot before three digits groups thousands in France: « 150.000 »
		// was read as 150 € and the need ranked as a 150 € purchase.
		{"150.000", 0, true},
		{"150.000 € HT", 0, true},
		{"1.500.000,00", 0, true},
		{"12.5", 12.5, false},
		{"150.5", 150.5, false},
		{"1500.00", 1500, false},
		{"2000000000000", 0, true},
	}
	for _, tt := range tests {
		got, err := parseEuros(tt.raw)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseEuros(%q) = %v, %v; want %v, error %v", tt.raw, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestParseEurosSaysWhy checks the words of the refusals a buyer meets:
// a negative amount is not « illisible », and an amount written with
// French thousands dots is explained.
func TestParseEurosSaysWhy(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"-5000", "montant négatif"},
		{"150.000", "montant « 150.000 » ambigu"},
		{"beaucoup", "montant illisible"},
	}
	for _, tt := range tests {
		_, err := parseEuros(tt.raw)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseEuros(%q) error = %v; want it to say %q", tt.raw, err, tt.want)
		}
	}
}

func FuzzParseEuros(f *testing.F) {
	for _, s := range []string{"150 000", "12 500,50", "1,5", "€", "HT", "1e309", "0,,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseEuros(s)
		if err != nil {
			if v != 0 {
				t.Fatalf("parseEuros(%q) = %v with an error", s, v)
			}
			return
		}
		if v < 0 || v > maxEstimatedEur || math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("parseEuros(%q) = %v, outside [0, %g]", s, v, maxEstimatedEur)
		}
	})
}

// formOf reads a form posted with the given fields.
func formOf(fields url.Values) needForm {
	return readNeedForm(fields.Get)
}

func TestNeedFormValidation(t *testing.T) {
	tests := []struct {
		name   string
		fields url.Values
		// wantErrs are the ids of the fields in error, in form order, each
		// with a word its message must contain.
		wantErrs map[string]string
		check    func(t *testing.T, n data.Need)
	}{
		{
			name: "complete need",
			fields: url.Values{"title": {"Restauration des menuiseries de la mairie"}, "cpv-1": {"45421000 — Travaux de menuiserie"},
				"cpv-2": {"45212350-4"}, "departement": {"35"}, "value": {"150 000"},
				"lot_rows": {"2"}, "lot-1-title": {"Fenêtres"}, "lot-1-cpv": {"45421130"}, "lot-1-value": {"80 000"}},
			check: func(t *testing.T, n data.Need) {
				if !slices.Equal(n.CPV, []string{"45421000", "45212350"}) || n.Departement != "35" || n.EstimatedValue != 150000 {
					t.Errorf("need = %+v", n)
				}
				if len(n.Lots) != 1 || n.Lots[0].Title != "Fenêtres" || n.Lots[0].EstimatedValue != 80000 || !slices.Equal(n.Lots[0].CPV, []string{"45421130"}) {
					t.Errorf("lots = %+v, want the one filled row", n.Lots)
				}
			},
		},
		{
			// A buyer types the commune where the postcode goes: the one
			// postcode of a commune is taken, a commune with several gets
			// them listed; it read « code postal « Lyon » inconnu : 5
			// chiffres ».
			name:   "commune with one postcode",
			fields: url.Values{"title": {"Menuiserie"}, "postcode": {"Feyzin"}},
			check: func(t *testing.T, n data.Need) {
				if n.Postcode != "69320" {
					t.Errorf("postcode = %q, want Feyzin's 69320", n.Postcode)
				}
			},
		},
		{
			name:     "commune with several postcodes",
			fields:   url.Values{"title": {"Menuiserie"}, "postcode": {"Lyon"}},
			wantErrs: map[string]string{"postcode": "la commune « Lyon » a plusieurs codes postaux : indiquez le bon (Lyon (69) : 69001, …, 69009)"},
		},
		{
			name:     "several communes of that name",
			fields:   url.Values{"title": {"Menuiserie"}, "postcode": {"Saint-Denis"}},
			wantErrs: map[string]string{"postcode": "plusieurs communes s'appellent « Saint-Denis » : indiquez le bon (Saint-Denis (974) : 97400, 97417, 97490 ; Saint-Denis (93)"},
		},
		{
			name:     "unknown CPV code",
			fields:   url.Values{"title": {"Menuiserie"}, "cpv-1": {"99999999"}},
			wantErrs: map[string]string{"cpv-1": "99999999"},
		},
		{
			name:     "wrong check digit",
			fields:   url.Values{"title": {"Menuiserie"}, "cpv-2": {"45421000-9"}},
			wantErrs: map[string]string{"cpv-2": "45421000-4"},
		},
		{
			name:     "words in a CPV field",
			fields:   url.Values{"title": {"Menuiserie"}, "cpv-1": {"menuiserie"}},
			wantErrs: map[string]string{"cpv-1": "n'est pas un code CPV"},
		},
		{
			name:     "words nothing matches",
			fields:   url.Values{"title": {"Menuiserie"}, "cpv-1": {"zzzzqqq"}},
			wantErrs: map[string]string{"cpv-1": "aucun code CPV"},
		},
		{
			name:     "unknown postcode and bad amount",
			fields:   url.Values{"title": {"Menuiserie"}, "postcode": {"00000"}, "value": {"beaucoup"}},
			wantErrs: map[string]string{"postcode": "00000", "value": "illisible"},
		},
		{
			name:     "lot with a value only",
			fields:   url.Values{"title": {"Menuiserie"}, "lot_rows": {"3"}, "lot-2-value": {"5000"}},
			wantErrs: map[string]string{"lot-2-title": "lot 2"},
		},
		{
			name:     "bad amount in a lot",
			fields:   url.Values{"title": {"Menuiserie"}, "lot_rows": {"1"}, "lot-1-title": {"Portes"}, "lot-1-value": {"cher"}},
			wantErrs: map[string]string{"lot-1-value": "illisible"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := formOf(tt.fields)
			n := f.need()
			got := map[string]string{}
			for _, id := range f.order {
				got[id] = f.errors[id]
			}
			if len(got) != len(tt.wantErrs) {
				t.Fatalf("errors %v, want on %v", got, tt.wantErrs)
			}
			for id, word := range tt.wantErrs {
				if !strings.Contains(got[id], word) {
					t.Errorf("error of %s = %q, want it to mention %q", id, got[id], word)
				}
			}
			if tt.check != nil {
				tt.check(t, n)
			}
		})
	}
}

func TestNeedFormOffersCPVForWords(t *testing.T) {
	f := formOf(url.Values{"title": {"x"}, "cpv-1": {"menuiserie"}})
	f.need()
	choices := f.choices["cpv-1"]
	if len(choices) == 0 || len(choices) > maxCPVChoices {
		t.Fatalf("%d choices for « menuiserie », want 1 to %d", len(choices), maxCPVChoices)
	}
	for _, c := range choices {
		if !strings.Contains(strings.ToLower(c.Label), "menuiserie") {
			t.Errorf("choice %q does not name menuiserie", c.Value)
		}
	}
}

func TestNeedFormRows(t *testing.T) {
	tests := []struct {
		rows string
		want int
	}{
		{"", initialLotRows},
		{"abc", initialLotRows},
		{"0", initialLotRows},
		{"5", 5},
		{"100000", maxFormLots},
	}
	for _, tt := range tests {
		f := formOf(url.Values{"lot_rows": {tt.rows}})
		if len(f.Lots) != tt.want {
			t.Errorf("lot_rows=%q: %d rows, want %d", tt.rows, len(f.Lots), tt.want)
		}
	}
	f := formOf(url.Values{"lot_rows": {"50"}})
	if f.addLot() {
		t.Errorf("addLot beyond %d rows succeeded", maxFormLots)
	}
}

func TestNeedFormFromTenderRoundTrip(t *testing.T) {
	n := data.Need{Title: "Restauration de vitraux", Description: "Chapelle du XIIe siècle", CPV: []string{"45262700", "45212350"},
		Postcode: "35000", EstimatedValue: 42000.5,
		Lots: []data.NeedLot{{Title: "Vitraux", CPV: []string{"45421000"}, EstimatedValue: 30000}, {Title: "Échafaudage"}}}
	tender, err := n.Tender()
	if err != nil {
		t.Fatal(err)
	}
	f := formFromTender(&tender)
	v := url.Values{"title": {f.Title}, "description": {f.Description}, "postcode": {f.Postcode}, "departement": {f.Departement},
		"value": {f.Value}, "lot_rows": {"2"}}
	for i, c := range f.CPV {
		v.Set("cpv-"+string(rune('1'+i)), c)
	}
	for i, l := range f.Lots {
		p := "lot-" + string(rune('1'+i)) + "-"
		v.Set(p+"title", l.Title)
		v.Set(p+"cpv", l.CPV)
		v.Set(p+"value", l.Value)
	}
	again := formOf(v)
	n2 := again.need()
	if !again.valid() {
		t.Fatalf("the form of a stored need is invalid: %v", again.errors)
	}
	t2, err := n2.Tender()
	if err != nil {
		t.Fatal(err)
	}
	if t2.ID != tender.ID {
		t.Errorf("modifying nothing changed the need's id: %s → %s (%+v vs %+v)", tender.ID, t2.ID, n, n2)
	}
}

func FuzzNeedForm(f *testing.F) {
	f.Add("Menuiserie", "45421000 — Travaux de menuiserie", "150 000", "35000", "2", "Portes", "45421130", "5 000")
	f.Add("", "menuiserie", "beaucoup", "00000", "9999", "", "", "1")
	f.Add("\xff", "45421000-9", "1e9", "2A", "-1", "\x00", "4542", ",")
	f.Fuzz(func(t *testing.T, title, cpv, value, postcode, rows, lotTitle, lotCPV, lotValue string) {
		fields := url.Values{"title": {title}, "cpv-1": {cpv}, "value": {value}, "postcode": {postcode}, "lot_rows": {rows},
			"lot-1-title": {lotTitle}, "lot-1-cpv": {lotCPV}, "lot-1-value": {lotValue}}
		form := formOf(fields)
		n := form.need()
		if len(form.Lots) < 1 || len(form.Lots) > maxFormLots {
			t.Fatalf("%d lot rows", len(form.Lots))
		}
		if form.valid() {
			if _, err := n.Tender(); err != nil {
				form.failFromNeed(err)
			}
		}
		for _, id := range form.order {
			if needFieldLabel(id) == id {
				t.Errorf("field %q in error has no French label", id)
			}
			if form.errors[id] == "" {
				t.Errorf("field %q in error has no message", id)
			}
		}
		page := newNeedFormPage(&form, "")
		if len(page.Errors) != len(form.order) {
			t.Errorf("%d errors in the summary, %d in the form", len(page.Errors), len(form.order))
		}
	})
}
