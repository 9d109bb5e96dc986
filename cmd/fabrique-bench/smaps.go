package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// residentSet is where a process's resident pages are, from
// /proc/self/smaps, in MiB. File-backed pages (the store's and the index's
// memory maps, the binary) are clean copies of files the kernel can drop
// and read again when memory is short; anonymous pages (the Go heap, the
// stacks) can only be swapped, and the machine has no swap.
type residentSet struct {
	rss       float64 // everything resident
	anonymous float64 // not backed by a file: the Go heap and stacks
	store     float64 // the bbolt file's map
	index     float64 // the bleve index's segment files' maps (deleted ones included)
	indexGone float64 // of which segment files deleted but still mapped
	otherFile float64 // the binary and other files
}

func (r residentSet) fileBacked() float64 { return r.rss - r.anonymous }

func (r residentSet) String() string {
	s := fmt.Sprintf("%.0f MiB resident: %.0f MiB anonymous (Go heap and stacks), %.0f MiB file-backed — store map %.0f MiB, index maps %.0f MiB",
		r.rss, r.anonymous, r.fileBacked(), r.store, r.index)
	if r.indexGone > 0 {
		s += fmt.Sprintf(" (of which %.0f MiB of deleted segments)", r.indexGone)
	}
	return s + fmt.Sprintf(", other files %.0f MiB", r.otherFile)
}

// readResidentSet reads /proc/self/smaps and sorts the resident pages by
// what they map. storePath and indexDir name the store file and the index
// directory (relative paths are made absolute, as smaps shows them).
func readResidentSet(storePath, indexDir string) (residentSet, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return residentSet{}, err
	}
	defer f.Close()
	return parseSmaps(f, absPath(storePath), absPath(indexDir))
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// parseSmaps reads the smaps format: a header line per mapping
// ("start-end perms offset dev inode [path]") followed by "Key: N kB"
// lines, among them Rss and Anonymous.
func parseSmaps(r io.Reader, storePath, indexDir string) (residentSet, error) {
	var rs residentSet
	var path string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		key, isField := strings.CutSuffix(fields[0], ":")
		if !isField { // a mapping's header
			path = ""
			if len(fields) >= 6 {
				path = strings.Join(fields[5:], " ")
			}
			continue
		}
		if len(fields) < 2 || (key != "Rss" && key != "Anonymous") {
			continue
		}
		kb, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			return rs, fmt.Errorf("smaps: %q: %w", sc.Text(), err)
		}
		mib := kb / 1024
		if key == "Anonymous" {
			rs.anonymous += mib
			continue
		}
		rs.rss += mib
		switch {
		case path == "" || strings.HasPrefix(path, "["):
			// anonymous maps ([heap], [stack], [anon:…]): counted by Anonymous
		case path == storePath:
			rs.store += mib
		case strings.HasPrefix(path, indexDir+string(filepath.Separator)):
			rs.index += mib
			if strings.HasSuffix(path, " (deleted)") {
				rs.indexGone += mib
			}
		default:
			rs.otherFile += mib
		}
	}
	return rs, sc.Err()
}
