package web

import (
	"context"
	"time"
)

// AlertHistoryRetention is how long the alerts remember a tender sent to
// an account after the tender closed, and keep a finished digest's mail.
// A tender closed that long ago cannot come back as news, a closing
// reminder or a correction (BuildDigest only takes open tenders, and
// corrections of the tenders sent since the profiles' last send).
const AlertHistoryRetention = 90 * 24 * time.Hour

// PruneAlertHistory applies AlertHistoryRetention at now; `fabrique serve`
// calls it daily with the retention of the needs. It returns how many
// sent-tender records and digests were deleted.
func (s *Server) PruneAlertHistory(ctx context.Context, now time.Time) (sent, digests int, err error) {
	return s.store.PruneAlertHistory(ctx, now.Add(-AlertHistoryRetention))
}
