package data_test

import (
	"slices"
	"testing"
	"time"

	"fabrique/data"
)

func trackDay(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func wonBy(id, cpv, day string, amount float64, sirets ...string) data.Award {
	a := data.Award{ID: id, CPV: cpv, Amount: amount}
	if day != "" {
		a.NotifiedAt = trackDay(day)
	}
	for _, s := range sirets {
		a.Winners = append(a.Winners, data.Winner{SIRET: s})
	}
	return a
}

func TestTrackRecordLearning(t *testing.T) {
	const a, b = "123456789", "987654321"
	l := data.NewTrackLearner()
	first := wonBy("pes:1", "45212350", "2024-03-01", 1000, a+"00012")
	l.Add(a, first)
	l.Add(a, first)                                                     // read twice
	l.Add(a, wonBy("mpi:1", "45212350", "2024-03-01", 1000, a+"00012")) // the same contract, another platform
	l.Add(a, wonBy("pes:2", "45453100", "2024-06-01", 2000, a+"00012"))
	l.Add(a, wonBy("pes:3", "39100000", "2024-01-01", 500, a+"00012"))
	l.Add(b, wonBy("pes:4", "45212361", "2024-02-01", 800, b+"00015"))
	l.Add("12345", wonBy("pes:5", "45212361", "2024-02-01", 800, "12345")) // not a SIREN
	l.Add(b, wonBy("pes:6", "not a code", "2024-04-01", 800, b+"00015"))
	tr := l.Record()

	if tr.Companies() != 2 || tr.Awards() != 5 {
		t.Fatalf("%d companies, %d awards; want 2 and 5 (the same contract counts once)", tr.Companies(), tr.Awards())
	}
	wins := tr.Wins(a, data.TrackCut{})
	if len(wins) != 3 || !wins[0].At.Equal(trackDay("2024-01-01")) || wins[2].CPV != "45453100" {
		t.Errorf("wins of %s: %+v, want 3, oldest first", a, wins)
	}
	if w := tr.Wins(b, data.TrackCut{}); len(w) != 2 || w[1].CPV != "" {
		t.Errorf("wins of %s: %+v, want 2, the one without a valid code kept without it", b, w)
	}
	if got := tr.WinnersOf("45", data.TrackCut{}, 10); !slices.Equal(got, []string{a, b}) {
		t.Errorf("winners of 45: %v, want %s (2 awards) before %s (1)", got, a, b)
	}
	if got := tr.WinnersOf("45", data.TrackCut{}, 1); !slices.Equal(got, []string{a}) {
		t.Errorf("winners of 45, limit 1: %v", got)
	}
	if got := tr.WinnersOf("39", data.TrackCut{}, 10); !slices.Equal(got, []string{a}) {
		t.Errorf("winners of 39: %v", got)
	}
	var none *data.TrackRecord
	if none.Wins(a, data.TrackCut{}) != nil || none.WinnersOf("45", data.TrackCut{}, 5) != nil || none.Companies() != 0 {
		t.Error("a nil track record must hold nothing")
	}
}

func TestTrackCut(t *testing.T) {
	const a = "123456789"
	l := data.NewTrackLearner()
	early := wonBy("pes:1", "45212350", "2024-03-01", 1000, a+"00012")
	same := wonBy("pes:2", "45212350", "2024-06-01", 2000, a+"00012")
	undated := wonBy("pes:3", "45212350", "", 3000, a+"00012")
	later := wonBy("pes:4", "45212350", "2024-09-01", 4000, a+"00012")
	for _, aw := range []data.Award{early, same, undated, later} {
		l.Add(a, aw)
	}
	tr := l.Record()
	tests := []struct {
		name string
		cut  data.TrackCut
		want int
	}{
		{"no cut counts all", data.TrackCut{}, 4},
		{"before a day: strictly earlier, undated left out", data.TrackCut{Before: trackDay("2024-06-01")}, 1},
		{"the evaluated contract never counts for itself", data.TrackCut{Before: trackDay("2024-06-02"), Skip: data.ContractIDOf(same)}, 1},
		{"nor under another platform's ID", data.TrackCut{Before: trackDay("2024-12-01"),
			Skip: data.ContractIDOf(wonBy("mpi:9", "45212350", "2024-06-01", 2000, a+"00012"))}, 2},
		{"before the first award: none", data.TrackCut{Before: trackDay("2024-01-01")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(tr.Wins(a, tt.cut)); got != tt.want {
				t.Errorf("%d wins, want %d", got, tt.want)
			}
			winners := tr.WinnersOf("45", tt.cut, 10)
			if (tt.want > 0) != (len(winners) == 1) {
				t.Errorf("winners of 45 %v with %d wins", winners, tt.want)
			}
		})
	}
}

func TestTrackRecordText(t *testing.T) {
	tests := []struct {
		name  string
		count int
		buyer int
		last  string
		want  string
	}{
		{"one", 1, 0, "2024-09", "a déjà remporté un marché de ce type (dernier : septembre 2024)"},
		{"several", 4, 0, "2025-12", "a déjà remporté 4 marchés de ce type (dernier : décembre 2025)"},
		{"no month", 2, 0, "", "a déjà remporté 2 marchés de ce type"},
		{"the one, from this buyer", 1, 1, "2024-07", "a déjà remporté un marché de ce type (attribué par cet acheteur ; dernier : juillet 2024)"},
		{"one of several from this buyer", 3, 1, "", "a déjà remporté 3 marchés de ce type (dont un attribué par cet acheteur)"},
		{"all from this buyer", 2, 2, "2024-10", "a déjà remporté 2 marchés de ce type (tous attribués par cet acheteur ; dernier : octobre 2024)"},
		{"some from this buyer", 5, 2, "2024-10", "a déjà remporté 5 marchés de ce type (dont 2 attribués par cet acheteur ; dernier : octobre 2024)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.TrackRecordText(tt.count, tt.buyer, tt.last); got != tt.want {
				t.Errorf("%q, want %q", got, tt.want)
			}
		})
	}
}

// TestTrackRecordRepublished checks that a contract the same buyer
// published again for a modification (another notification date, the
// same CPV code, amount and winners) counts once, dated by its first
// publication, and is skipped under any of its publications.
func TestTrackRecordRepublished(t *testing.T) {
	const a = "123456789"
	buyer := func(aw data.Award, siret string) data.Award {
		aw.Buyer = data.Buyer{Name: "Commune", SIRET: siret}
		return aw
	}
	first := buyer(wonBy("decp:x@2024-07-11", "45212361", "2024-07-11", 343159.68, a+"00012"), "21050040100018")
	again := buyer(wonBy("decp:x@2024-11-08", "45212361", "2024-11-08", 343159.68, a+"00012"), "21050040100018")
	last := buyer(wonBy("decp:x@2024-12-31", "45212361", "2024-12-31", 343159.68, a+"00012"), "21050040100018")
	other := buyer(wonBy("decp:y@2024-09-01", "45212361", "2024-09-01", 12000, a+"00012"), "21050040100018")
	noBuyer := wonBy("decp:z@2024-10-01", "45212361", "2024-10-01", 343159.68, a+"00012")

	l := data.NewTrackLearner()
	for _, aw := range []data.Award{last, again, first, other, noBuyer} { // read in any order
		l.Add(a, aw)
	}
	tr := l.Record()
	wins := tr.Wins(a, data.TrackCut{})
	if len(wins) != 3 || !wins[0].At.Equal(trackDay("2024-07-11")) {
		t.Fatalf("wins %+v: want 3 (the republished contract once, dated 2024-07-11; another amount; another contract without buyer)", wins)
	}
	tests := []struct {
		name string
		cut  data.TrackCut
		want int
	}{
		{"evaluating the last publication: the first is the same contract", data.TrackCut{Before: trackDay("2024-12-31"), Skip: data.ContractIDOf(last)}, 2},
		{"evaluating the first: nothing earlier", data.TrackCut{Before: trackDay("2024-07-11"), Skip: data.ContractIDOf(first)}, 0},
		{"another contract of the buyer counts", data.TrackCut{Before: trackDay("2024-09-02"), Skip: data.ContractIDOf(other)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(tr.Wins(a, tt.cut)); got != tt.want {
				t.Errorf("%d wins, want %d", got, tt.want)
			}
		})
	}
	if data.ContractIDOf(noBuyer).Same(data.ContractIDOf(again)) {
		t.Error("without the buyer's SIRET two publications on other days cannot be shown to be one contract")
	}
}

// TestTrackRecordAmounts checks each company's share of a contract: its
// own amount when the award gives one, else the amount split between the
// winners of a joint bid.
func TestTrackRecordAmounts(t *testing.T) {
	const a, b = "123456789", "987654321"
	joint := wonBy("pes:1", "45212350", "2024-03-01", 90_000, a+"00012", b+"00015")
	own := wonBy("pes:2", "45212350", "2024-04-01", 90_000, a+"00012", b+"00015")
	own.Winners[1].Amount = 60_000
	unknown := wonBy("pes:3", "45212350", "2024-05-01", 0, a+"00012")
	republished := wonBy("pes:4", "45212350", "2024-05-01", 0, a+"00012") // the same contract again
	republished.Buyer.SIRET = "21750001600019"
	l := data.NewTrackLearner()
	for _, aw := range []data.Award{joint, own, unknown, republished} {
		for _, w := range aw.Winners {
			l.Add(data.SIRENOf(w.SIRET), aw)
		}
	}
	tr := l.Record()
	tests := []struct {
		name  string
		siren string
		want  []float64
	}{
		{"a: half of the joint bid, half of the other, unknown", a, []float64{45_000, 45_000, 0}},
		{"b: half of the joint bid, its own amount", b, []float64{45_000, 60_000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []float64
			for _, w := range tr.Wins(tc.siren, data.TrackCut{}) {
				got = append(got, w.Amount)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("amounts %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTrackRecordAmendedUnderOneUID checks that the publications of one
// DECP contract (the same uid and winners) count as one contract even when
// an amendment changed its amount — the real Saint-Suliac rows: five
// publications of « 2024TRAVEGL », three amounts — while another contract
// of the same buyer, or the same uid won by another company, stays apart.
// It also checks that each win records the SIREN of the buyer.
func TestTrackRecordAmendedUnderOneUID(t *testing.T) {
	const a, b = "123456789", "987654321"
	const buyerSIRET, uid = "21350314700018", "213503147000182024TRAVEGL"
	pub := func(day string, amount float64, uid string, siret string) data.Award {
		aw := wonBy("decp:"+uid+"@"+day, "45212350", day, amount, siret)
		aw.Buyer, aw.UID = data.Buyer{Name: "COMMUNE DE SAINT SULIAC (MAIRIE)", SIRET: buyerSIRET}, uid
		return aw
	}
	first := pub("2024-07-02", 108327.66, uid, a+"00012")
	amended := []data.Award{pub("2024-07-23", 93097.04, uid, a+"00012"), pub("2024-09-20", 93097.04, uid, a+"00012"),
		pub("2024-11-18", 87596.27, uid, a+"00012")}
	other := pub("2024-10-01", 50000, "213503147000182024CLOCHER", a+"00012")
	sameUIDOtherWinner := pub("2024-08-01", 93097.04, uid, b+"00015")

	for _, x := range amended {
		if !data.ContractIDOf(x).Same(data.ContractIDOf(first)) {
			t.Errorf("%s (%.2f €) is an amendment of the contract first published on 2024-07-02", x.NotifiedAt.Format("2006-01-02"), x.Amount)
		}
	}
	if data.ContractIDOf(other).Same(data.ContractIDOf(first)) {
		t.Error("another uid of the same buyer is another contract")
	}
	if data.ContractIDOf(sameUIDOtherWinner).Same(data.ContractIDOf(first)) {
		t.Error("the same uid won by another company is not the same contract")
	}

	l := data.NewTrackLearner()
	for _, x := range append(amended, other, first) {
		l.Add(a, x)
	}
	wins := l.Record().Wins(a, data.TrackCut{})
	if len(wins) != 2 {
		t.Fatalf("%d wins, want 2 (the amended contract once, and the other one): %+v", len(wins), wins)
	}
	for _, w := range wins {
		if w.Buyer != "213503147" {
			t.Errorf("win of %s: buyer %q, want the buyer's SIREN 213503147", w.At.Format("2006-01-02"), w.Buyer)
		}
	}
	// Evaluating the last amendment: the first publication is the same
	// contract, so only the other contract is earlier.
	cut := data.TrackCut{Before: trackDay("2024-11-18"), Skip: data.ContractIDOf(amended[2])}
	if got := len(l.Record().Wins(a, cut)); got != 1 {
		t.Errorf("%d earlier wins when evaluating the last amendment, want 1", got)
	}
}
