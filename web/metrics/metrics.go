package metrics

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "fabrique"

// latencyBuckets are the request durations, in seconds, that the histogram
// separates: from a cached page (1 ms) to a slow export (10 s).
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Registry holds the application's metrics. Its methods are safe for
// concurrent use; a nil *Registry records nothing.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	crawls   *prometheus.CounterVec
	listings *prometheus.CounterVec
	mails    *prometheus.CounterVec
	lag      *prometheus.GaugeVec
	digests  *prometheus.CounterVec // alerts.go
	imports  importCounters         // imports.go
}

// New returns a registry with the application's metrics and the Go
// runtime's and process's own.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status class.",
		}, []string{"method", "route", "class"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route pattern and status class.",
			Buckets: latencyBuckets,
		}, []string{"method", "route", "class"}),
		crawls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "crawl_runs_total",
			Help: "Scheduled crawl runs, by outcome (complete, incomplete, failed).",
		}, []string{"outcome"}),
		listings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "crawl_listings_total",
			Help: "Listings written by scheduled crawls, by kind (new, updated).",
		}, []string{"kind"}),
		mails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "mails_total",
			Help: "Mails handed to the sender, by outcome (sent, failed).",
		}, []string{"outcome"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "scheduler_lag_seconds",
			Help: "How late the last run of a scheduled job started after its tick.",
		}, []string{"job"}),
		digests: newDigestCounter(),
		imports: newImportCounters(),
	}
	r.reg.MustRegister(r.digests, r.imports.runs, r.imports.notices)
	r.reg.MustRegister(r.requests, r.latency, r.crawls, r.listings, r.mails, r.lag,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{Namespace: namespace}))
	return r
}

// Handler writes the metrics in the Prometheus text format (or another
// format the scraper asks for), uncompressed: the web server compresses
// its answers itself. A gauge that cannot be read is left out of the
// answer rather than failing it.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, DisableCompression: true})
}

// ObserveRequest counts one answered request. route must be a pattern of
// the routing table (or a fixed word such as "unmatched"), never a URL.
func (r *Registry) ObserveRequest(method, route string, status int, took time.Duration) {
	if r == nil {
		return
	}
	class := StatusClass(status)
	method = boundedMethod(method)
	r.requests.WithLabelValues(method, route, class).Inc()
	r.latency.WithLabelValues(method, route, class).Observe(took.Seconds())
}

// StatusClass is "2xx" for 200…299 and so on; "other" outside 100…599.
// 501 Not Implemented counts with the 4xx: the server answers it to a
// request method it does not know (web/methods.go), a client's mistake —
// often a scanner's — that the logs do not record as a failure either;
// "5xx" is kept for the server's own failures, which an alert may page
// for.
func StatusClass(status int) string {
	switch {
	case status < 100 || status > 599:
		return "other"
	case status == http.StatusNotImplemented:
		return "4xx"
	}
	return strconv.Itoa(status/100) + "xx"
}

// boundedMethod keeps the standard methods and folds the rest, so that a
// client cannot create series at will.
func boundedMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// CrawlRun counts a scheduled crawl run and the listings it wrote.
func (r *Registry) CrawlRun(complete bool, err error, listingsNew, listingsUpdated int) {
	if r == nil {
		return
	}
	outcome := "complete"
	switch {
	case err != nil:
		outcome = "failed"
	case !complete:
		outcome = "incomplete"
	}
	r.crawls.WithLabelValues(outcome).Inc()
	r.listings.WithLabelValues("new").Add(float64(max(listingsNew, 0)))
	r.listings.WithLabelValues("updated").Add(float64(max(listingsUpdated, 0)))
}

// MailSent counts a mail handed to the sender, sent or failed.
func (r *Registry) MailSent(err error) {
	if r == nil {
		return
	}
	r.mails.WithLabelValues(sentOrFailed(err)).Inc()
}

// SchedulerLag records how late job started after its tick.
func (r *Registry) SchedulerLag(job string, lag time.Duration) {
	if r == nil {
		return
	}
	r.lag.WithLabelValues(job).Set(max(lag, 0).Seconds())
}

// Gauge registers a gauge read by read at each scrape (a size, a count).
// When read fails, the gauge is left out of that scrape.
func (r *Registry) Gauge(name, help string, read func() (float64, error)) error {
	desc := prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, nil, nil)
	if err := r.reg.Register(readGauge{desc: desc, read: read}); err != nil {
		return errors.Join(errors.New("metrics: register gauge "+name), err)
	}
	return nil
}

// readGauge is a gauge whose value is read at scrape time.
type readGauge struct {
	desc *prometheus.Desc
	read func() (float64, error)
}

func (g readGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g readGauge) Collect(ch chan<- prometheus.Metric) {
	v, err := g.read()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(g.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v)
}
