package mail

import (
	"errors"
	"testing"
)

// TestMessageID checks the Message-ID a caller may set: refused when it
// could inject a header or is no id, accepted otherwise.
func TestMessageID(t *testing.T) {
	tests := []struct {
		name, id string
		ok       bool
	}{
		{"none: a random one", "", true},
		{"id@host", "alerte-20261206T090000-0123456789abcdef@fabrique.example", true},
		{"CRLF", "a@b\r\nBcc: victime@exemple.fr", false},
		{"angle brackets", "<a@b>", false},
		{"space", "a b@c", false},
		{"no @", "alerte-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			m.MessageID = tt.id
			_, err := m.Check()
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalid)) {
				t.Errorf("Check() = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
