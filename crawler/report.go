package crawler

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fabrique/data"
)

// failureMessage explains a fetch failure in French, for the report.
func failureMessage(fe *FetchError) string {
	var what string
	switch fe.Kind {
	case FailRobots:
		what = "page interdite aux robots par le fichier robots.txt du site : non visitée"
	case FailTooLarge:
		what = "page trop volumineuse, au-delà de la limite fixée : ignorée"
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
	if fe.Err != nil {
		what += " — " + fe.Err.Error()
	}
	return what
}

// failureLabels are the French names of the failure kinds, for Summary.
var failureLabels = map[string]string{
	FailRobots: "interdites par robots.txt", FailTooLarge: "trop volumineuses", FailRedirect: "boucles de redirection",
	FailTimeout: "délais dépassés", FailNetwork: "erreurs réseau", FailRateLimit: "limitées (429)",
	FailServer: "erreurs serveur (5xx)", FailClient: "refusées (4xx)", FailGone: "disparues (404/410)",
	FailDomain: "hors domaine", FailParse: "illisibles", FailInvalid: "adresses invalides",
	"max_pages": "au-delà de la limite de pages", FailSitemapDepth: "index de sitemaps trop imbriqués",
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
	fmt.Fprintf(&b, "Pages : %d téléchargées, %d inchangées (304), %d en échec\n", run.PagesFetched, run.PagesNotModified, failed)
	kinds := make([]string, 0, len(run.PagesFailed))
	for k := range run.PagesFailed {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		label := failureLabels[k]
		if label == "" {
			label = k
		}
		fmt.Fprintf(&b, "  - %d %s\n", run.PagesFailed[k], label)
	}
	fmt.Fprintf(&b, "Fiches : %d nouvelles, %d mises à jour, %d inchangées, %d non retrouvées\n",
		run.ListingsNew, run.ListingsUpdated, run.ListingsUnchanged, run.ListingsNotRefound)
	for _, e := range run.Errors {
		fmt.Fprintf(&b, "  ! %s : %s\n", e.URL, e.Message)
	}
	return b.String()
}
