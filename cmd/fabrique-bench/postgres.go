package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"fabrique/data"
	"fabrique/index/synth"
)

// errNoPostgres says that no PostgreSQL server is installed: the engine
// is skipped, not failed.
var errNoPostgres = errors.New("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; apt-get install postgresql)")

// pgServer is a throw-away PostgreSQL cluster in a temporary directory,
// listening on a loopback port only, with durability off (fsync,
// synchronous commit and full page writes): it holds a benchmark copy,
// nothing that must survive a crash.
type pgServer struct {
	bin, dir, data, logPath string
	port                    int
	cred                    *syscall.Credential // the postgres user's, when run as root
}

// findPostgres returns the bin directory of the newest installed server.
func findPostgres(binDir string) (string, error) {
	if binDir != "" {
		if _, err := os.Stat(filepath.Join(binDir, "initdb")); err != nil {
			return "", fmt.Errorf("--pg-bin: %w", err)
		}
		return binDir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(dirs) == 0 {
		return "", errNoPostgres
	}
	slices.SortFunc(dirs, func(a, b string) int { return pgMajor(a) - pgMajor(b) })
	return filepath.Dir(dirs[len(dirs)-1]), nil
}

// pgMajor reads the major version in /usr/lib/postgresql/15/bin/initdb.
func pgMajor(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// startPostgres creates a cluster in a new directory under $TMPDIR (where
// the postgres user can reach it) and starts it; stop removes it. initdb
// refuses to run as root: then the cluster belongs to the postgres user
// Debian's package creates.
func startPostgres(ctx context.Context, binDir string) (*pgServer, error) {
	bin, err := findPostgres(binDir)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fabrique-bench-pg-")
	if err != nil {
		return nil, err
	}
	s := &pgServer{bin: bin, dir: dir, data: filepath.Join(dir, "pgdata"), logPath: filepath.Join(dir, "postgres.log")}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, PostgreSQL needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	if s.port, err = freePort(); err != nil {
		return nil, err
	}
	if out, err := s.cmd(ctx, "initdb", "-D", s.data, "-U", "bench", "-A", "trust", "-E", "UTF8", "--no-locale").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	opts := strings.Join([]string{
		"-c listen_addresses=127.0.0.1", "-p " + strconv.Itoa(s.port), "-c unix_socket_directories=" + dir,
		"-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
		"-c shared_buffers=512MB", "-c work_mem=64MB", "-c maintenance_work_mem=1GB",
		"-c max_wal_size=8GB", "-c jit=off",
	}, " ")
	// The server inherits pg_ctl's output: a file, not a pipe, or waiting
	// for pg_ctl would wait for the server's end.
	out, err := os.Create(filepath.Join(dir, "pg_ctl.log"))
	if err != nil {
		return nil, err
	}
	defer out.Close()
	start := s.cmd(ctx, "pg_ctl", "-D", s.data, "-l", s.logPath, "-w", "-t", "120", "-o", opts, "start")
	start.Stdout, start.Stderr = out, out
	if err := start.Run(); err != nil {
		msg, _ := os.ReadFile(out.Name())
		log, _ := os.ReadFile(s.logPath)
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, msg, log)
	}
	ok = true
	return s, nil
}

func (s *pgServer) cmd(ctx context.Context, name string, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, filepath.Join(s.bin, name), args...)
	c.Env = append(os.Environ(), "LC_ALL=C")
	if s.cred != nil {
		c.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return c
}

// stop stops the server (fast shutdown: sessions are cut) and removes
// its directory.
func (s *pgServer) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := s.cmd(ctx, "pg_ctl", "-D", s.data, "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return os.RemoveAll(s.dir)
}

func (s *pgServer) version() string {
	out, err := s.cmd(context.Background(), "postgres", "--version").Output()
	if err != nil {
		return "PostgreSQL"
	}
	return strings.TrimSpace(string(out))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// pgEngine is PostgreSQL full-text search: the four text fields in one
// tsvector of the `french` configuration (Snowball stemmer), weighted A
// to D like the index's fields, a GIN index on it, ranked by ts_rank;
// facets grouped by the server; radius searches by a bounding box on an
// indexed latitude refined with the same great-circle distance as
// data.DistanceKm.
type pgEngine struct {
	srv *pgServer
	db  *sql.DB
}

func newPGEngine(srv *pgServer) *pgEngine { return &pgEngine{srv: srv} }

func (e *pgEngine) name() string { return "postgres" }

func (e *pgEngine) build(ctx context.Context, sups []data.Supplier) error {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=127.0.0.1 port=%d user=bench dbname=postgres sslmode=disable", e.srv.port))
	if err != nil {
		return err
	}
	e.db = stdlib.OpenDB(*cfg)
	e.db.SetMaxOpenConns(1)
	if err := execAll(ctx, e.db,
		`DROP TABLE IF EXISTS sup`, `DROP TABLE IF EXISTS sup_multi`,
		`CREATE TABLE sup(rid integer PRIMARY KEY, id text, name text, region text, dep text,
			naf_section text, naf_division text, headcount text, lat float8, lon float8,
			names text, offer text, nomenclature text, description text,
			tsv tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('french', coalesce(names, '')), 'A') ||
				setweight(to_tsvector('french', coalesce(offer, '')), 'B') ||
				setweight(to_tsvector('french', coalesce(nomenclature, '')), 'C') ||
				setweight(to_tsvector('french', coalesce(description, '')), 'D')) STORED)`,
		`CREATE TABLE sup_multi(rid integer, facet text, value text)`,
	); err != nil {
		return err
	}
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		var multi [][]any
		rows := make([][]any, 0, len(sups))
		for i, s := range sups {
			t := textOf(s)
			var lat, lon any
			if s.Address.HasGeo() {
				lat, lon = s.Address.Lat, s.Address.Lon
			}
			rows = append(rows, []any{int32(i + 1), s.ID, s.Name, s.Address.Region, s.Address.Departement, t.nafSection,
				data.NAFDivision(s.NAF), s.HeadcountBand, lat, lon, t.name, t.offer, t.nomenclature, t.description})
			for _, m := range multiValues(s, t) {
				multi = append(multi, []any{int32(i + 1), m[0], m[1]})
			}
		}
		if _, err := pc.CopyFrom(ctx, pgx.Identifier{"sup"}, []string{"rid", "id", "name", "region", "dep", "naf_section",
			"naf_division", "headcount", "lat", "lon", "names", "offer", "nomenclature", "description"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy sup: %w", err)
		}
		if _, err := pc.CopyFrom(ctx, pgx.Identifier{"sup_multi"}, []string{"rid", "facet", "value"}, pgx.CopyFromRows(multi)); err != nil {
			return fmt.Errorf("copy sup_multi: %w", err)
		}
		return nil
	})
	if cerr := conn.Close(); err == nil { // back to the pool of one
		err = cerr
	}
	if err != nil {
		return err
	}
	return execAll(ctx, e.db, `CREATE INDEX sup_tsv ON sup USING gin(tsv)`, `CREATE INDEX sup_lat ON sup(lat)`,
		`CREATE INDEX sup_multi_rid ON sup_multi(rid)`, `VACUUM ANALYZE`)
}

func (e *pgEngine) close() error {
	if e.db == nil {
		return nil
	}
	return e.db.Close()
}

func (e *pgEngine) text(ctx context.Context, text string, facets bool) (int, []string, error) {
	const q = `plainto_tsquery('french', $1)`
	ids, err := queryStrings(ctx, e.db, `SELECT id FROM sup WHERE tsv @@ `+q+` ORDER BY ts_rank(tsv, `+q+`) DESC, rid LIMIT 20`, text)
	if err != nil {
		return 0, nil, err
	}
	var total int
	if err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM sup WHERE tsv @@ `+q, text).Scan(&total); err != nil {
		return 0, nil, err
	}
	if !facets {
		return total, ids, nil
	}
	counts := facetCounts{}
	rows, err := e.db.QueryContext(ctx, `SELECT f, v, count(*) FROM sup,
		LATERAL (VALUES ('region', region), ('departement', dep), ('naf_section', naf_section),
			('naf_division', naf_division), ('headcount', headcount)) x(f, v)
		WHERE tsv @@ `+q+` GROUP BY f, v`, text)
	if err != nil {
		return 0, nil, err
	}
	if err := counts.addGrouped(rows); err != nil {
		return 0, nil, err
	}
	rows, err = e.db.QueryContext(ctx, `SELECT m.facet, m.value, count(*) FROM sup s JOIN sup_multi m ON m.rid = s.rid
		WHERE s.tsv @@ `+q+` GROUP BY m.facet, m.value`, text)
	if err != nil {
		return 0, nil, err
	}
	if err := counts.addGrouped(rows); err != nil {
		return 0, nil, err
	}
	return total, ids, nil
}

func (e *pgEngine) radius(ctx context.Context, p synth.Place, km float64) (int, []string, error) {
	minLat, maxLat, minLon, maxLon := boundingBox(p, km)
	rows, err := e.db.QueryContext(ctx, `SELECT id, count(*) OVER () FROM (
		SELECT id, 2 * 6371.0088 * asin(least(1, sqrt(sin(radians(lat - $1) / 2) ^ 2
			+ cos(radians($1)) * cos(radians(lat)) * sin(radians(lon - $2) / 2) ^ 2))) AS d
		FROM sup WHERE lat BETWEEN $3 AND $4 AND lon BETWEEN $5 AND $6) c
		WHERE d <= $7 ORDER BY d, id LIMIT 20`, p.Lat, p.Lon, minLat, maxLat, minLon, maxLon, km)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	total := 0
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id, &total); err != nil {
			return 0, nil, err
		}
		ids = append(ids, id)
	}
	return total, ids, rows.Err()
}
