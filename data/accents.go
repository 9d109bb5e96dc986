package data

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Some publishers converted Latin-1 text as if it were UTF-8: each
// accented letter became U+FFFD (« march�s publics », 3 559 of the 4 526
// rows of the AIFE platform's DECP of 2019). The byte is lost, but the
// word is not: « march�s » can only be « marchés ». RestoreAccents puts
// back, word by word, the letter that makes a word of refdata/
// accented_words.csv — words with a letter outside ASCII, counted in the
// French texts shipped with Fabrique (CPV and NAF labels, communes, the
// EPV list and the clean texts of the shipped notices and awards;
// regenerate with `go test ./data -run TestAccentedWordsCurrent -update`)
// — and leaves the others as they are.

// accentRatio is how much more often the likeliest spelling of a broken
// word must occur than the next one to be chosen: « fossés » (148) over
// « fossès » (2), not « systèmes » over « systémes » unless the corpus
// is that clear.
const accentRatio = 4

// accentSpellings maps a word's skeleton (lower case, each letter
// outside ASCII replaced with U+FFFD) to its spellings, likeliest first.
var accentSpellings = sync.OnceValue(func() map[string][]countedWord {
	m := map[string][]countedWord{}
	for _, r := range readCSV("refdata/accented_words.csv") {
		n, err := strconv.Atoi(r["count"])
		if err != nil {
			panic("data: refdata/accented_words.csv: count of " + r["word"] + ": " + err.Error())
		}
		k := accentSkeleton(r["word"])
		m[k] = append(m[k], countedWord{r["word"], n})
	}
	return m
})

type countedWord struct {
	word  string
	count int
}

// accentSkeleton is w with every letter outside ASCII replaced by U+FFFD.
func accentSkeleton(w string) string {
	var b strings.Builder
	for _, r := range w {
		if r >= utf8.RuneSelf {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// RestoreAccents replaces the U+FFFD of s with the letters they stood for
// where the word they break has one likely spelling, and returns the text
// with the number of U+FFFD it restored and of those it left.
func RestoreAccents(s string) (out string, restored, left int) {
	if !strings.ContainsRune(s, utf8.RuneError) {
		return s, 0, 0
	}
	var b strings.Builder
	rest := s
	for rest != "" {
		i := strings.IndexFunc(rest, brokenWordRune)
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		j := strings.IndexFunc(rest, func(r rune) bool { return !brokenWordRune(r) })
		if j < 0 {
			j = len(rest)
		}
		word := rest[:j]
		rest = rest[j:]
		lost := strings.Count(word, string(utf8.RuneError))
		if fixed, ok := restoreWord(word, rest); ok {
			if strings.HasPrefix(word, "\uFFFD") && capitalAfter(b.String()) {
				// The lost letter was a capital: case the spelling as the
				// word would read with a capital in its place.
				fixed = matchCase(fixed, "A"+word[len("\uFFFD"):])
			}
			b.WriteString(fixed)
			restored += lost
			continue
		}
		b.WriteString(word)
		left += lost
	}
	return b.String(), restored, left
}

// capitalAfter reports whether a word starting with a lost letter, after
// the text before, starts with a capital: at the start of the text, or
// after a hyphen that follows a capitalised word (« Saint-�tienne »).
func capitalAfter(before string) bool {
	if strings.TrimSpace(before) == "" {
		return true
	}
	before, hyphen := strings.CutSuffix(before, "-")
	if !hyphen {
		return false
	}
	start := 0
	if i := strings.LastIndexFunc(before, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
		_, n := utf8.DecodeRuneInString(before[i:])
		start = i + n
	}
	first, _ := utf8.DecodeRuneInString(before[start:])
	return unicode.IsUpper(first)
}

func brokenWordRune(r rune) bool {
	return r == utf8.RuneError || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// restoreWord spells word (letters, digits and U+FFFD) again, or says it
// cannot; next is the text after it.
func restoreWord(word, next string) (string, bool) {
	if !strings.ContainsRune(word, utf8.RuneError) {
		return word, true
	}
	if fixed, ok := restoreAbbreviation(word, next); ok {
		return fixed, true
	}
	lower := strings.ToLower(word)
	if lower == "\uFFFD" { // a lone broken letter is the preposition « à »
		return "à", true
	}
	if len(lower)-strings.Count(lower, "\uFFFD")*len("\uFFFD") < 2 && lower != "o\uFFFD" {
		// « n� », « l� »: too short to tell « né » from « n° » or « l’ »;
		// « où » is the one such word French writes often.
		return "", false
	}
	spellings := accentSpellings()[lower]
	switch {
	case len(spellings) == 0:
		return restoreElision(word, next)
	case len(spellings) > 1 && spellings[0].count < accentRatio*spellings[1].count:
		return "", false
	}
	return matchCase(spellings[0].word, word), true
}

// restoreAbbreviation spells the abbreviations that hold a sign rather
// than a letter: « n°12 », « n° 12 », « 3ème », « 1ère ».
func restoreAbbreviation(word, next string) (string, bool) {
	lower := strings.ToLower(word)
	if num, ok := strings.CutPrefix(lower, "n\uFFFD"); ok &&
		(num != "" && allDigits(num) || num == "" && startsWithNumber(next)) {
		return word[:1] + "°" + num, true
	}
	i := strings.IndexFunc(lower, func(r rune) bool { return !unicode.IsDigit(r) })
	if i > 0 {
		switch lower[i:] {
		case "\uFFFDme":
			return word[:i] + matchCase("ème", word[i:]), true
		case "\uFFFDre":
			return word[:i] + matchCase("ère", word[i:]), true
		}
	}
	return "", false
}

// elisions are the words French elides before a vowel with an
// apostrophe, which Windows-1252 writes as the byte of « ’ », lost with
// the letters: « d�un », « l�entreprise », « d��uvre » (d’œuvre).
var elisions = []string{"l", "d", "qu", "jusqu", "lorsqu", "puisqu"}

// restoreElision spells word as an elided word, « ’ » and the word after
// it, when it is one.
func restoreElision(word, next string) (string, bool) {
	lower := strings.ToLower(word)
	for _, e := range elisions {
		rest, ok := strings.CutPrefix(lower, e+"\uFFFD")
		if !ok || utf8.RuneCountInString(rest) < 2 {
			continue
		}
		fixed, ok := restoreWord(word[len(lower)-len(rest):], next)
		if !ok {
			return "", false
		}
		first, _ := utf8.DecodeRuneInString(strings.ToLower(fixed))
		if !strings.ContainsRune("aeiouyhàâéèêëîïôöûüœæ", first) {
			return "", false
		}
		return word[:len(e)] + "’" + fixed, true
	}
	return "", false
}

func allDigits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// startsWithNumber reports whether s is « 12… » or « 12… » after spaces.
func startsWithNumber(s string) bool {
	s = strings.TrimLeft(s, " \u00a0")
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// matchCase writes spelling in the case of broken: upper case when every
// letter of broken is, a capital first when its first letter is one.
func matchCase(spelling, broken string) string {
	hasUpper, hasLower := false, false
	for _, r := range broken {
		hasUpper = hasUpper || unicode.IsUpper(r)
		hasLower = hasLower || unicode.IsLower(r)
	}
	switch {
	case hasUpper && !hasLower:
		return strings.ToUpper(spelling)
	case !hasUpper:
		return spelling
	}
	first, _ := utf8.DecodeRuneInString(broken)
	if !unicode.IsUpper(first) {
		return spelling
	}
	r, n := utf8.DecodeRuneInString(spelling)
	return string(unicode.ToUpper(r)) + spelling[n:]
}
