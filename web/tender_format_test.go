package web

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

func TestCountdown(t *testing.T) {
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 4, day, hour, minute, 0, 0, paris()) }
	now := at(15, 10, 0)
	tests := []struct {
		name   string
		tender data.Tender
		want   string
	}{
		{"three days ahead", data.Tender{State: data.StateOpen, Deadline: at(18, 12, 0)}, "clôture dans 3 jours"},
		{"three days ahead, early morning", data.Tender{State: data.StateOpen, Deadline: at(18, 0, 30)}, "clôture dans 3 jours"},
		{"tomorrow", data.Tender{State: data.StateOpen, Deadline: at(16, 12, 0)}, "clôture demain à 12 h 00"},
		{"later today", data.Tender{State: data.StateOpen, Deadline: at(15, 16, 30)}, "clôture aujourd'hui à 16 h 30"},
		{"corrected, still open", data.Tender{State: data.StateCorrected, Deadline: at(25, 12, 0)}, "clôture dans 10 jours"},
		{"deadline in UTC shown in Paris", data.Tender{State: data.StateOpen, Deadline: time.Date(2026, 4, 15, 22, 30, 0, 0, time.UTC)}, "clôture demain à 00 h 30"},
		{"passed an hour ago", data.Tender{State: data.StateOpen, Deadline: at(15, 9, 0)}, "clôturé"},
		{"passed this very second", data.Tender{State: data.StateOpen, Deadline: now}, "clôturé"},
		{"no deadline nor publication date", data.Tender{State: data.StateOpen}, "date limite non précisée"},
		{"no deadline, published 10 days ago", data.Tender{State: data.StateOpen, PublishedAt: at(5, 9, 0)},
			"date limite non précisée, présumée au 4 juillet 2026"},
		{"no deadline, published 91 days ago", data.Tender{State: data.StateOpen, PublishedAt: now.AddDate(0, 0, -91)},
			"date limite non précisée, présumée passée : publié il y a plus de 90 jours"},
		{"no deadline, published 91 days ago, awarded", data.Tender{State: data.StateAwarded, PublishedAt: now.AddDate(0, 0, -91)}, "attribué"},
		{"cancelled before its deadline", data.Tender{State: data.StateCancelled, Deadline: at(20, 12, 0)}, "annulé"},
		{"awarded", data.Tender{State: data.StateAwarded, Deadline: at(1, 12, 0)}, "attribué"},
		{"prior information, published 10 days ago", data.Tender{State: data.StateOpen, NoticeType: "pin-only", PublishedAt: at(5, 9, 0)},
			"achat annoncé : pas encore d'appel à la concurrence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countdown(&tt.tender, now); got != tt.want {
				t.Errorf("countdown = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCountdownAcrossDaylightSaving(t *testing.T) {
	// Clocks go forward on 29 March 2026 in Paris: the day is 23 hours
	// long, and still one day.
	now := time.Date(2026, 3, 28, 23, 30, 0, 0, paris())
	tender := data.Tender{State: data.StateOpen, Deadline: time.Date(2026, 3, 31, 0, 15, 0, 0, paris())}
	if got, want := countdown(&tender, now), "clôture dans 3 jours"; got != want {
		t.Errorf("countdown = %q, want %q", got, want)
	}
}

func TestTenderBadge(t *testing.T) {
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)
	future, past := now.Add(48*time.Hour), now.Add(-48*time.Hour)
	tests := []struct {
		name     string
		state    data.TenderState
		deadline time.Time
		want     string
	}{
		{"open", data.StateOpen, future, "ouvert"},
		{"open without deadline", data.StateOpen, time.Time{}, "ouvert"},
		{"corrected", data.StateCorrected, future, "rectifié"},
		{"cancelled", data.StateCancelled, future, "annulé"},
		{"awarded", data.StateAwarded, past, "attribué"},
		{"deadline passed", data.StateOpen, past, "clôturé"},
		{"corrected, deadline passed", data.StateCorrected, past, "clôturé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tender := data.Tender{State: tt.state, Deadline: tt.deadline}
			if got := tenderBadge(&tender, now).Text; got != tt.want {
				t.Errorf("badge = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClosesSoon(t *testing.T) {
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deadline time.Time
		want     bool
	}{
		{"in two days", now.Add(48 * time.Hour), true},
		{"in exactly a week", now.Add(7 * 24 * time.Hour), true},
		{"in eight days", now.Add(8 * 24 * time.Hour), false},
		{"passed", now.Add(-time.Hour), false},
		{"no deadline", time.Time{}, false},
	}
	for _, tt := range tests {
		tender := data.Tender{State: data.StateOpen, Deadline: tt.deadline}
		if got := closesSoon(&tender, now); got != tt.want {
			t.Errorf("%s: closesSoon = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestLotAnchor(t *testing.T) {
	tests := []struct{ id, want string }{
		{"LOT-0001", "lot-LOT-0001"},
		{"1", "lot-1"},
		{`"><script>`, "lot-script"},
		{"lot é 2", "lot-lot2"},
	}
	for _, tt := range tests {
		if got := lotAnchor(tt.id); got != tt.want {
			t.Errorf("lotAnchor(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// TestTenderPlace pins how a place of performance reads; five of the 90
// shipped BOAMP notices name theirs by a NUTS code alone ("FRF", "FRE",
// "FR10", "FRL0"), which a buyer does not read.
func TestTenderPlace(t *testing.T) {
	for _, tt := range []struct {
		name  string
		place data.Place
		want  string
	}{
		{"commune", data.Place{Postcode: "76000", Commune: "Rouen", Departement: "76"}, "76000 Rouen (76)"},
		{"département", data.Place{Departement: "76", NUTS: "FRD22"}, "Seine-Maritime (76)"},
		{"NUTS-1 région", data.Place{NUTS: "FRF"}, "Grand Est (NUTS FRF)"},
		{"NUTS-2 région", data.Place{NUTS: "FR10"}, "Île-de-France (NUTS FR10)"},
		{"NUTS-2, lower case", data.Place{NUTS: " frl0"}, "Provence-Alpes-Côte d'Azur (NUTS FRL0)"},
		{"NUTS-3 département", data.Place{NUTS: "FRF11"}, "Bas-Rhin (67)"},
		{"all of France", data.Place{NUTS: "FR"}, "NUTS FR"},
		{"abroad", data.Place{NUTS: "DE300"}, "NUTS DE300"},
		{"nothing", data.Place{}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tenderPlace(tt.place); got != tt.want {
				t.Errorf("tenderPlace(%+v) = %q, want %q", tt.place, got, tt.want)
			}
		})
	}
}

// TestWinnerViewsOnce: the BOAMP's flat records of the shipped award
// notices repeat a winner per lot without naming the lot (26-26222:
// « ELECTRICITE INDUSTRIELLE JP FAUCHE » three times; 26-26208:
// « NEXSTONE, SMAG, NEXSTONE, SMAG »); the page lists each once, and
// keeps entries that differ by lot, SIRET or amount.
func TestWinnerViewsOnce(t *testing.T) {
	fauche := data.Winner{Name: "ELECTRICITE INDUSTRIELLE JP FAUCHE"}
	nexstone, smag := data.Winner{Name: "NEXSTONE"}, data.Winner{Name: "SMAG"}
	lot := func(w data.Winner, id string, amount float64) data.Winner { w.LotID, w.Amount = id, amount; return w }
	names := func(vs []winnerView) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Name+"|"+v.Lot+"|"+v.Amount)
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		winners []data.Winner
		want    []string
	}{
		{"one company thrice", []data.Winner{fauche, fauche, fauche}, []string{"ELECTRICITE INDUSTRIELLE JP FAUCHE||"}},
		{"two companies twice", []data.Winner{nexstone, smag, nexstone, smag}, []string{"NEXSTONE||", "SMAG||"}},
		{"one company, two lots", []data.Winner{lot(smag, "1", 1000), lot(smag, "2", 2000)},
			[]string{"SMAG|1|" + formatEuros(1000) + " HT", "SMAG|2|" + formatEuros(2000) + " HT"}},
		{"none", nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(winnerViews(tt.winners)); !slices.Equal(got, tt.want) {
				t.Errorf("winnerViews = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRankingNumbering: the matcher orders by score and a weak match may
// score as high as a good one (shipped notice 26-26081: DUFRAIGNE and
// ENTREPRISE NEVEU first at 22, weak; MALBREL CONSERVATION third at 22,
// medium). The page lists the good ones first; their numbers must follow
// that order, so that the list reads 1, 2… above the weak tail and goes
// on below it (the ol's start and each li's value), as the report does.
func TestRankingNumbering(t *testing.T) {
	m := func(id, confidence string, score float64) data.Match {
		return data.Match{SupplierID: id, Name: id, Confidence: confidence, Score: score}
	}
	res := index.MatchResult{Tender: []data.Match{
		m("dufraigne", data.ConfidenceLow, 22.4), m("neveu", data.ConfidenceLow, 22.3), m("malbrel", data.ConfidenceMedium, 22.2),
		m("vermorel", data.ConfidenceLow, 21.9), m("bouvier", data.ConfidenceHigh, 21.1),
	}}
	r := newRankings(res)[0]
	var got []string
	for _, v := range append(append([]matchView(nil), r.Good...), r.Weak...) {
		got = append(got, fmt.Sprintf("%d %s", v.N, v.ID))
	}
	want := []string{"1 malbrel", "2 bouvier", "3 dufraigne", "4 neveu", "5 vermorel"}
	if !slices.Equal(got, want) {
		t.Errorf("ranking = %q, want %q", got, want)
	}
	if r.WeakStart() != 3 {
		t.Errorf("WeakStart = %d, want 3", r.WeakStart())
	}
}
