package index_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the FTS5 baseline of the benchmark (pure Go SQLite)

	"fabrique/data"
	"fabrique/index"
)

// ftsEngine is the SQLite FTS5 baseline: the same suppliers, the same text
// fields and weights, facets counted over the match set, and radius
// searches by a bounding box on an indexed latitude refined with the
// great-circle distance. French words are matched by a six-letter prefix,
// the usual poor man's stemming with FTS5.
type ftsEngine struct {
	db *sql.DB
}

func newFTSEngine(dir string, sups []data.Supplier) (*ftsEngine, time.Duration, error) {
	start := time.Now()
	db, err := sql.Open("sqlite", filepath.Join(dir, "fts.db"))
	if err != nil {
		return nil, 0, err
	}
	db.SetMaxOpenConns(1)
	e := &ftsEngine{db: db}
	for _, stmt := range []string{
		`PRAGMA journal_mode=OFF`, `PRAGMA synchronous=OFF`, `PRAGMA cache_size=-200000`,
		`CREATE TABLE sup(rid INTEGER PRIMARY KEY, id TEXT, name TEXT, region TEXT, dep TEXT,
			naf_section TEXT, naf_division TEXT, headcount TEXT, lat REAL, lon REAL)`,
		`CREATE TABLE sup_multi(rid INTEGER, facet TEXT, value TEXT)`,
		`CREATE VIRTUAL TABLE fts USING fts5(name, offer, nomenclature, description,
			tokenize="unicode61 remove_diacritics 2")`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, 0, err
	}
	insSup, _ := tx.Prepare(`INSERT INTO sup VALUES (?,?,?,?,?,?,?,?,?,?)`)
	insMulti, _ := tx.Prepare(`INSERT INTO sup_multi VALUES (?,?,?)`)
	insFTS, _ := tx.Prepare(`INSERT INTO fts(rowid, name, offer, nomenclature, description) VALUES (?,?,?,?,?)`)
	for i, s := range sups {
		rid := i + 1
		section := ""
		if n, ok := data.LookupNAF(s.NAF); ok {
			section = n.Section
		}
		var lat, lon any
		if s.Address.HasGeo() {
			lat, lon = s.Address.Lat, s.Address.Lon
		}
		if _, err := insSup.Exec(rid, s.ID, s.Name, s.Address.Region, s.Address.Departement, section,
			data.NAFDivision(s.NAF), s.HeadcountBand, lat, lon); err != nil {
			return nil, 0, err
		}
		var offer, nomenclature []string
		offer = append(append(offer, s.Products...), s.Activities...)
		nomenclature = append(nomenclature, s.NAFLabel)
		seen := map[string]bool{}
		for _, c := range s.CPVAll() {
			if cc, ok := data.LookupCPV(strings.SplitN(c, "-", 2)[0]); ok {
				nomenclature = append(nomenclature, cc.LabelFR)
				if d := cc.Division; !seen["cpv"+d] {
					seen["cpv"+d] = true
					if _, err := insMulti.Exec(rid, "cpv_division", d); err != nil {
						return nil, 0, err
					}
				}
			}
		}
		for _, l := range s.Labels {
			offer = append(offer, l.Range)
			if !seen["label"+string(l.Type)] {
				seen["label"+string(l.Type)] = true
				if _, err := insMulti.Exec(rid, "label", string(l.Type)); err != nil {
					return nil, 0, err
				}
			}
		}
		for _, a := range s.Activities {
			if _, err := insMulti.Exec(rid, "univers", a); err != nil {
				return nil, 0, err
			}
		}
		if _, err := insFTS.Exec(rid, strings.Join(append([]string{s.Name}, s.TradeNames...), " "),
			strings.Join(offer, " "), strings.Join(nomenclature, " "), s.Description); err != nil {
			return nil, 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, err
	}
	for _, stmt := range []string{
		`CREATE INDEX sup_lat ON sup(lat)`, `CREATE INDEX sup_multi_rid ON sup_multi(rid)`,
		`INSERT INTO fts(fts) VALUES('optimize')`, `ANALYZE`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return e, time.Since(start), nil
}

func (e *ftsEngine) Close() error { return e.db.Close() }

// matchExpr turns buyer text into an FTS5 expression: every word, by a
// prefix of at most six letters.
func matchExpr(text string) string {
	var parts []string
	for _, w := range data.Words(text) {
		if len(w) < 3 {
			continue
		}
		r := []rune(w)
		if len(r) > 6 {
			r = r[:6]
		}
		parts = append(parts, `"`+string(r)+`"*`)
	}
	return strings.Join(parts, " AND ")
}

// search returns the total and the first page of ids, and counts facets
// when asked.
func (e *ftsEngine) search(ctx context.Context, text string, facets bool) (int, []string, map[string]map[string]int, error) {
	expr := matchExpr(text)
	if expr == "" {
		return 0, nil, nil, nil
	}
	rows, err := e.db.QueryContext(ctx, `SELECT s.id FROM fts JOIN sup s ON s.rid = fts.rowid
		WHERE fts MATCH ? ORDER BY bm25(fts, 4.0, 2.5, 1.5, 0.8) LIMIT 20`, expr)
	if err != nil {
		return 0, nil, nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, nil, nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var total int
	if err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM fts WHERE fts MATCH ?`, expr).Scan(&total); err != nil {
		return 0, nil, nil, err
	}
	if !facets {
		return total, ids, nil, nil
	}
	counts := map[string]map[string]int{}
	inc := func(f, v string) {
		if v == "" {
			return
		}
		if counts[f] == nil {
			counts[f] = map[string]int{}
		}
		counts[f][v]++
	}
	rows, err = e.db.QueryContext(ctx, `SELECT s.region, s.dep, s.naf_section, s.naf_division, s.headcount
		FROM fts JOIN sup s ON s.rid = fts.rowid WHERE fts MATCH ?`, expr)
	if err != nil {
		return 0, nil, nil, err
	}
	for rows.Next() {
		var reg, dep, sec, div, hc sql.NullString
		if err := rows.Scan(&reg, &dep, &sec, &div, &hc); err != nil {
			rows.Close()
			return 0, nil, nil, err
		}
		inc("region", reg.String)
		inc("departement", dep.String)
		inc("naf_section", sec.String)
		inc("naf_division", div.String)
		inc("headcount", hc.String)
	}
	rows.Close()
	rows, err = e.db.QueryContext(ctx, `SELECT m.facet, m.value, count(*) FROM fts
		JOIN sup_multi m ON m.rid = fts.rowid WHERE fts MATCH ? GROUP BY m.facet, m.value`, expr)
	if err != nil {
		return 0, nil, nil, err
	}
	for rows.Next() {
		var f, v string
		var n int
		if err := rows.Scan(&f, &v, &n); err != nil {
			rows.Close()
			return 0, nil, nil, err
		}
		if counts[f] == nil {
			counts[f] = map[string]int{}
		}
		counts[f][v] += n
	}
	rows.Close()
	return total, ids, counts, nil
}

// radius returns the number of suppliers within km of p and the ids of the
// nearest 20.
func (e *ftsEngine) radius(ctx context.Context, p index.Point, km float64) (int, []string, error) {
	dLat := km / 111.2
	dLon := km / (111.2 * math.Cos(p.Lat*math.Pi/180))
	rows, err := e.db.QueryContext(ctx, `SELECT rid, lat, lon FROM sup
		WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?`, p.Lat-dLat, p.Lat+dLat, p.Lon-dLon, p.Lon+dLon)
	if err != nil {
		return 0, nil, err
	}
	type cand struct {
		rid int64
		d   float64
	}
	var in []cand
	for rows.Next() {
		var c cand
		var lat, lon float64
		if err := rows.Scan(&c.rid, &lat, &lon); err != nil {
			rows.Close()
			return 0, nil, err
		}
		if c.d = data.DistanceKm(p.Lat, p.Lon, lat, lon); c.d <= km {
			in = append(in, c)
		}
	}
	rows.Close()
	slices.SortFunc(in, func(a, b cand) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return 0
	})
	var ids []string
	for _, c := range in[:min(20, len(in))] {
		var id string
		if err := e.db.QueryRowContext(ctx, `SELECT id FROM sup WHERE rid = ?`, c.rid).Scan(&id); err != nil {
			return 0, nil, err
		}
		ids = append(ids, id)
	}
	return len(in), ids, nil
}
