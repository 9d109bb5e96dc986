package data

import (
	"sync"
	"time"
)

// StatsSnapshot is one day's key figures of the Alliance's observatory,
// kept in the store so that their history can be drawn and exported.
type StatsSnapshot struct {
	Day     string    `json:"day"` // "2026-12-06", the day in Paris; one snapshot per day
	TakenAt time.Time `json:"taken_at"`

	Suppliers int `json:"suppliers"` // listed companies
	Holding   int `json:"holding"`   // of which holding a label
	// Labels counts, per label type, the companies by best state.
	Labels  map[LabelType]LabelStateCounts `json:"labels"`
	Claimed int                            `json:"claimed"`

	OpenTenders      int `json:"open_tenders"`
	EvaluatedTenders int `json:"evaluated_tenders"`
	TendersAtLeast3  int `json:"tenders_at_least_3"`
	TendersNone      int `json:"tenders_none"`

	Awards         int     `json:"awards"`
	AwardsLabelled int     `json:"awards_labelled"`
	AmountAll      float64 `json:"amount_all"`
	AmountLabelled float64 `json:"amount_labelled"`
}

// LabelStateCounts are the companies of one label type by state.
type LabelStateCounts struct {
	Valid      int `json:"valid"`
	Expiring   int `json:"expiring"`
	Expired    int `json:"expired"`
	NotRefound int `json:"not_refound"`
	NotYet     int `json:"not_yet"`
}

// Holding is the number that holds the label: valid and expiring.
func (c LabelStateCounts) Holding() int { return c.Valid + c.Expiring }

// SnapshotDay is the key of the snapshot of t's day: the day in Paris,
// the day the observatory's page and its readers live in (at 23:30 UTC on
// 6 December it is 7 December in Paris).
func SnapshotDay(t time.Time) string { return t.In(Paris()).Format(time.DateOnly) }

// Paris is the time zone of French calendar days, loaded once; UTC when
// the system has no zone database (the command embeds one: time/tzdata).
var Paris = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
})
