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
	nargs   int      // exact number of positional arguments
	help    string   // French paragraph, for "fabrique NAME --help"
	options []string // options it accepts (config.go)
	run     func(ctx context.Context, p *program, args []string) error
}

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
			options: append([]string{optData, optAddr, optAdminToken}, logOptions...),
			run:     runServe,
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
			help: "Vérifie la sauvegarde FICHIER puis remplace la base du répertoire de données.\n" +
				"Refuse de le faire tant qu'un autre processus utilise la base : arrêtez\n" +
				"d'abord « fabrique serve ».",
			options: append([]string{optData}, logOptions...),
			run:     runRestore,
		},
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
