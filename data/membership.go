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
	// ErasedAt is when the mail's address and content were erased (Erase):
	// its recipient's account was deleted. The outbox then keeps only
	// that a mail of this kind was written to the outbox, and when.
	ErasedAt time.Time `json:"erased_at,omitzero"`
}

// ErasedAddress stands where an erased account's e-mail address was
// written, in the records kept after its deletion.
const ErasedAddress = "[adresse effacée]"

// MailKindHeader names a mail's template ("account_deleted",
// "alert_digest"…): the one header an erased outbox mail keeps.
const MailKindHeader = "X-Fabrique-Mail"

// Erase drops the mail's address, subject, bodies and headers but its
// kind, and marks it erased at that time: the outbox keeps that the mail
// was written, its kind and its date, and nothing of its recipient.
func (m *OutboxMail) Erase(at time.Time) {
	kind := m.Headers[MailKindHeader]
	m.To, m.Subject, m.Text, m.HTML, m.Headers, m.ErasedAt = ErasedAddress, "", "", "", nil, at
	if kind != "" {
		m.Headers = map[string]string{MailKindHeader: kind}
	}
}
