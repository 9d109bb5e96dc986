package observatory

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
)

// epvRow is one company of the embedded EPV export, counted by hand from
// the raw CSV: rows with the same SIREN are one company whose label is the
// latest grant (as the importer merges them); rows whose SIRET is invalid
// even left-padded are companies of their own.
type epvRow struct {
	region     string // COG code of the stated Région
	end, grant time.Time
}

func epvByHand(t *testing.T) map[string]*epvRow {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data.EmbeddedEPVCSV(), []byte("\ufeff"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]*epvRow{}
	for i, rec := range recs[1:] {
		siret := strings.TrimSpace(rec[col["SIRET"]])
		for len(siret) < 14 {
			siret = "0" + siret
		}
		key := siret[:9]
		if data.ValidSIRET(siret) != nil {
			key = "row " + strconv.Itoa(i) // a company of its own
		}
		reg, ok := data.RegionByName(rec[col["Région"]])
		if !ok {
			t.Fatalf("row %d: région %q unknown", i+2, rec[col["Région"]])
		}
		grant, err1 := time.Parse(time.DateOnly, rec[col["Date de labellisation"]])
		end, err2 := time.Parse(time.DateOnly, rec[col["Date de fin de labellisation"]])
		if err1 != nil || err2 != nil {
			t.Fatalf("row %d: dates: %v %v", i+2, err1, err2)
		}
		if old, ok := out[key]; ok && old.grant.After(grant) {
			continue
		}
		out[key] = &epvRow{region: reg.Code, end: end, grant: grant}
	}
	return out
}

// TestEPVEmbeddedFigures checks the figures on the real EPV list shipped
// in the binary, imported the way serve seeds an empty store, against
// counts of the CSV made by hand.
func TestEPVEmbeddedFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 1 291 companies")
	}
	hand := epvByHand(t)
	sups, _, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()),
		crawler.NormalizeOptions{FetchedAt: day("2026-04-15")})
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	if _, err := st.UpsertCrawled(context.Background(), sups, "test:epv"); err != nil {
		t.Fatal(err)
	}
	f := build(t, st, BuildOptions{Now: day("2026-12-06")})

	check(t, "companies", len(hand), 1291)
	for _, on := range []string{"2026-12-06", "2024-01-01", "2028-06-30"} {
		t.Run("valid on "+on, func(t *testing.T) {
			d := day(on)
			var valid, expired, expiring int
			perRegion, validPerRegion := map[string]int{}, map[string]int{}
			for _, r := range hand {
				perRegion[r.region]++
				switch {
				case !d.Before(r.end):
					expired++
				case d.Before(r.grant):
				case r.end.Sub(d) <= data.LabelExpiringWithin:
					expiring++
					validPerRegion[r.region]++
				default:
					valid++
					validPerRegion[r.region]++
				}
			}
			c := f.Coverage(Filter{Label: data.LabelEPV}, d)
			check(t, "listed", c.Suppliers, len(hand))
			lc := c.Labels[0]
			st := map[data.LabelState]int{}
			for _, s := range lc.States {
				st[s.State] = s.Count
			}
			check(t, "holding (valid + expiring)", lc.Holding, valid+expiring)
			check(t, "valid", st[data.LabelValid], valid)
			check(t, "expiring", st[data.LabelExpiring], expiring)
			check(t, "expired", st[data.LabelExpired], expired)
			if on == "2026-12-06" {
				check(t, "holding on 2026-12-06 (the issue's 1 012)", lc.Holding, 1012)
				check(t, "expired on 2026-12-06 (the issue's 279)", expired, 279)
			}
			for _, a := range c.Regions {
				check(t, "companies in région "+a.Name, a.Listed, perRegion[a.Code])
				check(t, "holding in région "+a.Name, a.Holding, validPerRegion[a.Code])
			}
		})
	}
}
