package index

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2/mapping"
)

// openLive opens the live generation of an index directory, creating dir
// and an empty first generation when there is none, and removes whatever
// else it finds there (leftovers of an interrupted rebuild, or an
// unreadable generation). pending says, in French, why the index must be
// rebuilt ("" when the live generation was read); next is the number of
// the next generation to create. Both the suppliers' and the tenders'
// indexes start this way.
func openLive(dir string, m mapping.IndexMapping, log *slog.Logger) (g *generation, next int, pending string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, "", fmt.Errorf("index: %w", err)
	}
	gens, err := listGenerations(dir)
	if err != nil {
		return nil, 0, "", err
	}
	for _, name := range gens {
		if n, _ := genNumber(name); n >= next {
			next = n + 1
		}
	}
	if next == 0 {
		next = 1
	}
	current, err := readCurrent(dir)
	switch {
	case err != nil:
		pending = "index illisible : " + err.Error()
	case current == "":
		pending = "index absent"
	default:
		g, err = openGeneration(dir, current)
		if err != nil {
			pending = "index illisible : " + err.Error()
			log.Warn("index unreadable, it will be rebuilt", "dir", dir, "err", err)
		}
	}
	for _, name := range gens {
		if g == nil || name != g.name {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return nil, 0, "", fmt.Errorf("index: %w", err)
			}
		}
	}
	if g == nil {
		name := genName(next)
		next++
		if g, err = createGeneration(dir, name, m); err != nil {
			return nil, 0, "", err
		}
		if err := writeCurrent(dir, g.name); err != nil {
			_ = g.retire(true)
			return nil, 0, "", err
		}
	}
	return g, next, pending, nil
}
