package crawler

import "fmt"

// Problem is a defect found in one input record. The record still gives a
// supplier, flagged in Supplier.Defects, unless Skipped is true.
type Problem struct {
	// Line is the 1-based line of a CSV file, or the position of the
	// record on its page.
	Line    int    `json:"line,omitempty"`
	URL     string `json:"url,omitempty"`
	Key     string `json:"key,omitempty"` // supplier ID, when known
	Field   string `json:"field"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"` // French, for people
	// Skipped is true when the record could not give a supplier at all.
	Skipped bool `json:"skipped,omitempty"`
}

func (p Problem) String() string {
	where := p.URL
	if p.Line > 0 {
		where = fmt.Sprintf("%s ligne %d", where, p.Line)
	}
	return fmt.Sprintf("%s: %s %q: %s", where, p.Field, p.Value, p.Message)
}
