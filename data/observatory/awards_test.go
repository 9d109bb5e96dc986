package observatory

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// The award fixture, counted by hand (company 1 holds EPV from 2024 to
// 2029, company 2 held it from 2020 to 2025, company 9 is not listed):
//
//	a1  2024-06-01  69  Mairie de Lyon        45  company 1                 100  labelled
//	a2  2024-06-01  69  CHU de Lyon           45  company 2                 200  labelled (valid then)
//	a3  2025-06-01  75  Ministère des armées  39  company 2                 300  listed, expired
//	a4  2025-03-01  13  Syndicat des eaux     39  company 9                 400  identified, not listed
//	a5  2025-01-01  —   XYZ                   —   no SIRET                  500  unidentified
//	a6  2025-02-01  69  Mairie de Lyon        45  company 1 (60) + 9 (40)   100  labelled: 60
//	a7  undated     —   XYZ                   —   company 1                  10  labelled (held today)
func awardFixture(t *testing.T) *Facts {
	st := openStore(t)
	putSuppliers(t, st,
		supplier(1, "69123", "25.71Z", label(data.LabelEPV, "2024-01-01", "2029-01-01")),
		supplier(2, "69123", "25.71Z", label(data.LabelEPV, "2020-01-01", "2025-01-01")))
	w := func(id int, amount float64) data.Winner {
		return data.Winner{Name: "X", SIRET: siren(id), Amount: amount}
	}
	awards := []data.Award{
		{ID: "t:a1", NotifiedAt: day("2024-06-01"), Place: data.Place{Departement: "69"}, Buyer: data.Buyer{Name: "Mairie de Lyon"}, CPV: "45000000", Amount: 100, Winners: []data.Winner{w(1, 0)}},
		{ID: "t:a2", NotifiedAt: day("2024-06-01"), Place: data.Place{Departement: "69"}, Buyer: data.Buyer{Name: "CHU de Lyon"}, CPV: "45000000", Amount: 200, Winners: []data.Winner{w(2, 0)}},
		{ID: "t:a3", NotifiedAt: day("2025-06-01"), Place: data.Place{Departement: "75"}, Buyer: data.Buyer{Name: "Ministère des armées"}, CPV: "39000000", Amount: 300, Winners: []data.Winner{w(2, 0)}},
		{ID: "t:a4", NotifiedAt: day("2025-03-01"), Place: data.Place{Departement: "13"}, Buyer: data.Buyer{Name: "Syndicat des eaux"}, CPV: "39000000", Amount: 400, Winners: []data.Winner{w(9, 0)}},
		{ID: "t:a5", NotifiedAt: day("2025-01-01"), Buyer: data.Buyer{Name: "XYZ"}, Amount: 500, Winners: []data.Winner{{Name: "Inconnu"}}},
		{ID: "t:a6", NotifiedAt: day("2025-02-01"), Place: data.Place{Departement: "69"}, Buyer: data.Buyer{Name: "Mairie de Lyon"}, CPV: "45000000", Amount: 100, Winners: []data.Winner{w(1, 60), w(9, 40)}},
		{ID: "t:a7", Buyer: data.Buyer{Name: "XYZ"}, Amount: 10, Winners: []data.Winner{w(1, 0)}},
	}
	for i := range awards {
		awards[i].Source = "decp-test"
	}
	if err := st.PutAwards(context.Background(), awards); err != nil {
		t.Fatal(err)
	}
	return build(t, st, BuildOptions{Now: day("2026-06-01")})
}

func TestAwardShareFixture(t *testing.T) {
	f := awardFixture(t)
	as := f.AwardShare(Filter{})
	check(t, "all", as.All, Tally{Count: 7, Amount: 1610})
	check(t, "labelled", as.Labelled, Tally{Count: 4, Amount: 370})
	check(t, "listed", as.Listed.Count, 5)
	check(t, "unidentified", as.Unidentified, Tally{Count: 1, Amount: 500})
	check(t, "undated", as.Undated, 1)
	check(t, "share by count", as.ShareCount, 4.0/7)
	check(t, "share of identified", as.ShareIdentified, 4.0/6)
	check(t, "share by amount", math.Round(as.ShareAmount*1e6), math.Round(370.0/1610*1e6))
	check(t, "from", as.From, day("2024-06-01"))
	check(t, "to", as.To, day("2025-06-01"))

	rows := func(list []AwardRow) map[string]AwardRow {
		m := map[string]AwardRow{}
		for _, r := range list {
			m[r.Code] = r
		}
		return m
	}
	reg := rows(as.ByRegion)
	check(t, "région 84", reg["84"].All, Tally{Count: 3, Amount: 400})
	check(t, "région 84 labelled", reg["84"].Labelled, Tally{Count: 3, Amount: 360})
	check(t, "région 11 labelled", reg["11"].Labelled.Count, 0)
	check(t, "no place", reg[""].All.Count, 2)
	check(t, "no place unidentified", reg[""].Unidentified, 1)
	cpv := rows(as.ByCPVDivision)
	check(t, "CPV 45", cpv["45"].Labelled.Count, 3)
	check(t, "CPV 39", cpv["39"].All.Count, 2)
	buyers := rows(as.ByBuyerType)
	check(t, "communes", buyers["commune"].All, Tally{Count: 2, Amount: 200})
	check(t, "health", buyers["health"].Labelled.Count, 1)
	check(t, "state", buyers["state"].Labelled.Count, 0)
	check(t, "intercommunal", buyers["intercommunal"].All.Count, 1)
	check(t, "unknown", buyers["unknown"].All.Count, 2)
	var years []string
	for _, r := range as.ByYear {
		years = append(years, r.Code+":"+strconv.Itoa(r.All.Count)+"/"+strconv.Itoa(r.Labelled.Count))
	}
	check(t, "years", strings.Join(years, " "), "2024:2/2 2025:4/1 :1/1")
	// A gap of years shows, as the shipped DECP's 2020 to 2023.
	gap := f.AwardShare(Filter{Departement: "69", To: day("2025-01-01")})
	check(t, "years of 69 before 2025", len(gap.ByYear), 1)
	f.Awards = append(f.Awards, AwardFact{day: dayNumber(day("2021-03-01")), Amount: 1})
	years = years[:0]
	for _, r := range f.AwardShare(Filter{}).ByYear {
		years = append(years, r.Code+":"+strconv.Itoa(r.All.Count))
	}
	check(t, "years with a gap", strings.Join(years, " "), "2021:1 2022:0 2023:0 2024:2 2025:4 :1")
	f.Awards = f.Awards[:len(f.Awards)-1]

	tests := []struct {
		name            string
		flt             Filter
		all, labelled   int
		labelledAmount  float64
		undated, unknwn int
	}{
		{"2025", Filter{From: day("2025-01-01"), To: day("2026-01-01")}, 4, 1, 60, 0, 1},
		{"région 84", Filter{Region: "84"}, 3, 3, 360, 0, 0},
		{"département 13", Filter{Departement: "13"}, 1, 0, 0, 0, 0},
		{"label OFG", Filter{Label: data.LabelOFG}, 7, 0, 0, 1, 1},
		{"label EPV", Filter{Label: data.LabelEPV}, 7, 4, 370, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := f.AwardShare(tt.flt)
			check(t, "all", as.All.Count, tt.all)
			check(t, "labelled", as.Labelled.Count, tt.labelled)
			check(t, "labelled amount", as.Labelled.Amount, tt.labelledAmount)
			check(t, "undated", as.Undated, tt.undated)
			check(t, "unidentified", as.Unidentified.Count, tt.unknwn)
		})
	}
}

func TestClassifyBuyer(t *testing.T) {
	tests := []struct {
		name string
		want BuyerType
	}{
		{"CHU NANTES", BuyerHealth},
		{"HOPITAL NORD OUEST - VILLEFRANCHE SUR SAONE", BuyerHealth},
		{"OISE HABITAT", BuyerHousing},
		{"OPH DE L'ANGOUMOIS", BuyerHousing},
		{"Ville de Meaux", BuyerCommune},
		{"Mairie de Port Saint Louis du Rhone", BuyerCommune},
		{"Communauté de Communes Rives de Moselle", BuyerIntercommunal},
		{"Tours Métropole Val de Loire", BuyerIntercommunal},
		{"FLERS AGGLO", BuyerIntercommunal},
		{"SDIS 42 Loire", BuyerIntercommunal},
		{"CROUS de Bordeaux", BuyerEducation},
		{"Université de Lille", BuyerEducation},
		{"Ministère des armées - Plate forme achats finances Centre Ouest", BuyerState},
		{"Région Bretagne", BuyerRegion},
		{"Conseil départemental de la Gironde", BuyerDepartement},
		{"Ports de Normandie", BuyerOtherPublic},
		{"SEMDAS", BuyerOtherPublic},
		{"INSTITUT 4.10", BuyerOtherPublic},
		{"VILLE", BuyerCommune},
		{"Cellule Marché SUD OUEST", BuyerUnknown},
		{"", BuyerUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ClassifyBuyer(tt.name); got != tt.want {
				t.Errorf("ClassifyBuyer(%q) = %s, want %s", tt.name, got.Code(), tt.want.Code())
			}
		})
	}
}

func TestYearIndex(t *testing.T) {
	for d := dayNumber(day("1985-01-01")); d < dayNumber(day("2106-01-01")); d++ {
		want := min(max(dayTime(d).Year(), firstYear), lastYear) - firstYear
		if got := yearIndex(d); got != want {
			t.Fatalf("yearIndex(%s) = %d, want %d", dayTime(d).Format(time.DateOnly), got, want)
		}
	}
}
