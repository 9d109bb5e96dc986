package data

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestClaimCodeUsable(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	base := Claim{Status: ClaimPending, TokenHash: "h"}
	base.CodeExpires = now.Add(time.Hour)
	tests := []struct {
		name   string
		change func(*Claim)
		want   bool
	}{
		{"fresh code", func(*Claim) {}, true},
		{"expired", func(c *Claim) { c.CodeExpires = now }, false},
		{"no code issued", func(c *Claim) { c.TokenHash = "" }, false},
		{"worn out by wrong attempts", func(c *Claim) { c.Attempts = MaxCodeAttempts }, false},
		{"one attempt left", func(c *Claim) { c.Attempts = MaxCodeAttempts - 1 }, true},
		{"claim no longer pending", func(c *Claim) { c.Status = ClaimApproval }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.change(&c)
			if got := c.CodeUsable(now); got != tt.want {
				t.Errorf("CodeUsable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClaimOpenAndLabels(t *testing.T) {
	open := map[ClaimStatus]bool{ClaimPending: true, ClaimReview: true, ClaimApproval: true,
		ClaimVerified: false, ClaimRejected: false, ClaimExpired: false, ClaimWithdrawn: false}
	for st, want := range open {
		c := Claim{Status: st}
		if c.Open() != want {
			t.Errorf("%s: Open = %v, want %v", st, c.Open(), want)
		}
		if st.Label() == string(st) {
			t.Errorf("%s has no French label", st)
		}
	}
	for _, m := range []ClaimMethod{ClaimByEmailDomain, ClaimByWebsiteFile, ClaimByPost, ClaimByDocument} {
		if got, err := ParseClaimMethod(string(m)); err != nil || got != m {
			t.Errorf("ParseClaimMethod(%s) = %s, %v", m, got, err)
		}
		if m.Label() == string(m) {
			t.Errorf("%s has no French label", m)
		}
	}
	if _, err := ParseClaimMethod("phone"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown method: err = %v", err)
	}
}

func TestCleanReportReason(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"trimmed, line breaks kept", "  Adresse fausse.\r\nFermée en 2024.  ", "Adresse fausse.\nFermée en 2024.", true},
		{"empty", " \n ", "", false},
		{"control character", "a\x00b", "", false},
		{"escape sequence", "a\x1b[31mb", "", false},
		{"at the limit", strings.Repeat("é", MaxReportReason), strings.Repeat("é", MaxReportReason), true},
		{"too long", strings.Repeat("é", MaxReportReason+1), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CleanReportReason(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("CleanReportReason = %q, %v; want %q (ok %v)", got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestClaimAbandoned(t *testing.T) {
	created := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name  string
		claim Claim
		at    time.Duration // after created
		want  bool
	}{
		{"website token, a day short", Claim{Method: ClaimByWebsiteFile, Status: ClaimPending}, 30*day - time.Minute, false},
		{"website token, 30 days", Claim{Method: ClaimByWebsiteFile, Status: ClaimPending}, 30 * day, true},
		{"e-mail code counted from its expiry", Claim{Method: ClaimByEmailDomain, Status: ClaimPending,
			ClaimProof: ClaimProof{CodeExpires: created.Add(10 * day)}}, 39 * day, false},
		{"e-mail code expired 30 days ago", Claim{Method: ClaimByEmailDomain, Status: ClaimPending,
			ClaimProof: ClaimProof{CodeExpires: created.Add(10 * day)}}, 40 * day, true},
		{"letter not printed: the Alliance's turn", Claim{Method: ClaimByPost, Status: ClaimPending}, 365 * day, false},
		{"letter printed, code still valid", Claim{Method: ClaimByPost, Status: ClaimPending,
			ClaimProof: ClaimProof{LetterAt: created.Add(5 * day), CodeExpires: created.Add(35 * day)}}, 64 * day, false},
		{"letter printed, code expired 30 days ago", Claim{Method: ClaimByPost, Status: ClaimPending,
			ClaimProof: ClaimProof{LetterAt: created.Add(5 * day), CodeExpires: created.Add(35 * day)}}, 65 * day, true},
		{"document waiting for a review", Claim{Method: ClaimByDocument, Status: ClaimReview}, 365 * day, false},
		{"document never sent", Claim{Method: ClaimByDocument, Status: ClaimPending}, 30 * day, true},
		{"proven, awaiting the members", Claim{Method: ClaimByEmailDomain, Status: ClaimApproval}, 365 * day, false},
		{"verified", Claim{Method: ClaimByEmailDomain, Status: ClaimVerified}, 365 * day, false},
		{"already expired", Claim{Method: ClaimByEmailDomain, Status: ClaimExpired}, 365 * day, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.claim
			c.CreatedAt = created
			if got := c.Abandoned(created.Add(tt.at)); got != tt.want {
				t.Errorf("Abandoned after %s = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}
