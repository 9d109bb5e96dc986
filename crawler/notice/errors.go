package notice

import (
	"errors"
	"fmt"
	"strings"

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
	// ErrEncoding means the input is neither UTF-8 nor an encoding the
	// readers convert (UTF-16, Windows-1252 and ISO-8859-1, or what an XML
	// declaration names): binary data, or UTF-8 mixed with Latin-1.
	ErrEncoding = fmt.Errorf("notice: encodage illisible: %w", data.ErrInvalid)
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

// FormatError is the error of Detect: the input is none of the formats
// the package reads. Reason says why in French, for a person; the error
// wraps ErrUnknownFormat.
type FormatError struct {
	Name   string // the file name or URL path given to Detect
	Reason string // « ni XML, ni JSON, ni CSV des DECP »
}

func (e *FormatError) Error() string {
	return e.Name + ": " + e.Reason + ": " + ErrUnknownFormat.Error()
}

// Unwrap lets errors.Is(err, ErrUnknownFormat) and data.ErrInvalid hold.
func (e *FormatError) Unwrap() error { return ErrUnknownFormat }

func unknownFormat(name, reason string) error {
	return &FormatError{Name: name, Reason: reason}
}

// sentinels are the package's errors with the French words that say them
// to a person (Explain).
var sentinels = []struct {
	err   error
	words string
}{
	{ErrUnknownFormat, "format non reconnu"},
	{ErrDoctype, "déclaration DOCTYPE ou ENTITY refusée"},
	{ErrTooLarge, "entrée trop volumineuse"},
	{ErrTooDeep, "imbrication trop profonde"},
	{ErrTooMany, "trop d'éléments"},
	{ErrEncoding, "encodage illisible"},
	{ErrMalformed, "syntaxe invalide"},
	{ErrRejected, "avis rejeté"},
	{ErrNotProcurement, "document sans marché public (avis d'immatriculation)"},
}

// Explain writes an error of the readers for a person, in French: what
// went wrong, then the detail, without the Go prefixes and sentinel texts
// of the error chain (« notice: », « data: invalid »), which stay in
// err.Error() for the logs and in the chain for errors.Is. A Problem keeps
// its reference first.
//
//	x.txt: ni XML, ni JSON, ni CSV des DECP: notice: format inconnu: data: invalid
//	→ format non reconnu : ni XML, ni JSON, ni CSV des DECP
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var p Problem
	if errors.As(err, &p) && p.Ref != "" {
		return p.Ref + " : " + Explain(p.Err)
	}
	var fe *FormatError
	if errors.As(err, &fe) {
		return "format non reconnu : " + fe.Reason
	}
	detail, words := err.Error(), ""
	for _, s := range sentinels {
		if words == "" && errors.Is(err, s.err) {
			words = s.words
		}
		t := s.err.Error() // also where the chain quotes it with %v
		for _, cut := range []string{t + ": ", " : " + t, ": " + t, t} {
			detail = strings.ReplaceAll(detail, cut, "")
		}
	}
	for {
		rest, ok := strings.CutPrefix(detail, "notice: ")
		if !ok {
			break
		}
		detail = rest
	}
	detail = frenchColons(strings.TrimSpace(detail))
	switch {
	case words == "":
		return detail
	case detail == "":
		return words
	}
	return words + " : " + detail
}

// frenchColons puts the space French typography wants before a colon that
// separates two parts of a message (« avis : détail »), leaving alone the
// colons inside names (« cbc:ID ») and those already spaced.
func frenchColons(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && i+1 < len(s) && s[i+1] == ' ' && i > 0 && s[i-1] != ' ' {
			b.WriteString(" :")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// missingElements is the error of a notice that lacks elements it must
// have: rejected, the elements named in French.
func missingElements(missing []string) error {
	if len(missing) == 1 {
		return rejectf("élément obligatoire absent : %s", missing[0])
	}
	return rejectf("éléments obligatoires absents : %s", strings.Join(missing, " ; "))
}

// rejectf builds the error of a rejected notice: French message, wrapping
// ErrRejected.
func rejectf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrRejected)
}
