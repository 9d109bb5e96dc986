package data

import "time"

// Role is what an account may do.
type Role string

const (
	RoleBuyer    Role = "buyer"    // public buyer
	RoleSupplier Role = "supplier" // a PMI's representative
	RoleAlliance Role = "alliance" // the Alliance's staff (observatory, moderation)
	RoleAdmin    Role = "admin"
)

// Label names the role in French as the site shows an account: an
// account of a company's team (teams > 0, its memberships) acts for that
// company and reads « entreprise » whatever its role, but for the
// Alliance's staff.
func (r Role) Label(teams int) string {
	switch {
	case r == RoleAdmin:
		return "administrateur de l'Alliance"
	case r == RoleAlliance:
		return "équipe de l'Alliance"
	case r == RoleSupplier || teams > 0:
		return "entreprise"
	}
	return "acheteur"
}

// Account is a person who signs in.
type Account struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name,omitempty"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"password_hash,omitempty"`
	Verified     bool      `json:"verified"` // e-mail address confirmed
	CreatedAt    time.Time `json:"created_at"`
	// Disabled accounts cannot sign in; their sessions end.
	Disabled bool `json:"disabled,omitempty"`
	// PasswordChangedAt is when the password was last set: sessions
	// created before it are no longer valid.
	PasswordChangedAt time.Time `json:"password_changed_at,omitzero"`
}

// ClaimStatus is where a claim of ownership stands.
type ClaimStatus string

const (
	ClaimPending  ClaimStatus = "pending"
	ClaimVerified ClaimStatus = "verified"
	ClaimRejected ClaimStatus = "rejected"
	ClaimExpired  ClaimStatus = "expired"
	// ClaimReview: a document awaits an Alliance admin's review.
	ClaimReview ClaimStatus = "review"
	// ClaimApproval: proven, but the listing already has members, one of
	// whom (or an admin) must approve.
	ClaimApproval ClaimStatus = "approval"
	// ClaimWithdrawn: the claimant gave up, or started another claim.
	ClaimWithdrawn ClaimStatus = "withdrawn"
)

// ClaimMethod is the proof of ownership offered.
type ClaimMethod string

const (
	// ClaimByEmailDomain: a code sent to an address at the website's domain.
	ClaimByEmailDomain ClaimMethod = "email_domain"
	// ClaimByWebsiteFile: a token published at a well-known URL of the site.
	ClaimByWebsiteFile ClaimMethod = "website_file"
	// ClaimByDocument: a Kbis extract reviewed by the Alliance.
	ClaimByDocument ClaimMethod = "document"
	// ClaimByPost: a code sent by post to the establishment's registered
	// address.
	ClaimByPost ClaimMethod = "post"
)

// Claim is an account's request to manage a supplier's listing.
type Claim struct {
	ID         string      `json:"id"`
	SupplierID string      `json:"supplier_id"`
	AccountID  string      `json:"account_id"`
	Method     ClaimMethod `json:"method"`
	// TokenHash is the hash of the secret to prove; the secret itself is
	// never stored.
	TokenHash string      `json:"token_hash,omitempty"`
	Status    ClaimStatus `json:"status"`
	CreatedAt time.Time   `json:"created_at"`
	DecidedAt time.Time   `json:"decided_at,omitzero"`
	Note      string      `json:"note,omitempty"`
	// The fields below are described in claim.go.
	ClaimProof
}

// AuditEntry records one change made to the store, by whom and why.
type AuditEntry struct {
	Seq    uint64    `json:"seq"` // assigned by the store, increasing
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // account id, "crawler:epv", "import", "system"
	Action string    `json:"action"` // "supplier.put", "claim.verify"…
	Entity string    `json:"entity"` // "supplier:123456789"
	Detail string    `json:"detail,omitempty"`
	Addr   string    `json:"addr,omitempty"` // client address, for events from the web
}
