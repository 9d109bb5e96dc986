package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// runVersion prints the version, the Go version and the VCS revision.
func runVersion(_ context.Context, p *program, _ []string) error {
	fmt.Fprintf(p.stdout, "fabrique %s\n%s %s/%s\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	rev, at, modified := vcsInfo()
	switch {
	case rev == "":
		fmt.Fprintln(p.stdout, "révision : inconnue (binaire compilé sans informations git)")
	default:
		line := "révision : " + rev
		if at != "" {
			line += " du " + at
		}
		if modified {
			line += " (avec modifications non enregistrées)"
		}
		fmt.Fprintln(p.stdout, line)
	}
	return nil
}

// buildVersion is the module version stamped by the go command: a tag such
// as "v1.2.0", a pseudo-version, or "(devel)".
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}

// vcsInfo reads the git revision that "go build" stamps into the binary.
func vcsInfo() (revision, at string, modified bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "", false
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return revision, at, modified
}
