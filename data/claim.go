package data

import (
	"strings"
	"time"
)

// ClaimProof is what a claim holds besides its identity and status: the
// evidence offered, the secrets to prove (hashed) and the steps taken. It is
// embedded in Claim, so its fields read as the claim's own.
type ClaimProof struct {
	// SIRET names the establishment when the claim was made by SIRET; its
	// registered address receives the postal code.
	SIRET string `json:"siret,omitempty"`

	// Domain is the company's web domain as published by a source (never
	// typed by the claimant), and DomainSource that source ("ofg",
	// "jsonld", "owner"…). Set for the e-mail and website proofs.
	Domain       string `json:"domain,omitempty"`
	DomainSource string `json:"domain_source,omitempty"`
	// Site is the website address the well-known file is read from.
	Site string `json:"site,omitempty"`
	// Email is the address at Domain the code was sent to.
	Email string `json:"email,omitempty"`
	// Token is the website proof's token. It is public by design (the
	// company publishes it), so it is stored as is.
	Token string `json:"token,omitempty"`
	// CodeExpires is when the e-mailed or posted code stops being valid;
	// Attempts counts the wrong codes entered since it was issued.
	CodeExpires time.Time `json:"code_expires,omitzero"`
	Attempts    int       `json:"attempts,omitempty"`

	// Letter is the postal letter: the address it goes to, and when its
	// code was generated and printed (zero: waiting to be printed).
	LetterAddress Address   `json:"letter_address,omitzero"`
	LetterAt      time.Time `json:"letter_at,omitzero"`

	// Document is the uploaded Kbis extract, if any.
	Document *ClaimDocument `json:"document,omitempty"`

	// ProvenAt is when the proof succeeded and Proof says how, in French
	// (« code reçu à contact@exemple.fr »).
	ProvenAt time.Time `json:"proven_at,omitzero"`
	Proof    string    `json:"proof,omitempty"`
	// NeedsApproval is true when the listing had members when the proof
	// succeeded: one of them, or an admin, must approve.
	NeedsApproval bool `json:"needs_approval,omitempty"`
	// DecidedBy is the account that accepted or refused the claim; Reason
	// is the reason given to the claimant.
	DecidedBy string `json:"decided_by,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// Reminders are the times the members were reminded of a claim
	// awaiting their approval, oldest first.
	Reminders []time.Time `json:"reminders,omitempty"`
}

// ClaimDocument describes an uploaded document; its bytes are stored apart,
// under ID, which is random and never derived from the claim.
type ClaimDocument struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"` // sniffed: application/pdf, image/png, image/jpeg
	Name       string    `json:"name,omitempty"`
	Size       int       `json:"size"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// PostalCodeValidity is how long a code sent by post stays valid.
const PostalCodeValidity = 30 * 24 * time.Hour

// MaxCodeAttempts is how many wrong codes a claim accepts before its code
// is void and a new one must be asked for.
const MaxCodeAttempts = 5

// Open reports whether the claim still waits for something: a proof, a
// review or an approval.
func (c *Claim) Open() bool {
	switch c.Status {
	case ClaimPending, ClaimReview, ClaimApproval:
		return true
	}
	return false
}

// ClaimAbandonAfter is how long a claim waiting for its claimant's proof
// stays open after the claimant's last step (the claim made, a code sent or
// a letter printed and its code expired): then it expires, so that the
// Alliance's desk and the company's page no longer show it as under way.
const ClaimAbandonAfter = 30 * 24 * time.Hour

// Abandoned reports whether the claim waits for a proof only its claimant
// can give and nothing happened for ClaimAbandonAfter. A postal claim whose
// letter is not printed yet waits for the Alliance, not for the claimant,
// and a document under review or a proven claim awaiting approval wait for
// someone else too: none of those is abandoned.
func (c *Claim) Abandoned(now time.Time) bool {
	if c.Status != ClaimPending || (c.Method == ClaimByPost && c.LetterAt.IsZero()) {
		return false
	}
	last := c.CreatedAt
	for _, t := range []time.Time{c.CodeExpires, c.LetterAt} {
		if t.After(last) {
			last = t
		}
	}
	return !now.Before(last.Add(ClaimAbandonAfter))
}

// CodeUsable reports whether a code issued for the claim may still be
// entered at now: issued, not expired, not worn out by wrong attempts.
func (c *Claim) CodeUsable(now time.Time) bool {
	return c.Status == ClaimPending && c.TokenHash != "" && now.Before(c.CodeExpires) && c.Attempts < MaxCodeAttempts
}

// Label is the claim method in French.
func (m ClaimMethod) Label() string {
	switch m {
	case ClaimByEmailDomain:
		return "code envoyé par courriel"
	case ClaimByWebsiteFile:
		return "jeton publié sur le site ou dans le DNS"
	case ClaimByPost:
		return "code envoyé par courrier"
	case ClaimByDocument:
		return "extrait Kbis"
	}
	return string(m)
}

// Label is the claim status in French.
func (s ClaimStatus) Label() string {
	switch s {
	case ClaimPending:
		return "preuve attendue"
	case ClaimReview:
		return "document en cours d'examen"
	case ClaimApproval:
		return "en attente d'approbation"
	case ClaimVerified:
		return "acceptée"
	case ClaimRejected:
		return "refusée"
	case ClaimExpired:
		return "expirée"
	case ClaimWithdrawn:
		return "abandonnée"
	}
	return string(s)
}

// ParseClaimMethod reads a method name from a form; unknown names wrap
// ErrInvalid.
func ParseClaimMethod(s string) (ClaimMethod, error) {
	switch m := ClaimMethod(s); m {
	case ClaimByEmailDomain, ClaimByWebsiteFile, ClaimByPost, ClaimByDocument:
		return m, nil
	}
	return "", invalid("method", s, "choisissez une des preuves proposées")
}

// Report is a visitor's signal that a listing is wrong or abusive.
type Report struct {
	ID         string    `json:"id"`
	SupplierID string    `json:"supplier_id"`
	AccountID  string    `json:"account_id,omitempty"` // empty: anonymous
	Reason     string    `json:"reason"`
	Addr       string    `json:"addr,omitempty"` // client address, for abuse
	CreatedAt  time.Time `json:"created_at"`
	// ClosedAt and ClosedBy are set when an admin dealt with it.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
}

// MaxReportReason bounds a report's reason, in characters.
const MaxReportReason = 1000

// CleanReportReason trims a report's reason and checks it: required, at
// most MaxReportReason characters, no control characters but line breaks.
func CleanReportReason(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return "", invalid("reason", "", "indiquez ce qui ne va pas sur cette fiche")
	}
	if n := len([]rune(s)); n > MaxReportReason {
		return "", invalid("reason", "", "le motif est trop long (1 000 caractères au plus)")
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return "", invalid("reason", "", "le motif contient des caractères invalides")
		}
	}
	return s, nil
}
