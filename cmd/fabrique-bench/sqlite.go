package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	_ "modernc.org/sqlite" // the FTS5 baseline (pure Go SQLite)

	"fabrique/data"
	"fabrique/index/synth"
)

// sqliteEngine is the SQLite FTS5 baseline: the same text fields with
// bm25 weights like the index's, facets counted over the match set, and
// radius searches by a bounding box on an indexed latitude refined with
// the great-circle distance. French words are matched by a six-letter
// prefix, the usual poor man's stemming with FTS5 (it has no French
// stemmer).
type sqliteEngine struct {
	path string
	db   *sql.DB
}

func newSQLiteEngine(dir string) *sqliteEngine {
	return &sqliteEngine{path: filepath.Join(dir, "fts5.db")}
}

func (e *sqliteEngine) name() string { return "sqlite" }

func (e *sqliteEngine) build(ctx context.Context, sups []data.Supplier) error {
	db, err := sql.Open("sqlite", e.path)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	e.db = db
	if err := execAll(ctx, db,
		`PRAGMA journal_mode=OFF`, `PRAGMA synchronous=OFF`, `PRAGMA cache_size=-200000`,
		`DROP TABLE IF EXISTS sup`, `DROP TABLE IF EXISTS sup_multi`, `DROP TABLE IF EXISTS fts`,
		`CREATE TABLE sup(rid INTEGER PRIMARY KEY, id TEXT, name TEXT, region TEXT, dep TEXT,
			naf_section TEXT, naf_division TEXT, headcount TEXT, lat REAL, lon REAL)`,
		`CREATE TABLE sup_multi(rid INTEGER, facet TEXT, value TEXT)`,
		`CREATE VIRTUAL TABLE fts USING fts5(name, offer, nomenclature, description,
			tokenize="unicode61 remove_diacritics 2")`,
	); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insSup, err := tx.PrepareContext(ctx, `INSERT INTO sup VALUES (?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	insMulti, err := tx.PrepareContext(ctx, `INSERT INTO sup_multi VALUES (?,?,?)`)
	if err != nil {
		return err
	}
	insFTS, err := tx.PrepareContext(ctx, `INSERT INTO fts(rowid, name, offer, nomenclature, description) VALUES (?,?,?,?,?)`)
	if err != nil {
		return err
	}
	for i, s := range sups {
		rid := i + 1
		t := textOf(s)
		var lat, lon any
		if s.Address.HasGeo() {
			lat, lon = s.Address.Lat, s.Address.Lon
		}
		if _, err := insSup.ExecContext(ctx, rid, s.ID, s.Name, s.Address.Region, s.Address.Departement, t.nafSection,
			data.NAFDivision(s.NAF), s.HeadcountBand, lat, lon); err != nil {
			return err
		}
		for _, m := range multiValues(s, t) {
			if _, err := insMulti.ExecContext(ctx, rid, m[0], m[1]); err != nil {
				return err
			}
		}
		if _, err := insFTS.ExecContext(ctx, rid, t.name, t.offer, t.nomenclature, t.description); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return execAll(ctx, db, `CREATE INDEX sup_lat ON sup(lat)`, `CREATE INDEX sup_multi_rid ON sup_multi(rid)`,
		`INSERT INTO fts(fts) VALUES('optimize')`, `ANALYZE`)
}

// multiValues are the (facet, value) pairs of a supplier's multi-valued
// facets, each once.
func multiValues(s data.Supplier, t supplierText) [][2]string {
	var out [][2]string
	for _, d := range t.cpvDivisions {
		out = append(out, [2]string{"cpv_division", d})
	}
	for _, l := range t.labels {
		out = append(out, [2]string{"label", l})
	}
	for _, a := range s.Activities {
		out = append(out, [2]string{"univers", a})
	}
	return out
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func execAll(ctx context.Context, db execer, stmts ...string) error {
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(stmt)[0], err)
		}
	}
	return nil
}

func (e *sqliteEngine) close() error {
	if e.db == nil {
		return nil
	}
	return e.db.Close()
}

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

func (e *sqliteEngine) text(ctx context.Context, text string, facets bool) (int, []string, error) {
	expr := matchExpr(text)
	if expr == "" {
		return 0, nil, nil
	}
	ids, err := queryStrings(ctx, e.db, `SELECT s.id FROM fts JOIN sup s ON s.rid = fts.rowid
		WHERE fts MATCH ? ORDER BY bm25(fts, 4.0, 2.5, 1.5, 0.8) LIMIT 20`, expr)
	if err != nil {
		return 0, nil, err
	}
	var total int
	if err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM fts WHERE fts MATCH ?`, expr).Scan(&total); err != nil {
		return 0, nil, err
	}
	if !facets {
		return total, ids, nil
	}
	counts := facetCounts{}
	rows, err := e.db.QueryContext(ctx, `SELECT s.region, s.dep, s.naf_section, s.naf_division, s.headcount
		FROM fts JOIN sup s ON s.rid = fts.rowid WHERE fts MATCH ?`, expr)
	if err != nil {
		return 0, nil, err
	}
	if err := counts.addColumns(rows); err != nil {
		return 0, nil, err
	}
	rows, err = e.db.QueryContext(ctx, `SELECT m.facet, m.value, count(*) FROM fts
		JOIN sup_multi m ON m.rid = fts.rowid WHERE fts MATCH ? GROUP BY m.facet, m.value`, expr)
	if err != nil {
		return 0, nil, err
	}
	if err := counts.addGrouped(rows); err != nil {
		return 0, nil, err
	}
	return total, ids, nil
}

func (e *sqliteEngine) radius(ctx context.Context, p synth.Place, km float64) (int, []string, error) {
	minLat, maxLat, minLon, maxLon := boundingBox(p, km)
	rows, err := e.db.QueryContext(ctx, `SELECT id, lat, lon FROM sup
		WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?`, minLat, maxLat, minLon, maxLon)
	if err != nil {
		return 0, nil, err
	}
	type cand struct {
		id string
		d  float64
	}
	var in []cand
	for rows.Next() {
		var c cand
		var lat, lon float64
		if err := rows.Scan(&c.id, &lat, &lon); err != nil {
			rows.Close()
			return 0, nil, err
		}
		if c.d = data.DistanceKm(p.Lat, p.Lon, lat, lon); c.d <= km {
			in = append(in, c)
		}
	}
	if err := rows.Close(); err != nil {
		return 0, nil, err
	}
	slices.SortFunc(in, func(a, b cand) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	ids := make([]string, 0, 20)
	for _, c := range in[:min(20, len(in))] {
		ids = append(ids, c.id)
	}
	return len(in), ids, nil
}

// facetCounts are the facet counts of a result set: facet → value → n.
type facetCounts map[string]map[string]int

func (f facetCounts) add(facet, value string, n int) {
	if value == "" {
		return
	}
	if f[facet] == nil {
		f[facet] = map[string]int{}
	}
	f[facet][value] += n
}

// addColumns counts rows of (region, département, NAF section, NAF
// division, headcount band), one row per supplier.
func (f facetCounts) addColumns(rows *sql.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var v [5]sql.NullString
		if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
			return err
		}
		for i, facet := range []string{"region", "departement", "naf_section", "naf_division", "headcount"} {
			f.add(facet, v[i].String, 1)
		}
	}
	return rows.Err()
}

// addGrouped adds rows of (facet, value, count).
func (f facetCounts) addGrouped(rows *sql.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var facet, value string
		var n int
		if err := rows.Scan(&facet, &value, &n); err != nil {
			return err
		}
		f.add(facet, value, n)
	}
	return rows.Err()
}

func queryStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
