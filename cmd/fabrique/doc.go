// Command fabrique runs Fabrique: the directory of companies that make
// things in France (EPV and OFG labels) and its matching with public tenders.
// It is the only package that wires the store, the index, the crawler and
// the web server together.
//
// Usage:
//
//	fabrique COMMAND [options] [arguments]
//	fabrique --help
//	fabrique COMMAND --help
//
// Options may come before or after the arguments; "--" ends the options.
// Messages for users are in French; logs go to standard error (log/slog).
//
// # Commands
//
// serve: opens the store, starts the web server and prints
// "Fabrique écoute sur http://HOST:PORT/" on standard output (the real port
// when --addr asks for port 0). It serves until SIGINT or SIGTERM, then
// stops gracefully (requests in flight get 10 s) and closes the store.
// Options: --data, --addr, --admin-token, --log-level, --log-format.
//
// backup FILE: writes a consistent copy of the store to FILE. bbolt's lock is
// exclusive, so this works only while no other process (such as a running
// serve) holds the data directory. While serve runs, download the same
// snapshot from it instead, if it was started with an admin token:
//
//	curl -fH "Authorization: Bearer $FABRIQUE_ADMIN_TOKEN" -o FILE http://127.0.0.1:8080/admin/backup
//
// Options: --data, --log-level, --log-format.
//
// restore FILE: checks the backup FILE and replaces the store of the data
// directory with it. It refuses while another process uses the store: stop
// serve first. Options: --data, --log-level, --log-format.
//
// version: prints the module version, the Go version and platform, and the
// git revision stamped by "go build" (absent from "go run" and test binaries).
//
// # Options and environment
//
// Each option has an environment variable; a flag on the command line wins
// over the variable, which wins over the default.
//
//	--data DIR           FABRIQUE_DATA         data directory; the store is DIR/fabrique.db.
//	                                           Default: $XDG_DATA_HOME/fabrique, else
//	                                           $HOME/.local/share/fabrique, else ./fabrique-data
//	--addr HOST:PORT     FABRIQUE_ADDR         listen address of serve (default 127.0.0.1:8080;
//	                                           port 0 picks a free port)
//	--admin-token TOKEN  FABRIQUE_ADMIN_TOKEN  enables GET /admin/backup for requests with
//	                                           "Authorization: Bearer TOKEN"; empty (default)
//	                                           disables the route (404)
//	--log-level LEVEL    FABRIQUE_LOG_LEVEL    debug, info (default), warn or error
//	--log-format FORMAT  FABRIQUE_LOG_FORMAT   text (default) or json
//
// Prefer the environment variable for the admin token: command lines are
// visible to other users of the machine. A token shorter than 32
// characters, or made of a repeated pattern or of few distinct characters,
// is refused at start (openssl rand -hex 16 makes a good one); wrong
// tokens are throttled per client. --crawl-every takes at least 1m. Every
// option is checked before the store is opened or anything printed.
//
// # Exit status
//
// 0 on success (and for --help), 1 on error, with a French message on
// standard error ("fabrique : le répertoire de données /x est déjà utilisé
// par un autre processus fabrique"), 2 on a command-line mistake.
//
// # Adding a command
//
// Write its run function in its own file and add a row to the table in
// commands.go: name, French summary and help, positional arguments, options.
package main
