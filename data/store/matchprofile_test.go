package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// fullSupplier has every field the profile keeps set, and others beside,
// with an invalid UTF-8 byte and times in several zones.
func fullSupplier(n int) data.Supplier {
	s := synthetic(n, "35")
	paris := time.FixedZone("CET", 3600)
	s.TradeNames = []string{"Vitraux d'Armor", "Atelier \xffbleu"}
	s.Address = data.Address{Street: "3 rue des Forges", Postcode: "35000", Commune: "Rennes", CommuneINSEE: "35238",
		Departement: "35", Region: "53", NUTS3: "FRH03", Country: "FR", Lat: 48.1147, Lon: -1.6794, Precision: data.GeoExact}
	s.Establishments = []data.Establishment{
		{SIRET: siretOf(s.SIREN, 2), Production: true, Valid: true, Address: data.Address{Postcode: "22000", Departement: "22"}},
		{SIRET: siretOf(s.SIREN, 1), HeadOffice: true, Valid: true, TradeName: "Siège", Address: s.Address},
	}
	s.NAF, s.NAFLabel, s.NAFLegacy = "23.19Z", "Fabrication et façonnage d'autres articles en verre (23.19Z)", "26.1J"
	s.HeadcountBand, s.Category, s.TurnoverBand, s.LargestContractEUR = "12", "PME", "T3", 480_000
	s.Certifications = []data.Certification{{Name: "Qualibat 1552", ValidUntil: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}
	s.Website, s.Logo = "https://vitraux.example", "logo-1"
	s.Contacts = []data.Contact{{Name: "Anne", Email: "anne@vitraux.example"}}
	s.Description = "Création et restauration de vitraux, verrières et dalles de verre."
	s.Activities = []string{"Vitrail", "Arts de la table"}
	s.Products = []string{"vitraux", "verrières", "dalles de verre"}
	s.CPVDeclared, s.CPVInferred = []string{"45262800"}, []string{"44221000", "45421000"}
	s.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRegions, RadiusKm: 120.5, Codes: []string{"53", "52"}}
	s.Labels = []data.Label{
		{Type: data.LabelEPV, Scope: data.ScopeCompany, Category: "Architecture et jardins", Source: "epv",
			GrantedAt: time.Date(2019, 5, 2, 0, 0, 0, 0, paris), ExpiresAt: time.Date(2029, 5, 2, 0, 0, 0, 0, time.UTC),
			FirstSeen: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "Vitraux plombés", Source: "ofg",
			NotRefoundSince: time.Date(2026, 3, 1, 12, 30, 0, 5, time.Local)},
	}
	s.Extra = map[string]string{"visites": "oui"}
	s.Defects = []string{"SIRET invalide"}
	s.Register = &data.RegisterIdentity{Found: true, LegalName: "VITRAUX D'ARMOR", Ceased: n%2 == 0}
	s.ClaimedBy = "acc-1"
	return s
}

// TestMatchProfileFields: every field of data.Supplier is either kept by
// the profile, as the record gives it back, or named as dropped: a new
// field must be placed, so that the matcher never scores an empty one.
func TestMatchProfileFields(t *testing.T) {
	dropped := []string{"NAFLegacy", "Category", "Certifications", "Logo", "Website", "Contacts", "Extra",
		"Provenance", "Defects", "Merges", "ClaimedBy", "CreatedAt", "UpdatedAt"}
	typ := reflect.TypeFor[data.Supplier]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if !slices.Contains(MatchProfileFields, name) && !slices.Contains(dropped, name) {
			t.Errorf("data.Supplier.%s is neither kept in the match profile nor dropped: place it", name)
		}
	}
	// The record as the store gives it back, and its profile.
	in := fullSupplier(1)
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var rec data.Supplier
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	got := MatchProfile(&in)
	if fromRecord := MatchProfile(&rec); !reflect.DeepEqual(jsonOf(t, got), jsonOf(t, fromRecord)) {
		t.Errorf("the profile of the record in memory differs from that of the stored record:\n%s\n%s", jsonOf(t, got), jsonOf(t, fromRecord))
	}
	rv, gv := reflect.ValueOf(rec), reflect.ValueOf(got)
	for _, name := range MatchProfileFields {
		want, have := rv.FieldByName(name).Interface(), gv.FieldByName(name).Interface()
		switch name {
		case "Establishments":
			office, _ := rec.HeadOffice()
			office = data.Establishment{SIRET: office.SIRET, HeadOffice: office.HeadOffice, Address: office.Address}
			office.Address.Street = ""
			want = []data.Establishment{office}
		case "Address":
			a := rec.Address
			a.Street = ""
			want = a
		case "Labels":
			var ls []data.Label
			for _, l := range rec.Labels {
				ls = append(ls, data.Label{Type: l.Type, Scope: l.Scope, SIRET: l.SIRET, Range: l.Range, Category: l.Category,
					GrantedAt: l.GrantedAt, ExpiresAt: l.ExpiresAt, NotRefoundSince: l.NotRefoundSince})
			}
			want = ls
		case "Register":
			if got.Ceased() != rec.Ceased() {
				t.Errorf("Ceased = %v, want %v", got.Ceased(), rec.Ceased())
			}
			continue
		}
		if jsonOf(t, want) != jsonOf(t, have) {
			t.Errorf("%s = %s, want %s", name, jsonOf(t, have), jsonOf(t, want))
		}
	}
	for _, name := range dropped {
		if !gv.FieldByName(name).IsZero() {
			t.Errorf("%s is kept: %v", name, gv.FieldByName(name))
		}
	}
	if got.TradeNames[1] != "Atelier \uFFFDbleu" {
		t.Errorf("invalid UTF-8 kept as %q, want it as the JSON record gives it back", got.TradeNames[1])
	}
	if !got.Labels[0].GrantedAt.Equal(in.Labels[0].GrantedAt) || got.Labels[0].GrantedAt.Format(time.RFC3339) != "2019-05-02T00:00:00+01:00" {
		t.Errorf("GrantedAt = %v, want %v in its zone", got.Labels[0].GrantedAt, in.Labels[0].GrantedAt)
	}
	if !got.Labels[1].NotRefoundSince.Equal(in.Labels[1].NotRefoundSince) {
		t.Errorf("NotRefoundSince = %v, want %v", got.Labels[1].NotRefoundSince, in.Labels[1].NotRefoundSince)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// profiles reads the match profiles of ids.
func profiles(t *testing.T, s *Store, ids ...string) []*data.Supplier {
	t.Helper()
	out := make([]*data.Supplier, len(ids))
	err := s.MatchProfiles(context.Background(), ids, func(i int, p *data.Supplier) error {
		if p != nil {
			c := *p // valid during the call only
			out[i] = &c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wantProfile fails unless p is the profile of the stored supplier id.
func wantProfile(t *testing.T, s *Store, id string, p *data.Supplier) {
	t.Helper()
	rec, err := s.Supplier(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p == nil {
		t.Fatalf("no profile for %s", id)
	}
	if want := MatchProfile(&rec); jsonOf(t, *p) != jsonOf(t, want) {
		t.Errorf("profile of %s:\n got %s\nwant %s", id, jsonOf(t, *p), jsonOf(t, want))
	}
}

// TestMatchProfilesFollowWrites: every way a supplier is written or
// deleted updates its profile in the same transaction.
func TestMatchProfilesFollowWrites(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	a, b := fullSupplier(1), fullSupplier(2)
	if err := s.PutSupplier(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertCrawled(ctx, []data.Supplier{b, synthetic(3, "70")}, "crawl"); err != nil {
		t.Fatal(err)
	}
	got := profiles(t, s, a.ID, "999999999", b.ID, sirenN(3))
	if got[1] != nil {
		t.Errorf("a missing supplier has a profile: %+v", got[1])
	}
	wantProfile(t, s, a.ID, got[0])
	wantProfile(t, s, b.ID, got[2])
	wantProfile(t, s, sirenN(3), got[3])
	mustCheck(t, s)

	a.Products = []string{"vitraux", "mosaïques"}
	a.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	if err := s.PutSupplier(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	p := profiles(t, s, a.ID)[0]
	wantProfile(t, s, a.ID, p)
	if !slices.Equal(p.Products, a.Products) || p.ServiceArea.Kind != data.ServiceAreaFrance {
		t.Errorf("after an update the profile has %v, %v", p.Products, p.ServiceArea)
	}
	if err := s.DeleteSupplier(ctx, b.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if p := profiles(t, s, b.ID)[0]; p != nil {
		t.Errorf("a deleted supplier keeps its profile: %+v", p)
	}
	mustCheck(t, s)

	// fn's error stops the reading.
	stop := errors.New("stop")
	calls := 0
	err := s.MatchProfiles(ctx, []string{a.ID, sirenN(3)}, func(int, *data.Supplier) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("MatchProfiles = %v after %d calls, want fn's error after 1", err, calls)
	}
}

// TestMatchProfilesFill: a store written before the profiles (schema 5),
// and one whose fill was interrupted, get every profile at Open; until
// then MatchProfiles reads the records.
func TestMatchProfilesFill(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		undo func(tx *bolt.Tx) error
	}{
		{"store of schema 5", func(tx *bolt.Tx) error {
			if err := tx.DeleteBucket(bucketMatchProfiles); err != nil {
				return err
			}
			return setSchemaVersion(tx, 5)
		}},
		{"fill interrupted", func(tx *bolt.Tx) error {
			// Some profiles written, not the mark: as after a crash.
			return tx.Bucket(bucketMatchProfiles).Delete([]byte(sirenN(matchProfileChunk + 3)))
		}},
		{"a profile of an unknown format", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMatchProfiles).Put([]byte(sirenN(2)), []byte{99, 1, 2})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t, Options{NoSync: true, Now: newClock().Now})
			var sups []data.Supplier
			for n := 1; n <= matchProfileChunk+10; n++ {
				sups = append(sups, synthetic(n, "70"))
			}
			sups[1] = fullSupplier(2)
			if _, err := s.UpsertCrawled(ctx, sups, "crawl"); err != nil {
				t.Fatal(err)
			}
			ids := []string{sirenN(2), sirenN(matchProfileChunk + 3), sirenN(7)}
			want := profiles(t, s, ids...)
			err := s.db.Update(func(tx *bolt.Tx) error {
				if err := tt.undo(tx); err != nil {
					return err
				}
				return tx.Bucket(bucketMeta).Delete(keyMatchProfilesFilled)
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.name != "store of schema 5" {
				// Before the fill, the records stand in for the missing profiles.
				for i, p := range profiles(t, s, ids...) {
					if jsonOf(t, p) != jsonOf(t, want[i]) {
						t.Errorf("before the fill, %s reads %s, want %s", ids[i], jsonOf(t, p), jsonOf(t, want[i]))
					}
				}
			}
			path := s.Path()
			_ = s.Close()
			var logs bytes.Buffer
			s, err = Open(path, Options{NoSync: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if !strings.Contains(logs.String(), "match profiles written") {
				t.Errorf("the fill was not logged: %q", logs.String())
			}
			mustCheck(t, s) // every supplier has its profile, each equal to its record's
			for i, p := range profiles(t, s, ids...) {
				wantProfile(t, s, ids[i], p)
			}
			err = s.db.View(func(tx *bolt.Tx) error {
				if n := tx.Bucket(bucketMatchProfiles).Stats().KeyN; n != len(sups) {
					t.Errorf("%d profiles, want %d", n, len(sups))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCheckFindsABadMatchProfile: a profile written behind the store's
// back, or left behind, is reported.
func TestCheckFindsABadMatchProfile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		corrupt func(tx *bolt.Tx) error
		want    string
	}{
		{"stale", func(tx *bolt.Tx) error {
			other := fullSupplier(1)
			other.Products = nil
			return tx.Bucket(bucketMatchProfiles).Put([]byte(other.ID), appendMatchProfile(nil, &other))
		}, "the profile of supplier \"" + sirenN(1) + "\" differs from its record"},
		{"orphan", func(tx *bolt.Tx) error {
			other := synthetic(9, "70")
			return tx.Bucket(bucketMatchProfiles).Put([]byte(other.ID), appendMatchProfile(nil, &other))
		}, "profile \"" + sirenN(9) + "\" has no supplier"},
		{"missing", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMatchProfiles).Delete([]byte(sirenN(1)))
		}, "supplier \"" + sirenN(1) + "\" has no match profile"},
		{"damaged", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMatchProfiles).Put([]byte(sirenN(1)), []byte{matchProfileFormat, 0, 0xff})
		}, "the profile of supplier \"" + sirenN(1) + "\" differs from its record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t, Options{NoSync: true, Now: newClock().Now})
			if err := s.PutSupplier(ctx, fullSupplier(1), "test"); err != nil {
				t.Fatal(err)
			}
			mustCheck(t, s)
			if err := s.db.Update(tt.corrupt); err != nil {
				t.Fatal(err)
			}
			err := s.Check(ctx)
			if !errors.Is(err, ErrInconsistent) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want ErrInconsistent saying %q", err, tt.want)
			}
			// A match still reads the record of a supplier whose profile
			// is missing or damaged.
			if tt.name == "missing" || tt.name == "damaged" {
				wantProfile(t, s, sirenN(1), profiles(t, s, sirenN(1))[0])
			}
		})
	}
}

// FuzzMatchProfile: a profile never makes the decoder panic, and what it
// accepts encodes to a profile that decodes to the same supplier.
func FuzzMatchProfile(f *testing.F) {
	full := fullSupplier(2)
	f.Add(appendMatchProfile(nil, &full))
	plain := synthetic(1, "70")
	f.Add(appendMatchProfile(nil, &plain))
	f.Add([]byte{matchProfileFormat, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := decodeMatchProfile(raw)
		if err != nil {
			return
		}
		again := appendMatchProfile(nil, &p)
		q, err := decodeMatchProfile(again)
		if err != nil {
			t.Fatalf("the encoding of a decoded profile does not decode: %v", err)
		}
		if !bytes.Equal(appendMatchProfile(nil, &q), again) {
			t.Fatalf("re-encoding is unstable")
		}
	})
}

// BenchmarkMatchProfileDecode decodes a supplier's match profile, against
// its whole JSON record: what a match pays per candidate.
func BenchmarkMatchProfileDecode(b *testing.B) {
	s := fullSupplier(1)
	s.Description = strings.Repeat("Création et restauration de vitraux, verrières et dalles de verre. ", 5)
	raw, err := json.Marshal(s)
	if err != nil {
		b.Fatal(err)
	}
	profile := appendMatchProfile(nil, &s)
	b.Run("profile", func(b *testing.B) {
		b.ReportMetric(float64(len(profile)), "bytes")
		for b.Loop() {
			if _, err := decodeMatchProfile(profile); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportMetric(float64(len(raw)), "bytes")
		for b.Loop() {
			var rec data.Supplier
			if err := json.Unmarshal(raw, &rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}
