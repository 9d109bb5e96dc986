package data_test

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"fabrique/data"
)

func TestRestoreAccents(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		restored, left int
	}{
		{"clean text untouched", "Marchés publics", "Marchés publics", 0, 0},
		{"a word with one spelling", "Mairie de Niort (Service march\uFFFDs publics)",
			"Mairie de Niort (Service marchés publics)", 1, 0},
		{"upper case kept", "SOCI\uFFFDT\uFFFD NOUVELLE", "SOCIÉTÉ NOUVELLE", 2, 0},
		{"capital first kept", "Soci\uFFFDt\uFFFD g\uFFFDn\uFFFDrale", "Société générale", 4, 0},
		{"a commune", "Ville de Saint-\uFFFDtienne", "Ville de Saint-Étienne", 1, 0},
		{"the preposition", "Fourniture de mat\uFFFDriel \uFFFD usage m\uFFFDdical",
			"Fourniture de matériel à usage médical", 3, 0},
		{"number sign", "Lot n\uFFFD3 et lot N\uFFFD 12", "Lot n°3 et lot N° 12", 2, 0},
		{"elided articles", "Assistance \uFFFD ma\uFFFDtrise d\uFFFD\uFFFDuvre, construction d\uFFFDun poste, l\uFFFDH\uFFFDtel de ville",
			"Assistance à maîtrise d’œuvre, construction d’un poste, l’Hôtel de ville", 7, 0},
		{"ordinals", "3\uFFFDme tranche, 1\uFFFDre phase", "3ème tranche, 1ère phase", 2, 0},
		// A word the corpus does not know stays broken: a wrong letter
		// would read as the publisher's text.
		{"unknown word left", "Travaux xyz\uFFFDq", "Travaux xyz\uFFFDq", 0, 1},
		{"lost bytes of a non-letter left", "MSA\uFFFD\uFFFD\uFFFD", "MSA\uFFFD\uFFFD\uFFFD", 0, 3},
		{"a lone « n » left", "n\uFFFD", "n\uFFFD", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, restored, left := data.RestoreAccents(tc.in)
			if got != tc.want || restored != tc.restored || left != tc.left {
				t.Errorf("RestoreAccents(%q) = %q, %d, %d; want %q, %d, %d", tc.in, got, restored, left, tc.want, tc.restored, tc.left)
			}
		})
	}
}

// TestRestoreAccentsOnShippedAwards measures the restoration on the real
// texts that need it most: the AIFE platform's DECP of 2019, whose accents
// were lost (a broken word is counted once per occurrence). Words of the
// same texts are in the vocabulary only where a clean row spelt them.
func TestRestoreAccentsOnShippedAwards(t *testing.T) {
	var aife []byte
	for _, f := range data.EmbeddedNoticeFiles() {
		if f.Name == "decp_2019_aife.json" {
			aife = f.Data
		}
	}
	if aife == nil {
		t.Fatal("decp_2019_aife.json is not shipped")
	}
	_, restored, left := data.RestoreAccents(string(aife))
	share := float64(restored) / float64(restored+left)
	t.Logf("AIFE 2019: %d U+FFFD restored, %d left (%.3f restored)", restored, left, share)
	if share < 0.75 {
		t.Errorf("%.3f of the lost letters restored, want 0.75 or more", share)
	}
}

// TestAccentedWordsCurrent rebuilds refdata/accented_words.csv from the
// texts it is counted in and fails when the file differs; -update
// rewrites it.
func TestAccentedWordsCurrent(t *testing.T) {
	counts := map[string]int{}
	for _, name := range []string{
		"refdata/cpv2008_fr_en.csv", "refdata/naf_rev2_all_levels.csv",
		"refdata/communes_cog2026_gps.csv", "refdata/departements_cog2026_centroides.csv",
		"refdata/regions_cog2026.csv", "seed/epv_entreprises_patrimoine_vivant.csv",
	} {
		b, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		countAccentedWords(b, counts)
	}
	for _, f := range data.EmbeddedNoticeFiles() {
		countAccentedWords(f.Data, counts)
	}
	words := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(counts[b]-counts[a], strings.Compare(a, b))
	})
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"word", "count"})
	for _, word := range words {
		w.Write([]string{word, fmt.Sprint(counts[word])})
	}
	w.Flush()
	const path = "refdata/accented_words.csv"
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		t.Errorf("%s is not the count of its sources (%d words); run go test ./data -run TestAccentedWordsCurrent -update", path, len(words))
	}
}

// countAccentedWords counts the lower-case words of text that hold a
// French letter outside ASCII. A word touching U+FFFD is a broken one,
// and a word with any other letter (« matã » of « matÃ©riel ») was
// decoded wrongly: neither is counted.
func countAccentedWords(text []byte, counts map[string]int) {
	s := string(text)
	for len(s) > 0 {
		i := strings.IndexFunc(s, unicode.IsLetter)
		if i < 0 {
			return
		}
		broken := i > 0 && strings.HasSuffix(s[:i], "\uFFFD")
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
		if j < 0 {
			j = len(s)
		}
		word := strings.ToLower(s[:j])
		s = s[j:]
		if broken || strings.HasPrefix(s, "\uFFFD") || !frenchAccented(word) {
			continue
		}
		counts[word]++
	}
}

// frenchAccented reports whether w holds a letter outside ASCII and only
// letters that French writes.
func frenchAccented(w string) bool {
	accented := false
	for _, r := range w {
		if r < utf8.RuneSelf {
			continue
		}
		if !strings.ContainsRune("àâäçéèêëîïôöùûüÿœæ", r) {
			return false
		}
		accented = true
	}
	return accented
}
