package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestFormPostsAreLimitedPerClient posts the need form past the client's
// budget: the extra posts get 429 with Retry-After and store nothing,
// reading pages stays free, and the budget comes back with time.
func TestFormPostsAreLimitedPerClient(t *testing.T) {
	s := newSearchServer(t, Config{})
	clock := &manualClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.formLimiter = newFormLimiter(RateLimit{PerSecond: 0.5, Burst: 3}, clock.now)

	for i := range 3 {
		form := validNeedForm()
		form.Set("title", form.Get("title")+" n°"+string(rune('1'+i)))
		if r := s.postForm(t, "/besoin", form); r.status != http.StatusSeeOther {
			t.Fatalf("post %d = %d, want 303", i+1, r.status)
		}
	}
	form := validNeedForm()
	form.Set("title", "Besoin de trop")
	r := s.postForm(t, "/besoin", form)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" {
		t.Fatalf("4th post = %d (Retry-After %q), want 429 with Retry-After 2", r.status, r.header.Get("Retry-After"))
	}
	mustContain(t, "429 page", r.body, "Trop de demandes")
	if r := s.get(t, "/besoin"); r.status != http.StatusOK {
		t.Errorf("GET /besoin while throttled = %d, want 200", r.status)
	}
	clock.add(2 * time.Second)
	if r := s.postForm(t, "/besoin", form); r.status != http.StatusSeeOther {
		t.Errorf("post after 2 s = %d, want 303", r.status)
	}
}

func TestNeedDescriptionIsCapped(t *testing.T) {
	s := newSearchServer(t, Config{})
	tests := []struct {
		name  string
		runes int
		want  int
	}{
		{"at the cap", maxDescriptionRunes, http.StatusSeeOther},
		{"one character over", maxDescriptionRunes + 1, http.StatusBadRequest},
		{"the hostile test's 19 000 characters", 19000, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := validNeedForm()
			form.Set("description", strings.Repeat("é", tt.runes))
			r := s.postForm(t, "/besoin", form)
			if r.status != tt.want {
				t.Fatalf("description of %d characters: %d, want %d", tt.runes, r.status, tt.want)
			}
			if tt.want == http.StatusBadRequest {
				mustContain(t, "form", r.body, "la description est limitée à 4 000 caractères")
			}
		})
	}
}

func TestPruneNeedsKeepsThemForTheRetentionPeriod(t *testing.T) {
	s := newSearchServer(t, Config{})
	ctx := context.Background()
	r := s.postForm(t, "/besoin", validNeedForm())
	if r.status != http.StatusSeeOther {
		t.Fatalf("post = %d", r.status)
	}
	page := r.header.Get("Location")
	other := loadNotice(t, "cn_24_FRA_comments.xml")
	putTenders(t, s, other)

	if n, err := s.PruneNeeds(ctx, time.Now().Add(NeedRetention-time.Hour)); n != 0 || err != nil {
		t.Fatalf("prune within the retention period = %d, %v; want nothing deleted", n, err)
	}
	if r := s.get(t, page); r.status != http.StatusOK {
		t.Fatalf("GET %s = %d within the retention period", page, r.status)
	}
	if n, err := s.PruneNeeds(ctx, time.Now().Add(NeedRetention+time.Hour)); n != 1 || err != nil {
		t.Fatalf("prune after the retention period = %d, %v; want the need deleted", n, err)
	}
	if r := s.get(t, page); r.status != http.StatusNotFound {
		t.Errorf("GET %s = %d after the retention period, want 404", page, r.status)
	}
	if _, err := s.store.Tender(ctx, other.ID); err != nil {
		t.Errorf("a tender that is not a need was pruned: %v", err)
	}
}
