package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"

	"fabrique/data"
)

// englishWords are words of colly's, net/http's and the fetcher's own
// messages, which the crawl report must not show a person.
var englishWords = regexp.MustCompile(`(?i)\b(blocked|forbidden|exceeds|budget|redirect|loop|not found|over the|refused|connection|lookup|retried|bytes)\b`)

// TestFailureMessageInFrench: every failure of the fetcher is reported in
// French, its English cause (kept in the logs) left out or translated.
func TestFailureMessageInFrench(t *testing.T) {
	tests := []struct {
		name string
		fe   *FetchError
		want string
	}{
		{"robots.txt", &FetchError{Kind: FailRobots, Err: colly.ErrRobotsTxtBlocked},
			"page interdite aux robots par le fichier robots.txt du site : non visitée"},
		{"robots.txt too large", &FetchError{Kind: FailTooLarge, Err: errRobotsTooLarge},
			"fichier robots.txt du site au-delà de 512 Kio, illisible : pages du site non visitées"},
		{"domain", &FetchError{Kind: FailDomain, Err: colly.ErrForbiddenDomain},
			"lien hors des domaines autorisés pour cette source : non suivi"},
		{"page too large", &FetchError{Kind: FailTooLarge, Status: 200, Err: fmt.Errorf("%w (%d bytes)", errTooLarge, 1<<20)},
			"page trop volumineuse, au-delà de la limite fixée : ignorée [HTTP 200]"},
		{"gone", &FetchError{Kind: FailGone, Status: 404, Err: errors.New(http.StatusText(404))},
			"page disparue (404/410) [HTTP 404]"},
		{"redirect loop", &FetchError{Kind: FailRedirect, Err: errRedirectLoop},
			"boucle ou excès de redirections : abandonnée"},
		{"redirect to another scheme", &FetchError{Kind: FailRedirect, Err: fmt.Errorf("%w: %s", errRedirectScheme, "ftp://x")},
			"boucle ou excès de redirections : abandonnée — redirection vers une adresse qui n'est pas en http(s)"},
		{"Retry-After over the cap", &FetchError{Kind: FailRateLimit, Status: 429,
			Err: fmt.Errorf("%w; %w", errors.New(http.StatusText(429)), &retryAfterCapped{asked: time.Hour, limit: 2 * time.Minute})},
			"le site demande de ralentir (429) : abandon après les nouvelles tentatives [HTTP 429] — le site demande d'attendre 1 h avant un nouvel essai, plus que les 2 min admis"},
		{"page budget spent", &FetchError{Kind: FailServer, Status: 503,
			Err: fmt.Errorf("%w; %w", errors.New(http.StatusText(503)), &budgetSpent{budget: 90 * time.Second})},
			"erreur du serveur (5xx) persistante après les nouvelles tentatives [HTTP 503] — pas de nouvel essai : les 1 min 30 s accordés à la page sont écoulés"},
		{"connection refused", &FetchError{Kind: FailNetwork, Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}},
			"erreur réseau — connexion refusée par le serveur"},
		{"unknown host", &FetchError{Kind: FailNetwork, Err: &net.DNSError{Err: "no such host", Name: "exemple.invalid", IsNotFound: true}},
			"erreur réseau — nom de domaine introuvable (exemple.invalid)"},
		{"timeout", &FetchError{Kind: FailTimeout, Err: context.DeadlineExceeded},
			"le serveur n'a pas répondu à temps (connexion ou lecture bloquée)"},
		{"invalid URL", &FetchError{Kind: FailInvalid, Err: fmt.Errorf("not an http(s) URL: %w", data.ErrInvalid)},
			"adresse invalide"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := failureMessage(tt.fe)
			if got != tt.want {
				t.Errorf("failureMessage = %q\nwant            %q", got, tt.want)
			}
			if m := englishWords.FindString(got); m != "" {
				t.Errorf("failureMessage = %q: English %q", got, m)
			}
		})
	}
}

// TestRobotsFailureReportedInFrench fetches a page robots.txt forbids, as a
// crawl does: the report's message is French (it ended « — URL blocked by
// robots.txt »).
func TestRobotsFailureReportedInFrench(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			_, _ = w.Write([]byte("User-agent: *\nDisallow: /secret\n"))
			return
		}
		_, _ = w.Write([]byte("page"))
	}))
	defer srv.Close()
	f := NewFetcher(context.Background(), Politeness{NoDelay: true}, nil)
	_, err := f.Fetch(context.Background(), srv.URL+"/secret", data.PageState{})
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Kind != FailRobots {
		t.Fatalf("err = %v; want a robots failure", err)
	}
	if got, want := failureMessage(fe), "page interdite aux robots par le fichier robots.txt du site : non visitée"; got != want {
		t.Errorf("failureMessage = %q, want %q", got, want)
	}
	if !strings.Contains(fe.Error(), "robots") {
		t.Errorf("the error for the logs lost its cause: %v", fe)
	}
}
