package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestHeadAnswersLikeGet sends HEAD to every GET route of the table: the
// status and the content type are GET's, and no body is sent.
func TestHeadAnswersLikeGet(t *testing.T) {
	s := newSearchServer(t, Config{AdminToken: testAdminToken})
	sups := epvSuppliers(t)
	params := strings.NewReplacer(":id/fournisseurs.csv", "0000000000000000/fournisseurs.csv",
		"/fournisseurs/:id", "/fournisseurs/"+sups[0].ID, ":siren", sups[0].SIREN, ":id", "0000000000000000", "+", "inconnu.css")
	ok := 0
	for _, r := range s.routes() {
		if r.method != http.MethodGet {
			continue
		}
		path := params.Replace(r.path)
		t.Run(path, func(t *testing.T) {
			var header []string
			if strings.HasPrefix(path, "/admin/") {
				header = []string{"Authorization", "Bearer " + testAdminToken}
			}
			get := s.get(t, path, header...)
			head := s.do(t, http.MethodHead, path, nil, header...)
			if head.status != get.status {
				t.Fatalf("HEAD %s = %d, GET = %d", path, head.status, get.status)
			}
			if head.body != "" {
				t.Errorf("HEAD %s sent a body of %d bytes", path, len(head.body))
			}
			if h, g := head.header.Get("Content-Type"), get.header.Get("Content-Type"); h != g {
				t.Errorf("HEAD %s Content-Type %q, GET %q", path, h, g)
			}
			if get.status == http.StatusOK {
				ok++
			}
		})
	}
	if ok < 10 {
		t.Errorf("only %d GET routes answered 200: the test checks too little", ok)
	}
}
