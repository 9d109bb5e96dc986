package store

import (
	"bytes"
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// AlertTokenIssued reports whether a profile has a live token of this
// kind and when the newest was made, so that a page can say « des adresses
// de flux sont actives depuis le … » without ever showing the token.
func (s *Store) AlertTokenIssued(ctx context.Context, profileID string, kind data.AlertTokenKind) (time.Time, bool, error) {
	if err := validTokenKind(kind); err != nil {
		return time.Time{}, false, err
	}
	var newest time.Time
	found := false
	err := s.view(ctx, func(tx *bolt.Tx) error {
		idx, tokens := tx.Bucket(bucketAlertTokenProfile), tx.Bucket(bucketAlertTokens)
		if idx == nil || tokens == nil {
			return nil
		}
		prefix := []byte(profileID + "|" + string(kind) + "|")
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var t alertToken
			ok, err := get(tokens, "alert token", string(kind)+"|"+string(k[len(prefix):]), &t)
			if err != nil {
				return err
			}
			if ok && (!found || t.At.After(newest)) {
				newest, found = t.At, true
			}
		}
		return nil
	})
	return newest, found, err
}
