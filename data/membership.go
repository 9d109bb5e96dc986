package data

import "time"

// MemberRole is what a member may do for a company.
type MemberRole string

const (
	MemberOwner  MemberRole = "owner"  // manages the listing and its team
	MemberMember MemberRole = "member" // edits the listing
)

// Membership says that an account acts for a supplier (a company).
type Membership struct {
	SupplierID string     `json:"supplier_id"`
	AccountID  string     `json:"account_id"`
	Role       MemberRole `json:"role"`
	Since      time.Time  `json:"since"`
	// Via says how it was granted: "claim:ID", "invite:ID" or "admin".
	Via string `json:"via,omitempty"`
}

// Session is a signed-in browser. The store keeps only a hash of the
// secret session id the cookie carries: ID is that hash.
type Session struct {
	ID        string    `json:"id"` // hex SHA-256 of the cookie's secret
	AccountID string    `json:"account_id"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"`
	UserAgent string    `json:"user_agent,omitempty"`
	Addr      string    `json:"addr,omitempty"`
}

// TokenKind is what a one-time token proves.
type TokenKind string

const (
	TokenConfirmEmail  TokenKind = "confirm" // the address of a new account
	TokenResetPassword TokenKind = "reset"   // the right to set a new password
	TokenSignIn        TokenKind = "signin"  // a sign-in link
)

// Token is a one-time secret sent by e-mail. The store keeps only its
// hash (ID); it can be used once, before ExpiresAt.
type Token struct {
	ID        string    `json:"id"` // hex SHA-256 of the secret
	Kind      TokenKind `json:"kind"`
	AccountID string    `json:"account_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// OutboxMail is a mail kept in the store instead of being sent, when no
// SMTP server is configured; admins read them in the site.
type OutboxMail struct {
	Seq     uint64            `json:"seq"` // assigned by the store
	At      time.Time         `json:"at"`
	To      string            `json:"to"`
	Subject string            `json:"subject"`
	Text    string            `json:"text"`
	HTML    string            `json:"html,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}
