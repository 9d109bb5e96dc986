package metrics

import "github.com/prometheus/client_golang/prometheus"

// importCounters are the scheduled imports of live tender feeds: runs by
// feed and outcome, and the notices they stored.
type importCounters struct {
	runs    *prometheus.CounterVec
	notices *prometheus.CounterVec
}

func newImportCounters() importCounters {
	return importCounters{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "import_runs_total",
			Help: "Scheduled imports of a live tender feed, by feed (boamp, ted) and outcome (complete, failed).",
		}, []string{"feed", "outcome"}),
		notices: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "imported_notices_total",
			Help: "Tender notices new or changed in the store after a scheduled import, by feed.",
		}, []string{"feed"}),
	}
}

// ImportRun counts a scheduled import of a feed and the notices it
// stored (new or changed); a failed run may have stored some before it
// failed. feed must be a known feed name, never a URL.
func (r *Registry) ImportRun(feed string, stored int, err error) {
	if r == nil {
		return
	}
	outcome := "complete"
	if err != nil {
		outcome = "failed"
	}
	// Notices first: a reader that sees the run counted sees its notices
	// too (TestServeImportsFeeds waits on the runs, then reads the
	// notices; under load it read between the two).
	r.imports.notices.WithLabelValues(feed).Add(float64(max(stored, 0)))
	r.imports.runs.WithLabelValues(feed, outcome).Inc()
}
