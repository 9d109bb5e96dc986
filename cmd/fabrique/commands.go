package main

import (
	"context"
	"io"
	"log/slog"
)

// command is one subcommand of fabrique. To add one, write its run function
// in its own file and add a row to commands.
type command struct {
	name    string
	summary string   // one French line, for "fabrique --help"
	args    string   // synopsis of the positional arguments, "FICHIER"
	nargs   int      // exact number of positional arguments, or oneOrMore
	help    string   // French paragraph, for "fabrique NAME --help"
	options []string // options it accepts (config.go)
	run     func(ctx context.Context, p *program, args []string) error
	// defaults overrides an option's default for this command (mirror
	// listens on another port than serve).
	defaults map[string]string
	// texts overrides how --help describes an option for this command,
	// when the shared wording fits another command (--dry-run says
	// « importé », for import).
	texts map[string]optionText
}

// optionText is a command's own help of an option: its line, and its
// default as shown; empty fields keep the option's own.
type optionText struct{ help, display string }

// Special values of command.nargs.
const (
	oneOrMore = -1 // any number of arguments but none
	zeroOrOne = -2 // an optional argument
	anyNumber = -3 // any number of arguments, none included
)

// program is what a subcommand runs with: its configuration, its outputs
// and its logger.
type program struct {
	cfg    config
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

var logOptions = []string{optLogLevel, optLogFormat}

// commands is the table of subcommands, in the order of the help.
func commands() []command {
	return []command{
		{
			name:    "serve",
			summary: "démarre le serveur web",
			help: "Ouvre la base de données, démarre le serveur web et affiche son adresse.\n" +
				"Le serveur s'arrête proprement sur SIGINT (Ctrl+C) ou SIGTERM.\n" +
				"Un seul processus fabrique peut utiliser un répertoire de données à la fois.",
			options: append(append([]string{optData, optAddr, optAdminToken, optPublicURL, optAPIRate, optCrawlEvery, optSource, optBaseURL, optConfig}, logOptions...),
				optBehindProxy, optTrustedProxies, optSMTPHost, optSMTPPort, optSMTPUser, optSMTPPassword, optSMTPTLS, optMailFrom, optAlertsEvery,
				optImportEvery, optFeed, optNoSample),
			run: runServe,
		},
		{
			name:    "crawl",
			summary: "collecte les annuaires de labels (EPV, OFG, JSON-LD) dans la base",
			help: "Collecte les sources poliment (robots.txt, une requête par seconde et par hôte,\n" +
				"requêtes conditionnelles) et range les entreprises dans la base. Une collecte\n" +
				"interrompue reprend là où elle s'était arrêtée ; une nouvelle collecte ne\n" +
				"retélécharge que ce qui a changé. Affiche l'avancement puis le rapport.\n" +
				"La base ne doit pas être ouverte par « fabrique serve » : utilisez alors\n" +
				"« serve --crawl-every ».\n" +
				"Statut de sortie : 0 chaque source a répondu (des pages en échec sont listées\n" +
				"au rapport), 1 aucune source n'a donné de page, 3 collecte partielle (une\n" +
				"source au moins n'a donné aucune page, les autres sont enregistrées).",
			options: append([]string{optData, optSource, optBaseURL, optConfig, optLast}, logOptions...),
			run:     runCrawl,
		},
		{
			name:     "mirror",
			summary:  "sert en local des copies des sources (données réelles) pour les essais",
			help:     "Sert sur la boucle locale les sources réelles telles que Fabrique les lit :\nl'API EPV (données officielles embarquées), un annuaire façon OFG (entreprises\nfictives signalées comme telles), un annuaire JSON-LD, les flux BOAMP et TED\nconstruits à partir d'avis réels.",
			options:  append([]string{optAddr}, logOptions...),
			defaults: map[string]string{optAddr: defaultMirrorAddr},
			run:      runMirror,
		},
		{
			name:    "import",
			summary: "importe des avis de marché (BOAMP, TED eForms, OCDS) et des attributions (DECP)",
			args:    "[FICHIER|RÉPERTOIRE…]",
			nargs:   anyNumber,
			help: "Lit chaque fichier (ou chaque fichier des répertoires), reconnaît son format,\n" +
				"et affiche pour chaque avis ce qui a été reconnu, ou pourquoi il est rejeté.\n" +
				"Les rectificatifs mettent à jour le même appel d'offres ; une annulation le\n" +
				"clôt ; une même procédure vue dans deux sources reste un seul appel d'offres.\n" +
				"Le compte rendu dit à quel appel d'offres un tel avis est joint et ce qu'il\n" +
				"y change (« rien de nouveau » s'il n'apporte rien). Un avis qui ne partage\n" +
				"avec un appel d'offres que son identifiant de procédure n'y est joint que\n" +
				"s'il a un acheteur en commun avec lui et, sauf rectificatif, un objet voisin\n" +
				"(une division CPV commune) ; sinon il est refusé, avec le motif.\n" +
				"Les fichiers en UTF-16, ISO-8859-1 ou Windows-1252 sont convertis en UTF-8\n" +
				"(le compte rendu le signale) ; un fichier d'encodage incohérent est refusé.\n" +
				"Avec --dry-run --json : un appel d'offres JSON par ligne, rien n'est enregistré.\n" +
				"Avec --feed boamp|ted : lit aussi le flux en ligne, poliment et sans\n" +
				"retélécharger ce qui n'a pas changé (--base-url pour un miroir local).\n" +
				"Statut de sortie : 0 tout est lu, 1 rien n'est importé, 3 import partiel\n" +
				"(des avis rejetés, les autres enregistrés).",
			options: append([]string{optData, optDryRun, optJSON, optFeed, optBaseURL, optConfig}, logOptions...),
			run:     runImport,
		},
		{
			name:    "match",
			summary: "propose les fournisseurs capables de répondre à un besoin (JSON sur l'entrée standard)",
			args:    "[FICHIER]",
			nargs:   zeroOrOne,
			help: "Lit un besoin au format de POST /api/v1/match dans FICHIER ou sur l'entrée\n" +
				"standard : {\"title\", \"description\", \"cpv\": [...], \"departement\" | \"postcode\" |\n" +
				"\"nuts\", \"estimated_value\", \"lots\": [...], \"limit\"}, et affiche les fournisseurs\n" +
				"classés avec leurs raisons (en JSON avec --json, même réponse que l'API).",
			options: append([]string{optData, optJSON}, logOptions...),
			run:     runMatch,
		},
		{
			name:    "eval",
			summary: "mesure le rapprochement sur des marchés réellement attribués",
			args:    "awards FICHIER|RÉPERTOIRE… | feedback",
			nargs:   oneOrMore,
			help: "Pour chaque marché attribué (fichiers DECP) dont le titulaire est dans\n" +
				"l'annuaire, interroge le rapprochement avec ce que savait l'acheteur (objet,\n" +
				"CPV, lieu, montant) et mesure le rang du vrai titulaire : rappel à 10, à 50\n" +
				"et rang réciproque moyen, à côté d'un classement géographique et d'un filtre\n" +
				"par secteur. Avec --no-cpv, sans les codes CPV : les mots et le lieu seulement.\n" +
				"Affiche aussi la part des titulaires dans chaque niveau de confiance et\n" +
				"pourquoi les titulaires manqués l'ont été.\n" +
				"« eval feedback » mesure de même le rang des fournisseurs que les acheteurs\n" +
				"ont jugés « pertinent » sur les listes de leurs besoins, et la part des « pas\n" +
				"pertinent » encore dans les 10 premiers, à côté d'un classement par distance.",
			options: append([]string{optData, optJSON, optNoCPV, optRankings}, logOptions...),
			run:     runEval,
		},
		{
			name:    "stats",
			summary: "relève les chiffres clés de l'observatoire du jour (pour cron)",
			args:    "snapshot",
			nargs:   1,
			help: "Calcule les chiffres clés de l'observatoire (entreprises labellisées, appels\n" +
				"d'offres sans fournisseur capable, part des marchés remportés par des\n" +
				"entreprises labellisées) et les enregistre pour le jour, en remplaçant un\n" +
				"relevé pris plus tôt le même jour. « fabrique serve » en prend un par jour de\n" +
				"lui-même ; la base ne doit pas être ouverte par un autre processus.",
			options: append([]string{optData}, logOptions...),
			run:     runStats,
		},
		{
			name:    "backup",
			summary: "copie la base de données dans un fichier",
			args:    "FICHIER",
			nargs:   1,
			help: "Écrit une copie cohérente de la base dans FICHIER.\n" +
				"La base ne doit pas être utilisée par un autre processus. Pendant que\n" +
				"« fabrique serve » tourne, téléchargez plutôt la sauvegarde au serveur :\n" +
				"  curl -fH \"Authorization: Bearer $FABRIQUE_ADMIN_TOKEN\" -o FICHIER http://HÔTE:PORT/admin/backup\n" +
				"(route active seulement si le serveur a un --admin-token).",
			options: append([]string{optData}, logOptions...),
			run:     runBackup,
		},
		{
			name:    "restore",
			summary: "remplace la base de données par une sauvegarde",
			args:    "FICHIER",
			nargs:   1,
			help: "Vérifie la sauvegarde FICHIER puis remplace la base du répertoire de données,\n" +
				"et dit ce qu'elle contient et ce que contenait la base remplacée.\n" +
				"Refuse de le faire tant qu'un autre processus utilise la base : arrêtez\n" +
				"d'abord « fabrique serve ». Refuse aussi une sauvegarde sans entreprise, avis\n" +
				"ni attribution à la place d'une base qui en contient, sauf avec --allow-empty.",
			options: append([]string{optData, optAllowEmpty}, logOptions...),
			run:     runRestore,
		},
		userCommand(),   // user.go
		alertsCommand(), // alerts.go
		{
			name:    "version",
			summary: "affiche la version, celle de Go et la révision",
			help:    "Affiche la version de fabrique, la version de Go qui l'a compilé et la révision git.",
			run:     runVersion,
		},
	}
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}
