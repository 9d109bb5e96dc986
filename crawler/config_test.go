package crawler

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fabrique/data"
)

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	for _, name := range []string{"epv", "ofg", "jsonld"} {
		d, err := c.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := c.Sources["epv"].StartURLs()[0]; got != "https://data.economie.gouv.fr/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/records?limit=100&offset=0" {
		t.Errorf("EPV start URL = %s", got)
	}
	if got := c.Sources["ofg"].BaseURL; got != "https://www.originefrancegarantie.fr" {
		t.Errorf("OFG base URL = %s, want the real site by default", got)
	}
	if _, err := c.Source("nope"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown source: err = %v", err)
	}
}

func TestLoadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crawl.json")
	file := `{
	  "politeness": {"user_agent": "MonBot/2.0 (+https://exemple.fr/bot)", "delay": "3s", "max_body_bytes": 1000},
	  "base_urls": {"epv": "http://127.0.0.1:8081/"},
	  "sources": [
	    {"name": "ofg", "kind": "html", "label": "OFG", "scope": "product_range", "base_url": "https://ofg.example",
	     "start": ["{base_url}/annuaire/"], "records": {"selector": "div.gamme", "fields": [{"field": "name", "selector": ".titulaire"}]}},
	    {"name": "annuaire-bois", "kind": "jsonld", "label": "PEFC", "base_url": "https://bois.example", "start": ["{base_url}/sitemap.xml"],
	     "follow": [{"sitemap": true}], "records": {"types": ["Organization"]}}
	  ]
	}`
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Politeness.withDefaults()
	if p.UserAgent != "MonBot/2.0 (+https://exemple.fr/bot)" || p.Delay != Duration(3*time.Second) || p.MaxBodyBytes != 1000 || p.Parallelism != 1 {
		t.Errorf("politeness = %+v", p)
	}
	if got := c.Sources["epv"].StartURLs()[0]; got != "http://127.0.0.1:8081/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/records?limit=100&offset=0" {
		t.Errorf("EPV start URL after base_urls = %s", got)
	}
	if c.Sources["ofg"].BaseURL != "https://ofg.example" || c.Sources["ofg"].Records.Selector != "div.gamme" {
		t.Errorf("ofg not replaced: %+v", c.Sources["ofg"])
	}
	if d := c.Sources["annuaire-bois"]; d == nil || d.Label != "PEFC" {
		t.Errorf("new source not added: %+v", d)
	}
	if len(c.SourceNames()) != 5 {
		t.Errorf("sources = %v", c.SourceNames())
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := map[string]string{
		"unknown key":         `{"politness": {}}`,
		"not JSON":            `{`,
		"bad kind":            `{"sources": [{"name": "x", "kind": "pdf", "base_url": "https://x.example", "start": ["{base_url}/"]}]}`,
		"no start":            `{"sources": [{"name": "x", "kind": "json", "base_url": "https://x.example"}]}`,
		"relative base":       `{"sources": [{"name": "x", "kind": "json", "base_url": "/x", "start": ["{base_url}/"]}]}`,
		"unknown field":       `{"sources": [{"name": "x", "kind": "json", "base_url": "https://x.example", "start": ["{base_url}/"], "records": {"fields": [{"field": "couleur"}]}}]}`,
		"bad selector":        `{"sources": [{"name": "x", "kind": "html", "base_url": "https://x.example", "start": ["{base_url}/"], "records": {"selector": ""}}]}`,
		"bad pattern":         `{"sources": [{"name": "x", "kind": "json", "base_url": "https://x.example", "start": ["{base_url}/"], "follow": [{"selector": "a", "pattern": "("}]}]}`,
		"unknown base source": `{"base_urls": {"nope": "https://x.example"}}`,
		"bad duration":        `{"politeness": {"delay": "soon"}}`,
	}
	for name, file := range tests {
		t.Run(name, func(t *testing.T) {
			c := DefaultConfig()
			err := c.apply([]byte(file))
			if !errors.Is(err, data.ErrInvalid) && !errors.Is(err, data.ErrNotFound) {
				t.Errorf("err = %v, want ErrInvalid or ErrNotFound", err)
			}
		})
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "absent.json")); err == nil {
		t.Error("a missing file was accepted")
	}
}

func TestSetBaseURLFollowsAllowedDomains(t *testing.T) {
	c := DefaultConfig()
	d := *c.Sources["epv"]
	d.AllowedDomains = []string{"data.economie.gouv.fr", "static.example"}
	c.Sources["epv"] = &d
	if err := c.SetBaseURL("epv", "http://127.0.0.1:9999"); err != nil {
		t.Fatal(err)
	}
	got := c.Sources["epv"].Hosts()
	want := []string{"static.example", "127.0.0.1:9999", "127.0.0.1"}
	if len(got) != len(want) {
		t.Fatalf("hosts = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("hosts = %v, want %v", got, want)
		}
	}
	if DefaultConfig().Sources["epv"].BaseURL != "https://data.economie.gouv.fr" {
		t.Error("SetBaseURL changed the embedded default")
	}
}

func TestPolitenessDefaults(t *testing.T) {
	p := Politeness{}.withDefaults()
	if p.Delay < Duration(time.Second) || p.Parallelism != 1 || p.MaxRetries != 3 || p.UserAgent != DefaultUserAgent ||
		p.MaxBodyBytes != 20<<20 || p.ReadTimeout <= 0 || p.ConnectTimeout <= 0 || p.MaxRedirects != 10 {
		t.Errorf("defaults = %+v", p)
	}
	if q := (Politeness{NoDelay: true, MaxRetries: -1}).withDefaults(); q.Delay != 0 || q.MaxRetries != 0 {
		t.Errorf("NoDelay/no retries = %+v", q)
	}
}

func TestJSONLDTemplateDisabledUntilConfigured(t *testing.T) {
	c := DefaultConfig()
	if got := c.EnabledSources(); len(got) != 3 || got[0] != "epv" || got[1] != "ofg" || got[2] != "sirene" {
		t.Errorf("enabled by default = %v, want epv, ofg and sirene (jsonld is a template)", got)
	}
	if err := c.SetBaseURL("jsonld", "https://annuaire.example"); err != nil {
		t.Fatal(err)
	}
	if got := c.EnabledSources(); len(got) != 4 {
		t.Errorf("enabled after configuring jsonld = %v", got)
	}
}
