package web

import (
	"errors"

	"fabrique/data"
)

// isInvalid reports whether err says the input broke a rule.
func isInvalid(err error) bool { return errors.Is(err, data.ErrInvalid) }

// invalidMessage is the French message of a validation error, or a
// generic one when err carries none.
func invalidMessage(err error) string {
	var ve *data.ValidationError
	if errors.As(err, &ve) && ve.Message != "" {
		return ve.Message
	}
	return "valeur incorrecte"
}

// validationField is the field a validation error names, "" otherwise.
func validationField(err error) string {
	var ve *data.ValidationError
	if errors.As(err, &ve) {
		return ve.Field
	}
	return ""
}
