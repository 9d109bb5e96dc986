package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/web/verify"
)

// TestClaimUploadTooLarge: a Kbis file over 4 Mo is refused with 413 and
// the advice to lighten it, on the claim's page while the body stays
// under the upload route's own limit, on an error page that links back to
// the claim beyond it; other routes keep the server's body limit.
func TestClaimUploadTooLarge(t *testing.T) {
	w, alice, _, _, _, id := newKbisClaim(t)
	base := w.s.serveLoopback(t) // fasthttp refuses a body over the limit before app.Test sees it
	pdf := func(n int) []byte { return append([]byte("%PDF-1.4\n"), make([]byte, n)...) }

	tests := []struct {
		name    string
		content []byte
	}{
		{"over 4 Mo, under the server's limit", pdf(verify.MaxDocumentBytes + 512<<10)},
		{"over the server's limit", pdf(defaultBodyLimit + 2<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postFile(t, alice, base+claimURL(id)+"/document", tt.content)
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413\n%s", status, body)
			}
			mustSayHowToLighten(t, body)
			if !strings.Contains(body, `action="`+claimURL(id)+`/document"`) {
				t.Errorf("not the claim's page with its upload form:\n%s", body)
			}
			if c := w.claim(t, id); c.Document != nil || c.Status != data.ClaimPending {
				t.Errorf("the refused file was kept: %+v", c.Document)
			}
		})
	}

	// Beyond the upload route's own limit fasthttp refuses the body before
	// any handler (a declared length is enough to see it): the error page
	// gives the same advice and leads back to the claim.
	addr := strings.TrimPrefix(base, "http://")
	declared := func(path string, n int) string {
		return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", path, n)
	}
	r := rawExchange(t, addr, declared(claimURL(id)+"/document", claimUploadBodyLimit+1<<20))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("over the route's limit: status %d, want 413\n%s", r.status, r.body)
	}
	mustSayHowToLighten(t, r.body)
	if !strings.Contains(r.body, `href="`+claimURL(id)+`#document"`) {
		t.Errorf("no link back to the claim:\n%s", r.body)
	}

	// Another route keeps the server's limit and its generic page.
	r = rawExchange(t, addr, declared("/compte/entreprises/1/fiche/logo", defaultBodyLimit+1<<20))
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "Contenu trop volumineux") || strings.Contains(r.body, "PDF compressé") {
		t.Errorf("logo route over the server's limit: %d\n%s", r.status, r.body)
	}
}

// mustSayHowToLighten checks that a refusal gives the limit and the ways
// to lighten a Kbis file.
func mustSayHowToLighten(t *testing.T, body string) {
	t.Helper()
	text := normSpace(body)
	for _, want := range []string{"dépasse 4 Mo", "PDF compressé", "une seule page"} {
		if !strings.Contains(text, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, body)
		}
	}
}

// postFile posts content as the multipart field "kbis" over a real
// connection, with the client's cookies and CSRF token.
func postFile(t *testing.T, cl *client, target string, content []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField(csrfField, cl.csrf(t))
	fw, err := mw.CreateFormFile("kbis", "kbis.pdf")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", cl.cookieHeader())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
