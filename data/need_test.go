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
		{name: "nothing to match on", json: `{"description": "x"}`, wantErr: "intitulé"},
		{name: "wrong check digit", json: `{"title": "x", "cpv": ["45212350-9"]}`, wantErr: "chiffre de contrôle"},
		{name: "unknown département", json: `{"title": "x", "departement": "99"}`, wantErr: "département inconnu"},
		{name: "limit too high", json: `{"title": "x", "limit": 201}`, wantErr: "entre 1 et 200"},
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
