package web

import (
	"slices"
	"strings"
	"testing"
)

func TestLoggedPath(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, tt := range []struct{ name, in, want string }{
		{"Atom feed", "/alertes/flux/abcDEF_-123.atom", "/alertes/flux/[jeton].atom"},
		{"iCalendar feed", "/alertes/flux/abcDEF_-123.ics", "/alertes/flux/[jeton].ics"},
		{"feed of another extension", "/alertes/flux/abcDEF.xml", "/alertes/flux/[jeton]"},
		{"unsubscribe", "/alertes/desinscription/abc.DEF", "/alertes/desinscription/[jeton]"},
		{"invitation", "/compte/invitations/SECRETTOKEN123456", "/compte/invitations/[jeton]"},
		{"invitation, other case, trailing slash", "/Compte/INVITATIONS/SECRET/", "/Compte/INVITATIONS/[jeton]/"},
		{"invitation, doubled slashes", "//compte//invitations//SECRET", "//compte//invitations//[jeton]"},
		{"invitation, extra segment", "/compte/invitations/SECRET/plus", "/compte/invitations/[jeton]/plus"},
		{"the invitations' parent", "/compte/invitations", "/compte/invitations"},
		{"an alert, no secret", "/compte/alertes/abc", "/compte/alertes/abc"},
		{"a feed without token", "/alertes/flux/", "/alertes/flux/"},
		{"a claim, guarded by the session", "/compte/revendications/c1/code", "/compte/revendications/c1/code"},
	} {
		if got := s.loggedPath(tt.in); got != tt.want {
			t.Errorf("%s: loggedPath(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestNoSecretRouteLogsItsSecret requests every route whose path holds a
// secret (a :token parameter in the routing table) with the method it
// answers, and reads the access log: the secret is not there, [jeton] is.
func TestNoSecretRouteLogsItsSecret(t *testing.T) {
	const secret = "SECRETTOKEN123456"
	s := newSearchServer(t, Config{})
	n := 0
	for _, r := range s.routes() {
		if !strings.Contains(r.path, ":"+secretParam) {
			continue
		}
		n++
		var p strings.Builder
		for i, seg := range strings.Split(r.path, "/") {
			if i > 0 {
				p.WriteByte('/')
			}
			name, suffix, ok := pathParam(seg)
			switch {
			case !ok:
				p.WriteString(seg)
			case name == secretParam:
				p.WriteString(secret + suffix)
			default:
				p.WriteString("x" + suffix)
			}
		}
		before := len(s.log.String())
		s.do(t, r.method, p.String(), nil)
		logged := s.log.String()[before:]
		if strings.Contains(logged, secret) || !strings.Contains(logged, maskedSegment) {
			t.Errorf("%s %s (route %s) logged:\n%s\nwant %s instead of the secret", r.method, p.String(), r.path, logged, maskedSegment)
		}
	}
	if n < 6 { // invitations (GET, POST), feeds (Atom, iCalendar), unsubscribe (GET, POST)
		t.Errorf("%d routes with a :%s parameter, want the 6 of invitations, feeds and unsubscribe links", n, secretParam)
	}
}

// TestRouteParamsAreClassified makes whoever adds a path parameter say
// whether it holds a secret: a secret is named :token (and hidden in the
// logs); any other name must be listed here as public.
func TestRouteParamsAreClassified(t *testing.T) {
	public := []string{
		"id",      // suppliers, tenders, needs (a hash of the need), alerts, listings, reports
		"siren",   // API suppliers
		"claim",   // a claim, shown to its claimant, members and admins only
		"doc",     // a claim's document, admins only
		"section", // a listing's form section
		"seq",     // a listing's version
		"account", // a member of a listing's team
		"action",  // an admin's action on an account
		"file",    // a logo's file name, public
	}
	s := newSearchServer(t, Config{})
	for _, r := range s.routes() {
		for _, seg := range strings.Split(r.path, "/") {
			name, _, ok := pathParam(seg)
			if ok && name != secretParam && !slices.Contains(public, name) {
				t.Errorf("route %s %s: does :%s hold a secret (an invitation, a key)? Name it :%s, and logs hide it; else add it to the public names of this test",
					r.method, r.path, name, secretParam)
			}
		}
	}
}
