package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The front-end libraries are installed by npm in js/ (package.json and
// its lockfile), then copied by js/vendor.sh into static/vendor (embedded
// and served) or testdata/vendor (the tests' own: axe-core), as listed in
// js/vendor-files.txt. These tests keep the three in step.
const (
	jsDir           = "js"
	vendorList      = "js/vendor-files.txt"
	vendorStaticDir = "static/vendor"
	vendorTestDir   = "testdata/vendor"
)

// vendoredFile is one line of js/vendor-files.txt.
type vendoredFile struct {
	pkg  string // npm package name
	src  string // path inside the package
	dest string // where it goes under web/: static/vendor/NAME or testdata/vendor/NAME
	name string // its file name there
}

// served says whether the file is embedded and served to browsers (the
// others are test data).
func (f vendoredFile) served() bool { return path.Dir(f.dest) == vendorStaticDir }

func readVendorList(t *testing.T) []vendoredFile {
	t.Helper()
	f, err := os.Open(vendorList)
	if err != nil {
		t.Fatalf("vendor list: %v", err)
	}
	defer f.Close()
	var files []vendoredFile
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 {
			t.Fatalf("%s:%d: %q, want «package file-in-package destination»", vendorList, n, line)
		}
		dir, name := path.Split(fields[2])
		if (dir != vendorStaticDir+"/" && dir != vendorTestDir+"/") || name == "" {
			t.Fatalf("%s:%d: destination %q, want %s/NAME or %s/NAME", vendorList, n, fields[2], vendorStaticDir, vendorTestDir)
		}
		files = append(files, vendoredFile{pkg: fields[0], src: fields[1], dest: fields[2], name: name})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("vendor list: %v", err)
	}
	if len(files) == 0 {
		t.Fatalf("%s lists no file", vendorList)
	}
	return files
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// exactVersion is what npm install --save-exact writes: no range.
var exactVersion = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// lockedVersions checks that package.json pins every package of the vendor
// list to an exact version, the one of the lockfile, and returns them.
func lockedVersions(t *testing.T, files []vendoredFile) map[string]string {
	t.Helper()
	var manifest struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"` // the tests' own (axe-core)
	}
	readJSON(t, filepath.Join(jsDir, "package.json"), &manifest)
	var lock struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Version   string `json:"version"`
			Integrity string `json:"integrity"`
		} `json:"packages"`
	}
	readJSON(t, filepath.Join(jsDir, "package-lock.json"), &lock)
	if lock.LockfileVersion < 2 {
		t.Errorf("package-lock.json has lockfileVersion %d, want 2 or more (npm 7+)", lock.LockfileVersion)
	}
	versions := map[string]string{}
	for _, f := range files {
		if _, done := versions[f.pkg]; done {
			continue
		}
		pinned := manifest.Dependencies[f.pkg]
		if !f.served() {
			pinned = manifest.DevDependencies[f.pkg]
		}
		locked := lock.Packages["node_modules/"+f.pkg]
		switch {
		case !exactVersion.MatchString(pinned):
			t.Errorf("package.json: %s is %q, want an exact version (npm install --save-exact)", f.pkg, pinned)
		case locked.Version != pinned:
			t.Errorf("%s: package.json pins %q, package-lock.json has %q", f.pkg, pinned, locked.Version)
		case !strings.HasPrefix(locked.Integrity, "sha512-"):
			t.Errorf("package-lock.json: %s has integrity %q, want a sha512 digest", f.pkg, locked.Integrity)
		}
		versions[f.pkg] = locked.Version
	}
	return versions
}

func TestVendorPinsExactLockedVersions(t *testing.T) {
	lockedVersions(t, readVendorList(t))
}

// TestVendorFilesMatchLockedPackage compares each vendored file with the
// one npm installed from the lockfile. CI runs `npm ci` first (.ci/run);
// elsewhere the test is skipped when node_modules is absent.
func TestVendorFilesMatchLockedPackage(t *testing.T) {
	files := readVendorList(t)
	versions := lockedVersions(t, files)
	modules := filepath.Join(jsDir, "node_modules")
	if _, err := os.Stat(modules); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: run npm ci --prefix web/js --ignore-scripts before the tests", modules)
		}
		t.Skipf("%s absent (run npm ci --prefix web/js --ignore-scripts): byte comparison skipped", modules)
	}
	for pkg, want := range versions {
		var installed struct {
			Version string `json:"version"`
		}
		readJSON(t, filepath.Join(modules, pkg, "package.json"), &installed)
		if installed.Version != want {
			t.Errorf("node_modules has %s %s, the lockfile %s: run npm ci --prefix web/js", pkg, installed.Version, want)
		}
	}
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(modules, f.pkg, filepath.FromSlash(f.src)))
		if err != nil {
			t.Errorf("%s: %v", f.pkg, err)
			continue
		}
		got, err := os.ReadFile(filepath.FromSlash(f.dest))
		if err != nil {
			t.Errorf("vendored copy of %s/%s: %v (run sh web/js/vendor.sh)", f.pkg, f.src, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s %s/%s (%d bytes, want %d): run sh web/js/vendor.sh",
				f.dest, f.pkg, versions[f.pkg], f.src, len(got), len(want))
		}
	}
}

// TestVendorFilesAreServedHashed checks that static/vendor holds exactly the
// listed files, the licence of every package beside its files, and that the
// site serves each one under its content-hashed URL; the test data of
// testdata/vendor (axe-core) is neither embedded nor served.
func TestVendorFilesAreServedHashed(t *testing.T) {
	files := readVendorList(t)
	listed := map[string]bool{} // destinations
	licensed := map[string]bool{}
	for _, f := range files {
		listed[f.dest] = true
		if strings.HasPrefix(strings.ToUpper(filepath.Base(f.src)), "LICENSE") {
			licensed[f.pkg+" "+path.Dir(f.dest)] = true
		}
	}
	for _, f := range files {
		if !licensed[f.pkg+" "+path.Dir(f.dest)] {
			t.Errorf("%s: its LICENSE is not vendored beside %s (add it to %s)", f.pkg, f.dest, vendorList)
		}
	}
	on, err := fs.ReadDir(staticFiles, vendorStaticDir)
	if err != nil {
		t.Fatalf("embedded %s: %v", vendorStaticDir, err)
	}
	embedded := map[string]bool{}
	for _, e := range on {
		embedded[e.Name()] = true
		if !listed[vendorStaticDir+"/"+e.Name()] {
			t.Errorf("%s/%s is not in %s: stale or hand-made copy", vendorStaticDir, e.Name(), vendorList)
		}
	}
	onDisk, err := os.ReadDir(vendorTestDir)
	if err != nil {
		t.Fatalf("%s: %v", vendorTestDir, err)
	}
	for _, e := range onDisk {
		if !listed[vendorTestDir+"/"+e.Name()] {
			t.Errorf("%s/%s is not in %s: stale or hand-made copy", vendorTestDir, e.Name(), vendorList)
		}
	}

	s := newTestServer(t, Config{})
	for _, f := range files {
		name := "vendor/" + f.name
		if !f.served() {
			if embedded[f.name] {
				t.Errorf("%s, test data, is also embedded in %s", f.name, vendorStaticDir)
			}
			if url, err := s.assets.URL(name); err == nil {
				t.Errorf("%s, test data, is served at %s", f.dest, url)
			}
			continue
		}
		if !embedded[f.name] {
			t.Errorf("%s is not embedded in %s (run sh web/js/vendor.sh)", f.name, vendorStaticDir)
			continue
		}
		want, err := fs.ReadFile(staticFiles, vendorStaticDir+"/"+f.name)
		if err != nil {
			t.Fatal(err)
		}
		url, err := s.assets.URL(name)
		if err != nil {
			t.Errorf("URL(%q): %v", name, err)
			continue
		}
		if h := hashedName(name, want); url != staticPrefix+h {
			t.Errorf("URL(%q) = %q, want %q", name, url, staticPrefix+h)
		}
		r := s.get(t, url)
		if r.status != http.StatusOK || r.body != string(want) {
			t.Errorf("GET %s = %d with %d bytes, want 200 with the %d bytes of %s", url, r.status, len(r.body), len(want), f.name)
			continue
		}
		if got := r.header.Get("Cache-Control"); got != immutableCache {
			t.Errorf("GET %s: Cache-Control = %q, want %q", url, got, immutableCache)
		}
	}
}
