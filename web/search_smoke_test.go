package web

import (
	"testing"
	"time"
)

func TestSmokeBuild(t *testing.T) {
	start := time.Now()
	s := newSearchServer(t, Config{})
	t.Logf("built in %v", time.Since(start))
	for _, u := range []string{"/recherche?q=%C3%A9b%C3%A9nisterie", "/recherche", "/fournisseurs/498548361", "/api/v1/suppliers?q=ebenisterie&per_page=2", "/recherche.csv?q=ebenisterie", "/recherche/rapport?q=ebenisterie", "/api/v1/suggest?q=jall", "/api/v1/communes?q=lyo", "/fournisseurs/498548361/revendiquer", "/api/v1/suppliers/498548361"} {
		start := time.Now()
		r := s.get(t, u)
		t.Logf("%s → %d %d bytes in %v", u, r.status, len(r.body), time.Since(start))
		if r.status != 200 {
			t.Errorf("%s", r.body)
		}
	}
}
