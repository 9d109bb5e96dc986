package web

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// Behind a reverse proxy (Config.TrustProxy) the server believes its
// X-Forwarded-Proto (Secure cookies) and X-Forwarded-For (the client
// address every throttle counts and the journal records). Whose headers:
// with Config.TrustedProxies, only those of a connection from one of
// its addresses, and the client is the last X-Forwarded-For hop that is
// not one of them (a chain of trusted proxies); without, those of any
// connection, and the client is the last hop — the port must then be
// reachable by the proxy and local jobs only. fiber's own
// EnableTrustedProxyCheck would do the first half but ignores a
// mistyped address; here an address that does not parse stops New.

// proxyTrust is the parsed Config.TrustedProxies.
type proxyTrust struct {
	on       bool
	prefixes []netip.Prefix // empty: any connection is the proxy's
}

// CheckTrustedProxies parses the addresses of Config.TrustedProxies: IP
// addresses or CIDR prefixes ("127.0.0.1", "10.0.0.0/8", "::1"). The
// error is a *data.ValidationError whose Message is French, naming the
// entry, for the command line.
func CheckTrustedProxies(list []string) error {
	_, err := parseTrustedProxies(list)
	return err
}

func parseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, &data.ValidationError{Field: "trusted proxies", Message: fmt.Sprintf(
				"« %s » n'est ni une adresse IP ni un réseau (10.0.0.0/8)", s)}
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func newProxyTrust(on bool, list []string) (proxyTrust, error) {
	prefixes, err := parseTrustedProxies(list)
	if err != nil {
		return proxyTrust{}, fmt.Errorf("web: Config.TrustedProxies: %w", err)
	}
	return proxyTrust{on: on, prefixes: prefixes}, nil
}

// listed reports whether addr (an IP address, as in X-Forwarded-For) is
// one of the trusted proxies.
func (p proxyTrust) listed(addr string) bool {
	a, err := netip.ParseAddr(strings.TrimSpace(addr))
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, pr := range p.prefixes {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// relayed reports whether the request's forwarding headers are to be
// believed: behind a proxy, from a connection of a trusted proxy (any,
// without a list).
func (p proxyTrust) relayed(c *fiber.Ctx) bool {
	if !p.on {
		return false
	}
	if len(p.prefixes) == 0 {
		return true
	}
	ip := c.Context().RemoteIP()
	return ip != nil && p.listed(ip.String())
}

// forwardedClient is the client a trusted proxy names in X-Forwarded-For:
// the last hop, past the hops that are trusted proxies themselves; "" when
// the header is absent or its last hop empty.
func (p proxyTrust) forwardedClient(xff string) string {
	hops := strings.Split(xff, ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			return ""
		}
		if i > 0 && p.listed(h) {
			continue
		}
		return h
	}
	return ""
}
