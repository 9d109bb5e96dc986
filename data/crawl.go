package data

import "time"

// CrawlRun is the report of one crawl of one or more sources.
type CrawlRun struct {
	ID         string    `json:"id"` // start time, RFC 3339 with nanoseconds
	Sources    []string  `json:"sources"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Complete is true when every start URL was exhausted; only a complete
	// crawl may mark labels "not re-found".
	Complete bool `json:"complete"`

	PagesFetched     int            `json:"pages_fetched"`
	PagesNotModified int            `json:"pages_not_modified"`
	PagesFailed      map[string]int `json:"pages_failed,omitempty"` // by kind of failure

	ListingsNew        int `json:"listings_new"`
	ListingsUpdated    int `json:"listings_updated"`
	ListingsUnchanged  int `json:"listings_unchanged"`
	ListingsNotRefound int `json:"listings_not_refound"`

	// Errors keeps one line per failure, capped, in order.
	Errors []CrawlError `json:"errors,omitempty"`

	// Unreached names the sources of which no page was obtained (neither
	// downloaded nor unchanged) while some failed: a host down, refusing
	// every request, or a wrong base URL.
	Unreached []string `json:"unreached,omitempty"`
}

// CrawlError is one failure of a crawl, for the report.
type CrawlError struct {
	URL     string `json:"url"`
	Kind    string `json:"kind"` // "http_5xx", "too_large", "robots", "parse"…
	Message string `json:"message"`
}

// PageState is what the crawler remembers of a URL between runs.
type PageState struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	ContentHash  string    `json:"content_hash,omitempty"` // hex SHA-256 of the body
	FetchedAt    time.Time `json:"fetched_at"`
	Status       int       `json:"status"`
	// RunID is the last run that visited the URL: a resumed run skips the
	// URLs it already visited.
	RunID string `json:"run_id,omitempty"`
	// Keys are the supplier IDs extracted from the page: when a re-crawl
	// is answered 304 Not Modified, their labels are marked seen again
	// without re-extracting anything.
	Keys []string `json:"keys,omitempty"`
}
