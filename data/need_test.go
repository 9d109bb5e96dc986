package data_test

import (
	"errors"
	"strings"
	"testing"

	"fabrique/data"
)

func TestNeedTender(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		wantErr string // part of the error; "" for success
		check   func(t *testing.T, tt data.Tender)
	}{
		{name: "title, CPV with check digit, département",
			json: `{"title": "Vitraux", "cpv": ["45212350-4", "45212350"], "departement": "35"}`,
			check: func(t *testing.T, tt data.Tender) {
				if tt.CPV != "45212350" || len(tt.CPVAdditional) != 0 {
					t.Errorf("CPV = %q + %v, want 45212350 once", tt.CPV, tt.CPVAdditional)
				}
				if tt.Nature != data.NatureWorks || tt.Place.Departement != "35" || tt.Place.Lat == 0 {
					t.Errorf("nature %q, place %+v; want works in 35 with coordinates", tt.Nature, tt.Place)
				}
			}},
		{name: "lots inherit the place and get their own number",
			json: `{"title": "Église", "postcode": "69001", "lots": [{"title": "Vitraux"}, {"title": "Charpente", "departement": "42"}]}`,
			check: func(t *testing.T, tt data.Tender) {
				if len(tt.Lots) != 2 || tt.Lots[0].ID != "1" || tt.Lots[1].ID != "2" {
					t.Fatalf("lots = %+v, want 1 and 2", tt.Lots)
				}
				if tt.Lots[0].Place.Departement != "69" || tt.Lots[1].Place.Departement != "42" {
					t.Errorf("lot places %q, %q; want 69 (inherited) and 42", tt.Lots[0].Place.Departement, tt.Lots[1].Place.Departement)
				}
			}},
		{name: "a postcode of the département", json: `{"title": "x", "departement": "69", "postcode": "69001"}`,
			check: func(t *testing.T, tt data.Tender) {
				if tt.Place.Departement != "69" || tt.Place.Commune != "Lyon" {
					t.Errorf("place %+v, want Lyon in 69", tt.Place)
				}
			}},
		{name: "Corsica: a postcode 20xxx of its own département", json: `{"title": "x", "departement": "2a", "postcode": "20000"}`,
			check: func(t *testing.T, tt data.Tender) {
				if tt.Place.Departement != "2A" {
					t.Errorf("place %+v, want 2A", tt.Place)
				}
			}},
		{name: "overseas: a postcode 97xxx of its own département", json: `{"title": "x", "departement": "971", "postcode": "97100"}`,
			check: func(t *testing.T, tt data.Tender) {
				if tt.Place.Departement != "971" {
					t.Errorf("place %+v, want 971", tt.Place)
				}
			}},
		{name: "a postcode shared by two départements fits both", json: `{"title": "x", "departement": "04", "postcode": "05110"}`,
			check: func(t *testing.T, tt data.Tender) {
				if tt.Place.Departement != "04" {
					t.Errorf("place %+v, want 04", tt.Place)
				}
			}},
		{name: "a commune resolved", json: `{"title": "x", "commune": "Villeurbanne"}`,
			check: func(t *testing.T, tt data.Tender) {
				if tt.Place.Departement != "69" || tt.Place.Lat == 0 {
					t.Errorf("place %+v, want Villeurbanne in 69 with coordinates", tt.Place)
				}
			}},
		{name: "a homonym told apart by its département", json: `{"title": "x", "commune": "Saint-Denis", "departement": "974"}`,
			check: func(t *testing.T, tt data.Tender) {
				if tt.Place.Departement != "974" || tt.Place.Commune != "Saint-Denis" {
					t.Errorf("place %+v, want Saint-Denis in 974", tt.Place)
				}
			}},
		{name: "a postcode outside the département", json: `{"title": "Vitraux", "departement": "29", "postcode": "69001"}`,
			wantErr: "le code postal 69001 (Lyon, Rhône) n'est pas dans le département 29 – Finistère"},
		{name: "Corsica: 2B is not 2A", json: `{"title": "x", "departement": "2B", "postcode": "20000"}`,
			wantErr: "le code postal 20000 (Ajaccio, Corse-du-Sud) n'est pas dans le département 2B – Haute-Corse"},
		{name: "overseas: Guadeloupe is not Martinique", json: `{"title": "x", "departement": "972", "postcode": "97100"}`,
			wantErr: "n'est pas dans le département 972 – Martinique"},
		{name: "a lot's postcode outside its département", json: `{"title": "x", "lots": [{"title": "y", "departement": "35", "postcode": "69001"}]}`,
			wantErr: "le code postal 69001"},
		{name: "a NUTS code of another département", json: `{"title": "x", "departement": "29", "nuts": "FRK26"}`,
			wantErr: "le code NUTS FRK26 (Rhône) n'est pas celui du département 29 – Finistère"},
		{name: "a NUTS code and a postcode apart", json: `{"title": "x", "nuts": "FRK26", "postcode": "29000"}`,
			wantErr: "n'est pas dans le département 69 – Rhône"},
		{name: "unknown commune", json: `{"title": "menuiserie", "commune": "Nulle-Part-sur-Mer"}`,
			wantErr: "commune inconnue : Nulle-Part-sur-Mer"},
		{name: "a commune outside the département", json: `{"title": "x", "commune": "Villeurbanne", "departement": "29"}`,
			wantErr: "la commune Villeurbanne n'est pas dans le département 29 – Finistère"},
		{name: "a commune without the postcode", json: `{"title": "x", "commune": "Villeurbanne", "postcode": "69001"}`,
			wantErr: "la commune Villeurbanne n'a pas le code postal 69001"},
		{name: "a homonym without département", json: `{"title": "x", "commune": "Saint-Denis"}`,
			wantErr: "commune ambiguë : 4 communes s'appellent Saint-Denis"},
		{name: "nothing to match on", json: `{"description": "x"}`, wantErr: "intitulé"},
		{name: "wrong check digit", json: `{"title": "x", "cpv": ["45212350-9"]}`, wantErr: "chiffre de contrôle"},
		{name: "unknown département", json: `{"title": "x", "departement": "99"}`, wantErr: "département inconnu"},
		{name: "limit too high", json: `{"title": "x", "limit": 201}`, wantErr: "entre 1 et 200"},
		{name: "limit 0 is not the default", json: `{"title": "x", "limit": 0}`, wantErr: "invalid limit \"0\": entre 1 et 200"},
		{name: "limit omitted is the default", json: `{"title": "x", "limit": null}`,
			check: func(t *testing.T, tt data.Tender) {}},
		{name: "a list is not a need", json: `[{"title": "x"}]`, wantErr: "un besoin est un objet JSON"},
		{name: "unknown field", json: `{"title": "x", "departemnt": "35"}`, wantErr: "departemnt"},
		{name: "trailing data", json: `{"title": "x"} {}`, wantErr: "après l'objet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := data.DecodeNeed([]byte(tc.json))
			var tt data.Tender
			if err == nil {
				tt, err = n.Tender()
			}
			if tc.wantErr != "" {
				if err == nil || !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want an ErrInvalid naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			tc.check(t, tt)
		})
	}
	a, _ := data.DecodeNeed([]byte(`{"title": "Vitraux", "departement": "35"}`))
	b, _ := data.DecodeNeed([]byte(`{"departement": "35", "title": "Vitraux"}`))
	ta, _ := a.Tender()
	tb, _ := b.Tender()
	if ta.ID != tb.ID || !strings.HasPrefix(ta.ID, "besoin:") {
		t.Errorf("the same need gave ids %q and %q; want one shareable id", ta.ID, tb.ID)
	}
}
