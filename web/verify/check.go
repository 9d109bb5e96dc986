package verify

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"fabrique/data"
)

// WellKnownPath is where a company publishes its token on its website.
const WellKnownPath = "/.well-known/fabrique-verification.txt"

// RecordPrefix starts the DNS TXT record (and may start the line of the
// well-known file) that carries the token: "fabrique-verification=TOKEN".
const RecordPrefix = "fabrique-verification="

// Resolver answers the DNS questions of the checks; *net.Resolver is one,
// tests give their own.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Config tunes a Checker. The zero value is the production setting.
type Config struct {
	// TestMode lets the website check reach loopback addresses (and no
	// other non-public one), so that tests can serve the well-known file
	// from httptest. Never set it in production.
	TestMode bool
	// Resolver answers DNS questions (default: the standard library's).
	Resolver Resolver
	// RootCAs are the certificate authorities trusted for HTTPS (default:
	// the system's); tests add their httptest server's.
	RootCAs *x509.CertPool
	// Timeout bounds a whole check (default 10 s).
	Timeout time.Duration
	// MaxBytes bounds the well-known file read (default 16 KiB).
	MaxBytes int64
}

// Checker runs the website and DNS checks of a token.
type Checker struct {
	cfg    Config
	client *http.Client
}

const (
	defaultTimeout  = 10 * time.Second
	defaultMaxBytes = 16 << 10
	maxRedirects    = 3
)

// NewChecker returns a Checker for cfg.
func NewChecker(cfg Config) *Checker {
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = defaultMaxBytes
	}
	ch := &Checker{cfg: cfg}
	transport := &http.Transport{
		Proxy:                  nil, // never through a proxy: it would dial for us, unchecked
		DialContext:            ch.dial,
		TLSClientConfig:        &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxResponseHeaderBytes: 16 << 10,
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      false,
	}
	ch.client = &http.Client{
		Transport: transport,
		Timeout:   cfg.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return refused("site", fmt.Sprintf("le site redirige plus de %d fois", maxRedirects))
			}
			if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
				return refused("site", "le site redirige vers une adresse qui n'est pas web")
			}
			return nil
		},
	}
	return ch
}

// errNotPublic is the refusal of a non-public address.
var errNotPublic = errors.New("verify: address is not public")

// allowed reports whether the check may connect to ip: a public unicast
// address, or a loopback one in test mode.
func (ch *Checker) allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ch.cfg.TestMode && ip.IsLoopback() {
		return true
	}
	return Public(ip)
}

// specialRanges are not public although the standard predicates let them
// through: shared address space (CGNAT), "this network", IETF protocol
// assignments, benchmarking, reserved, NAT64 (which may embed a private
// IPv4 address), documentation.
var specialRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"), // 6to4 embeds an IPv4 address
}

// Public reports whether ip is a public unicast address: not private,
// loopback, link-local, unspecified, multicast or otherwise special.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() ||
		ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range specialRanges {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// dial resolves the host through the Resolver and connects to one of its
// addresses, refusing the whole host when any address is not allowed. The
// check happens here, at each connection, so that a redirect to a private
// address or a DNS answer that changed since (rebinding) is refused too;
// the dialer's Control checks the address actually connected to, once
// more.
func (ch *Checker) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		answers, err := ch.cfg.Resolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("verify: resolve %s: %w", host, err)
		}
		for _, a := range answers {
			if ip, ok := netip.AddrFromSlice(a.IP); ok {
				ips = append(ips, ip)
			}
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("verify: %s has no address", host)
	}
	for _, ip := range ips {
		if !ch.allowed(ip) {
			return nil, fmt.Errorf("%w: %s resolves to %s", errNotPublic, host, ip)
		}
	}
	d := net.Dialer{Timeout: ch.cfg.Timeout, Control: func(_, raw string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(raw)
		if err != nil || !ch.allowed(ap.Addr()) {
			return fmt.Errorf("%w: %s", errNotPublic, raw)
		}
		return nil
	}}
	var lastErr error
	for _, ip := range ips {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// CheckWebsite fetches d's well-known file and looks for token in it: a
// line that is the token, or "fabrique-verification=TOKEN". The error
// says in French what went wrong (it wraps data.ErrInvalid).
func (ch *Checker) CheckWebsite(ctx context.Context, d Domain, token string) error {
	if d.Site == "" || token == "" {
		return refused("site", "aucun site web publié par une source pour cette entreprise")
	}
	ctx, cancel := context.WithTimeout(ctx, ch.cfg.Timeout)
	defer cancel()
	target := d.Site + WellKnownPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return refused("site", "l'adresse du site est inutilisable")
	}
	req.Header.Set("User-Agent", "Fabrique-verification/1 (+"+WellKnownPath+")")
	req.Header.Set("Accept", "text/plain")
	resp, err := ch.client.Do(req)
	if err != nil {
		return fetchRefusal(target, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return refused("site", fmt.Sprintf("%s répond %d au lieu de 200 : le fichier n'est pas publié à cette adresse", target, resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, ch.cfg.MaxBytes+1))
	if err != nil {
		return fetchRefusal(target, err)
	}
	if int64(len(body)) > ch.cfg.MaxBytes {
		return refused("site", fmt.Sprintf("le fichier %s dépasse %d octets : publiez seulement le jeton", target, ch.cfg.MaxBytes))
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == token || line == RecordPrefix+token {
			return nil
		}
	}
	return refused("site", "le fichier "+target+" ne contient pas le jeton attendu")
}

// fetchRefusal explains why the well-known file could not be read.
func fetchRefusal(target string, err error) error {
	var ve *data.ValidationError
	var certErr *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.As(err, &ve): // a refused redirect
		return ve
	case errors.Is(err, errNotPublic):
		return refused("site", "le site "+target+" mène à une adresse non publique (réseau privé, boucle locale ou lien local) : la vérification est refusée")
	case errors.As(err, &certErr):
		return refused("site", "le certificat HTTPS du site "+target+" n'est pas valide")
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return refused("site", "le site "+target+" n'a pas répondu à temps")
	}
	return refused("site", "le site "+target+" n'a pas pu être joint")
}

// CheckDNS looks for "fabrique-verification=TOKEN" among the TXT records
// of d's domain.
func (ch *Checker) CheckDNS(ctx context.Context, d Domain, token string) error {
	if d.Name == "" || token == "" {
		return refused("dns", "aucun nom de domaine publié par une source pour cette entreprise")
	}
	ctx, cancel := context.WithTimeout(ctx, ch.cfg.Timeout)
	defer cancel()
	records, err := ch.cfg.Resolver.LookupTXT(ctx, d.Name)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return refused("dns", "le domaine "+d.Name+" n'a aucun enregistrement TXT")
		}
		return refused("dns", "le DNS du domaine "+d.Name+" n'a pas pu être interrogé ; réessayez plus tard")
	}
	for _, r := range records {
		if strings.TrimSpace(r) == RecordPrefix+token {
			return nil
		}
	}
	return refused("dns", "aucun enregistrement TXT « "+RecordPrefix+token+" » sur le domaine "+d.Name+" (la propagation peut prendre un moment)")
}
