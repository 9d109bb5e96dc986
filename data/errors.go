package data

import (
	"errors"
	"unicode/utf8"
)

// Sentinel errors shared by every layer. Wrap them with %w and a lowercase
// package prefix ("store: supplier 123456789: data: not found"); the web
// layer maps them to HTTP statuses in one table.
var (
	// ErrNotFound means the requested record does not exist.
	ErrNotFound = errors.New("data: not found")
	// ErrInvalid means the input breaks a validation rule.
	ErrInvalid = errors.New("data: invalid")
	// ErrConflict means the write conflicts with the current state.
	ErrConflict = errors.New("data: conflict")
	// ErrUnauthorized means the caller is not allowed to do this.
	ErrUnauthorized = errors.New("data: unauthorized")
	// ErrTooLarge means the input exceeds a configured limit.
	ErrTooLarge = errors.New("data: too large")
)

// ValidationError names the field that failed and says why, in French for
// the user (Message) while wrapping ErrInvalid for programs.
type ValidationError struct {
	Field   string
	Value   string
	Message string
}

func (e *ValidationError) Error() string {
	if e.Value == "" {
		return "data: invalid " + e.Field + ": " + e.Message
	}
	return "data: invalid " + e.Field + " " + quote(e.Value) + ": " + e.Message
}

// Unwrap lets errors.Is(err, ErrInvalid) hold.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(field, value, msg string) error {
	return &ValidationError{Field: field, Value: value, Message: msg}
}

func quote(s string) string {
	const max = 64
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) { // never split a character
			cut--
		}
		s = s[:cut] + "…"
	}
	return "\"" + s + "\""
}
