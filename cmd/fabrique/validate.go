package main

import (
	"errors"
	"net"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/web"
)

// minCrawlEvery is the shortest interval of serve --crawl-every: a crawl
// of every source takes minutes, and the sources' hosts deserve better.
const minCrawlEvery = time.Minute

// validateServe checks the options of serve that would otherwise fail
// only after the store was seeded, the index rebuilt and the address
// printed: every mistake is refused before any work.
func (c *config) validateServe() error {
	if err := checkAddr(c.addr); err != nil {
		return err
	}
	if c.crawlEvery != "" {
		every, err := time.ParseDuration(c.crawlEvery)
		if err != nil || every < minCrawlEvery {
			return usageErrorf("--crawl-every « %s » : durée d'au moins %s attendue (ex. 24h)", c.crawlEvery, minCrawlEvery)
		}
	}
	if _, err := c.alertsInterval(); err != nil { // alerts.go
		return err
	}
	if _, _, err := c.importInterval(); err != nil { // imports.go
		return err
	}
	var weak *data.ValidationError
	if err := web.CheckAdminToken(c.adminToken); errors.As(err, &weak) {
		return usageErrorf("--admin-token (ou FABRIQUE_ADMIN_TOKEN) : %s", weak.Message)
	}
	return c.validateTrustedProxies()
}

// checkAddr checks the form of --addr (serve, mirror): HOST:PORT, HOST
// empty for every interface, PORT a number from 0 (a free port) to 65535
// or a service name. Whether HOST resolves and the port is free is known
// only when listening.
func checkAddr(addr string) error {
	if addr == "" {
		return nil // the command has no --addr
	}
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil || port == "" {
		return usageErrorf("--addr « %s » : HÔTE:PORT attendu, port de 0 (port libre) à 65535 (ex. 127.0.0.1:8080, :8080)", addr)
	}
	return nil
}

// checkScheduledCrawls loads the crawl configuration of serve
// --crawl-every (the --config file, --source, --base-url) and of
// --import-every (the --config file) before any work, so that a mistake
// there stops serve at once rather than being logged when the first crawl
// or import is due.
func checkScheduledCrawls(p *program) error {
	if p.cfg.importEvery != "" {
		if _, err := feedConfig(p); err != nil {
			return err
		}
	}
	if p.cfg.crawlEvery == "" {
		return nil
	}
	_, _, err := crawlConfig(p)
	return err
}

// trustedProxyList is --trusted-proxies as a list.
func (c *config) trustedProxyList() []string {
	if strings.TrimSpace(c.trustedProxies) == "" {
		return nil
	}
	return strings.Split(c.trustedProxies, ",")
}

// validateTrustedProxies checks --trusted-proxies: addresses or networks,
// and only with --behind-proxy, which it narrows.
func (c *config) validateTrustedProxies() error {
	list := c.trustedProxyList()
	if list == nil {
		return nil
	}
	if !on(c.behindProxy) {
		return usageErrorf("--trusted-proxies (ou FABRIQUE_TRUSTED_PROXIES) va avec --behind-proxy : sans lui, aucun en-tête X-Forwarded-* n'est cru")
	}
	var bad *data.ValidationError
	if err := web.CheckTrustedProxies(list); errors.As(err, &bad) {
		return usageErrorf("--trusted-proxies (ou FABRIQUE_TRUSTED_PROXIES) : %s", bad.Message)
	}
	return nil
}
