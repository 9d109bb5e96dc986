package web

import (
	"slices"
	"strings"
)

// secretParam is the name of a route's path parameter that carries a
// secret: an invitation's token, a private feed's key, an unsubscribe
// link's key. Logs show its segment as [jeton] (Server.loggedPath), so a
// route that puts a secret in its path names the parameter so, and no
// other (TestRouteParamsAreClassified keeps the list of the others).
// Secrets sent in a query string (?jeton=) or a form never reach the logs,
// which show paths only.
const secretParam = "token"

// maskedSegment is what a secret segment becomes in the logs.
const maskedSegment = "[jeton]"

// secretPath is where a secret sits in the paths of some routes: after
// the segments of prefix (a literal, or "" for any parameter), in a
// segment that may end with one of suffixes (".atom"), which the logs keep.
type secretPath struct {
	prefix   []string
	suffixes []string
}

// secretPaths reads, in the routing table, the routes whose path has a
// secretParam parameter.
func secretPaths(rs []route) []secretPath {
	var out []secretPath
	at := map[string]int{} // prefix → index in out
	for _, r := range rs {
		segs := strings.Split(strings.TrimPrefix(r.path, "/"), "/")
		for i, seg := range segs {
			name, suffix, ok := pathParam(seg)
			if !ok || name != secretParam {
				continue
			}
			prefix := make([]string, i)
			for j, p := range segs[:i] {
				if _, _, param := pathParam(p); !param {
					prefix[j] = strings.ToLower(p)
				}
			}
			key := strings.Join(prefix, "/")
			k, seen := at[key]
			if !seen {
				k, at[key] = len(out), len(out)
				out = append(out, secretPath{prefix: prefix})
			}
			if suffix != "" && !slices.Contains(out[k].suffixes, suffix) {
				out[k].suffixes = append(out[k].suffixes, suffix)
			}
		}
	}
	return out
}

// pathParam reads a segment of a route's path: ":token.atom" is the
// parameter "token" followed by ".atom" (fiber ends a parameter's name at
// a dot or a dash).
func pathParam(seg string) (name, suffix string, ok bool) {
	name, ok = strings.CutPrefix(seg, ":")
	if !ok {
		return "", "", false
	}
	if i := strings.IndexAny(name, ".-"); i >= 0 {
		name, suffix = name[:i], name[i:]
	}
	return name, suffix, true
}

// loggedPath is a request's path as logs show it: every segment that holds
// a secret in the routing table (secretParam) is replaced by [jeton], so
// that reading the logs opens nobody's invitation, feeds or alerts. Like
// fiber's router, it ignores the case of the literal segments; it also
// skips empty segments and masks whatever follows the prefix of a secret
// route, so a path fiber would not route (a trailing slash, an extra
// segment) still hides the token.
func (s *Server) loggedPath(p string) string {
	var segs []string // filled on the first match only
	for _, sp := range s.secretPaths {
		i := secretSegment(p, sp.prefix)
		if i < 0 {
			continue
		}
		if segs == nil {
			segs = strings.Split(p, "/")
		}
		secret, masked := segs[i], maskedSegment
		if strings.HasPrefix(secret, maskedSegment) { // masked by another route
			continue
		}
		for _, suffix := range sp.suffixes {
			if len(secret) > len(suffix) && strings.EqualFold(secret[len(secret)-len(suffix):], suffix) {
				masked += secret[len(secret)-len(suffix):]
				break
			}
		}
		segs[i] = masked
	}
	if segs == nil {
		return p
	}
	return strings.Join(segs, "/")
}

// secretSegment returns the index, in strings.Split(p, "/"), of the
// non-empty segment that follows prefix in p; -1 when p does not start
// with prefix or nothing follows it.
func secretSegment(p string, prefix []string) int {
	n := 0 // non-empty segments matched
	for i, seg := range strings.Split(p, "/") {
		if seg == "" {
			continue
		}
		if n == len(prefix) {
			return i
		}
		if prefix[n] != "" && !strings.EqualFold(seg, prefix[n]) {
			return -1
		}
		n++
	}
	return -1
}
