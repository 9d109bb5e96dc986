package crawler

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"fabrique/data"
)

// Kinds of source: what the pages are and how records are read from them.
const (
	KindJSON   = "json"   // a JSON API: records at a path, fields by paths
	KindHTML   = "html"   // HTML pages: records by CSS selector, fields by selectors
	KindJSONLD = "jsonld" // HTML pages carrying schema.org JSON-LD
	// KindRegister is the official register's API (API Recherche
	// d'entreprises), asked once per known company: its start URLs hold
	// {siren} (see extract_register.go).
	KindRegister = "register"
)

// Definition describes one directory declaratively: where to start, what
// to follow, how to read records and which label they prove. The embedded
// defaults live in sources/*.json; a configuration file may replace them.
type Definition struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Kind        string `json:"kind"`
	// Label is the label the directory proves (data.LabelEPV, data.LabelOFG,
	// or any other type); empty for a plain company directory.
	Label data.LabelType  `json:"label,omitempty"`
	Scope data.LabelScope `json:"scope,omitempty"`
	// BaseURL is substituted for {base_url} in Start, field templates and
	// patterns; pointing it at a mirror is how tests and demos stay local.
	BaseURL string   `json:"base_url"`
	Start   []string `json:"start"`
	// AllowedDomains restricts the hosts fetched (host or host:port); empty
	// means the host of BaseURL.
	AllowedDomains []string   `json:"allowed_domains,omitempty"`
	Pagination     Pagination `json:"pagination,omitzero"`
	Follow         []Follow   `json:"follow,omitempty"`
	Records        RecordRule `json:"records"`
	Rate           Rate       `json:"rate,omitzero"`
	// Disabled keeps a template source (the generic JSON-LD one) out of
	// "all sources" until it is configured: SetBaseURL enables it.
	Disabled bool `json:"disabled,omitempty"`
}

// Pagination says how to reach the next page of a listing.
type Pagination struct {
	// JSON APIs with offset/limit parameters: the crawler asks for Limit
	// records at a time and stops at the total read at TotalPath, or at the
	// first empty page.
	OffsetParam string `json:"offset_param,omitempty"`
	LimitParam  string `json:"limit_param,omitempty"`
	Limit       int    `json:"limit,omitempty"`
	TotalPath   string `json:"total_path,omitempty"`
	// Next is the CSS selector of an HTML page's "next page" link.
	Next string `json:"next,omitempty"`
	// MaxPages bounds the pages of one source in one run (0: 10 000).
	MaxPages int `json:"max_pages,omitempty"`
}

// Follow says which links of a page lead to more pages of the directory.
type Follow struct {
	// Selector picks the link elements (CSS); Attr is the attribute holding
	// the URL ("href" by default). Sitemap instead follows the <loc> entries
	// of a sitemap.xml (and of sitemap indexes).
	Selector string `json:"selector,omitempty"`
	Attr     string `json:"attr,omitempty"`
	Sitemap  bool   `json:"sitemap,omitempty"`
	// Pattern is a regular expression the absolute URL must match
	// ({base_url} is replaced, quoted, before compiling).
	Pattern string `json:"pattern,omitempty"`
	// From restricts the rule to pages whose URL matches this expression.
	From string `json:"from,omitempty"`
}

// RecordRule says how to read listings from a page.
type RecordRule struct {
	// URLPattern restricts extraction to pages whose URL matches.
	URLPattern string `json:"url_pattern,omitempty"`
	// Path (JSON) leads to the array of records; "" is the document itself.
	Path string `json:"path,omitempty"`
	// Selector (HTML) picks one element per record.
	Selector string `json:"selector,omitempty"`
	// Types (JSON-LD) are the schema.org types read as companies; a
	// Product's manufacturer or brand is read as its company.
	Types  []string    `json:"types,omitempty"`
	Fields []FieldRule `json:"fields,omitempty"`
}

// FieldRule fills one canonical field (see the Field* constants, or
// "extra.<name>") of a record.
type FieldRule struct {
	Field string `json:"field"`
	// Path is a dot-separated JSON path; arrays on the way are flattened.
	Path string `json:"path,omitempty"`
	// Selector is a CSS selector relative to the record element ("" is the
	// element itself); Attr reads an attribute instead of the text.
	Selector string `json:"selector,omitempty"`
	Attr     string `json:"attr,omitempty"`
	// Pattern keeps the first group (or the whole match) of a regular
	// expression applied to each value.
	Pattern string `json:"pattern,omitempty"`
	// Split cuts each value into several at this separator.
	Split string `json:"split,omitempty"`
	// Template builds the value from {base_url}, {page_url} and the first
	// value of other fields, e.g. "{base_url}/fiche?siret={siret}".
	Template string `json:"template,omitempty"`
}

// Rate overrides the politeness delay and parallelism for a source's hosts.
type Rate struct {
	Delay       Duration `json:"delay,omitzero"`
	Parallelism int      `json:"parallelism,omitempty"`
	// PublishedPerSecond is the request rate the host publishes as its
	// limit (the API Recherche d'entreprises: 7 per second). It replaces
	// the general delay between two requests by 1 s / PublishedPerSecond;
	// Delay, when longer, still wins.
	PublishedPerSecond float64 `json:"published_per_second,omitempty"`
}

// Duration is a time.Duration written as "1s", "250ms" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "1s", "250ms" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var secs float64
		if err := json.Unmarshal(b, &secs); err != nil {
			return fmt.Errorf("crawler: duration: want \"1s\" or seconds: %w", data.ErrInvalid)
		}
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("crawler: duration %q: %w", s, data.ErrInvalid)
	}
	*d = Duration(v)
	return nil
}

// expand replaces {base_url} in s.
func (d *Definition) expand(s string) string {
	return strings.ReplaceAll(s, "{base_url}", strings.TrimRight(d.BaseURL, "/"))
}

// StartURLs returns the start URLs with {base_url} substituted.
func (d *Definition) StartURLs() []string {
	out := make([]string, 0, len(d.Start))
	for _, s := range d.Start {
		out = append(out, d.expand(s))
	}
	return out
}

// compilePattern compiles a pattern after substituting the quoted base URL.
func (d *Definition) compilePattern(p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, nil
	}
	return regexp.Compile(strings.ReplaceAll(p, "{base_url}", regexp.QuoteMeta(strings.TrimRight(d.BaseURL, "/"))))
}

// Hosts returns the hosts the source may fetch from.
func (d *Definition) Hosts() []string {
	if len(d.AllowedDomains) > 0 {
		return d.AllowedDomains
	}
	u, err := url.Parse(d.BaseURL)
	if err != nil || u.Host == "" {
		return nil
	}
	hosts := []string{u.Host}
	if h := u.Hostname(); h != u.Host {
		hosts = append(hosts, h)
	}
	return hosts
}

// Validate checks that the definition can run, naming the faulty part.
func (d *Definition) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("crawler: source %q: %s: %w", d.Name, fmt.Sprintf(format, args...), data.ErrInvalid)
	}
	if d.Name == "" {
		return bad("name missing")
	}
	switch d.Kind {
	case KindJSON, KindHTML, KindJSONLD, KindRegister:
	default:
		return bad("kind %q: want json, html, jsonld or register", d.Kind)
	}
	u, err := url.Parse(d.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("base_url %q: want an http(s) URL", d.BaseURL)
	}
	if len(d.Start) == 0 {
		return bad("no start URL")
	}
	for _, s := range d.StartURLs() {
		if su, err := url.Parse(s); err != nil || su.Host == "" {
			return bad("start URL %q", s)
		}
	}
	for _, f := range d.Follow {
		if f.Selector == "" && !f.Sitemap {
			return bad("follow rule without selector or sitemap")
		}
		if _, err := d.compilePattern(f.Pattern); err != nil {
			return bad("follow pattern %q: %v", f.Pattern, err)
		}
		if _, err := regexp.Compile(f.From); err != nil {
			return bad("follow from %q: %v", f.From, err)
		}
	}
	if _, err := d.compilePattern(d.Records.URLPattern); err != nil {
		return bad("records url_pattern: %v", err)
	}
	if d.Kind == KindHTML && d.Records.Selector == "" {
		return bad("html source without records.selector")
	}
	if d.Kind == KindRegister && !d.PerCompany() {
		return bad("register source without {siren} in its start URLs")
	}
	if d.Kind == KindJSONLD && len(d.Records.Types) == 0 {
		return bad("jsonld source without records.types")
	}
	for _, f := range d.Records.Fields {
		if !validField(f.Field) {
			return bad("unknown field %q", f.Field)
		}
		if _, err := regexp.Compile(f.Pattern); err != nil {
			return bad("field %s pattern: %v", f.Field, err)
		}
	}
	if d.Rate.Parallelism < 0 || d.Rate.Delay < 0 || d.Rate.PublishedPerSecond < 0 {
		return bad("negative rate")
	}
	return nil
}
