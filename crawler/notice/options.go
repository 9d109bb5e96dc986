package notice

import (
	"sync"
	"time"

	"fabrique/data"
)

// Options tunes the readers. The zero value means the defaults.
type Options struct {
	// MaxBytes caps the input size (default 64 MiB); a bigger input is
	// refused with ErrTooLarge before anything is parsed.
	MaxBytes int64
	// MaxDepth caps element nesting in XML and JSON (default 128; real
	// eForms notices nest about 15 deep).
	MaxDepth int
	// MaxElements caps the XML elements and attributes, or the JSON
	// objects and arrays, of an input (default 500 000; the eForms sample
	// with 100 lots has 26 000 elements): counted while reading, before the
	// document is built, so that a flood of tiny elements is refused early.
	MaxElements int
	// MaxLots caps the lots of one notice (default 1 000); a notice with
	// more is rejected (ErrTooMany) rather than stored as a page nobody
	// can read.
	MaxLots int
	// MaxNoticeBytes caps the size of one notice as it would be stored
	// (its JSON encoding; default 4 MiB): a notice with more text is
	// rejected (ErrTooMany), as its page and API answer would be too.
	MaxNoticeBytes int
	// Now stamps ImportedAt and UpdatedAt (default time.Now).
	Now func() time.Time
	// Location is the time zone of dates written without one ("2026-03-15"
	// in BOAMP and DECP); default Europe/Paris, UTC if the system has no
	// time zone database.
	Location *time.Location
	// Source labels DECP awards (Award.Source and the prefix of Award.ID),
	// e.g. "decp-2019-aife"; by default it is derived from each row's
	// "source" field ("decp-aife"), or "decp" for the CSV.
	Source string
	// Previous looks up a tender already imported, by its ID
	// ("ted:<notice id>"). With it, an eForms change notice is checked
	// against the notice it changes: fields that a change may not alter
	// (the procedure identifier) make it rejected. Optional.
	Previous func(id string) (data.Tender, bool)
}

const (
	defaultMaxBytes = 64 << 20
	defaultMaxDepth = 128
	// DefaultMaxElements and DefaultMaxLots are the defaults of
	// Options.MaxElements and Options.MaxLots.
	DefaultMaxElements = 500_000
	DefaultMaxLots     = 1_000
	// DefaultMaxNoticeBytes is the default of Options.MaxNoticeBytes.
	DefaultMaxNoticeBytes = 4 << 20
)

// withDefaults returns the options with every zero field set.
func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultMaxBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxElements <= 0 {
		o.MaxElements = DefaultMaxElements
	}
	if o.MaxLots <= 0 {
		o.MaxLots = DefaultMaxLots
	}
	if o.MaxNoticeBytes <= 0 {
		o.MaxNoticeBytes = DefaultMaxNoticeBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = parisOrUTC()
	}
	return o
}

// parisOrUTC loads the Paris time zone once: LoadLocation reads the zone
// database from disk at each call. The value never changes afterwards.
var parisOrUTC = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
})

// Result is what a reader got out of one input: the tenders and awards it
// could build, the notices or rows it rejected (Problems), and the defects
// it noted on what it kept (Warnings).
type Result struct {
	Tenders  []data.Tender
	Awards   []data.Award
	Problems []Problem
	Warnings []Problem
	// Notes are French remarks on the whole input, for the person who
	// imports it: « encodage ISO-8859-1 converti en UTF-8 ».
	Notes []string
}
