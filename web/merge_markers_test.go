package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// A merge conflict marker left in a stylesheet or a template is not a
// syntax error for the Go compiler: the browser silently drops the rule
// after it (it happened to app.css). This test finds them in the files the
// server embeds.
func TestNoMergeConflictMarkers(t *testing.T) {
	marker := regexp.MustCompile(`(?m)^(<<<<<<< |=======$|>>>>>>> )`)
	checked := 0
	for _, dir := range []string{"static", "templates"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Base(filepath.Dir(path)) == "vendor" {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			checked++
			if loc := marker.FindIndex(b); loc != nil {
				t.Errorf("%s: merge conflict marker %q", path, b[loc[0]:loc[1]])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d files checked: the walk missed the embedded files", checked)
	}
}
