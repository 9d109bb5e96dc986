package data_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"fabrique/data"
)

func TestValidationError(t *testing.T) {
	tests := []struct {
		name string
		err  *data.ValidationError
		want string
	}{
		{"with value", &data.ValidationError{Field: "SIRET", Value: "123", Message: "un SIRET compte 14 chiffres"},
			`data: invalid SIRET "123": un SIRET compte 14 chiffres`},
		{"without value", &data.ValidationError{Field: "SIRET", Message: "SIRET absent"},
			`data: invalid SIRET: SIRET absent`},
		{"long value cut", &data.ValidationError{Field: "CPV", Value: strings.Repeat("4", 70), Message: "format"},
			`data: invalid CPV "` + strings.Repeat("4", 64) + `…": format`},
		{"long value cut on a character boundary", &data.ValidationError{Field: "NAF", Value: "a" + strings.Repeat("é", 40), Message: "format"},
			`data: invalid NAF "a` + strings.Repeat("é", 31) + `…": format`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.err.Error()
			if got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Error() = %q is not valid UTF-8", got)
			}
		})
	}
}

func TestValidationErrorWrapping(t *testing.T) {
	_, _, err := data.RepairSIRET("abc")
	wrapped := fmt.Errorf("store: supplier x: %w", err)
	if !errors.Is(wrapped, data.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", wrapped)
	}
	if errors.Is(wrapped, data.ErrNotFound) {
		t.Errorf("errors.Is(%v, ErrNotFound) = true", wrapped)
	}
	var ve *data.ValidationError
	if !errors.As(wrapped, &ve) || ve.Field != "SIRET" || ve.Value != "abc" {
		t.Errorf("errors.As(%v) = %+v, want the SIRET ValidationError for \"abc\"", wrapped, ve)
	}
	sentinels := []error{data.ErrNotFound, data.ErrInvalid, data.ErrConflict, data.ErrUnauthorized, data.ErrTooLarge, data.ErrNAF1993}
	for i, a := range sentinels {
		if !strings.HasPrefix(a.Error(), "data: ") {
			t.Errorf("sentinel %q lacks the package prefix", a)
		}
		for j, b := range sentinels {
			if i != j && errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = true", a, b)
			}
		}
	}
}
