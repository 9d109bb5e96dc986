package metrics

import "github.com/prometheus/client_golang/prometheus"

func newDigestCounter() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "alert_digests_total",
		Help: "Alert digest mails, by outcome (sent, failed).",
	}, []string{"outcome"})
}

// DigestSent counts an alert digest handed to SMTP, sent or failed (a
// failed attempt, or a digest given up).
func (r *Registry) DigestSent(err error) {
	if r == nil {
		return
	}
	r.digests.WithLabelValues(sentOrFailed(err)).Inc()
}

// sentOrFailed is the outcome label of a send.
func sentOrFailed(err error) string {
	if err != nil {
		return "failed"
	}
	return "sent"
}
