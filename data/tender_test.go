package data_test

import (
	"slices"
	"testing"
	"time"

	"fabrique/data"
)

func TestTenderOpen(t *testing.T) {
	deadline := time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		state    data.TenderState
		deadline time.Time
		at       time.Time
		want     bool
	}{
		{"open before the deadline", data.StateOpen, deadline, deadline.Add(-time.Hour), true},
		{"closed at the deadline", data.StateOpen, deadline, deadline, false},
		{"closed after the deadline", data.StateOpen, deadline, deadline.Add(time.Second), false},
		{"corrected notices stay open", data.StateCorrected, deadline, deadline.Add(-time.Hour), true},
		{"cancelled", data.StateCancelled, deadline, deadline.Add(-time.Hour), false},
		{"awarded", data.StateAwarded, deadline, deadline.Add(-time.Hour), false},
		{"no deadline", data.StateOpen, time.Time{}, deadline, true},
		{"no deadline but cancelled", data.StateCancelled, time.Time{}, deadline, false},
		{"deadline in another zone", data.StateOpen, deadline.In(time.FixedZone("CEST", 2*3600)), deadline.Add(-time.Minute), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tender := &data.Tender{State: tt.state, Deadline: tt.deadline}
			if got := tender.Open(tt.at); got != tt.want {
				t.Errorf("Open(%v) with state %q and deadline %v = %v, want %v", tt.at, tt.state, tt.deadline, got, tt.want)
			}
		})
	}
}

func TestTenderCPVCodes(t *testing.T) {
	tender := &data.Tender{
		CPV:           "45000000",
		CPVAdditional: []string{"45261210", "45000000"},
		Lots: []data.Lot{
			{ID: "1", CPV: "45261210", CPVAdditional: []string{"44112000"}},
			{ID: "2", CPV: "", CPVAdditional: []string{"45421000", "44112000"}},
		},
	}
	want := []string{"45000000", "45261210", "44112000", "45421000"}
	if got := tender.CPVCodes(); !slices.Equal(got, want) {
		t.Errorf("CPVCodes() = %v, want %v", got, want)
	}
	if got := (&data.Tender{}).CPVCodes(); len(got) != 0 {
		t.Errorf("CPVCodes() of an empty tender = %v, want none", got)
	}
}

func TestPlaceAbroad(t *testing.T) {
	tests := []struct {
		name  string
		place data.Place
		want  bool
	}{
		{"German NUTS-3", data.Place{NUTS: "DE123"}, true},
		{"Belgian country code", data.Place{NUTS: "BE"}, true},
		{"lower case", data.Place{NUTS: "de123"}, true},
		{"French NUTS-3", data.Place{NUTS: "FRK26"}, false},
		{"French overseas NUTS", data.Place{NUTS: "FRY10"}, false},
		{"département only", data.Place{Departement: "69"}, false},
		{"a département wins over a foreign code", data.Place{Departement: "67", NUTS: "DE123"}, false},
		{"nothing known", data.Place{}, false},
		{"postcode only", data.Place{Postcode: "73846"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.place.Abroad(); got != tt.want {
				t.Errorf("%+v.Abroad() = %v, want %v", tt.place, got, tt.want)
			}
		})
	}
}
