package notice

import (
	"fmt"
	"strings"
	"time"
)

// Years outside this range are typing errors ("0218-10-29"), not dates.
const (
	minYear = 1990
	maxYear = 2100
)

// dateLayouts are the shapes met in BOAMP, eForms, OCDS and DECP, with a
// zone ("2019-11-15+01:00", "2020-11-26Z", "2026-03-15T00:00:00+00:00")
// or without one.
var dateLayouts = []struct {
	layout string
	zoned  bool
}{
	{time.RFC3339Nano, true},
	{"2006-01-02T15:04:05Z07:00", true},
	{"2006-01-02T15:04Z07:00", true},
	{"2006-01-02Z07:00", true},
	{"2006-01-02T15:04:05", false},
	{"2006-01-02T15:04", false},
	{"2006-01-02 15:04:05", false},
	{"2006-01-02", false},
	{"02/01/2006", false},
}

// parseDate reads a date or date-time; values without a zone are taken in
// loc. A date outside 1990–2100 is returned with an error saying so, so
// that the caller can keep the row and flag it.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("date absente")
	}
	for _, l := range dateLayouts {
		var t time.Time
		var err error
		if l.zoned {
			t, err = time.Parse(l.layout, s)
		} else {
			t, err = time.ParseInLocation(l.layout, s, loc)
		}
		if err != nil {
			continue
		}
		if y := t.Year(); y < minYear || y > maxYear {
			return time.Time{}, fmt.Errorf("date impossible %q (année %d)", s, y)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("date illisible %q", s)
}

// joinDateTime combines an eForms date ("2020-02-04+02:00") and time
// ("10:00:00+02:00"). The zone of the time wins, then that of the date.
// Without a time, endOfDay decides between the first and the last second
// of the day: a deadline given as a day lasts the whole day.
func joinDateTime(date, clock string, loc *time.Location, endOfDay bool) (time.Time, error) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if strings.Contains(date, "T") { // already a date-time
		return parseDate(date, loc)
	}
	d, err := parseDate(date, loc)
	if err != nil {
		return time.Time{}, err
	}
	if clock == "" {
		if endOfDay {
			return d.Add(24*time.Hour - time.Second), nil
		}
		return d, nil
	}
	day := d.Format("2006-01-02")
	zone := zoneSuffix(clock)
	if zone == "" {
		zone = zoneSuffix(date)
		clock += zone
	}
	t, err := parseDate(day+"T"+clock, loc)
	if err != nil {
		return d, nil // a bad time keeps the day
	}
	return t, nil
}

// zoneSuffix returns the "Z" or "+01:00" ending a date or time, or "".
func zoneSuffix(s string) string {
	if strings.HasSuffix(s, "Z") {
		return "Z"
	}
	if len(s) >= 6 {
		tail := s[len(s)-6:]
		if (tail[0] == '+' || tail[0] == '-') && tail[3] == ':' {
			return tail
		}
	}
	return ""
}
