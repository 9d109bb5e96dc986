package crawler

import "time"

// Politeness gathers, in one place, how the crawler treats the sites it
// visits. The zero value means the defaults below; a configuration file
// overrides them field by field.
//
//	robots.txt          always obeyed (there is no switch)
//	UserAgent           DefaultUserAgent: names the bot and where to read about it
//	Delay               1 s between two requests to one host (NoDelay: none, for local mirrors);
//	                    a host that publishes its own limit (Rate.PublishedPerSecond, e.g. the
//	                    register's 7 requests/s) is asked at most that fast instead
//	Parallelism         1 request at a time per host
//	ConnectTimeout      10 s to open a connection
//	ReadTimeout         60 s for a whole response, body included (a stalled server fails)
//	MaxBodyBytes        20 MiB; a larger page fails as "too_large"
//	MaxRetries          3 retries on 5xx, 429 and network errors (-1: none)
//	RetryBase           2 s, doubled at each retry
//	MaxRetryAfter       2 min: a longer Retry-After fails the page instead of waiting
//	MaxRedirects        10; a loop fails as "redirect"; a redirect may change neither
//	                    scheme nor port unless the target host:port is an allowed domain
//	MaxPageTime         2 × ReadTimeout (2 min) of requests for one page, retries included
//	                    (the waits a Retry-After asks for are bounded by MaxRetryAfter);
//	                    a page whose body trickles past ReadTimeout gets one try
type Politeness struct {
	UserAgent      string   `json:"user_agent,omitempty"`
	Delay          Duration `json:"delay,omitzero"`
	NoDelay        bool     `json:"no_delay,omitempty"`
	Parallelism    int      `json:"parallelism,omitempty"`
	ConnectTimeout Duration `json:"connect_timeout,omitzero"`
	ReadTimeout    Duration `json:"read_timeout,omitzero"`
	MaxBodyBytes   int64    `json:"max_body_bytes,omitempty"`
	MaxRetries     int      `json:"max_retries,omitempty"`
	RetryBase      Duration `json:"retry_base,omitzero"`
	MaxRetryAfter  Duration `json:"max_retry_after,omitzero"`
	MaxRedirects   int      `json:"max_redirects,omitempty"`
	MaxPageTime    Duration `json:"max_page_time,omitzero"`
}

// DefaultUserAgent is an honest user agent: who we are and where to read
// what the bot does and how to reach its operators.
const DefaultUserAgent = "FabriqueBot/1.0 (+https://github.com/fabrique-france/fabrique; annuaire des fabricants français)"

// withDefaults fills the zero fields.
func (p Politeness) withDefaults() Politeness {
	if p.UserAgent == "" {
		p.UserAgent = DefaultUserAgent
	}
	if p.Delay == 0 && !p.NoDelay {
		p.Delay = Duration(time.Second)
	}
	if p.NoDelay {
		p.Delay = 0
	}
	if p.Parallelism <= 0 {
		p.Parallelism = 1
	}
	if p.ConnectTimeout <= 0 {
		p.ConnectTimeout = Duration(10 * time.Second)
	}
	if p.ReadTimeout <= 0 {
		p.ReadTimeout = Duration(60 * time.Second)
	}
	if p.MaxBodyBytes <= 0 {
		p.MaxBodyBytes = 20 << 20
	}
	switch {
	case p.MaxRetries == 0:
		p.MaxRetries = 3
	case p.MaxRetries < 0:
		p.MaxRetries = 0
	}
	if p.RetryBase <= 0 {
		p.RetryBase = Duration(2 * time.Second)
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = Duration(2 * time.Minute)
	}
	if p.MaxRedirects <= 0 {
		p.MaxRedirects = 10
	}
	if p.MaxPageTime <= 0 {
		p.MaxPageTime = 2 * p.ReadTimeout
	}
	return p
}

// merge overrides p with the non-zero fields of o.
func (p Politeness) merge(o Politeness) Politeness {
	if o.UserAgent != "" {
		p.UserAgent = o.UserAgent
	}
	if o.Delay != 0 {
		p.Delay = o.Delay
	}
	if o.NoDelay {
		p.NoDelay = true
	}
	if o.Parallelism != 0 {
		p.Parallelism = o.Parallelism
	}
	if o.ConnectTimeout != 0 {
		p.ConnectTimeout = o.ConnectTimeout
	}
	if o.ReadTimeout != 0 {
		p.ReadTimeout = o.ReadTimeout
	}
	if o.MaxBodyBytes != 0 {
		p.MaxBodyBytes = o.MaxBodyBytes
	}
	if o.MaxRetries != 0 {
		p.MaxRetries = o.MaxRetries
	}
	if o.RetryBase != 0 {
		p.RetryBase = o.RetryBase
	}
	if o.MaxRetryAfter != 0 {
		p.MaxRetryAfter = o.MaxRetryAfter
	}
	if o.MaxRedirects != 0 {
		p.MaxRedirects = o.MaxRedirects
	}
	if o.MaxPageTime != 0 {
		p.MaxPageTime = o.MaxPageTime
	}
	return p
}
