package data

import (
	"fmt"
	"strings"
	"time"
)

// Vote is a buyer's judgement of a supplier proposed for a need.
type Vote string

// The two votes a buyer can give on a shortlist.
const (
	VoteRelevant   Vote = "pertinent"
	VoteIrrelevant Vote = "pas_pertinent"
)

// Valid reports whether v is one of the votes.
func (v Vote) Valid() bool { return v == VoteRelevant || v == VoteIrrelevant }

// Label is the French wording of the vote.
func (v Vote) Label() string {
	switch v {
	case VoteRelevant:
		return "pertinent"
	case VoteIrrelevant:
		return "pas pertinent"
	}
	return string(v)
}

// NeedFeedback is one voter's vote on one supplier of a need's shortlist:
// a second source of truth beside the awards, to measure the matcher.
// A voter has one vote per supplier per need, which it may change.
type NeedFeedback struct {
	NeedID     string `json:"need_id"` // the need's tender id, "besoin:…"
	SupplierID string `json:"supplier_id"`
	// Voter is "account:ID" for a signed-in buyer, "session:HASH" for an
	// anonymous one (a hash of its browser session, never the secret).
	Voter string    `json:"voter"`
	Vote  Vote      `json:"vote"`
	At    time.Time `json:"at"`
}

// Validate checks the vote's fields; errors wrap ErrInvalid with a French
// message.
func (f NeedFeedback) Validate() error {
	bad := func(field, value, msg string) error {
		return fmt.Errorf("data: %w", &ValidationError{Field: field, Value: value, Message: msg})
	}
	switch {
	case !strings.HasPrefix(f.NeedID, SourceNeed+":") || len(f.NeedID) > 64:
		return bad("need", f.NeedID, "besoin inconnu")
	case f.SupplierID == "" || len(f.SupplierID) > 64 || strings.ContainsAny(f.SupplierID, "|\x00 "):
		return bad("supplier", f.SupplierID, "fournisseur inconnu")
	case !(strings.HasPrefix(f.Voter, "account:") || strings.HasPrefix(f.Voter, "session:")) ||
		len(f.Voter) > 96 || strings.ContainsAny(f.Voter, "|\x00"):
		return bad("voter", f.Voter, "votant inconnu")
	case !f.Vote.Valid():
		return bad("vote", string(f.Vote), "avis inconnu : « pertinent » ou « pas pertinent »")
	}
	return nil
}
