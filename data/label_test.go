package data_test

import (
	"testing"
	"time"

	"fabrique/data"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLabelValidOn(t *testing.T) {
	// HORUS, first row of the EPV export: labelled 2025-11-03 until 2030-11-03.
	horus := data.Label{Type: data.LabelEPV, Scope: data.ScopeCompany, GrantedAt: day("2025-11-03"), ExpiresAt: day("2030-11-03")}
	lost := horus
	lost.NotRefoundSince = day("2026-04-01")
	tests := []struct {
		name  string
		label data.Label
		at    time.Time
		want  bool
	}{
		{"before the grant", horus, day("2025-11-02"), false},
		{"on the day of the grant", horus, day("2025-11-03"), true},
		{"in the middle", horus, day("2028-01-01"), true},
		{"on the last day before the end date", horus, day("2030-11-02"), true},
		{"on the end date: the end is exclusive", horus, day("2030-11-03"), false},
		{"after the end", horus, day("2031-01-01"), false},
		{"no dates", data.Label{Type: data.LabelOFG}, day("2026-01-01"), true},
		{"no end date", data.Label{Type: data.LabelOFG, GrantedAt: day("2020-01-01")}, day("2040-01-01"), true},
		{"not found again by the last complete crawl", lost, day("2026-01-01"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.label.ValidOn(tt.at); got != tt.want {
				t.Errorf("ValidOn(%s) = %v, want %v", tt.at.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}

func TestLabelKey(t *testing.T) {
	a := data.Label{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "Couteaux de table SAS"}
	b := data.Label{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "COUTEAUX DE TABLE"}
	if a.Key() != b.Key() {
		t.Errorf("Key() = %q and %q, want the same range key", a.Key(), b.Key())
	}
	c := data.Label{Type: data.LabelEPV, Scope: data.ScopeProductRange, Range: "Couteaux de table"}
	if a.Key() == c.Key() {
		t.Errorf("OFG and EPV labels share the key %q", a.Key())
	}
	d := data.Label{Type: data.LabelEPV, Scope: data.ScopeEstablishment, SIRET: "44270113200049"}
	e := data.Label{Type: data.LabelEPV, Scope: data.ScopeEstablishment, SIRET: "44270113200031"}
	if d.Key() == e.Key() {
		t.Errorf("two establishments share the key %q", d.Key())
	}
}

func TestLabelName(t *testing.T) {
	tests := []struct {
		in   data.LabelType
		want string
	}{
		{data.LabelEPV, "Entreprise du Patrimoine Vivant"},
		{data.LabelOFG, "Origine France Garantie"},
		{data.LabelMIF, "Fabriqué en France (annuaire)"},
		{"Made in Jura", "Made in Jura"},
	}
	for _, tt := range tests {
		if got := data.LabelName(tt.in); got != tt.want {
			t.Errorf("LabelName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLabels: every label data lists has a French name, and is the only
// kind KnownLabel accepts.
func TestLabels(t *testing.T) {
	for _, l := range data.Labels() {
		if data.LabelName(l) == string(l) || !data.KnownLabel(l) {
			t.Errorf("label %s: name %q, known %v", l, data.LabelName(l), data.KnownLabel(l))
		}
	}
	if data.KnownLabel("Made in Jura") || data.KnownLabel("") {
		t.Error("KnownLabel accepts a label data does not list")
	}
	if got, want := data.LabelsText(), "EPV, OFG ou MIF"; got != want {
		t.Errorf("LabelsText() = %q, want %q", got, want)
	}
}

func TestLabelStateOn(t *testing.T) {
	on := day("2026-12-06")
	tests := []struct {
		name  string
		label data.Label
		want  data.LabelState
	}{
		{"no dates", data.Label{}, data.LabelValid},
		{"ends in a year", data.Label{ExpiresAt: day("2027-12-06")}, data.LabelValid},
		{"ends in 30 days", data.Label{ExpiresAt: day("2027-01-05")}, data.LabelExpiring},
		{"ends today", data.Label{ExpiresAt: on}, data.LabelExpired},
		{"ended", data.Label{ExpiresAt: day("2026-07-13")}, data.LabelExpired},
		{"ended and not re-found", data.Label{ExpiresAt: day("2026-07-13"), NotRefoundSince: day("2026-11-01")}, data.LabelExpired},
		{"not re-found", data.Label{ExpiresAt: day("2028-01-01"), NotRefoundSince: day("2026-11-01")}, data.LabelNotRefound},
		{"granted tomorrow", data.Label{GrantedAt: day("2026-12-07")}, data.LabelNotYet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.label.StateOn(on)
			if got != tt.want {
				t.Errorf("StateOn = %q, want %q", got, tt.want)
			}
			if got.Holds() != tt.label.ValidOn(on) {
				t.Errorf("Holds() = %v but ValidOn = %v", got.Holds(), tt.label.ValidOn(on))
			}
		})
	}
}
