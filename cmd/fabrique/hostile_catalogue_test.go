package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The hostile-input catalogue: every attack the project defends against,
// with the test that proves each defence. The tests live next to the code
// they exercise (they need its internals); this list is their table of
// contents, and TestHostileCatalogue fails when an entry names a test that
// no longer exists, so that the list cannot rot. Add a line when a route,
// a reader or a fetch is added.
//
// Oversized bodies and uploads
//   - web/errors_test.go TestBodyLimit: bodies over the limit, 413
//   - web/api_protocol_test.go TestAPIErrorsAreJSONWhateverTheLayer: huge headers (431), declared and chunked bodies over the limit (413) over raw TCP
//   - web/listing_test.go TestListingLogoUpload: logos too large, not images, decompression bombs
//   - web/listing_logo_test.go TestProcessLogo: dimensions read before decoding
//   - crawler/notice/safety_test.go TestOversizedInputRefused: notices over 4 MiB
//   - crawler/notice/limits_test.go TestXMLElementFloodRefusedEarly: 16 MB of empty elements, counted before decoding
//   - crawler/notice/limits_test.go TestOCDSLotFloodRefusedBeforeDecoding: JSON containers counted before decoding
//   - crawler/notice/limits_test.go TestNoticeLotCap: notices over 1 000 lots
//
// Deeply nested JSON
//   - web/hostile_test.go TestHostileDeeplyNestedJSON: 100 000 levels in a need posted to the match API
//   - crawler/notice/safety_test.go TestDeepNestingRefused: nested notices
//
// XML bombs and external entities in notices
//   - crawler/notice/safety_test.go TestXMLDeclarationsRefused: DOCTYPE, entity expansion (billion laughs), external entities
//   - crawler/notice/safety_test.go TestUndeclaredEntityRefused: undeclared entities
//
// Endless or gigantic robots.txt, sitemaps and pages
//   - crawler/guard_test.go TestHostileEndlessRobots: robots.txt without end, capped at 512 KiB
//   - crawler/guard_test.go TestHostileSitemapIndexChain: sitemap indexes nested without end, depth 3
//   - crawler/private_test.go TestHostileGiganticSitemap: a sitemap without end, cut at the size limit
//   - crawler/hostile_test.go TestHostilePageTooLarge: pages over the size limit
//   - crawler/guard_test.go TestHostileTricklingPage: a page sent a byte at a time, cut by the time budget
//   - crawler/hostile_test.go TestHostileStallMidBody: a page that stops in the middle
//   - crawler/hostile_test.go TestHostileMalformedHTML: broken markup
//   - crawler/hostile_test.go TestHostileTruncatedJSON: truncated JSON directories
//   - crawler/hostile_test.go TestHostileRetryAfterStorm: Retry-After storms
//   - crawler/guard_test.go TestHostileClientErrorsAreNotRetried: what cannot succeed is not retried
//   - crawler/hostile_test.go TestHostileMarkupInTextFields: markup and scripts in text fields
//
// Broken and mis-encoded notice files
//   - crawler/notice/csvscan_test.go TestParseDECPCSVBrokenQuote: an unclosed quote in a DECP CSV costs its line only, reported
//   - crawler/notice/csvscan_test.go TestCSVScannerQuotes: quotes left open, stray quotes, wrong field counts, quoted newlines kept
//   - crawler/notice/encoding_test.go TestToUTF8: UTF-16, Latin-1 and Windows-1252 converted; mixed or binary input refused with its line
//   - cmd/fabrique/import_input_test.go TestImportConvertsEncodings: the import says what it converted and why it refused
//
// Redirect loops and redirects to private addresses during a crawl
//   - crawler/hostile_test.go TestHostileRedirectLoop: loops, reported, the crawl goes on
//   - crawler/guard_test.go TestHostileRedirectsKeepSchemeAndPort: other schemes and ports
//   - crawler/private_test.go TestHostileRedirectToPrivateAddress: private, link-local (metadata), loopback hosts
//
// Path traversal in file names
//   - web/hostile_test.go TestHostileUploadFileNames: names of uploaded files never become paths
//
// Header injection in mail fields
//   - web/mail/mail_test.go TestHeaderInjectionRefused: CR/LF in every header the mailer writes
//   - web/account_more_test.go TestMailHeaderInjection: line breaks in every header a visitor reaches, nothing sent
//
// Open redirects after login
//   - web/account_test.go TestOpenRedirectRefused: absolute, protocol-relative, backslash, javascript: and tab-trick targets
//   - web/account_more_test.go FuzzIsLocalPath: the rule, fuzzed
//
// Conflicting Content-Length and Transfer-Encoding (request smuggling)
//   - web/hostile_test.go TestHostileConflictingLengths: both headers, two lengths, odd codings: 400 and the connection closed
//
// SSRF through a URL a user can give
//   - web/claim_test.go TestClaimWebsiteCheckRefusesARedirectToAPrivateAddress: the claim's website check, redirected inside
//   - web/claim_test.go TestClaimWebsiteCheckRefusesLoopbackOutsideTestMode: loopback refused at dial time
//   - web/verify/verify_test.go TestPublic: the address classes refused (private, loopback, link-local, unspecified)
//   - web/claim_test.go TestClaimEmailNeverGoesToAnUnsourcedOrFreeMailDomain: a typed domain never receives a code
//
// Slow clients and overload
//   - web/slowclient_test.go TestSlowClientsAreCut: slow headers, slow bodies, idle connections, slowloris
//   - web/admin_backup_test.go TestAdminBackupSlowClientDoesNotHoldTheStore: a backup download that stops reading
//   - web/match_load_test.go TestMatchShedsLoadPastSaturation: matches shed with 503 and Retry-After
//   - cmd/fabrique/overload_test.go TestServeShedsOverloadAndRecovers: 429 and 503 past saturation, then recovery
//
// Crashes
//   - cmd/fabrique/crash_test.go TestCrashKill: SIGKILL during crawl, import and listing edits, 50 times
//   - data/store/crash_test.go TestCrashRecovery: SIGKILL during store writes
//   - crawler/kill_test.go TestKillAndResume: a killed crawl resumes
//   - cmd/fabrique/sigterm_test.go TestServeSIGTERM: SIGTERM with a request in flight
var catalogueEntry = regexp.MustCompile(`^//   - (\S+_test\.go) ((?:Test|Fuzz)\w+): \S`)

// TestHostileCatalogue checks that every test the catalogue above names
// exists in the file it names.
func TestHostileCatalogue(t *testing.T) {
	self, err := os.ReadFile("hostile_catalogue_test.go")
	if err != nil {
		t.Fatal(err)
	}
	entries := 0
	for _, line := range strings.Split(string(self), "\n") {
		if !strings.HasPrefix(line, "//   - ") {
			continue
		}
		m := catalogueEntry.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("catalogue line %q: want \"//   - path/to/file_test.go TestName: what it proves\"", line)
			continue
		}
		entries++
		src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(m[1])))
		if err != nil {
			t.Errorf("catalogue: %s: %v", m[1], err)
			continue
		}
		if !strings.Contains(string(src), "\nfunc "+m[2]+"(") {
			t.Errorf("catalogue: %s has no func %s", m[1], m[2])
		}
	}
	if entries < 30 {
		t.Errorf("catalogue: %d entries read, the list above has more: is its format broken?", entries)
	}
}
