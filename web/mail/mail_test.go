package mail

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"fabrique/data"
	"fabrique/data/store"
)

func valid() Message {
	return Message{To: "Claire Martin <claire@atelier.test>", Subject: "Confirmez votre adresse", Text: "Bonjour", HTML: "<p>Bonjour</p>"}
}

// TestHeaderInjectionRefused tries a line break in every header a caller
// can fill: each message is refused before anything is sent.
func TestHeaderInjectionRefused(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Message)
	}{
		{"CRLF in subject", func(m *Message) { m.Subject = "Bonjour\r\nBcc: victime@exemple.fr" }},
		{"LF in subject", func(m *Message) { m.Subject = "Bonjour\nBcc: victime@exemple.fr" }},
		{"CR in subject", func(m *Message) { m.Subject = "Bonjour\rBcc: victime@exemple.fr" }},
		{"CRLF in recipient name", func(m *Message) { m.To = "Claire\r\nBcc: victime@exemple.fr <claire@atelier.test>" }},
		{"LF in recipient", func(m *Message) { m.To = "claire@atelier.test\nBcc: victime@exemple.fr" }},
		{"two recipients", func(m *Message) { m.To = "claire@atelier.test, victime@exemple.fr" }},
		{"CRLF in extra header", func(m *Message) { m.Headers = map[string]string{"Reply-To": "a@b.fr\r\nBcc: victime@exemple.fr"} }},
		{"NUL in extra header", func(m *Message) { m.Headers = map[string]string{"X-Kind": "a\x00b"} }},
		{"colon in header name", func(m *Message) { m.Headers = map[string]string{"X-A: b\r\nBcc": "x"} }},
		{"reserved header", func(m *Message) { m.Headers = map[string]string{"Bcc": "victime@exemple.fr"} }},
		{"empty subject", func(m *Message) { m.Subject = "  " }},
		{"no text", func(m *Message) { m.Text = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.edit(&m)
			if _, err := m.Check(); !errors.Is(err, ErrInvalid) || !errors.Is(err, data.ErrInvalid) {
				t.Errorf("Check() = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := valid().Check(); err != nil {
		t.Errorf("a valid message: %v", err)
	}
}

func TestOutbox(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	o := Outbox{Store: st}
	m := valid()
	m.Headers = map[string]string{"X-Fabrique-Mail": "confirm"}
	if err := o.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	bad := valid()
	bad.Subject = "a\r\nBcc: x@y.fr"
	if err := o.Send(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("outbox accepted an injected header: %v", err)
	}
	got, err := st.Outbox(ctx, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("Outbox = %d mails, %v; want 1", len(got), err)
	}
	if g := got[0]; g.To != m.To || g.Subject != m.Subject || g.Text != m.Text || g.HTML != m.HTML || g.Headers["X-Fabrique-Mail"] != "confirm" || g.Seq != 1 {
		t.Errorf("stored %+v", g)
	}

	// A mail to forget (the last to an erased account) is checked like
	// any other, then kept erased: its kind and date, nothing of its
	// recipient.
	last := valid()
	last.Forget, last.MessageID = true, "dernier@fabrique.test"
	last.Headers = map[string]string{"X-Fabrique-Mail": "account_deleted", "List-Unsubscribe": "<https://x.test/t>"}
	if err := o.Send(ctx, last); err != nil {
		t.Fatal(err)
	}
	if got, err = st.Outbox(ctx, 1); err != nil || len(got) != 1 {
		t.Fatalf("Outbox = %d mails, %v; want 1", len(got), err)
	}
	if g := got[0]; g.To != data.ErasedAddress || g.Subject != "" || g.Text != "" || g.HTML != "" || g.At.IsZero() || g.ErasedAt.IsZero() ||
		len(g.Headers) != 1 || g.Headers["X-Fabrique-Mail"] != "account_deleted" {
		t.Errorf("a mail to forget stored as %+v", g)
	}
}

func TestNewSMTP(t *testing.T) {
	tests := []struct {
		name     string
		cfg      SMTPConfig
		wantErr  bool
		wantDesc string
	}{
		{"defaults to STARTTLS on 587", SMTPConfig{Host: "smtp.exemple.fr", From: "f@exemple.fr"}, false, "smtp://smtp.exemple.fr:587 (starttls)"},
		{"implicit TLS on 465", SMTPConfig{Host: "smtp.exemple.fr", TLS: TLSImplicit, From: "f@exemple.fr"}, false, "smtp://smtp.exemple.fr:465 (tls)"},
		{"none on 25", SMTPConfig{Host: "relais", TLS: TLSNone, From: "f@exemple.fr"}, false, "smtp://relais:25 (none)"},
		{"no host", SMTPConfig{From: "f@exemple.fr"}, true, ""},
		{"unknown TLS", SMTPConfig{Host: "h", TLS: "ssl", From: "f@exemple.fr"}, true, ""},
		{"bad sender", SMTPConfig{Host: "h", From: "pas une adresse"}, true, ""},
		{"sender with CRLF", SMTPConfig{Host: "h", From: "f@exemple.fr\r\nBcc: x@y.fr"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSMTP(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewSMTP: %v, want error %v", err, tt.wantErr)
			}
			if err == nil && s.String() != tt.wantDesc {
				t.Errorf("String() = %q, want %q", s.String(), tt.wantDesc)
			}
		})
	}
}
