package data

import (
	"testing"
	"time"
)

func TestTenderStatusAt(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	tests := []struct {
		name string
		t    Tender
		want TenderStatus
	}{
		{"deadline ahead", Tender{State: StateOpen, Deadline: future}, StatusOpen},
		{"no deadline nor publication date stays open", Tender{State: StateOpen}, StatusOpen},
		{"no deadline, published 89 days ago", Tender{State: StateOpen, PublishedAt: now.AddDate(0, 0, -89)}, StatusOpen},
		{"no deadline, published 90 days ago", Tender{State: StateOpen, PublishedAt: now.AddDate(0, 0, -PresumedOpenDays)}, StatusClosed},
		{"no deadline, published long ago, corrected", Tender{State: StateCorrected, PublishedAt: now.AddDate(-1, 0, 0)}, StatusClosed},
		{"a deadline beyond the presumed window holds", Tender{State: StateOpen, PublishedAt: now.AddDate(0, 0, -150), Deadline: future}, StatusOpen},
		{"deadline passed", Tender{State: StateOpen, Deadline: past}, StatusClosed},
		{"deadline exactly now is closed", Tender{State: StateOpen, Deadline: now}, StatusClosed},
		{"corrected, deadline ahead", Tender{State: StateCorrected, Deadline: future}, StatusOpen},
		{"corrected, deadline passed", Tender{State: StateCorrected, Deadline: past}, StatusClosed},
		{"cancelled before its deadline", Tender{State: StateCancelled, Deadline: future}, StatusCancelled},
		{"awarded notice", Tender{State: StateAwarded, Deadline: past}, StatusAwarded},
		{"winners without award state", Tender{State: StateOpen, Deadline: past, Winners: []Winner{{Name: "A"}}}, StatusAwarded},
		{"every lot awarded", Tender{State: StateOpen, Deadline: past, Lots: []Lot{{ID: "1", Winners: []Winner{{Name: "A"}}}, {ID: "2", Winners: []Winner{{Name: "B"}}}}}, StatusAwarded},
		{"one lot of two awarded", Tender{State: StateOpen, Deadline: past, Lots: []Lot{{ID: "1", Winners: []Winner{{Name: "A"}}}, {ID: "2"}}}, StatusClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.t.StatusAt(now)
			if got != tc.want {
				t.Errorf("StatusAt = %q, want %q", got, tc.want)
			}
			if open := tc.t.Open(now); open != (got == StatusOpen) {
				t.Errorf("Open = %t contradicts status %q", open, got)
			}
		})
	}
}

func TestNormalizeProcedure(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"empty", "  ", ""},
		{"eForms open", "open", ProcedureOpen},
		{"eForms restricted", "restricted", ProcedureRestricted},
		{"eForms negotiated with call", "neg-w-call", ProcedureNegotiated},
		{"eForms competitive dialogue", "comp-dial", ProcedureDialogue},
		{"eForms innovation", "innovation", ProcedureInnovation},
		{"BOAMP API open", "Procédure Ouverte", ProcedureOpen},
		{"BOAMP API adapted", "Procédure adaptée", ProcedureAdapted},
		{"BOAMP XML adapted", "PROCEDURE_ADAPTE", ProcedureAdapted},
		{"BOAMP XML restricted", "RESTREINT", ProcedureRestricted},
		{"DECP", "Appel d'offres ouvert", ProcedureOpen},
		{"unknown", "oth-single", ProcedureOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeProcedure(tc.raw); got != tc.want {
				t.Errorf("NormalizeProcedure(%q) = %q, want %q", tc.raw, got, tc.want)
			}
			if tc.want != "" && ProcedureLabel(tc.want) == "" {
				t.Errorf("no label for %q", tc.want)
			}
		})
	}
}

// TestTenderStateLabel: every stored state has its French name, the one
// the tender's history and the import report print (never « open »).
func TestTenderStateLabel(t *testing.T) {
	tests := []struct {
		state TenderState
		want  string
	}{
		{StateOpen, "avis de marché"},
		{StateCorrected, "rectificatif"},
		{StateCancelled, "annulation"},
		{StateAwarded, "avis d'attribution"},
	}
	for _, tc := range tests {
		if got := tc.state.Label(); got != tc.want {
			t.Errorf("%s.Label() = %q, want %q", tc.state, got, tc.want)
		}
	}
}
