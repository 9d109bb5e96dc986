package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fabrique/data"
)

// Labels are told straight everywhere with data.Label.StateOn: a badge for
// a held label, « EPV expiré le … » for an expired one, never a silent
// missing badge. This file turns a supplier's labels into what the result
// lists, the CSV, the report and the API show.

// now is the server's clock (Config.Now, else time.Now).
func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// stateRank orders label states from the one that says most for the
// company (held) to the one that says least.
func stateRank(st data.LabelState) int {
	switch st {
	case data.LabelValid:
		return 5
	case data.LabelExpiring:
		return 4
	case data.LabelNotYet:
		return 3
	case data.LabelNotRefound:
		return 2
	case data.LabelExpired:
		return 1
	}
	return 0
}

// bestLabels returns, per label type in the order first met, the label
// that stands best on day now (the latest end date among equals).
func bestLabels(labels []data.Label, now time.Time) []data.Label {
	var out []data.Label
	for _, l := range labels {
		i := slices.IndexFunc(out, func(o data.Label) bool { return o.Type == l.Type })
		if i < 0 {
			out = append(out, l)
			continue
		}
		a, b := stateRank(l.StateOn(now)), stateRank(out[i].StateOn(now))
		if a > b || (a == b && l.ExpiresAt.After(out[i].ExpiresAt)) {
			out[i] = l
		}
	}
	return out
}

// supplierBadges are the badges of a supplier's labels on day now: one per
// label type, saying its state when it is not plainly valid.
func supplierBadges(labels []data.Label, now time.Time) []badgeView {
	var out []badgeView
	for _, l := range bestLabels(labels, now) {
		st := l.StateOn(now)
		name := data.LabelName(l.Type)
		if st != data.LabelValid {
			name += " : " + labelStateText(l, now)
		}
		out = append(out, badgeView{Code: string(l.Type), Name: name, Text: labelBadge(l, now), Class: labelStateClass(st)})
	}
	return out
}

// labelStateText is the French sentence of a label's state on day now.
func labelStateText(l data.Label, now time.Time) string {
	switch st := l.StateOn(now); st {
	case data.LabelValid:
		if l.ExpiresAt.IsZero() {
			return "valide"
		}
		return "valide jusqu'au " + frenchDate(l.ExpiresAt)
	case data.LabelExpiring:
		return "valide, expire le " + frenchDate(l.ExpiresAt)
	case data.LabelExpired:
		return "expiré le " + frenchDate(l.ExpiresAt)
	case data.LabelNotRefound:
		return "non retrouvé dans sa source depuis le " + frenchDate(l.NotRefoundSince)
	case data.LabelNotYet:
		return "en vigueur à compter du " + frenchDate(l.GrantedAt)
	default:
		return data.LabelStateName(st)
	}
}

// heldLabels returns the types of the labels held on day now.
func heldLabels(labels []data.Label, now time.Time) []string {
	var out []string
	for _, l := range bestLabels(labels, now) {
		if l.StateOn(now).Holds() {
			out = append(out, string(l.Type))
		}
	}
	return out
}

// labelsCSVNote says, for the CSV, the state of each label: why the
// Labels column is empty when it is.
func labelsCSVNote(labels []data.Label, now time.Time) string {
	var parts []string
	for _, l := range bestLabels(labels, now) {
		parts = append(parts, string(l.Type)+" "+labelStateText(l, now))
	}
	if len(parts) == 0 {
		return "aucun label connu"
	}
	return strings.Join(parts, " ; ")
}

// apiLabelState is a label's state in API answers.
type apiLabelState struct {
	Type      string `json:"type"`
	State     string `json:"state"`      // valid, expiring, expired, not_refound, not_yet
	StateText string `json:"state_text"` // in French
	ExpiresAt string `json:"expires_at,omitempty"`
}

// apiLabelStates are the states of a supplier's labels, one per type.
func apiLabelStates(labels []data.Label, now time.Time) []apiLabelState {
	out := []apiLabelState{}
	for _, l := range bestLabels(labels, now) {
		st := apiLabelState{Type: string(l.Type), State: string(l.StateOn(now)), StateText: labelStateText(l, now)}
		if !l.ExpiresAt.IsZero() {
			st.ExpiresAt = isoDate(l.ExpiresAt)
		}
		out = append(out, st)
	}
	return out
}

// suppliersOf loads the suppliers of ids from the store, in order; a
// supplier the index still lists after its deletion is a zero Supplier.
func (s *Server) suppliersOf(ctx context.Context, ids []string) ([]data.Supplier, error) {
	out := make([]data.Supplier, len(ids))
	for i, id := range ids {
		sup, err := s.store.Supplier(ctx, id)
		switch {
		case errors.Is(err, data.ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("web: supplier %s: %w", id, err)
		default:
			out[i] = sup
		}
	}
	return out, nil
}

// resultStates gives each result the badges of its labels as they stand
// today, read from the store: an expired label shows as such instead of
// vanishing from the list.
func (s *Server) resultStates(ctx context.Context, results []resultView) error {
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.ID
	}
	sups, err := s.suppliersOf(ctx, ids)
	if err != nil {
		return err
	}
	now := s.now()
	for i := range results {
		if sups[i].ID != "" {
			results[i].Labels = supplierBadges(sups[i].Labels, now)
		}
	}
	return nil
}

// firstContacts returns the first e-mail and the first phone published.
func firstContacts(cs []data.Contact) (mail, phone string) {
	for _, c := range cs {
		if mail == "" {
			mail = strings.TrimSpace(c.Email)
		}
		if phone == "" {
			phone = strings.TrimSpace(c.Phone)
		}
	}
	return mail, phone
}
