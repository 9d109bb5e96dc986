package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// Message is one mail to one person, in plain text and HTML.
type Message struct {
	To      string // one address, "a@b.fr" or "Nom <a@b.fr>"
	Subject string
	Text    string
	HTML    string
	// Headers are extra headers ("Reply-To", "X-Fabrique-Kind",
	// "List-Unsubscribe"…).
	Headers map[string]string
	// MessageID, without angle brackets ("id@host"), is the Message-ID to
	// send; empty: a random one. A mail sent again after a crash keeps its
	// Message-ID, so that receivers can tell it is the same mail.
	MessageID string
	// Forget says that nothing of the recipient may be kept once the mail
	// is handed over: the last mail to an account just erased. SMTP keeps
	// nothing anyway; the outbox keeps the mail already erased (its kind
	// and date, data.OutboxMail.Erase), since nothing will ever send it
	// from there.
	Forget bool
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalid is wrapped by the errors of Check: the message would not be
// sent.
var ErrInvalid = fmt.Errorf("mail: invalid message: %w", data.ErrInvalid)

// reserved headers are set by the sender, never by a Message's Headers.
var reserved = map[string]bool{"to": true, "from": true, "subject": true, "cc": true, "bcc": true,
	"date": true, "message-id": true, "mime-version": true, "content-type": true,
	"content-transfer-encoding": true, "sender": true, "return-path": true}

// Check refuses a message that could inject headers or that has not
// exactly one valid recipient. It returns the recipient's address.
func (m Message) Check() (*mail.Address, error) {
	if err := headerValue("To", m.To); err != nil {
		return nil, err
	}
	if err := headerValue("Subject", m.Subject); err != nil {
		return nil, err
	}
	if err := headerValue("Message-ID", m.MessageID); err != nil {
		return nil, err
	}
	if strings.ContainsAny(m.MessageID, "<> ") || (m.MessageID != "" && !strings.Contains(m.MessageID, "@")) {
		return nil, fmt.Errorf("%w: Message-ID %q", ErrInvalid, m.MessageID)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return nil, fmt.Errorf("%w: empty subject", ErrInvalid)
	}
	if m.Text == "" {
		return nil, fmt.Errorf("%w: empty text", ErrInvalid)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: recipient %q: %v", ErrInvalid, m.To, err)
	}
	for k, v := range m.Headers {
		if !validHeaderName(k) || reserved[strings.ToLower(k)] {
			return nil, fmt.Errorf("%w: header name %q", ErrInvalid, k)
		}
		if err := headerValue(k, v); err != nil {
			return nil, err
		}
	}
	return to, nil
}

// headerValue refuses CR, LF and other control characters.
func headerValue(name, v string) error {
	if strings.ContainsFunc(v, func(r rune) bool { return r == '\r' || r == '\n' || r == 0 || (r < 0x20 && r != '\t') }) {
		return fmt.Errorf("%w: header %s holds a line break or a control character", ErrInvalid, name)
	}
	return nil
}

// validHeaderName accepts RFC 5322 field names: printable ASCII but colon.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= 32 || k[i] >= 127 || k[i] == ':' {
			return false
		}
	}
	return true
}

// Outbox keeps messages in the store instead of sending them.
type Outbox struct {
	Store *store.Store
}

// Send stores m in the outbox after checking it like an SMTP send would.
func (o Outbox) Send(ctx context.Context, m Message) error {
	if _, err := m.Check(); err != nil {
		return err
	}
	var headers map[string]string
	if len(m.Headers) > 0 || m.MessageID != "" {
		headers = make(map[string]string, len(m.Headers)+1)
		for k, v := range m.Headers {
			headers[k] = v
		}
		if m.MessageID != "" {
			headers["Message-ID"] = "<" + m.MessageID + ">"
		}
	}
	om := data.OutboxMail{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Headers: headers}
	if m.Forget {
		om.At = time.Now()
		om.Erase(om.At)
	}
	_, err := o.Store.PutOutboxMail(ctx, om)
	if err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	return nil
}

// IsInvalid reports whether err means the message itself was refused.
func IsInvalid(err error) bool { return errors.Is(err, ErrInvalid) }
