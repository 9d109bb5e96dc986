package observatory

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// openStore opens a real store in a temporary directory.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// siren returns a valid SIREN made of the 8 digits of n and its Luhn key.
func siren(n int) string {
	base := strconv.Itoa(10000000 + n)[:8]
	for k := 0; k < 10; k++ {
		s := base + strconv.Itoa(k)
		if data.ValidSIREN(s) == nil {
			return s
		}
	}
	panic("no Luhn key")
}

// supplier is a listed company at a commune (INSEE code, "" for none).
func supplier(id int, insee, naf string, labels ...data.Label) data.Supplier {
	s := data.Supplier{ID: siren(id), SIREN: siren(id), Name: "Entreprise " + strconv.Itoa(id), NAF: naf, Labels: labels}
	if insee != "" {
		s.Address = data.ResolveAddress(data.Address{CommuneINSEE: insee})
	}
	return s
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func label(t data.LabelType, granted, expires string) data.Label {
	l := data.Label{Type: t, Scope: data.ScopeCompany, Source: map[data.LabelType]string{data.LabelEPV: "epv", data.LabelOFG: "ofg"}[t],
		LastSeen: day("2026-05-20")}
	if granted != "" {
		l.GrantedAt = day(granted)
	}
	if expires != "" {
		l.ExpiresAt = day(expires)
	}
	return l
}

func putSuppliers(t testing.TB, st *store.Store, sups ...data.Supplier) {
	t.Helper()
	for _, s := range sups {
		if err := st.PutSupplier(context.Background(), s, "test"); err != nil {
			t.Fatalf("PutSupplier %s: %v", s.ID, err)
		}
	}
}

func build(t testing.TB, st *store.Store, opts BuildOptions) *Facts {
	t.Helper()
	f, err := Build(context.Background(), st, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return f
}

func check[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
