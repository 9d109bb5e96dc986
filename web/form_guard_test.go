package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fabrique/data"
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

// TestNeedDescriptionIsCapped checks that the form, its textarea and the
// API agree on data.MaxNeedText characters of title and description, and
// that a text far too long is not sent back whole.
func TestNeedDescriptionIsCapped(t *testing.T) {
	s := newSearchServer(t, Config{})
	if r := s.get(t, "/besoin"); !strings.Contains(r.body, `maxlength="`+strconv.Itoa(data.MaxNeedText)+`"`) {
		t.Errorf("the textarea does not say maxlength=%d", data.MaxNeedText)
	}
	title := utf8.RuneCountInString(validNeedForm().Get("title"))
	tests := []struct {
		name  string
		runes int
		want  int
		echo  bool // the description comes back whole
	}{
		{"at the cap, title included", data.MaxNeedText - title, http.StatusSeeOther, false},
		{"the 19 000 characters the old cap refused", 19000, http.StatusSeeOther, false},
		{"one character over", data.MaxNeedText - title + 1, http.StatusBadRequest, true},
		{"half as much again: kept to be shortened", data.MaxNeedText * 3 / 2, http.StatusBadRequest, true},
		{"3 MB: not sent back", 3 << 20, http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := validNeedForm()
			desc := strings.Repeat("a", tt.runes-1) + "é"
			form.Set("description", desc)
			r := s.postForm(t, "/besoin", form)
			if r.status != tt.want {
				t.Fatalf("description of %d characters: %d, want %d", tt.runes, r.status, tt.want)
			}
			if tt.want != http.StatusBadRequest {
				return
			}
			mustContain(t, "form", r.body, "la description est limitée à "+formatNumber(data.MaxNeedText)+" caractères, intitulé compris")
			if got := strings.Contains(r.body, ">"+desc+"</textarea>"); got != tt.echo {
				t.Errorf("description sent back whole: %v, want %v", got, tt.echo)
			}
			if len(r.body) > 4*data.MaxNeedText+100<<10 {
				t.Errorf("a page of %d bytes for a description of %d", len(r.body), len(desc))
			}
			if !tt.echo {
				mustContain(t, "form", r.body, ">"+strings.Repeat("a", 1000), "seul son début est repris")
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
