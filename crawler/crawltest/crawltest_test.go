package crawltest

import (
	"context"
	"testing"
	"time"

	"fabrique/data"
)

func listing(id, siren, siret, name, postcode string) data.Supplier {
	s := data.Supplier{ID: id, SIREN: siren, Name: name, Address: data.Address{Postcode: postcode},
		Labels: []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv"}}}
	if siret != "" {
		s.Establishments = []data.Establishment{{SIRET: siret, Valid: data.ValidSIRET(siret) == nil}}
	}
	return s
}

func TestUpsertMatchesLikeTheStore(t *testing.T) {
	tests := []struct {
		name     string
		stored   data.Supplier
		crawled  data.Supplier
		wantNew  int
		wantRule string
	}{
		{"same ID", listing("442701132", "442701132", "44270113200049", "HORUS", "67140"),
			listing("442701132", "442701132", "44270113200049", "HORUS SAS", "67140"), 0, ""},
		{"same SIRET under another key", listing("xaaaa", "", "44270113200049", "HORUS", "67140"),
			listing("442701132", "442701132", "44270113200049", "HORUS", "67140"), 0, "siren"},
		{"name and postcode, one side without SIREN", listing("442701132", "442701132", "44270113200049", "Horus S.A.R.L.", "67140"),
			listing("xbbbb", "", "", "HORUS", "67140"), 0, "name+postcode"},
		{"name and postcode but two SIRENs", listing("483898888", "483898888", "48389888800019", "ADM", "44600"),
			listing("800452716", "800452716", "80045271600015", "GROUPE ADM", "44600"), 1, ""},
		{"same name elsewhere", listing("xcccc", "", "", "HORUS", "67140"),
			listing("xdddd", "", "", "HORUS", "75001"), 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			m.Now = func() time.Time { return time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) }
			ctx := context.Background()
			if _, err := m.UpsertCrawled(ctx, []data.Supplier{tc.stored}, "test"); err != nil {
				t.Fatal(err)
			}
			c, err := m.UpsertCrawled(ctx, []data.Supplier{tc.crawled}, "test")
			if err != nil {
				t.Fatal(err)
			}
			if c.New != tc.wantNew {
				t.Fatalf("new = %d, want %d", c.New, tc.wantNew)
			}
			if tc.wantRule == "" {
				return
			}
			s, _ := m.Supplier(tc.stored.ID)
			if len(s.Merges) != 1 || s.Merges[0].Rule != tc.wantRule || s.Merges[0].SourceKey != tc.crawled.ID {
				t.Errorf("merges = %+v, want one by %s", s.Merges, tc.wantRule)
			}
		})
	}
}

func TestMarkSeenAndNotRefound(t *testing.T) {
	m := New()
	ctx := context.Background()
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	m.Now = func() time.Time { return t0 }
	if _, err := m.UpsertCrawled(ctx, []data.Supplier{listing("a", "", "", "A", "75001"), listing("b", "", "", "B", "75001")}, "test"); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	if err := m.MarkSeen(ctx, "epv", []string{"a", "absent"}, later); err != nil {
		t.Fatal(err)
	}
	n, err := m.MarkNotRefound(ctx, "epv", t0.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("marked %d (%v), want 1", n, err)
	}
	if a, _ := m.Supplier("a"); !a.Labels[0].NotRefoundSince.IsZero() || !a.Labels[0].LastSeen.Equal(later) {
		t.Errorf("seen label: %+v", a.Labels[0])
	}
	if b, _ := m.Supplier("b"); b.Labels[0].NotRefoundSince.IsZero() {
		t.Errorf("unseen label not marked: %+v", b.Labels[0])
	}
}
