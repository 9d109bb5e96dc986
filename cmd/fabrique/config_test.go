package main

import (
	"flag"
	"io"
	"reflect"
	"slices"
	"testing"
)

func TestConfigPrecedence(t *testing.T) {
	all := []string{optData, optAddr, optLogLevel, optLogFormat, optAdminToken}
	tests := []struct {
		name string
		args []string
		env  []string
		want config
	}{
		{
			name: "defaults with XDG_DATA_HOME",
			env:  []string{"XDG_DATA_HOME", "/xdg", "HOME", "/home/u"},
			want: config{dataDir: "/xdg/fabrique", addr: "127.0.0.1:8080", logLevel: "info", logFormat: "text"},
		},
		{
			name: "defaults with HOME only",
			env:  []string{"HOME", "/home/u"},
			want: config{dataDir: "/home/u/.local/share/fabrique", addr: "127.0.0.1:8080", logLevel: "info", logFormat: "text"},
		},
		{
			name: "defaults without HOME",
			want: config{dataDir: "fabrique-data", addr: "127.0.0.1:8080", logLevel: "info", logFormat: "text"},
		},
		{
			name: "environment over defaults",
			env: []string{"HOME", "/home/u", "FABRIQUE_DATA", "/srv/fab", "FABRIQUE_ADDR", ":9000",
				"FABRIQUE_LOG_LEVEL", "debug", "FABRIQUE_LOG_FORMAT", "json", "FABRIQUE_ADMIN_TOKEN", "t0k"},
			want: config{dataDir: "/srv/fab", addr: ":9000", logLevel: "debug", logFormat: "json", adminToken: "t0k"},
		},
		{
			name: "flags over environment",
			args: []string{"--data", "/flag", "--addr", "127.0.0.1:0", "--log-level", "warn", "--log-format", "text", "--admin-token", "f"},
			env: []string{"FABRIQUE_DATA", "/srv/fab", "FABRIQUE_ADDR", ":9000",
				"FABRIQUE_LOG_LEVEL", "debug", "FABRIQUE_LOG_FORMAT", "json", "FABRIQUE_ADMIN_TOKEN", "t0k"},
			want: config{dataDir: "/flag", addr: "127.0.0.1:0", logLevel: "warn", logFormat: "text", adminToken: "f"},
		},
		{
			name: "an empty flag still wins",
			args: []string{"--admin-token="},
			env:  []string{"FABRIQUE_ADMIN_TOKEN", "t0k"},
			want: config{dataDir: "fabrique-data", addr: "127.0.0.1:8080", logLevel: "info", logFormat: "text"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got config
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			got.bind(fs, all)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			got.applyEnv(fs, all, env(tt.env...), nil)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEveryCommandOptionExists(t *testing.T) {
	opts := options()
	for _, c := range commands() {
		for _, o := range c.options {
			if _, ok := opts[o]; !ok {
				t.Errorf("command %s lists unknown option %q", c.name, o)
			}
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantData string
		wantPos  []string
	}{
		{"flags first", []string{"--data", "d", "f.db"}, "d", []string{"f.db"}},
		{"flags last", []string{"f.db", "--data", "d"}, "d", []string{"f.db"}},
		{"flags between", []string{"a", "--data=d", "b"}, "d", []string{"a", "b"}},
		{"double dash ends flags", []string{"--data", "d", "--", "--data", "x"}, "d", []string{"--data", "x"}},
		{"dash alone is positional", []string{"-", "--data", "d"}, "d", []string{"-"}},
		{"nothing", nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dataDir string
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			fs.StringVar(&dataDir, "data", "", "")
			got, err := parseInterspersed(fs, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if dataDir != tt.wantData || !slices.Equal(got, tt.wantPos) {
				t.Errorf("parseInterspersed(%q) = data %q, args %q; want %q, %q", tt.args, dataDir, got, tt.wantData, tt.wantPos)
			}
		})
	}
}

// FuzzParseInterspersed checks that parsing never panics and that the
// positional arguments it returns are taken, in order, from the input.
func FuzzParseInterspersed(f *testing.F) {
	f.Add("backup\x00--data\x00d\x00f.db")
	f.Add("--\x00--data")
	f.Add("--data=\x00-\x00--log-level")
	f.Fuzz(func(t *testing.T, joined string) {
		args := splitNUL(joined)
		var dataDir string
		fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.StringVar(&dataDir, "data", "", "")
		got, err := parseInterspersed(fs, args)
		if err != nil {
			return
		}
		i := 0
		for _, a := range args {
			if i < len(got) && a == got[i] {
				i++
			}
		}
		if i != len(got) {
			t.Errorf("parseInterspersed(%q) = %q: not a subsequence of the input", args, got)
		}
	})
}

func splitNUL(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == 0 {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
