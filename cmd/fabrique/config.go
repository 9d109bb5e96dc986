package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// config is every option of the program. Each subcommand binds the options
// it uses (see command.options); a flag given on the command line wins over
// its environment variable, which wins over the default.
type config struct {
	dataDir    string
	addr       string
	logLevel   string
	logFormat  string
	adminToken string
	publicURL  string

	// Options of the crawl, import and match commands.
	dryRun      string // "true" or ""
	jsonOut     string // "true" or ""
	last        string // "true" or ""
	source      string
	baseURL     string
	crawlConfig string
	crawlEvery  string
	apiRate     string
	feed        string
	noCPV       string // "true" or "": eval awards without CPV codes
	rankings    string // "true" or "": eval awards keeps the whole rankings
	allowEmpty  string // "true" or "": restore may replace data with an empty backup
	noSample    string // "true" or "": serve does not import the embedded notices (seed_notices.go)

	// Options of accounts and mail (user.go, serve).
	behindProxy    string // "true" or ""
	trustedProxies string // comma-separated addresses, with behindProxy
	smtpHost       string
	smtpPort       string
	smtpUser       string
	smtpPassword   string
	smtpTLS        string
	mailFrom       string
	admin          string // "true" or ""
	password       string
	reason         string // user delete's --motif

	alertsEvery string // serve's alert scheduler (alerts.go)
	importEvery string // serve's scheduled feed imports (imports.go)
}

// on reports whether a boolean option was set.
func on(v string) bool { return v == "true" }

// boolValue lets a string option behave as a boolean flag (--json, not
// --json=true), so that all options share one table.
type boolValue struct{ p *string }

func (b boolValue) String() string {
	if b.p == nil {
		return ""
	}
	return *b.p
}
func (b boolValue) Set(s string) error {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "oui":
		*b.p = "true"
	case "false", "0", "no", "non", "":
		*b.p = ""
	default:
		return fmt.Errorf("valeur booléenne attendue, reçu « %s »", s)
	}
	return nil
}
func (b boolValue) IsBoolFlag() bool { return true }

// option describes one setting: its flag, its environment variable and its
// default. help is French, as users read it.
type option struct {
	flag    string
	env     string
	arg     string // placeholder in the help, "DIR"
	help    string
	field   func(*config) *string
	def     func(getenv func(string) string) string
	display string // default as shown in --help, when it differs from def
	boolean bool   // a switch: --json rather than --json VALUE
}

const (
	optData       = "data"
	optAddr       = "addr"
	optLogLevel   = "log-level"
	optLogFormat  = "log-format"
	optAdminToken = "admin-token"
	optDryRun     = "dry-run"
	optJSON       = "json"
	optLast       = "last"
	optSource     = "source"
	optBaseURL    = "base-url"
	optConfig     = "config"
	optCrawlEvery = "crawl-every"
	optAPIRate    = "api-rate"
	optFeed       = "feed"
	optPublicURL  = "public-url"
	optNoCPV      = "no-cpv"
	optRankings   = "rankings"
	optAllowEmpty = "allow-empty"

	optBehindProxy    = "behind-proxy"
	optTrustedProxies = "trusted-proxies"
	optSMTPHost       = "smtp-host"
	optSMTPPort       = "smtp-port"
	optSMTPUser       = "smtp-user"
	optSMTPPassword   = "smtp-password"
	optSMTPTLS        = "smtp-tls"
	optMailFrom       = "mail-from"
	optAdmin          = "admin"
	optPassword       = "password"
	optReason         = "motif"
)

// defaultAddr is where serve listens when nothing is configured.
const defaultAddr = "127.0.0.1:8080"

// options returns every option, by flag name.
func options() map[string]option {
	list := []option{
		{
			flag: optData, env: "FABRIQUE_DATA", arg: "DIR",
			help:    "répertoire des données ; la base est DIR/fabrique.db",
			field:   func(c *config) *string { return &c.dataDir },
			def:     defaultDataDir,
			display: "$XDG_DATA_HOME/fabrique, sinon $HOME/.local/share/fabrique, sinon ./fabrique-data",
		},
		{
			flag: optAddr, env: "FABRIQUE_ADDR", arg: "HÔTE:PORT",
			help:  "adresse d'écoute du serveur web ; le port 0 en choisit un libre",
			field: func(c *config) *string { return &c.addr },
			def:   constant(defaultAddr),
		},
		{
			flag: optLogLevel, env: "FABRIQUE_LOG_LEVEL", arg: "NIVEAU",
			help:  "niveau du journal : debug, info, warn ou error",
			field: func(c *config) *string { return &c.logLevel },
			def:   constant("info"),
		},
		{
			flag: optLogFormat, env: "FABRIQUE_LOG_FORMAT", arg: "FORMAT",
			help:  "format du journal sur la sortie d'erreur : text ou json",
			field: func(c *config) *string { return &c.logFormat },
			def:   constant("text"),
		},
		{
			flag: optAdminToken, env: "FABRIQUE_ADMIN_TOKEN", arg: "JETON",
			help:  "jeton exigé par GET /admin/backup (en-tête « Authorization: Bearer JETON ») ; vide : route désactivée",
			field: func(c *config) *string { return &c.adminToken },
			def:   constant(""),
		},
		{
			flag: optPublicURL, env: "FABRIQUE_PUBLIC_URL", arg: "URL",
			help:    "adresse publique du site (https://fabrique.exemple.fr), utilisée pour tous les liens absolus (API, exports, courriels) ; l'en-tête Host des requêtes n'est jamais repris ; obligatoire avec --smtp-host",
			field:   func(c *config) *string { return &c.publicURL },
			def:     constant(""),
			display: "http:// suivi de l'adresse d'écoute",
		},
		{
			flag: optDryRun, boolean: true,
			help:  "n'écrit rien dans la base : affiche seulement ce qui serait importé", // import; alerts has its own (texts)
			field: func(c *config) *string { return &c.dryRun },
			def:   constant(""),
		},
		{
			flag: optJSON, boolean: true,
			help:  "écrit le résultat en JSON (une ligne par élément) sur la sortie standard",
			field: func(c *config) *string { return &c.jsonOut },
			def:   constant(""),
		},
		{
			flag: optNoCPV, boolean: true,
			help:  "évalue sans les codes CPV des marchés : les mots et le lieu seulement",
			field: func(c *config) *string { return &c.noCPV },
			def:   constant(""),
		},
		{
			flag: optRankings, boolean: true,
			help:  "avec --json, garde le classement entier de chaque marché, points par composante (pour scripts/eval-reweight)",
			field: func(c *config) *string { return &c.rankings },
			def:   constant(""),
		},
		{
			flag: optAllowEmpty, boolean: true,
			help:  "remplace quand même une base qui contient des entreprises, des avis ou des attributions par une sauvegarde qui n'en contient aucun",
			field: func(c *config) *string { return &c.allowEmpty },
			def:   constant(""),
		},
		{
			flag: optLast, boolean: true,
			help:  "affiche le rapport de la dernière collecte au lieu d'en lancer une",
			field: func(c *config) *string { return &c.last },
			def:   constant(""),
		},
		{
			flag: optSource, env: "FABRIQUE_CRAWL_SOURCE", arg: "SOURCE",
			help:  "source à collecter : epv, ofg, jsonld, sirene (répertoire officiel des entreprises) ou all",
			field: func(c *config) *string { return &c.source },
			def:   constant("all"),
		},
		{
			flag: optBaseURL, env: "FABRIQUE_BASE_URL", arg: "URL",
			help:    "adresse de base des sources (par exemple un miroir local) à la place des adresses réelles",
			field:   func(c *config) *string { return &c.baseURL },
			def:     constant(""),
			display: "les adresses réelles des sources",
		},
		{
			flag: optConfig, env: "FABRIQUE_CRAWL_CONFIG", arg: "FICHIER",
			help:    "fichier JSON de définitions de sources qui remplacent ou complètent celles par défaut",
			field:   func(c *config) *string { return &c.crawlConfig },
			def:     constant(""),
			display: "les définitions embarquées",
		},
		{
			flag: optCrawlEvery, env: "FABRIQUE_CRAWL_EVERY", arg: "DURÉE",
			help:    "lance une collecte de toutes les sources à cet intervalle pendant que le serveur tourne (ex. 24h) ; vide : jamais",
			field:   func(c *config) *string { return &c.crawlEvery },
			def:     constant(""),
			display: "jamais",
		},
		{
			flag: optAPIRate, env: "FABRIQUE_API_RATE", arg: "N",
			help:  "requêtes par seconde permises à chaque client de l'API JSON (rafales du double) ; off : aucune limite (tests de charge, proxy qui limite lui-même)",
			field: func(c *config) *string { return &c.apiRate },
			def:   constant("20"),
		},
		{
			flag: optFeed, env: "FABRIQUE_FEED", arg: "FLUX",
			help:    "importe aussi un flux en ligne : boamp (API open data du BOAMP) ou ted (index d'avis eForms), avec --base-url pour un miroir ; pour serve --import-every, l'un ou les deux (boamp,ted)",
			field:   func(c *config) *string { return &c.feed },
			def:     constant(""),
			display: "aucun",
		},
	}
	list = append(list, accountOptions()...) // user.go
	list = append(list, noSampleOption())    // seed_notices.go
	list = append(list, alertOptions()...)   // alerts.go
	list = append(list, importOptions()...)  // imports.go
	m := make(map[string]option, len(list))
	for _, o := range list {
		m[o.flag] = o
	}
	return m
}

func constant(s string) func(func(string) string) string {
	return func(func(string) string) string { return s }
}

// defaultDataDir follows the XDG base directory convention.
func defaultDataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "fabrique")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "fabrique")
	}
	return "fabrique-data"
}

// bind registers the named options on fs. Defaults are applied after
// parsing (applyEnv), so that --help never prints a secret taken from the
// environment.
func (c *config) bind(fs *flag.FlagSet, names []string) {
	opts := options()
	for _, name := range names {
		o := opts[name]
		if o.boolean {
			fs.Var(boolValue{o.field(c)}, o.flag, o.help)
			continue
		}
		fs.StringVar(o.field(c), o.flag, "", o.help)
	}
}

// applyEnv fills every bound option that was not given as a flag from its
// environment variable, or else from its default.
func (c *config) applyEnv(fs *flag.FlagSet, names []string, getenv func(string) string, defaults map[string]string) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	opts := options()
	for _, name := range names {
		o := opts[name]
		if given[name] {
			continue
		}
		var v string
		if o.env != "" {
			v = getenv(o.env)
		}
		if d, ok := defaults[name]; ok && v == "" {
			v = d
		}
		if v == "" {
			v = o.def(getenv)
		}
		*o.field(c) = v
	}
}

// validate checks the option values that have a fixed vocabulary.
func (c *config) validate() error {
	if c.logLevel != "" {
		var l slog.Level
		if err := l.UnmarshalText([]byte(c.logLevel)); err != nil {
			return usageErrorf("niveau de journal « %s » inconnu (debug, info, warn ou error)", c.logLevel)
		}
	}
	if c.apiRate != "" && c.apiRate != "off" {
		if v, err := strconv.ParseFloat(c.apiRate, 64); err != nil || v <= 0 {
			return usageErrorf("--api-rate « %s » : nombre de requêtes par seconde positif, ou off", c.apiRate)
		}
	}
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return usageErrorf("--public-url « %s » : adresse absolue http(s) attendue, sans paramètres ni identifiants", c.publicURL)
		}
	}
	if err := c.validateMail(); err != nil { // user.go
		return err
	}
	switch c.logFormat {
	case "", "text", "json":
	default:
		return usageErrorf("format de journal « %s » inconnu (text ou json)", c.logFormat)
	}
	return c.validateServe()
}

// newLogger builds the program's logger, writing to w.
func (c *config) newLogger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.logLevel)) // checked by validate; "" stays info
	opts := &slog.HandlerOptions{Level: level}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// printOptions writes the options of a subcommand, in French, with the
// command's own wording of some (texts).
func printOptions(w io.Writer, names []string, texts map[string]optionText) {
	if len(names) == 0 {
		return
	}
	fmt.Fprintln(w, "\nOptions :")
	opts := options()
	for _, name := range names {
		o := opts[name]
		if t, ok := texts[name]; ok {
			o.help = cmp.Or(t.help, o.help)
			o.display = cmp.Or(t.display, o.display)
		}
		def := o.display
		if def == "" {
			def = o.def(func(string) string { return "" })
		}
		if def == "" {
			def = "vide"
		}
		if o.boolean {
			fmt.Fprintf(w, "  --%s\n      %s\n", o.flag, capitalize(o.help))
			if o.env != "" {
				fmt.Fprintf(w, "      variable %s (true ou false)\n", o.env)
			}
			continue
		}
		env := ""
		if o.env != "" {
			env = "variable " + o.env + " ; "
		}
		fmt.Fprintf(w, "  --%s %s\n      %s\n      %sdéfaut : %s\n",
			o.flag, o.arg, capitalize(o.help), env, def)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
