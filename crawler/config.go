package crawler

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"fabrique/data"
)

//go:embed sources/*.json
var sourceFiles embed.FS

// Config is everything a crawl needs besides its state: the politeness
// rules and the source definitions by name. Its zero value has no source;
// start from DefaultConfig.
type Config struct {
	Politeness Politeness             `json:"politeness,omitzero"`
	Sources    map[string]*Definition `json:"-"`
	// MaxErrors caps the error lines kept in a run report (0: 200).
	MaxErrors int `json:"max_errors,omitempty"`
}

// fileConfig is the shape of a configuration file: the politeness rules
// and a list of source definitions, each replacing the default of the
// same name, plus base URL overrides by source name.
type fileConfig struct {
	Politeness *Politeness       `json:"politeness,omitempty"`
	Sources    []*Definition     `json:"sources,omitempty"`
	BaseURLs   map[string]string `json:"base_urls,omitempty"`
	MaxErrors  int               `json:"max_errors,omitempty"`
}

// DefaultConfig returns the embedded source definitions (epv, ofg,
// jsonld) pointing at the real sites, with the default politeness.
func DefaultConfig() Config {
	c := Config{Sources: map[string]*Definition{}}
	entries, err := fs.ReadDir(sourceFiles, "sources")
	if err != nil {
		panic("crawler: embedded sources missing: " + err.Error()) // a build defect
	}
	for _, e := range entries {
		b, err := sourceFiles.ReadFile(path.Join("sources", e.Name()))
		if err != nil {
			panic("crawler: " + err.Error())
		}
		var d Definition
		if err := json.Unmarshal(b, &d); err != nil {
			panic(fmt.Sprintf("crawler: embedded source %s: %v", e.Name(), err))
		}
		if err := d.Validate(); err != nil {
			panic(err.Error())
		}
		c.Sources[d.Name] = &d
	}
	return c
}

// LoadConfig reads a configuration file over the defaults: its
// "politeness" replaces the default rules field by field, each of its
// "sources" replaces the default definition of the same name (or adds a
// new source), and "base_urls" points sources at other hosts:
//
//	{"politeness": {"user_agent": "…", "delay": "2s"},
//	 "base_urls": {"epv": "http://127.0.0.1:8081"},
//	 "sources": [{"name": "ofg", "kind": "html", …}]}
//
// An empty path returns DefaultConfig.
func LoadConfig(path string) (Config, error) {
	c := DefaultConfig()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("crawler: config: %w", err)
	}
	if err := c.apply(b); err != nil {
		return c, fmt.Errorf("crawler: config %s: %w", path, err)
	}
	return c, nil
}

func (c *Config) apply(b []byte) error {
	var f fileConfig
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("%v: %w", err, data.ErrInvalid)
	}
	if f.Politeness != nil {
		c.Politeness = c.Politeness.merge(*f.Politeness)
	}
	if f.MaxErrors > 0 {
		c.MaxErrors = f.MaxErrors
	}
	for _, d := range f.Sources {
		if err := d.Validate(); err != nil {
			return err
		}
		c.Sources[d.Name] = d
	}
	for name, u := range f.BaseURLs {
		if err := c.SetBaseURL(name, u); err != nil {
			return err
		}
	}
	return nil
}

// SetBaseURL points a source at another host (a mirror), keeping its
// paths. Allowed domains that named the old host follow the new one.
func (c *Config) SetBaseURL(source, baseURL string) error {
	d, ok := c.Sources[source]
	if !ok {
		return fmt.Errorf("crawler: source %q: %w", source, data.ErrNotFound)
	}
	nd := *d
	oldHosts := (&Definition{BaseURL: d.BaseURL}).Hosts()
	nd.BaseURL = strings.TrimRight(baseURL, "/")
	nd.Disabled = false
	if len(d.AllowedDomains) > 0 {
		nd.AllowedDomains = nil
		for _, h := range d.AllowedDomains {
			if !contains(oldHosts, h) {
				nd.AllowedDomains = append(nd.AllowedDomains, h)
			}
		}
		nd.AllowedDomains = append(nd.AllowedDomains, (&Definition{BaseURL: nd.BaseURL}).Hosts()...)
	}
	if err := nd.Validate(); err != nil {
		return err
	}
	c.Sources[source] = &nd
	return nil
}

// EnabledSources returns the names of the sources a crawl of "all"
// visits: every configured one but the disabled templates, sorted.
func (c *Config) EnabledSources() []string {
	var out []string
	for _, n := range c.SourceNames() {
		if !c.Sources[n].Disabled {
			out = append(out, n)
		}
	}
	return out
}

// SourceNames returns the configured source names, sorted.
func (c *Config) SourceNames() []string {
	out := make([]string, 0, len(c.Sources))
	for n := range c.Sources {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Source returns the definition named name.
func (c *Config) Source(name string) (*Definition, error) {
	d, ok := c.Sources[name]
	if !ok {
		return nil, fmt.Errorf("crawler: source %q (known: %s): %w", name, strings.Join(c.SourceNames(), ", "), data.ErrNotFound)
	}
	return d, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
