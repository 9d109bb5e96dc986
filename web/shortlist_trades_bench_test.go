package web

import (
	"net/http"
	"testing"
)

// BenchmarkNeedShortlistPage is the page of a need without lots on the
// real EPV directory, with its trades, then with a trade chosen (6 ms
// each at the median, as the page before the trades).
//
//	go test ./web -run '^$' -bench NeedShortlistPage -count 6
func BenchmarkNeedShortlistPage(b *testing.B) {
	s := newSearchServer(b, Config{RateLimit: RateLimit{PerSecond: -1}})
	page := postNeed(b, s, churchNeedForm())
	for _, c := range []struct{ name, target string }{{"whole", page}, {"trade", page + "?metier=23.19Z"}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if r := s.get(b, c.target); r.status != http.StatusOK {
					b.Fatalf("GET %s = %d", c.target, r.status)
				}
			}
		})
	}
}
