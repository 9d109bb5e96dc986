// Package feed writes the feeds of alert profiles: an Atom feed (RFC 4287)
// through github.com/gorilla/feeds, the one package that imports it (see
// cmd/fabrique/architecture_test.go), and an iCalendar feed (RFC 5545)
// written here, one event per deadline.
//
// The package knows nothing of tenders or HTTP: the web package turns the
// tenders a profile selects into Entries and Events, and serves what this
// package writes. Both writers are deterministic: the same input gives the
// same bytes, so that the web package can derive an ETag from them.
package feed
