package verify

import (
	"context"
	"net"
	"sync"
)

// StaticResolver answers DNS questions from its own tables, which may be
// filled while it is in use: for tests, and for checks run without a
// network. Unknown names are "not found".
type StaticResolver struct {
	mu  sync.Mutex
	ips map[string][]string
	txt map[string][]string
}

// Set adds answers: addresses (textual IPs) and TXT records per name.
func (r *StaticResolver) Set(ips, txt map[string][]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ips == nil {
		r.ips, r.txt = map[string][]string{}, map[string][]string{}
	}
	for k, v := range ips {
		r.ips[k] = v
	}
	for k, v := range txt {
		r.txt[k] = v
	}
}

func (r *StaticResolver) lookup(table func() map[string][]string, name string) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	list, ok := table()[name]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return list, nil
}

// LookupIPAddr implements Resolver.
func (r *StaticResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	list, err := r.lookup(func() map[string][]string { return r.ips }, host)
	var out []net.IPAddr
	for _, s := range list {
		out = append(out, net.IPAddr{IP: net.ParseIP(s)})
	}
	return out, err
}

// LookupTXT implements Resolver.
func (r *StaticResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	return r.lookup(func() map[string][]string { return r.txt }, name)
}
