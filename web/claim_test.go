package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web/verify"
)

func TestClaimByEmailedCode(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	sup := w.company(t, 1, "")
	alice, acc := w.person(t, "alice@example.org", data.RoleSupplier)

	page := parseHTML(t, alice.get(t, supplierURL(sup.ID)+"/revendiquer"))
	if _, disabled := page.Find("#method-email_domain").Attr("disabled"); disabled {
		t.Fatalf("the e-mail proof is not offered for a company whose website OFG published")
	}
	if got := textOf(page.Find(".email-local")); !strings.Contains(got, "@example.com") {
		t.Errorf("the e-mail field does not show the sourced domain: %q", got)
	}
	// Both proofs name the domain by its host (the token's said
	// « Domaine : https://… »), the token's its site besides.
	for _, hint := range []string{"#method-email_domain-why", "#method-website_file-why"} {
		if got := textOf(page.Find(hint)); !strings.Contains(got, "Domaine : example.com") || strings.Contains(got, "Domaine : http") {
			t.Errorf("%s says %q, want « Domaine : example.com »", hint, got)
		}
	}
	if got := textOf(page.Find("#method-website_file-why")); !strings.Contains(got, ", site http") {
		t.Errorf("the token proof does not name the site: %q", got)
	}

	id := w.begin(t, alice, sup, url.Values{"method": {"email_domain"}, "local": {"Direction"}})
	m := w.mailTo(t, 1, "direction@example.com")
	code := codeIn(t, m.Text)
	// A recipient who did not ask can tell who did: the account's address.
	for _, part := range []string{m.Text, textOf(parseHTML(t, response{body: m.HTML}).Selection)} {
		if !strings.Contains(part, "Le compte Fabrique alice@example.org demande") {
			t.Errorf("the code mail does not say which account asked:\n%s", part)
		}
	}
	if link := linkIn(t, m, claimsPath); !strings.HasSuffix(link, claimURL(id)) {
		t.Errorf("the mail links to %s, want the claim's page", link)
	}
	if c := w.claim(t, id); c.TokenHash == "" || strings.Contains(c.TokenHash, verify.NormalizeCode(code)) {
		t.Errorf("the code is not stored as a hash: %q", c.TokenHash)
	}

	r := alice.post(t, claimURL(id)+"/code", url.Values{"code": {"AAAAA-BBBBB"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Code erroné") {
		t.Fatalf("wrong code: status %d\n%s", r.status, r.body)
	}
	// The field says it is wrong, and why; so does the title.
	if page := parseHTML(t, r); page.Find("#code").AttrOr("aria-invalid", "") != "true" ||
		page.Find("#code").AttrOr("aria-describedby", "") != "form-errors" || !strings.Contains(page.Find("title").Text(), "à corriger") {
		t.Errorf("wrong code: the field is not marked, or the title does not say so (title %q)", page.Find("title").Text())
	}
	if w.isMember(t, acc.ID, sup.ID) {
		t.Fatal("a wrong code made the claimant a member")
	}
	r = alice.post(t, claimURL(id)+"/code", url.Values{"code": {strings.ToLower(code)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("right code: status %d\n%s", r.status, r.body)
	}
	if c := w.claim(t, id); c.Status != data.ClaimVerified || !w.isMember(t, acc.ID, sup.ID) {
		t.Fatalf("after the right code: status %s, member %v", c.Status, w.isMember(t, acc.ID, sup.ID))
	}
	var actions []string
	for _, e := range auditOf(t, w.s.store, "claim:"+id) {
		actions = append(actions, e.Action)
		if e.Addr == "" || e.Actor != acc.ID {
			t.Errorf("audit entry %s: actor %q, address %q", e.Action, e.Actor, e.Addr)
		}
	}
	if got := strings.Join(actions, " "); got != "claim.create claim.code_wrong claim.verified" {
		t.Errorf("audit of the claim = %s", got)
	}
	if got, _ := w.s.store.Supplier(context.Background(), sup.ID); got.ClaimedBy != acc.ID {
		t.Errorf("the listing is not marked claimed: %q", got.ClaimedBy)
	}
}

// TestClaimSentTwiceGoesOnWithTheOpenOne: « Commencer la revendication »
// sent twice with the same proof (a double click, the back button) goes on
// with the open claim — one code mailed, still valid — instead of
// replacing it, which voided the code the first mail carried; another
// proof still starts a new claim that replaces it.
func TestClaimSentTwiceGoesOnWithTheOpenOne(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	sup := w.company(t, 1, "")
	alice, acc := w.person(t, "alice@example.org", data.RoleSupplier)

	first := w.begin(t, alice, sup, url.Values{"method": {"email_domain"}, "local": {"direction"}})
	code := codeIn(t, w.mailTo(t, 1, "direction@example.com").Text)
	again := w.begin(t, alice, sup, url.Values{"method": {"email_domain"}, "local": {"Direction "}})
	if again != first {
		t.Errorf("the same claim sent again started claim %s, want %s", again, first)
	}
	time.Sleep(200 * time.Millisecond) // a second mail would be there by now
	if n := len(w.inbox()); n != 1 {
		t.Errorf("%d mails after the same claim sent twice, want 1", n)
	}
	if r := alice.post(t, claimURL(first)+"/code", url.Values{"code": {code}}); r.status != http.StatusSeeOther {
		t.Fatalf("the code of the first mail: status %d\n%s", r.status, r.body)
	}
	if !w.isMember(t, acc.ID, sup.ID) {
		t.Fatal("the code of the first mail did not make the claimant a member")
	}

	// Another proof, or another address, is a new claim that replaces the
	// open one.
	other := w.company(t, 2, "")
	bob, _ := w.person(t, "bob@example.org", data.RoleSupplier)
	kbis := w.begin(t, bob, other, url.Values{"method": {"document"}})
	if w.begin(t, bob, other, url.Values{"method": {"document"}}) != kbis {
		t.Error("the same Kbis claim sent twice started another claim")
	}
	byMail := w.begin(t, bob, other, url.Values{"method": {"email_domain"}, "local": {"contact"}})
	if byMail == kbis {
		t.Fatal("a claim with another proof went on with the open one")
	}
	if c := w.claim(t, kbis); c.Status != data.ClaimWithdrawn {
		t.Errorf("the claim replaced by another proof is %s, want withdrawn", c.Status)
	}
	if w.begin(t, bob, other, url.Values{"method": {"email_domain"}, "local": {"direction"}}) == byMail {
		t.Error("a claim with another address went on with the open one")
	}
}

// TestClaimFormMarksTheFieldInError: the claim form sent back with an
// error marks the field it is about, described by the error, and its title
// says so; an error of no field marks none.
func TestClaimFormMarksTheFieldInError(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	alice, _ := w.person(t, "alice@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	for _, tt := range []struct {
		name   string
		form   url.Values
		marked string // the selector of the fields marked aria-invalid
	}{
		{"an address that is not a local part", url.Values{"method": {"email_domain"}, "local": {"contact@gmail.com"}}, "#local"},
		{"no proof chosen", url.Values{}, "input[name=method]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := alice.post(t, supplierURL(sup.ID)+"/revendiquer", tt.form)
			wantStatus(t, tt.name, r, http.StatusUnprocessableEntity)
			page := parseHTML(t, r)
			invalid := page.Find(`[aria-invalid="true"]`)
			if invalid.Length() == 0 || invalid.Length() != page.Find(tt.marked).Length() || invalid.Not(tt.marked).Length() != 0 {
				t.Errorf("%d fields marked aria-invalid, want those of %s (%d)", invalid.Length(), tt.marked, page.Find(tt.marked).Length())
			}
			invalid.Each(func(_ int, f *goquery.Selection) {
				if d, _ := f.Attr("aria-describedby"); !slices.Contains(strings.Fields(d), "form-errors") {
					t.Errorf("%s is described by %q, not by the error", f.AttrOr("id", ""), d)
				}
			})
			if title := page.Find("title").Text(); !strings.Contains(title, "à corriger") {
				t.Errorf("title %q does not say a field needs correcting", title)
			}
		})
	}
}

func TestClaimEmailNeverGoesToAnUnsourcedOrFreeMailDomain(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	alice, _ := w.person(t, "alice@example.org", data.RoleSupplier)
	good := w.company(t, 1, "")
	gmail := w.company(t, 2, "https://gmail.com/")
	orange := w.company(t, 3, "http://perso.orange.fr/forges")
	unsourced := w.company(t, 4, "")
	unsourced.Provenance = nil
	if err := w.s.store.PutSupplier(context.Background(), unsourced, "test"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		sup   data.Supplier
		local string
		want  string
	}{
		{"gmail website", gmail, "contact", "messagerie grand public"},
		{"orange.fr pages", orange, "contact", "messagerie grand public"},
		{"website of unknown origin", unsourced, "contact", "origine du site web"},
		{"domain typed by the claimant", good, "contact@gmail.com", "partie avant « @ »"},
		{"domain typed after a second @", good, "contact@example.com@evil.example", "partie avant « @ »"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := alice.post(t, supplierURL(tt.sup.ID)+"/revendiquer", url.Values{"method": {"email_domain"}, "local": {tt.local}})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.want) {
				t.Fatalf("status %d, want 422 mentioning %q\n%s", r.status, tt.want, r.body)
			}
			// The reason stands alone in the error box: a sentence.
			if msg := textOf(parseHTML(t, r).Find("#form-errors")); !isSentence(msg) {
				t.Errorf("error %q is not a sentence (capital first, full stop last)", msg)
			}
			if tt.sup.ID != good.ID {
				page := parseHTML(t, alice.get(t, supplierURL(tt.sup.ID)+"/revendiquer"))
				if _, disabled := page.Find("#method-email_domain").Attr("disabled"); !disabled {
					t.Errorf("the e-mail proof is offered")
				}
				if why := textOf(page.Find("#method-email_domain-why")); !strings.Contains(why, tt.want) {
					t.Errorf("the page does not explain why: %q", why)
				}
			}
		})
	}
	if n := len(w.inbox()); n != 0 {
		t.Errorf("%d mail(s) sent, want none", n)
	}
	for _, sup := range []data.Supplier{good, gmail, orange, unsourced} {
		if cls, _ := w.s.store.ClaimsBySupplier(context.Background(), sup.ID); len(cls) != 0 {
			t.Errorf("claims of %s stored: %v", sup.Name, cls)
		}
	}
}

func TestClaimByWebsiteFileAndDNS(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{testMode: true})
	alice, acc := w.person(t, "alice@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")

	id := w.begin(t, alice, sup, url.Values{"method": {"website_file"}})
	token := w.claim(t, id).Token
	page := alice.get(t, claimURL(id))
	if !strings.Contains(page.body, token) || !strings.Contains(page.body, verify.WellKnownPath) {
		t.Fatalf("the claim page does not give the token and where to publish it:\n%s", page.body)
	}
	r := alice.post(t, claimURL(id)+"/verifier", url.Values{"via": {"site"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "répond 404") {
		t.Fatalf("check before publishing: status %d\n%s", r.status, r.body)
	}
	w.publish(verify.RecordPrefix + token + "\n")
	if r := alice.post(t, claimURL(id)+"/verifier", url.Values{"via": {"site"}}); r.status != http.StatusSeeOther {
		t.Fatalf("check after publishing: status %d\n%s", r.status, r.body)
	}
	if !w.isMember(t, acc.ID, sup.ID) {
		t.Fatal("the website proof did not make the claimant a member")
	}

	// DNS, for another company of the same domain owner.
	bob, bobAcc := w.person(t, "bob@example.org", data.RoleSupplier)
	other := w.company(t, 2, "https://www.example.com:"+w.sitePort)
	id2 := w.begin(t, bob, other, url.Values{"method": {"website_file"}})
	token2 := w.claim(t, id2).Token
	if r := bob.post(t, claimURL(id2)+"/verifier", url.Values{"via": {"dns"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("DNS check without the record: status %d", r.status)
	}
	w.resolver.Set(nil, map[string][]string{"example.com": {"v=spf1 -all", verify.RecordPrefix + token2}})
	if r := bob.post(t, claimURL(id2)+"/verifier", url.Values{"via": {"dns"}}); r.status != http.StatusSeeOther {
		t.Fatalf("DNS check with the record: status %d\n%s", r.status, r.body)
	}
	if !w.isMember(t, bobAcc.ID, other.ID) {
		t.Fatal("the DNS proof did not make the claimant a member")
	}
	var failed int
	for _, e := range auditOf(t, w.s.store, "claim:"+id2) {
		if e.Action == "claim.check_failed" {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d failed checks in the audit log, want 1", failed)
	}
}

func TestClaimWebsiteCheckRefusesARedirectToAPrivateAddress(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{testMode: true}) // loopback allowed, nothing else
	alice, acc := w.person(t, "alice@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	id := w.begin(t, alice, sup, url.Values{"method": {"website_file"}})
	w.resolver.Set(map[string][]string{"intranet.example.com": {"10.1.2.3"}}, nil)
	for _, target := range []string{"http://169.254.169.254/latest/meta-data/", "https://intranet.example.com/fabrique-verification.txt", "http://[fd00::1]/"} {
		w.publish("redirect:" + target)
		r := alice.post(t, claimURL(id)+"/verifier", url.Values{"via": {"site"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "adresse non publique") {
			t.Fatalf("redirect to %s: status %d, want 422 « adresse non publique »\n%s", target, r.status, r.body)
		}
	}
	if w.isMember(t, acc.ID, sup.ID) {
		t.Fatal("the claim succeeded through a redirect")
	}
}

func TestClaimWebsiteCheckRefusesLoopbackOutsideTestMode(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{testMode: false})
	alice, acc := w.person(t, "alice@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	id := w.begin(t, alice, sup, url.Values{"method": {"website_file"}})
	w.publish(verify.RecordPrefix + w.claim(t, id).Token)
	r := alice.post(t, claimURL(id)+"/verifier", url.Values{"via": {"site"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "adresse non publique") {
		t.Fatalf("a site resolving to 127.0.0.1: status %d, want 422 « adresse non publique »\n%s", r.status, r.body)
	}
	if w.isMember(t, acc.ID, sup.ID) || w.claim(t, id).Status != data.ClaimPending {
		t.Fatal("the claim succeeded through a loopback address")
	}
}

func TestClaimByPostalCode(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	alice, acc := w.person(t, "alice@example.org", data.RoleSupplier)
	admin, _ := w.person(t, "admin@alliance.example", data.RoleAdmin)
	sup := w.company(t, 1, "")
	other := w.company(t, 2, "")

	id := w.begin(t, alice, sup, url.Values{"method": {"post"}, "siret": {sup.Establishments[0].SIRET}})
	id2 := w.begin(t, alice, other, url.Values{"method": {"post"}})
	if r := alice.post(t, claimURL(id)+"/code", url.Values{"code": {"AAAAA-BBBBB"}}); !strings.Contains(r.body, "Aucun code") {
		t.Errorf("a code entered before the letter was printed: %d\n%s", r.status, r.body)
	}
	queue := admin.get(t, "/admin/courriers")
	if !strings.Contains(queue.body, "1 rue des Forges") || !strings.Contains(queue.body, "2 rue des Forges") {
		t.Fatalf("the letters to print are not listed:\n%s", queue.body)
	}
	printed := admin.post(t, "/admin/courriers", nil)
	doc := parseHTML(t, printed)
	letters := doc.Find("article.letter")
	if printed.status != http.StatusOK || letters.Length() != 2 {
		t.Fatalf("printed page: status %d, %d letters, want 2", printed.status, letters.Length())
	}
	if css, err := os.ReadFile("static/app.css"); err != nil || !strings.Contains(string(css), "break-after: page") {
		t.Errorf("letters are not separated by page breaks in print (%v)", err)
	}
	codes := map[string]string{} // claim id → code
	letters.Each(func(_ int, l *goquery.Selection) {
		text := textOf(l)
		for _, cid := range []string{id, id2} {
			if strings.Contains(text, claimURL(cid)) {
				codes[cid] = codeIn(t, text)
			}
		}
	})
	if len(codes) != 2 || codes[id] == codes[id2] {
		t.Fatalf("codes per claim = %v", codes)
	}
	// Like the code mail, the letter names the account that asked (its
	// address, nothing else: no name, no token).
	letters.Each(func(_ int, l *goquery.Selection) {
		text := textOf(l)
		if !strings.Contains(text, "Le compte Fabrique alice@example.org a demandé à gérer la fiche de ") ||
			!strings.Contains(text, "Si ce compte n'est ni le vôtre ni celui d'une personne de l'entreprise") {
			t.Errorf("the letter does not name the account that asked:\n%s", text)
		}
		if strings.Contains(text, "Une personne") || (acc.Name != "" && strings.Contains(text, acc.Name)) {
			t.Errorf("the letter speaks of an unnamed person, or gives the account's name:\n%s", text)
		}
		for _, cid := range []string{id, id2} {
			if tok := w.claim(t, cid).Token; tok != "" && strings.Contains(text, tok) {
				t.Errorf("the letter shows the claim's token %q", tok)
			}
		}
	})
	if again := admin.post(t, "/admin/courriers", nil); strings.Contains(again.body, "article class=\"letter\"") {
		t.Errorf("printing again printed the same letters with new codes")
	}

	// An expired code is refused, even right.
	expire := func(cid string) {
		_, err := w.s.store.UpdateClaim(context.Background(), cid, func(c *data.Claim) (store.ClaimChange, error) {
			c.LetterAt = c.LetterAt.Add(-31 * 24 * time.Hour)
			c.CodeExpires = c.LetterAt.Add(data.PostalCodeValidity)
			return store.ClaimChange{Audit: data.AuditEntry{Actor: "test"}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	expire(id2)
	r := alice.post(t, claimURL(id2)+"/code", url.Values{"code": {codes[id2]}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "expiré") {
		t.Fatalf("expired postal code: status %d\n%s", r.status, r.body)
	}
	if w.isMember(t, acc.ID, other.ID) {
		t.Fatal("an expired postal code was accepted")
	}
	if r := alice.post(t, claimURL(id2)+"/courrier", nil); r.status != http.StatusSeeOther || !w.claim(t, id2).LetterAt.IsZero() {
		t.Errorf("asking for a new letter: status %d", r.status)
	}

	if r := alice.post(t, claimURL(id)+"/code", url.Values{"code": {codes[id]}}); r.status != http.StatusSeeOther {
		t.Fatalf("postal code: status %d\n%s", r.status, r.body)
	}
	if !w.isMember(t, acc.ID, sup.ID) {
		t.Fatal("the postal code did not make the claimant a member")
	}
	if c := w.claim(t, id); c.Proof == "" || !strings.Contains(c.Proof, "courrier") {
		t.Errorf("proof = %q", c.Proof)
	}
}

// jpegDeclaring is a small JPEG whose header declares w×h pixels.
func jpegDeclaring(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	i := bytes.Index(b, []byte{0xFF, 0xC0}) // start of frame: length(2) precision(1) height(2) width(2)
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(b[i+5:], uint16(h))
	binary.BigEndian.PutUint16(b[i+7:], uint16(w))
	return b
}

// newKbisClaim is a world where alice claimed company 1 with a Kbis
// extract still to upload, and an admin.
func newKbisClaim(t *testing.T) (w *claimWorld, alice *client, acc data.Account, admin *client, sup data.Supplier, id string) {
	t.Helper()
	w = newClaimWorld(t, claimWorldConfig{})
	alice, acc = w.person(t, "alice@example.org", data.RoleSupplier)
	admin, _ = w.person(t, "admin@alliance.example", data.RoleAdmin)
	sup = w.company(t, 1, "")
	return w, alice, acc, admin, sup, w.begin(t, alice, sup, url.Values{"method": {"document"}})
}

func TestClaimByKbisReviewedByAnAdmin(t *testing.T) {
	w, alice, acc, admin, sup, id := newKbisClaim(t)

	tests := []struct {
		name, file string
		content    []byte
		want       string
	}{
		{"HTML named .pdf", "kbis.pdf", []byte("<html><script>alert(1)</script></html>"), "ni un PDF"},
		{"executable", "kbis.exe", append([]byte("MZ\x90\x00"), make([]byte, 64)...), "ni un PDF"},
		{"too large", "kbis.pdf", append([]byte("%PDF-1.4\n"), make([]byte, verify.MaxDocumentBytes)...), "dépasse"},
		{"empty", "kbis.pdf", nil, ""},
		{"JPEG declaring 65 000 × 65 000 pixels (a bomb)", "kbis.jpg", jpegDeclaring(t, 65000, 65000), "démesurées"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := upload(t, alice, claimURL(id)+"/document", tt.file, tt.content)
			if r.status != http.StatusUnprocessableEntity && r.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want a refusal\n%s", r.status, r.body)
			}
			if tt.want != "" && r.status == http.StatusUnprocessableEntity && !strings.Contains(r.body, tt.want) {
				t.Errorf("the refusal does not say %q:\n%s", tt.want, r.body)
			}
			if c := w.claim(t, id); c.Document != nil || c.Status != data.ClaimPending {
				t.Errorf("the refused file was kept: %+v", c.Document)
			}
		})
	}

	if r := upload(t, alice, claimURL(id)+"/document", `..\..\Kbis "mars".pdf`, []byte(samplePDF)); r.status != http.StatusSeeOther {
		t.Fatalf("PDF upload: status %d\n%s", r.status, r.body)
	}
	c := w.claim(t, id)
	if c.Status != data.ClaimReview || c.Document == nil || c.Document.Type != verify.TypePDF || c.Document.Name != "Kbis mars.pdf" {
		t.Fatalf("after the upload: %s %+v", c.Status, c.Document)
	}
	desk := parseHTML(t, admin.get(t, "/admin"))
	link, ok := desk.Find("#revendication-" + c.ID + " a[href*='/documents/']").Attr("href")
	if !ok || !strings.Contains(link, c.Document.ID) {
		t.Fatalf("the desk does not link the document of the claim")
	}
	doc := admin.get(t, link)
	if doc.status != http.StatusOK || doc.body != samplePDF || doc.header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(doc.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("document: %d %q %q", doc.status, doc.header.Get("Content-Type"), doc.header.Get("Content-Disposition"))
	}
	if r := admin.get(t, adminClaimsPath+"/"+c.ID+"/documents/"+strings.Repeat("0", 32)); r.status != http.StatusNotFound {
		t.Errorf("a guessed document id: status %d, want 404", r.status)
	}
	if r := alice.get(t, link); r.status != http.StatusForbidden {
		t.Errorf("the claimant reads the document back: status %d, want 403", r.status)
	}

	if r := admin.post(t, adminClaimsPath+"/"+id+"/refuser", nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("refusal without a reason: status %d, want 422", r.status)
	}
	if r := admin.post(t, adminClaimsPath+"/"+id+"/accepter", nil); r.status != http.StatusSeeOther {
		t.Fatalf("admin accepts: status %d\n%s", r.status, r.body)
	}
	if !w.isMember(t, acc.ID, sup.ID) {
		t.Fatal("the accepted Kbis did not make the claimant a member")
	}
	if m := w.mailTo(t, 1, "alice@example.org"); !strings.Contains(m.Subject, "Vous gérez désormais") {
		t.Errorf("decision mail subject = %q", m.Subject)
	}
}

func TestAdminRefusalReasonIsMailed(t *testing.T) {
	w, alice, acc, admin, sup, id := newKbisClaim(t)
	if r := upload(t, alice, claimURL(id)+"/document", "kbis.pdf", []byte(samplePDF)); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	reason := "L'extrait date de 2019 <b>et</b> ne nomme pas l'entreprise."
	if r := admin.post(t, adminClaimsPath+"/"+id+"/refuser", url.Values{"reason": {reason}}); r.status != http.StatusSeeOther {
		t.Fatalf("refusal: status %d\n%s", r.status, r.body)
	}
	m := w.mailTo(t, 1, "alice@example.org")
	if !strings.Contains(m.Text, reason) || strings.Contains(m.HTML, "<b>et</b>") {
		t.Errorf("refusal mail: reason missing from the text or unescaped in HTML:\n%s\n%s", m.Text, m.HTML)
	}
	if c := w.claim(t, id); c.Status != data.ClaimRejected || c.Reason != reason || w.isMember(t, acc.ID, sup.ID) {
		t.Errorf("after the refusal: %s %q", c.Status, c.Reason)
	}
	if page := alice.get(t, claimURL(id)); !strings.Contains(page.body, "refusée") || strings.Contains(page.body, "<b>et</b>") {
		t.Errorf("the claim page does not show the refusal, escaped")
	}
}

// A claim that ended without making its author a member (refused,
// withdrawn) leads to a new claim of the listing, and a refusal to the
// Alliance: its page, the link of the decision mail, is no dead end.
func TestClosedClaimLeadsToANewClaim(t *testing.T) {
	w, alice, _, admin, sup, refused := newKbisClaim(t)
	if r := upload(t, alice, claimURL(refused)+"/document", "kbis.pdf", []byte(samplePDF)); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	if r := admin.post(t, adminClaimsPath+"/"+refused+"/refuser", url.Values{"reason": {"Extrait illisible."}}); r.status != http.StatusSeeOther {
		t.Fatalf("refusal: status %d", r.status)
	}
	withdrawn := w.begin(t, alice, sup, url.Values{"method": {"document"}})
	if r := alice.post(t, claimURL(withdrawn)+"/abandonner", nil); r.status != http.StatusSeeOther {
		t.Fatalf("withdrawal: status %d", r.status)
	}
	again := supplierURL(sup.ID) + "/revendiquer"
	for _, tc := range []struct {
		name, id string
		appeal   bool
	}{{"refused", refused, true}, {"withdrawn", withdrawn, false}} {
		page := parseHTML(t, alice.get(t, claimURL(tc.id)))
		if page.Find(`a[href="`+again+`"]`).Length() != 1 {
			t.Errorf("%s claim: no link to a new claim (%s):\n%s", tc.name, again, textOf(page.Find("main")))
		}
		if got := page.Find(`a[href="`+supplierURL(sup.ID)+`/signaler"]`).Length() == 1; got != tc.appeal {
			t.Errorf("%s claim: link to write to the Alliance = %v, want %v", tc.name, got, tc.appeal)
		}
	}
	open := w.begin(t, alice, sup, url.Values{"method": {"document"}})
	if page := parseHTML(t, alice.get(t, claimURL(open))); page.Find(`a[href="`+again+`"]`).Length() != 0 {
		t.Errorf("an open claim offers to start another")
	}
	// Once a later claim succeeded, the refused one leads to the listing.
	if r := upload(t, alice, claimURL(open)+"/document", "kbis.pdf", []byte(samplePDF)); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	if r := admin.post(t, adminClaimsPath+"/"+open+"/accepter", nil); r.status != http.StatusSeeOther {
		t.Fatalf("acceptance: status %d", r.status)
	}
	page := parseHTML(t, alice.get(t, claimURL(refused)))
	if page.Find(`a[href="`+again+`"]`).Length() != 0 || page.Find(`a[href="`+companyURL(sup.ID)+`"]`).Length() != 1 {
		t.Errorf("the refused claim of a member does not lead to the listing it manages:\n%s", textOf(page.Find("main")))
	}
}

func TestSecondClaimOfAManagedListingWaitsForAMember(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	alice, aliceAcc := w.person(t, "alice@example.org", data.RoleSupplier)
	bob, bobAcc := w.person(t, "bob@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")

	first := w.begin(t, alice, sup, url.Values{"method": {"email_domain"}, "local": {"direction"}})
	code := codeIn(t, w.mailTo(t, 1, "direction@example.com").Text)
	if r := alice.post(t, claimURL(first)+"/code", url.Values{"code": {code}}); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}

	second := w.begin(t, bob, sup, url.Values{"method": {"email_domain"}, "local": {"contact"}})
	code = codeIn(t, w.mailTo(t, 2, "contact@example.com").Text)
	if r := bob.post(t, claimURL(second)+"/code", url.Values{"code": {code}}); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	if c := w.claim(t, second); c.Status != data.ClaimApproval || w.isMember(t, bobAcc.ID, sup.ID) {
		t.Fatalf("the second claim did not wait: %s, member %v", c.Status, w.isMember(t, bobAcc.ID, sup.ID))
	}
	if m := w.mailTo(t, 3, "alice@example.org"); !strings.Contains(m.Text, "bob@example.org") || !strings.Contains(m.Text, claimsPath) {
		t.Errorf("the member's mail does not name the claimant and the page:\n%s", m.Text)
	}
	// The claimant cannot approve their own claim.
	if r := bob.post(t, claimURL(second)+"/approuver", nil); r.status != http.StatusNotFound {
		t.Errorf("self-approval: status %d, want 404", r.status)
	}
	list := parseHTML(t, alice.get(t, claimsPath))
	if got := textOf(list.Find("#demande-" + second)); !strings.Contains(got, "bob@example.org") {
		t.Fatalf("the member's page does not list the claim to approve: %q", got)
	}
	if r := alice.post(t, claimURL(second)+"/approuver", nil); r.status != http.StatusSeeOther {
		t.Fatalf("approval: status %d\n%s", r.status, r.body)
	}
	if !w.isMember(t, bobAcc.ID, sup.ID) || !w.isMember(t, aliceAcc.ID, sup.ID) {
		t.Fatal("after the approval, both should be members")
	}
	if m := w.mailTo(t, 4, "bob@example.org"); !strings.Contains(m.Subject, "Vous gérez désormais") {
		t.Errorf("claimant's mail = %q", m.Subject)
	}
	// A second click, or another approver late: said in words, not a status.
	again := alice.post(t, claimURL(second)+"/refuser", url.Values{"reason": {"inconnu"}})
	if again.status != http.StatusConflict || !strings.Contains(again.body, "Cette demande a déjà été acceptée le ") ||
		!strings.Contains(again.body, "il n&#39;y a plus rien à décider") {
		t.Errorf("deciding an accepted claim: status %d, want 409 saying it was accepted and when\n%.2000s", again.status, again.body)
	}
	ms, _ := w.s.store.Members(context.Background(), sup.ID)
	roles := map[string]data.MemberRole{}
	for _, m := range ms {
		roles[m.AccountID] = m.Role
	}
	if roles[aliceAcc.ID] != data.MemberOwner || roles[bobAcc.ID] != data.MemberMember {
		t.Errorf("roles = %v", roles)
	}
}

func TestRemindPendingClaimsOnceAtThreeAndEightDays(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	ctx := context.Background()
	_, alice := w.person(t, "alice@example.org", data.RoleSupplier)
	_, bob := w.person(t, "bob@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	if err := w.s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: alice.ID, Role: data.MemberOwner}, "test"); err != nil {
		t.Fatal(err)
	}
	proven := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	cl := data.Claim{ID: "c1", SupplierID: sup.ID, AccountID: bob.ID, Method: data.ClaimByEmailDomain, Status: data.ClaimApproval}
	cl.ProvenAt, cl.Proof, cl.NeedsApproval = proven, "code reçu à contact@example.com", true
	if err := w.s.store.PutClaim(ctx, cl, "test"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		after time.Duration
		mails int
	}{
		{2 * 24 * time.Hour, 0},
		{3*24*time.Hour + time.Hour, 1},
		{3*24*time.Hour + 2*time.Hour, 1},
		{5 * 24 * time.Hour, 1},
		{8*24*time.Hour + time.Hour, 2},
		{9 * 24 * time.Hour, 2},
		{30 * 24 * time.Hour, 2},
	}
	for _, st := range steps {
		if err := w.s.RemindPendingClaims(ctx, proven.Add(st.after)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // let a wrong extra mail arrive
		if got := len(w.inbox()); got != st.mails {
			t.Fatalf("after %s: %d mails, want %d", st.after, got, st.mails)
		}
	}
	for i, m := range w.inbox() {
		if len(m.To) != 1 || m.To[0] != "alice@example.org" || !strings.Contains(m.Subject, "Rappel") {
			t.Errorf("reminder %d: to %v, subject %q", i+1, m.To, m.Subject)
		}
	}
	if got := len(w.claim(t, "c1").Reminders); got != 2 {
		t.Errorf("%d reminders recorded, want 2", got)
	}

	// A claim that missed the first reminder (server stopped) gets one mail.
	cl.ID = "c2"
	if err := w.s.store.PutClaim(ctx, cl, "test"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.RemindPendingClaims(ctx, proven.Add(10*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if got := len(w.inbox()); got != 3 {
		t.Errorf("a late claim got %d mails, want 1", got-2)
	}
}

func TestAcceptedClaimKeepsTheRoleOfAnAccountInvitedMeanwhile(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	ctx := context.Background()
	alice, aliceAcc := w.person(t, "alice@example.org", data.RoleSupplier)
	_, bob := w.person(t, "bob@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	if err := w.s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: aliceAcc.ID, Role: data.MemberOwner}, "test"); err != nil {
		t.Fatal(err)
	}
	cl := data.Claim{ID: "c1", SupplierID: sup.ID, AccountID: bob.ID, Method: data.ClaimByEmailDomain, Status: data.ClaimApproval}
	if err := w.s.store.PutClaim(ctx, cl, "test"); err != nil {
		t.Fatal(err)
	}
	// Bob was made an owner by invitation while his claim waited.
	if err := w.s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: bob.ID, Role: data.MemberOwner, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	if r := alice.post(t, claimURL("c1")+"/approuver", nil); r.status != http.StatusSeeOther {
		t.Fatalf("approval: %d\n%s", r.status, r.body)
	}
	ms, _ := w.s.store.Members(ctx, sup.ID)
	for _, m := range ms {
		if m.AccountID == bob.ID && (m.Role != data.MemberOwner || m.Via != "admin") {
			t.Errorf("bob's membership became %+v", m)
		}
	}
}

// TestVerifiedClaimOfAFormerMember: the page of a verified claim tells
// its claimant whether they still manage the listing: « Vous gérez
// désormais cette fiche » only while they are in its team; after leaving,
// it says they no longer are and how to come back (an invitation from a
// « responsable » while the team has one, a new claim once nobody manages
// the listing).
func TestVerifiedClaimOfAFormerMember(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	ctx := context.Background()
	sup := w.company(t, 1, "")
	alice, aliceAcc := w.person(t, "alice@example.org", data.RoleSupplier)
	_, bobAcc := w.person(t, "bob@example.org", data.RoleSupplier)
	cl := data.Claim{ID: "c1", SupplierID: sup.ID, AccountID: aliceAcc.ID, Method: data.ClaimByEmailDomain, Status: data.ClaimVerified}
	if err := w.s.store.PutClaim(ctx, cl, "test"); err != nil {
		t.Fatal(err)
	}
	for _, m := range []data.Membership{{SupplierID: sup.ID, AccountID: aliceAcc.ID, Role: data.MemberOwner},
		{SupplierID: sup.ID, AccountID: bobAcc.ID, Role: data.MemberOwner}} {
		if err := w.s.store.AddMember(ctx, m, "test"); err != nil {
			t.Fatal(err)
		}
	}
	notice := func() string {
		r := alice.get(t, claimURL("c1"))
		wantStatus(t, "claim page", r, http.StatusOK)
		return textOf(parseHTML(t, r).Find("main"))
	}
	if got := notice(); !strings.Contains(got, "Vous gérez désormais cette fiche") {
		t.Fatalf("a member's verified claim says:\n%s", got)
	}
	leave := func(id string) {
		if err := w.s.store.RemoveMember(ctx, sup.ID, id, id); err != nil {
			t.Fatal(err)
		}
	}
	leave(aliceAcc.ID)
	got := notice()
	if strings.Contains(got, "Vous gérez désormais") || !strings.Contains(got, "ne faites plus partie de l'équipe") ||
		!strings.Contains(got, "invit") {
		t.Errorf("the verified claim of someone who left a managed team says:\n%s", got)
	}
	leave(bobAcc.ID)
	got = notice()
	if strings.Contains(got, "Vous gérez désormais") || !strings.Contains(got, "plus personne ne la gère") {
		t.Errorf("the verified claim of someone who left, nobody managing the listing now, says:\n%s", got)
	}
	if r := alice.get(t, claimURL("c1")); !strings.Contains(r.body, `href="`+supplierURL(sup.ID)+`/revendiquer"`) {
		t.Error("no link to a new claim once nobody manages the listing")
	}
}

// TestSourcesInASentenceAreLowercase: a source named inside a sentence
// (« (source : déclaré par l'entreprise) » on the claim page, « source :
// … » under a website on the supplier page) takes no capital.
func TestSourcesInASentenceAreLowercase(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	ctx := context.Background()
	sup := w.company(t, 1, "")
	sup.SetProvenance(data.FieldWebsite, data.Provenance{Source: "owner", FetchedAt: time.Now()})
	if err := w.s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	alice, _ := w.person(t, "alice@example.org", data.RoleSupplier)
	claim := textOf(parseHTML(t, alice.get(t, supplierURL(sup.ID)+"/revendiquer")).Find("main"))
	if !strings.Contains(claim, "(source : déclaré par l'entreprise)") {
		t.Errorf("the claim page does not say « (source : déclaré par l'entreprise) »:\n%s", claim)
	}
	page := textOf(parseHTML(t, alice.get(t, supplierURL(sup.ID))).Find("main"))
	if !strings.Contains(page, "source : déclaré par l'entreprise") {
		t.Errorf("the supplier page does not say « source : déclaré par l'entreprise »:\n%s", page)
	}
}

// TestAccountPageShowsJoinRequests: the requests to join a company's team
// that await the owner's decision are counted on /compte, beside the
// company, with a link to where they are decided; none, nothing is said.
func TestAccountPageShowsJoinRequests(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{})
	ctx := context.Background()
	owner, ownerAcc := w.person(t, "alice@example.org", data.RoleSupplier)
	_, bob := w.person(t, "bob@example.org", data.RoleSupplier)
	_, carol := w.person(t, "carol@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	if err := w.s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: ownerAcc.ID, Role: data.MemberOwner}, "test"); err != nil {
		t.Fatal(err)
	}
	if r := owner.get(t, accountPath); strings.Contains(r.body, "pour rejoindre l&#39;équipe") {
		t.Errorf("/compte speaks of requests while none waits:\n%s", r.body)
	}
	for i, who := range []data.Account{bob, carol} {
		cl := data.Claim{ID: "c" + strconv.Itoa(i), SupplierID: sup.ID, AccountID: who.ID, Method: data.ClaimByEmailDomain, Status: data.ClaimApproval}
		cl.ProvenAt, cl.NeedsApproval = time.Now(), true
		if err := w.s.store.PutClaim(ctx, cl, "test"); err != nil {
			t.Fatal(err)
		}
	}
	r := owner.get(t, accountPath)
	wantStatus(t, "account", r, http.StatusOK)
	mustContain(t, "account", r.body, "2 demandes pour rejoindre l&#39;équipe attendent votre décision", `href="`+claimsPath+`#a-approuver"`)
	if review := owner.get(t, claimsPath); !strings.Contains(review.body, `id="a-approuver"`) || !strings.Contains(review.body, "bob@example.org") {
		t.Errorf("the review page does not list the requests:\n%s", review.body)
	}
}

// isSentence reports whether s starts with a capital letter and ends with
// a full stop, as a message shown on its own does.
func isSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) && strings.HasSuffix(s, ".")
}
