package crawler

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"

	"fabrique/data"
)

// Explain words in French an error of a fetch (a *FetchError, as
// Fetcher.Fetch and Feed.Get return), for a person: « erreur réseau —
// connexion refusée par le serveur ». Other errors keep their text.
func Explain(err error) string {
	var fe *FetchError
	switch {
	case errors.As(err, &fe):
		return failureMessage(fe)
	case errors.Is(err, context.Canceled):
		return "interrompu"
	}
	return err.Error()
}

// failureMessage explains a fetch failure in French, for the report.
func failureMessage(fe *FetchError) string {
	var what string
	switch fe.Kind {
	case FailRobots:
		what = "page interdite aux robots par le fichier robots.txt du site : non visitée"
	case FailTooLarge:
		what = "page trop volumineuse, au-delà de la limite fixée : ignorée"
		if errors.Is(fe.Err, errRobotsTooLarge) {
			what = fmt.Sprintf("fichier robots.txt du site au-delà de %d Kio, illisible : pages du site non visitées", maxRobotsBytes>>10)
		}
	case FailRedirect:
		what = "boucle ou excès de redirections : abandonnée"
	case FailTimeout:
		what = "le serveur n'a pas répondu à temps (connexion ou lecture bloquée)"
	case FailNetwork:
		what = "erreur réseau"
	case FailRateLimit:
		what = "le site demande de ralentir (429) : abandon après les nouvelles tentatives"
	case FailServer:
		what = "erreur du serveur (5xx) persistante après les nouvelles tentatives"
	case FailClient:
		what = "requête refusée par le site"
	case FailGone:
		what = "page disparue (404/410)"
	case FailDomain:
		what = "lien hors des domaines autorisés pour cette source : non suivi"
	case FailInvalid:
		what = "adresse invalide"
	default:
		what = "échec"
	}
	if fe.Status != 0 {
		what += fmt.Sprintf(" [HTTP %d]", fe.Status)
	}
	if d := failureDetail(fe); d != "" {
		what += " — " + d
	}
	return what
}

// retryAfterCapped and budgetSpent say why a failure that could have been
// retried was not; failureDetail words them.
type retryAfterCapped struct{ asked, limit time.Duration }

func (e *retryAfterCapped) Error() string {
	return fmt.Sprintf("Retry-After %s exceeds the %s cap", e.asked, e.limit)
}

type budgetSpent struct{ budget time.Duration }

func (e *budgetSpent) Error() string {
	return fmt.Sprintf("not retried: the page's %s budget is spent", e.budget)
}

// failureDetail says in French what the kind of a failure does not: the
// errors of colly, net/http and the fetcher are English (they stay so in
// the logs). Those the kind already says (robots.txt, domain, size,
// redirect loop, the status text of [HTTP nnn]) add nothing; a network
// error without French words keeps its text, marked as a technical
// detail.
func failureDetail(fe *FetchError) string {
	err := fe.Err
	if err == nil {
		return ""
	}
	var parts []string
	if d := causeDetail(fe); d != "" {
		parts = append(parts, d)
	}
	var capped *retryAfterCapped
	if errors.As(err, &capped) {
		parts = append(parts, fmt.Sprintf("le site demande d'attendre %s avant un nouvel essai, plus que les %s admis", durationFR(capped.asked), durationFR(capped.limit)))
	}
	var spent *budgetSpent
	if errors.As(err, &spent) {
		parts = append(parts, fmt.Sprintf("pas de nouvel essai : les %s accordés à la page sont écoulés", durationFR(spent.budget)))
	}
	return strings.Join(parts, " ; ")
}

// causeDetail words the first cause of a failure, "" when its kind says
// it all.
func causeDetail(fe *FetchError) string {
	err := fe.Err
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.Is(err, colly.ErrRobotsTxtBlocked), errors.Is(err, errRobotsTooLarge),
		errors.Is(err, colly.ErrForbiddenDomain), errors.Is(err, colly.ErrForbiddenURL),
		errors.Is(err, errTooLarge), errors.Is(err, errRedirectLoop), errors.Is(err, errTooManyRedirect),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ""
	case errors.Is(err, errRedirectScheme):
		return "redirection vers une adresse qui n'est pas en http(s)"
	case errors.Is(err, errRedirectOrigin):
		return "redirection vers un autre protocole ou un autre port, que la source n'autorise pas"
	case errors.Is(err, data.ErrInvalid):
		return ""
	case errors.As(err, &dnsErr):
		return "nom de domaine introuvable (" + dnsErr.Name + ")"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connexion refusée par le serveur"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connexion coupée par le serveur"
	case errors.As(err, &certErr):
		return "certificat TLS du site refusé"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ""
	}
	first := err.Error()
	if i := strings.Index(first, "; "); i >= 0 { // the retry notes, worded apart
		first = first[:i]
	}
	if fe.Status != 0 && first == http.StatusText(fe.Status) {
		return ""
	}
	if first == "" {
		return ""
	}
	return "détail technique : " + first
}

// durationFR writes a delay for the report: « 30 s », « 2 min », « 1 h 30 min ».
func durationFR(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		if s := int(d.Round(time.Second)/time.Second) % 60; s != 0 {
			return fmt.Sprintf("%d min %d s", int(d/time.Minute), s)
		}
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	if m := int(d.Round(time.Minute)/time.Minute) % 60; m != 0 {
		return fmt.Sprintf("%d h %d min", int(d/time.Hour), m)
	}
	return fmt.Sprintf("%d h", int(d/time.Hour))
}

// failureLabels are the French names of the failure kinds, singular and
// plural, for Summary.
var failureLabels = map[string][2]string{
	FailRobots:       {"interdite par robots.txt", "interdites par robots.txt"},
	FailTooLarge:     {"trop volumineuse", "trop volumineuses"},
	FailRedirect:     {"boucle de redirection", "boucles de redirection"},
	FailTimeout:      {"délai dépassé", "délais dépassés"},
	FailNetwork:      {"erreur réseau", "erreurs réseau"},
	FailRateLimit:    {"limitée (429)", "limitées (429)"},
	FailServer:       {"erreur serveur (5xx)", "erreurs serveur (5xx)"},
	FailClient:       {"refusée (4xx)", "refusées (4xx)"},
	FailGone:         {"disparue (404/410)", "disparues (404/410)"},
	FailDomain:       {"hors domaine", "hors domaine"},
	FailParse:        {"illisible", "illisibles"},
	FailInvalid:      {"adresse invalide", "adresses invalides"},
	"max_pages":      {"au-delà de la limite de pages", "au-delà de la limite de pages"},
	FailSitemapDepth: {"index de sitemaps trop imbriqué", "index de sitemaps trop imbriqués"},
}

// Summary renders a run report in French for people, one fact per line.
func Summary(run data.CrawlRun) string {
	var b strings.Builder
	state := "terminé"
	switch {
	case run.FinishedAt.IsZero():
		state = "interrompu (sera repris au prochain lancement)"
	case !run.Complete:
		state = "terminé, incomplet (aucun label marqué « non retrouvé »)"
	}
	fmt.Fprintf(&b, "Crawl %s — sources : %s — %s\n", run.ID, strings.Join(run.Sources, ", "), state)
	end := run.FinishedAt
	if end.IsZero() {
		end = time.Now()
	}
	fmt.Fprintf(&b, "Durée : %s\n", end.Sub(run.StartedAt).Round(time.Millisecond))
	failed := 0
	for _, n := range run.PagesFailed {
		failed += n
	}
	fmt.Fprintf(&b, "Pages : %s, %s (304), %d en échec\n", data.CountFR(run.PagesFetched, "téléchargée", "téléchargées"),
		data.CountFR(run.PagesNotModified, "inchangée", "inchangées"), failed)
	kinds := make([]string, 0, len(run.PagesFailed))
	for k := range run.PagesFailed {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		label, ok := failureLabels[k]
		if !ok {
			label = [2]string{k, k}
		}
		fmt.Fprintf(&b, "  - %s\n", data.CountFR(run.PagesFailed[k], label[0], label[1]))
	}
	if len(run.Unreached) > 0 {
		fmt.Fprintf(&b, "%s : %s (serveur injoignable, requêtes toutes refusées ou adresse erronée)\n",
			data.PluralFR(len(run.Unreached), "Source dont aucune page n'a été obtenue", "Sources dont aucune page n'a été obtenue"),
			strings.Join(run.Unreached, ", "))
	}
	fmt.Fprintf(&b, "Fiches : %s, %s, %s, %s\n", data.CountFR(run.ListingsNew, "nouvelle", "nouvelles"),
		data.CountFR(run.ListingsUpdated, "mise à jour", "mises à jour"), data.CountFR(run.ListingsUnchanged, "inchangée", "inchangées"),
		data.CountFR(run.ListingsNotRefound, "non retrouvée", "non retrouvées"))
	for _, e := range run.Errors {
		fmt.Fprintf(&b, "  ! %s : %s\n", e.URL, e.Message)
	}
	return b.String()
}
