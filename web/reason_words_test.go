package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestReasonWords(t *testing.T) {
	tests := []struct {
		name          string
		r             data.Reason
		sentence      string
		codes         string
		noCodeInWords bool
	}{
		{"cpv from naf", data.Reason{Kind: data.ReasonCPVFromNAF, TenderCPV: "45454100", TenderCPVFR: "Travaux de restauration", NAF: "23.19Z"},
			"Son activité (fabrication et façonnage d'autres articles en verre, y compris verre technique) relève du domaine du marché (travaux de restauration)",
			"CPV 45454100 ↔ NAF 23.19Z", true},
		{"cpv from naf learned from awards", data.Reason{Kind: data.ReasonCPVFromNAF, TenderCPV: "45212350", NAF: "31.09B", LearnedAwards: 3},
			"Son activité (fabrication d’autres meubles et industries connexes de l’ameublement) relève du domaine du marché (bâtiments présentant un intérêt historique ou architectural particulier) : des entreprises de même activité ont remporté 3 marchés de ce domaine",
			"CPV 45212350 ↔ NAF 31.09B (lien appris de 3 marchés)", true},
		{"declared cpv", data.Reason{Kind: data.ReasonCPV, TenderCPV: "39241000"},
			"Déclare faire ce que le marché achète (couteaux et ciseaux)", "CPV 39241000 déclaré par l'entreprise", true},
		{"distance", data.Reason{Kind: data.ReasonDistance, DistanceKm: 11.6}, "Installée à 12 km du lieu d'exécution", "", true},
		{"distance zero", data.Reason{Kind: data.ReasonDistance}, "Installée sur place", "", true},
		{"distance under 1 km", data.Reason{Kind: data.ReasonDistance, DistanceKm: 0.3}, "Installée à moins d'un km du lieu d'exécution", "", true},
		{"distance overseas", data.Reason{Kind: data.ReasonDistance, DistanceKm: 9356.2}, "Installée à 9\u202f356 km du lieu d'exécution", "", true},
		{"label", data.Reason{Kind: data.ReasonLabel, Label: data.LabelEPV, ValidUntil: time.Date(2030, 11, 3, 0, 0, 0, 0, time.UTC)},
			"Label Entreprise du Patrimoine Vivant valide jusqu'au 3 novembre 2030", "", true},
		{"one award", data.Reason{Kind: data.ReasonTrackRecord, AwardCount: 1}, "A déjà remporté un marché de ce type", "", true},
		{"awards with the latest month", data.Reason{Kind: data.ReasonTrackRecord, AwardCount: 3, LastAward: "2024-09"},
			"A déjà remporté 3 marchés de ce type (dernier : septembre 2024)", "", true},
		{"awards, one from the need's buyer", data.Reason{Kind: data.ReasonTrackRecord, AwardCount: 2, BuyerAwards: 1, LastAward: "2024-07"},
			"A déjà remporté 2 marchés de ce type (dont un attribué par cet acheteur ; dernier : juillet 2024)", "", true},
		{"terms", data.Reason{Kind: data.ReasonTerms, Terms: []string{"vitrail", "restauration"}},
			"Sa fiche emploie les mots du marché : vitrail, restauration", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := reasonWords(tt.r)
			if s != tt.sentence || c != tt.codes {
				t.Errorf("reasonWords = %q, %q\nwant %q, %q", s, c, tt.sentence, tt.codes)
			}
			if tt.noCodeInWords && (strings.Contains(s, "CPV") || strings.Contains(s, "NAF") || strings.Contains(s, "↔")) {
				t.Errorf("codes in the sentence: %q", s)
			}
		})
	}
}

func TestShortlistRowsArePlaced(t *testing.T) {
	s := newSearchServer(t, Config{})
	rk := []rankingView{{Matches: []matchView{{ID: "325793768"}, {ID: "999999999"}}}}
	if err := s.placeMatches(context.Background(), rk); err != nil {
		t.Fatal(err)
	}
	if got := rk[0].Matches[0].Place; got != "Champforgeuil, Saône-et-Loire (71)" {
		t.Errorf("place = %q", got)
	}
	if got := rk[0].Matches[1].Place; got != "" {
		t.Errorf("unknown supplier placed at %q", got)
	}
}
