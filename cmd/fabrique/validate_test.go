package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesBadFlagsBeforeAnyWork runs serve with one mistake each:
// it must exit with status 2 (1 for a configuration file it cannot read)
// and a French message before seeding the store, building the index or
// printing an address.
func TestServeRefusesBadFlagsBeforeAnyWork(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
		want string // in the message
	}{
		{"port out of range", nil, []string{"--addr", "127.0.0.1:99999"}, "--addr « 127.0.0.1:99999 »"},
		{"address without a port", nil, []string{"--addr", "nohost"}, "HÔTE:PORT"},
		{"address with an empty port", nil, []string{"--addr", "127.0.0.1:"}, "--addr"},
		{"crawl every 3 s", nil, []string{"--crawl-every", "3s"}, "--crawl-every"},
		{"crawl every 59 s", nil, []string{"--crawl-every", "59s"}, "au moins 1m"},
		{"crawl every nonsense", nil, []string{"--crawl-every", "souvent"}, "--crawl-every"},
		{"crawl every from the environment", []string{"FABRIQUE_CRAWL_EVERY", "1s"}, nil, "--crawl-every"},
		{"one-character admin token", nil, []string{"--admin-token", "x"}, "openssl rand"},
		{"weak admin token from the environment", []string{"FABRIQUE_ADMIN_TOKEN", strings.Repeat("ab", 20)}, nil, "motif"},
		{"api rate zero", nil, []string{"--api-rate", "0"}, "--api-rate"},
		{"public URL without scheme", nil, []string{"--public-url", "fabrique.example.fr"}, "--public-url"},
		{"unknown log level", nil, []string{"--log-level", "bavard"}, "journal"},
		{"unknown crawl source", nil, []string{"--crawl-every", "24h", "--source", "inconnue"}, "inconnue"},
		{"missing crawl configuration", nil, []string{"--crawl-every", "24h", "--config", "/nonexistent/sources.json"}, "/nonexistent/sources.json"},
		{"import every 30 s", nil, []string{"--import-every", "30s", "--feed", "boamp"}, "au moins 1m"},
		{"import every without a feed", nil, []string{"--import-every", "1h"}, "--feed boamp"},
		{"import of an unknown feed", nil, []string{"--import-every", "1h", "--feed", "boamp,joue"}, "« joue » inconnu"},
		{"TED feed without its address", []string{"FABRIQUE_IMPORT_EVERY", "1h", "FABRIQUE_FEED", "ted"}, nil, "--base-url"},
		{"trusted proxies without --behind-proxy", nil, []string{"--trusted-proxies", "127.0.0.1"}, "va avec --behind-proxy"},
		{"trusted proxy that is no address", []string{"FABRIQUE_BEHIND_PROXY", "oui", "FABRIQUE_TRUSTED_PROXIES", "127.0.0.1,proxy.local"}, nil, "« proxy.local » n'est ni une adresse IP"},
		{"missing import configuration", nil, []string{"--import-every", "1h", "--feed", "boamp", "--config", "/nonexistent/feeds.json"}, "/nonexistent/feeds.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, tt.args...)
			stdout, stderr, err := runCmd(t, env(tt.env...), args...)
			if code := exitCode(err); code != 2 && !strings.Contains(tt.name, "configuration") {
				t.Fatalf("exit status %d (err %v), want 2", code, err)
			}
			if err == nil {
				t.Fatal("serve started")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("message %q, want it to mention %q", err, tt.want)
			}
			if stdout != "" || stderr != "" {
				t.Errorf("printed before refusing: stdout %q, stderr %q", stdout, stderr)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("data directory created (stat: %v): work was done before the flags were checked", err)
			}
		})
	}
}

// TestMirrorRefusesBadAddr: mirror checks --addr like serve, before
// listening.
func TestMirrorRefusesBadAddr(t *testing.T) {
	_, _, err := runCmd(t, env(), "mirror", "--addr", "localhost:70000")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("mirror --addr localhost:70000: %v (exit %d), want a usage error", err, exitCode(err))
	}
}
