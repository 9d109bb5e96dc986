package data_test

import (
	"testing"

	"fabrique/data"
)

func TestLearnCPVNAFLinks(t *testing.T) {
	won := []data.WonAward{
		{AwardID: "a1", CPV: "45212350", SIREN: "111111111", NAF: "31.09B"},
		{AwardID: "a2", CPV: "45212361", SIREN: "111111111", NAF: "31.09B"},
		{AwardID: "a2", CPV: "45212361", SIREN: "111111111", NAF: "31.09B"}, // read twice
		{AwardID: "a3", CPV: "45212314", SIREN: "222222222", NAF: "31.09B"},
		{AwardID: "a4", CPV: "45212314", SIREN: "333333333", NAF: "23.19Z"},
		{AwardID: "a5", CPV: "22113000", SIREN: "444444444", NAF: "18.14Z"},
		{AwardID: "a6", CPV: "", SIREN: "555555555", NAF: "43.99C"},   // no CPV
		{AwardID: "a7", CPV: "45210000", SIREN: "666666666", NAF: ""}, // no NAF
		{AwardID: "a8", CPV: "45210000", SIREN: "", NAF: "43.99C"},    // no winner
	}
	l := data.LearnCPVNAFLinks(won)
	if got, want := l.Awards(), 5; got != want {
		t.Errorf("Awards() = %d, want %d", got, want)
	}
	tests := []struct {
		name          string
		cpv, naf      string
		ok            bool
		awards, winrs int
	}{
		{"two winners, three awards", "45000000", "31.09B", true, 3, 2},
		{"any code of the division", "45212350", "31.09B", true, 3, 2},
		{"one winner", "45212314", "23.19Z", true, 1, 1},
		{"another division", "22000000", "18.14Z", true, 1, 1},
		{"code never won in the division", "45000000", "18.14Z", false, 0, 0},
		{"same division of NAF, other code", "45000000", "31.01Z", false, 0, 0},
		{"skipped without CPV", "45000000", "43.99C", false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			link, ok := l.Link(tc.cpv, tc.naf)
			if ok != tc.ok || link.Awards != tc.awards || link.Winners != tc.winrs {
				t.Errorf("Link(%s, %s) = %+v, %v; want awards %d winners %d, %v", tc.cpv, tc.naf, link, ok, tc.awards, tc.winrs, tc.ok)
			}
		})
	}
	div := l.ForDivision("45")
	if len(div) != 2 || div[0].NAF != "31.09B" || div[1].NAF != "23.19Z" {
		t.Errorf("ForDivision(45) = %+v, want 31.09B then 23.19Z", div)
	}
	if all := l.All(); len(all) != 3 || all[0].CPVDivision != "22" {
		t.Errorf("All() = %+v, want 3 links, division 22 first", all)
	}
	var none *data.CPVNAFLinks
	if _, ok := none.Link("45000000", "31.09B"); ok || none.Awards() != 0 || none.ForDivision("45") != nil {
		t.Error("a nil CPVNAFLinks holds links")
	}
}
