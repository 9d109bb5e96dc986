package notice

import (
	"errors"
	"fmt"

	"fabrique/data"
)

// Errors returned by the readers. Each wraps a data sentinel so that the
// web layer maps them without knowing this package: refused or malformed
// input is data.ErrInvalid, input over a limit is data.ErrTooLarge.
var (
	// ErrUnknownFormat means Detect could not tell what the input is.
	ErrUnknownFormat = fmt.Errorf("notice: format inconnu: %w", data.ErrInvalid)
	// ErrDoctype means an XML input declared a DOCTYPE or an ENTITY; such
	// declarations are refused outright (entity expansion bombs, external
	// entities), no real notice needs them.
	ErrDoctype = fmt.Errorf("notice: déclaration DOCTYPE ou ENTITY refusée: %w", data.ErrInvalid)
	// ErrTooLarge means the input is bigger than Options.MaxBytes.
	ErrTooLarge = fmt.Errorf("notice: entrée trop volumineuse: %w", data.ErrTooLarge)
	// ErrTooDeep means the input nests elements deeper than Options.MaxDepth.
	ErrTooDeep = fmt.Errorf("notice: imbrication trop profonde: %w", data.ErrTooLarge)
	// ErrTooMany means the input holds more elements (XML elements and
	// attributes, JSON objects and arrays) than Options.MaxElements, or a
	// notice more lots than Options.MaxLots.
	ErrTooMany = fmt.Errorf("notice: trop d'éléments: %w", data.ErrTooLarge)
	// ErrMalformed means the input is not well-formed XML, JSON or CSV.
	ErrMalformed = fmt.Errorf("notice: syntaxe invalide: %w", data.ErrInvalid)
	// ErrRejected means a notice or row was read but breaks a rule that
	// makes it unusable (no identifier, no title…); the Problem says which.
	ErrRejected = fmt.Errorf("notice: avis rejeté: %w", data.ErrInvalid)
	// ErrNotProcurement means the document is valid but announces no
	// procurement (an eForms business registration notice, X01/X02).
	ErrNotProcurement = errors.New("notice: document sans marché public (avis d'immatriculation)")
)

// Problem is one notice or row that was rejected, or one defect noted on a
// notice that was kept. Ref names it ("26-26122", "ligne 42"…); Err says
// which element or field is missing or wrong, in French.
type Problem struct {
	Ref string
	Err error
}

func (p Problem) Error() string {
	if p.Ref == "" {
		return p.Err.Error()
	}
	return p.Ref + ": " + p.Err.Error()
}

// Unwrap lets errors.Is see through a Problem.
func (p Problem) Unwrap() error { return p.Err }

// rejectf builds the error of a rejected notice: French message, wrapping
// ErrRejected.
func rejectf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrRejected)
}
