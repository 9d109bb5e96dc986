package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"fabrique/data"
)

// TestTenderPageShowsLotsPageByPage stores a tender of 1 000 lots (the
// importer's cap): its page shows them a hundred at a time, with links to
// the neighbouring pages, and stays small.
func TestTenderPageShowsLotsPageByPage(t *testing.T) {
	s := newTestServer(t, Config{})
	tender := data.Tender{ID: "ocds:ocds-lots", Source: "ocds", SourceID: "ocds-lots", Title: "Fournitures de mobilier",
		CPV: "39100000", Deadline: inDays(20), PublishedAt: inDays(-2)}
	for i := range 1000 {
		tender.Lots = append(tender.Lots, data.Lot{ID: fmt.Sprintf("LOT-%04d", i+1), Title: fmt.Sprintf("Lot numéro %d", i+1)})
	}
	putTenders(t, s, tender)
	path := tenderURL(&tender)

	tests := []struct {
		name       string
		query      string
		first      string
		last       string
		prev, next bool
	}{
		{"first page", "", "LOT-0001", "LOT-0100", false, true},
		{"a middle page", "?lots=5", "LOT-0401", "LOT-0500", true, true},
		{"the last page", "?lots=10", "LOT-0901", "LOT-1000", true, false},
		{"past the end: the last page", "?lots=999", "LOT-0901", "LOT-1000", true, false},
		{"not a number: the first page", "?lots=%3Cscript%3E", "LOT-0001", "LOT-0100", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, path+tt.query)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s = %d", path+tt.query, r.status)
			}
			if n := strings.Count(r.body, `<tr>
            <th scope="row">`); n != lotsPerPage {
				t.Errorf("%d lot rows, want %d", n, lotsPerPage)
			}
			mustContain(t, "page", r.body, ">"+tt.first+"<", ">"+tt.last+"<", " lots — lots ")
			if strings.Contains(r.body, "<script>") {
				t.Error("the query is echoed unescaped")
			}
			if got := strings.Contains(r.body, `rel="prev"`); got != tt.prev {
				t.Errorf("link to the previous lots: %v, want %v", got, tt.prev)
			}
			if got := strings.Contains(r.body, `rel="next"`); got != tt.next {
				t.Errorf("link to the next lots: %v, want %v", got, tt.next)
			}
			if len(r.body) > 400<<10 {
				t.Errorf("page of %d kB", len(r.body)>>10)
			}
		})
	}
}
