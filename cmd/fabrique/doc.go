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
// Messages for users are in French, command-line mistakes included
// ("option inconnue « --bogus »"); logs go to standard error (log/slog),
// and --log-level debug shows there the Go error behind a French message
// (a refused restore, a store that cannot be opened, a feed that fails).
//
// # Commands
//
// serve: opens the store and the search indexes (DIR/index for suppliers,
// DIR/tenders for tenders, rebuilt from the store when missing or stale),
// loads the EPV companies shipped in the binary when they were never
// loaded (the first serve, even after a crawl, an import or user add),
// and, on a store without notices nor awards, the real BOAMP notices and
// DECP awards shipped in the binary (unless --no-sample; once, see
// seed_notices.go), starts the web server and prints
// "Fabrique écoute sur http://HOST:PORT/" on standard output (the real port
// when --addr asks for port 0). It serves until SIGINT or SIGTERM, then
// stops gracefully (requests in flight get 10 s) and closes the store.
// Options: --data, --addr, --admin-token, --log-level, --log-format.
// Every hour it reminds companies' members of the claims awaiting their
// approval (after 3 and after 8 days, once each).
// At a clean stop it saves the observatory's figures to
// DIR/observatory.facts with a marker of the store's state; the next serve
// loads them before it listens when nothing wrote to the store since
// (another command, a crash, a restore), else it computes them again in
// the background (about a minute at a million awards). The file is a
// cache: deleting it loses nothing, and backups do not carry it.
//
// crawl [--source NAMES] [--base-url URL] [--config FILE]: crawls the
// label directories into the store and prints the run's report; --last
// prints the stored report of the last run. Its exit status: 0 when every
// source answered (pages that failed within a source are lines of the
// report: what was fetched is stored), 1 when no source gave a single page
// (a host down, a wrong --base-url), 3 — as for import — when some source
// gave no page while the others were stored. The report names the sources
// that gave no page. serve --crawl-every logs such a run at WARN with the
// count of failed pages.
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
// directory with it, keeping the store it replaces as
// DIR/fabrique.db.before-restore. It refuses while another process uses
// the store (stop serve first), and refuses FILE when it is a file restore
// itself writes (DIR/fabrique.db, DIR/fabrique.db.restore where it stages
// its copy, DIR/fabrique.db.before-restore): copy such a file out of the
// data directory first. It prints the companies, notices, awards and
// accounts it restored and those of the store it replaced. A backup
// holding no company, notice or award does not replace a store holding
// some unless --allow-empty. A refused FILE and the store are left as they
// were. Options: --data, --allow-empty, --log-level, --log-format.
//
// user add [--admin] EMAIL [--password P]: creates a confirmed account
// (an Alliance admin with --admin); without --password it asks for one on
// the terminal, without echo, or reads one line of standard input. Weak
// passwords (under 12 characters, common, or the address) are refused.
// user list, user disable EMAIL, user enable EMAIL: list the accounts,
// disable one (it can no longer sign in, its sessions end) or enable it.
// user delete EMAIL: erases an account at its holder's request, as
// « Supprimer mon compte » does on /compte (store.DeleteAccount), without
// mail; refused while it is the only owner of a team with other members;
// --motif keeps in the journal the request received (its means, its date),
// the account's address erased from it. Like backup, it needs the data
// directory free; while serve runs, admins use /admin/comptes (« supprimer… »).
// Options: --data, --admin, --password, --motif.
// stats snapshot: records the day's key figures of the observatory
// (/observatoire) in the store, replacing a snapshot taken earlier that
// day, for cron. serve takes one by itself when it starts and then once a
// day. Options: --data, --log-level, --log-format.
//
// alerts send [--dry-run]: mails the digest of every account whose alert
// profiles are due (immediate: at each run; daily: 07:00 Paris time;
// weekly: Mondays 07:00) and finishes the sends an earlier run left
// pending; with --dry-run, prints per account what would be sent and
// changes nothing in the store (the tender index, derived from it, may be
// rebuilt). serve does the same at start and every --alerts-every
// (default 10m; off for cron); the store records each digest before and
// after its SMTP exchange, so a digest goes out once whichever process
// sends it, across kills (web.Server.SendDueDigests states the exact
// guarantee). Options: --data, --dry-run, --public-url, the SMTP options.
// It refuses to send without --public-url (or FABRIQUE_PUBLIC_URL): it
// listens nowhere, and the links of a digest, recorded as sent, would
// name no real address for good (--dry-run only warns). From cron, while
// serve is not running on the data directory:
//
//	*/10 * * * * fabrique . /etc/fabrique/env && fabrique alerts send --public-url https://fabrique.exemple.fr
//
// version: prints the module version, the Go version and platform, and the
// git revision stamped by "go build" (absent from "go run" and test binaries).
//
// # Which commands create the store
//
// serve, crawl (a real crawl), import (but --dry-run), restore, user add
// and eval awards (which measures the matcher on the embedded companies,
// often in a scratch directory) create DIR/fabrique.db when it is missing:
// they start a data directory. The commands that only read or report —
// backup, crawl --last, user list, user disable, user enable, user
// delete, stats snapshot, alerts send (with or without --dry-run), match and eval
// feedback — refuse a directory without a store, create nothing and exit 1
// with "aucune base dans DIR (--data / FABRIQUE_DATA)": a mistyped --data,
// or a cron job without FABRIQUE_DATA, fails instead of answering from a
// new, empty store (a backup of nothing, « Aucun compte », a snapshot of
// the embedded companies). A bbolt file of another application at
// DIR/fabrique.db (buckets, but no Fabrique schema version) is refused by
// every command and left as it is; only a new, empty file starts at the
// current schema.
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
//	                                           port 0 picks a free port; HOST empty: every
//	                                           interface; a malformed one exits 2 at once)
//	--admin-token TOKEN  FABRIQUE_ADMIN_TOKEN  enables GET /admin/backup for requests with
//	                                           "Authorization: Bearer TOKEN"; empty (default)
//	                                           disables the route (404)
//	--public-url URL     FABRIQUE_PUBLIC_URL   absolute address of the site, for every absolute
//	                                           link (API, exports, mails); default http:// and
//	                                           the listen address. Required with --smtp-host
//	                                           (serve refuses to start: a loopback address in
//	                                           a mail is a dead link) and by alerts send
//	--log-level LEVEL    FABRIQUE_LOG_LEVEL    debug, info (default), warn or error
//	--log-format FORMAT  FABRIQUE_LOG_FORMAT   text (default) or json
//
//	--behind-proxy       FABRIQUE_BEHIND_PROXY a trusted reverse proxy sets X-Forwarded-Proto
//	                                           (https makes cookies Secure) and X-Forwarded-For
//	--trusted-proxies L  FABRIQUE_TRUSTED_PROXIES with --behind-proxy: the proxies' IPs or
//	                                           networks, comma-separated; only their
//	                                           connections' headers are believed (default:
//	                                           any connection's, so the port must be
//	                                           reachable by the proxy only)
//	--smtp-host HOST     FABRIQUE_SMTP_HOST    SMTP server; empty (default): mails stay in the
//	                                           outbox, read by admins at /admin/courriels
//	--smtp-port PORT     FABRIQUE_SMTP_PORT    587, 465 with tls, 25 with none (default)
//	--smtp-user NAME     FABRIQUE_SMTP_USER    SMTP login; empty: no authentication
//	--smtp-password P    FABRIQUE_SMTP_PASSWORD SMTP password
//	--smtp-tls MODE      FABRIQUE_SMTP_TLS     starttls (default), tls or none
//	--mail-from ADDRESS  FABRIQUE_MAIL_FROM    sender (default Fabrique <ne-pas-repondre@HOST
//	                                           of --public-url>)
//	--alerts-every D     FABRIQUE_ALERTS_EVERY interval of serve's alert digests (default 10m;
//	                                           off: never)
//	--import-every D     FABRIQUE_IMPORT_EVERY serve imports the feeds of --feed (boamp, ted
//	                                           or boamp,ted) at start and at this interval;
//	                                           empty (default): never
//	--no-sample          FABRIQUE_NO_SAMPLE    serve does not load the embedded BOAMP notices
//	                                           and DECP awards into a store without any
//
// Prefer the environment variable for the admin token and the SMTP
// password: command lines are visible to other users of the machine. A
// token shorter than 32 characters, or made of a repeated pattern or of few
// distinct characters, is refused at start (openssl rand -hex 16 makes a
// good one); wrong tokens are throttled per client. --crawl-every and
// --import-every take at least 1m. Every option is checked before the store is opened or anything
// printed.
//
// # Exit status
//
// 0 on success (and for --help), 1 on error, with a French message on
// standard error ("fabrique : le répertoire de données /x est déjà utilisé
// par un autre processus fabrique"), 2 on a command-line mistake, 3 when
// import or crawl did part of its work (what it could do is stored, the
// rest is reported).
//
// # Adding a command
//
// Write its run function in its own file and add a row to the table in
// commands.go: name, French summary and help, positional arguments, options.
package main
