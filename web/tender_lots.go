package web

import (
	"strconv"

	"fabrique/data"
)

// A tender may have up to notice.DefaultMaxLots lots (and older stores
// more): its page shows them lotsPerPage at a time, ?lots=N choosing the
// page, so that the page stays small whatever the notice.
const lotsPerPage = 100

// lotPager says which lots a page shows and links to its neighbours.
type lotPager struct {
	Total    int    // lots of the tender
	From, To int    // 1-based range shown
	Prev     string // "" on the first page
	Next     string // "" on the last page
}

// Paged reports whether the lots do not all fit on one page.
func (p lotPager) Paged() bool { return p.Total > p.To-p.From+1 }

// Caption is the French caption of the table of lots.
func (p lotPager) Caption() string {
	s := pluralFR(p.Total, "lot", "lots")
	if p.Paged() {
		s += " — lots " + strconv.Itoa(p.From) + " à " + strconv.Itoa(p.To)
	}
	return s
}

// windowLots returns a copy of t holding only the lots of page raw (a
// 1-based number; anything else is the first page, past the end the last
// one), and the pager of the page at base.
func windowLots(t *data.Tender, raw, base string) (data.Tender, lotPager) {
	tt := *t
	n := len(t.Lots)
	if n <= lotsPerPage {
		return tt, lotPager{Total: n, From: 1, To: n}
	}
	pages := (n + lotsPerPage - 1) / lotsPerPage
	page, err := strconv.Atoi(raw)
	if err != nil || page < 1 {
		page = 1
	}
	page = min(page, pages)
	from := (page - 1) * lotsPerPage
	to := min(from+lotsPerPage, n)
	tt.Lots = t.Lots[from:to]
	p := lotPager{Total: n, From: from + 1, To: to}
	link := func(pg int) string { return base + "?lots=" + strconv.Itoa(pg) + "#lots" }
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return tt, p
}
