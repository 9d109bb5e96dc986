package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web/verify"
)

// claimTestPassword is the password of the accounts of the claim tests.
const claimTestPassword = "correct horse battery staple"

// claimWorld is a server with mail delivered to a test SMTP server, a
// website serving the well-known file over TLS on loopback as
// www.example.com, and companies to claim.
type claimWorld struct {
	s        *testServer
	inbox    func() []receivedMail
	resolver *verify.StaticResolver
	// wellKnown is what the website serves at the well-known path;
	// "redirect:URL" redirects there.
	mu        sync.Mutex
	wellKnown string
	sitePort  string
}

// claimWorldConfig says how the claim checks run in a claimWorld.
type claimWorldConfig struct {
	testMode bool // verify.Config.TestMode
}

func newClaimWorld(t *testing.T, wc claimWorldConfig) *claimWorld {
	t.Helper()
	w := &claimWorld{resolver: &verify.StaticResolver{}}
	site := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		body := w.wellKnown
		w.mu.Unlock()
		if r.URL.Path != verify.WellKnownPath || body == "" {
			http.NotFound(rw, r)
			return
		}
		if target, ok := strings.CutPrefix(body, "redirect:"); ok {
			http.Redirect(rw, r, target, http.StatusFound)
			return
		}
		fmt.Fprint(rw, body)
	}))
	t.Cleanup(site.Close)
	_, w.sitePort, _ = net.SplitHostPort(site.Listener.Addr().String())
	w.resolver.Set(map[string][]string{"www.example.com": {"127.0.0.1"}}, nil)
	pool := site.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	cfg := Config{FormRateLimit: RateLimit{PerSecond: -1}, Verify: verify.Config{TestMode: wc.testMode, Resolver: w.resolver, RootCAs: pool, Timeout: 2 * time.Second}}
	w.s, w.inbox = newMailServer(t, cfg)
	return w
}

func (w *claimWorld) publish(body string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wellKnown = body
}

// company stores a company whose website, published by OFG, is the
// loopback site (or website when given), with a complete head-office
// address.
func (w *claimWorld) company(t *testing.T, n int, website string) data.Supplier {
	t.Helper()
	siren := luhnComplete(fmt.Sprintf("8%07d", n))
	siret := luhnComplete(siren + "0001")
	if website == "" {
		website = "https://www.example.com:" + w.sitePort + "/"
	}
	addr := data.ResolveAddress(data.Address{Street: fmt.Sprintf("%d rue des Forges", n), Postcode: "25000", Commune: "Besançon"})
	sup := data.Supplier{ID: siren, SIREN: siren, Name: fmt.Sprintf("Forges n° %d", n), Address: addr, Website: website,
		Establishments: []data.Establishment{{SIRET: siret, HeadOffice: true, Address: addr, Valid: true}}}
	sup.SetProvenance(data.FieldWebsite, data.Provenance{Source: "ofg", FetchedAt: time.Now()})
	if err := w.s.store.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}
	return sup
}

// person creates a confirmed account and signs it in.
func (w *claimWorld) person(t *testing.T, email string, role data.Role) (*client, data.Account) {
	t.Helper()
	a := createAccount(t, w.s, email, claimTestPassword, role)
	return signIn(t, w.s, email, claimTestPassword), a
}

// begin starts a claim and returns its id.
func (w *claimWorld) begin(t *testing.T, cl *client, sup data.Supplier, fields url.Values) string {
	t.Helper()
	return beginClaim(t, cl, sup, fields)
}

// beginClaim starts a claim of sup as cl and returns its id.
func beginClaim(t *testing.T, cl *client, sup data.Supplier, fields url.Values) string {
	t.Helper()
	r := cl.post(t, supplierURL(sup.ID)+"/revendiquer", fields)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, claimsPath+"/") {
		t.Fatalf("claim of %s: status %d, Location %q, want 303 to a claim\n%s", sup.ID, r.status, loc, r.body)
	}
	return strings.TrimPrefix(loc, claimsPath+"/")
}

// claim reads a claim from the store.
func (w *claimWorld) claim(t *testing.T, id string) data.Claim {
	t.Helper()
	c, err := w.s.store.Claim(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *claimWorld) isMember(t *testing.T, accountID, supplierID string) bool {
	t.Helper()
	ok, err := w.s.store.IsMember(context.Background(), accountID, supplierID)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// mailTo waits for the n-th mail and checks its recipient.
func (w *claimWorld) mailTo(t *testing.T, n int, to string) receivedMail {
	t.Helper()
	m := waitMail(t, w.inbox, n)
	if len(m.To) != 1 || !strings.EqualFold(m.To[0], to) {
		t.Fatalf("mail %d (%q) went to %v, want %s", n, m.Subject, m.To, to)
	}
	return m
}

// codeRe finds a claim code in a mail or a page.
var codeRe = regexp.MustCompile(`\b[2-9A-HJKMNP-TW-Z]{5}-[2-9A-HJKMNP-TW-Z]{5}\b`)

func codeIn(t *testing.T, text string) string {
	t.Helper()
	c := codeRe.FindString(text)
	if c == "" {
		t.Fatalf("no claim code in:\n%s", text)
	}
	return c
}

// upload posts a file as the multipart field "kbis", with the CSRF token.
func upload(t *testing.T, cl *client, target, name string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField(csrfField, cl.csrf(t))
	fw, err := mw.CreateFormFile("kbis", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	return cl.do(t, http.MethodPost, target, &body, "Content-Type", mw.FormDataContentType())
}

// auditOf lists "action addr" of every audit entry about entity.
func auditOf(t *testing.T, st *store.Store, entity string) []data.AuditEntry {
	t.Helper()
	var out []data.AuditEntry
	if err := st.Audit(context.Background(), entity, func(e data.AuditEntry) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// samplePDF is a minimal PDF document.
const samplePDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
