package match

import (
	"fmt"
	"regexp"
	"strings"

	"fabrique/data"
)

// Limits shared with the index, which must index what the matcher reads:
// the supplier's text the matcher walks is the text the index holds.
const (
	// MaxDescriptionBytes is the part of a description that is indexed
	// and read.
	MaxDescriptionBytes = 4000
	// MaxCPVCodes is the number of a supplier's CPV codes indexed and read.
	MaxCPVCodes = 30
	// MaxListItems is the number of items of a list (products, trade
	// names…) indexed and read.
	MaxListItems = 50
)

// Limits on what one tender may ask, so that a pasted DCE cannot make a
// match cost seconds.
const (
	maxNeedTextBytes = 8000
	maxLots          = 200
)

// NAFSuffix matches the "(25.71Z)" some sources append to NAF labels.
var NAFSuffix = regexp.MustCompile(`\s*\(\d{2}\.\d{2}[A-Z]\)\s*$`)

// CapList keeps the first MaxListItems items of a list.
func CapList(l []string) []string {
	if len(l) > MaxListItems {
		return l[:MaxListItems]
	}
	return l
}

// TruncateUTF8 cuts s to at most n bytes without splitting a character.
func TruncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// ValidLatLon reports whether a point is on the globe and not the (0, 0)
// of a missing position.
func ValidLatLon(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && (lat != 0 || lon != 0)
}

// truncateNeedText bounds one text of a need.
func truncateNeedText(s string) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), " ")
	return TruncateUTF8(s, maxNeedTextBytes)
}

func invalid(field, value, msg string) error {
	return fmt.Errorf("match: %w", &data.ValidationError{Field: field, Value: value, Message: msg})
}
