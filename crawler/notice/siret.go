package notice

import (
	"errors"
	"strings"

	"fabrique/data"
)

// siretOf checks a company identifier given by a notice. It returns the
// SIRET when the value is one (spaces and dots removed, leading zeros a
// spreadsheet dropped restored), and a French note when the value looked
// like a SIRET but is not valid: the caller keeps the name, drops the
// number and records the note. Identifiers that are plainly something else
// (a SIREN, a VAT number, a foreign register number) give neither.
func siretOf(raw string) (siret, note string) {
	s := data.CleanDigits(strings.TrimSpace(raw))
	if s == "" || !data.AllDigits(s) {
		return "", ""
	}
	switch len(s) {
	case 12, 13, 14:
		v, repaired, err := data.RepairSIRET(s)
		if err != nil {
			return "", "SIRET " + quoteFR(raw) + " écarté : " + validationMessage(err)
		}
		if repaired {
			return v, "SIRET " + quoteFR(raw) + " complété de ses zéros de tête : " + v
		}
		return v, ""
	case 15:
		return "", "SIRET " + quoteFR(raw) + " écarté : 15 chiffres au lieu de 14"
	}
	return "", ""
}

// validationMessage returns the French part of a data validation error.
func validationMessage(err error) string {
	var ve *data.ValidationError
	if errors.As(err, &ve) {
		return ve.Message
	}
	return err.Error()
}

// quoteFR quotes a value in French guillemets for a note.
func quoteFR(s string) string { return "« " + clip(strings.TrimSpace(s)) + " »" }
