package data

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// TextDefect says what RepairText found in a text.
type TextDefect string

// The defects RepairText reports. TextRepaired is not a defect left in
// the text: the text was double-encoded and has been restored.
const (
	TextClean       TextDefect = ""
	TextRepaired    TextDefect = "repaired"    // UTF-8 read as Windows-1252, reversed
	TextMojibake    TextDefect = "mojibake"    // looks double-encoded, could not be reversed
	TextReplacement TextDefect = "replacement" // holds U+FFFD: the original bytes are lost
	TextRestored    TextDefect = "restored"    // held U+FFFD, every lost letter put back (RestoreAccents)
)

// French describes the defect for an import report or a tender page.
func (d TextDefect) French() string {
	switch d {
	case TextRepaired:
		return "texte mal décodé (UTF-8 lu en Latin-1), réparé"
	case TextMojibake:
		return "texte mal décodé (séquences comme « Ã© »), non réparable"
	case TextReplacement:
		return "caractères perdus au décodage (« � »), non réparables"
	case TextRestored:
		return "lettres perdues au décodage (« � »), restituées d'après le vocabulaire"
	}
	return ""
}

// cp1252High maps the runes Windows-1252 puts at bytes 0x80–0x9F back to
// their byte ("€" → 0x80, "’" → 0x92…).
var cp1252High = func() map[rune]byte {
	m := make(map[rune]byte, 32)
	for b := 0x80; b <= 0x9F; b++ {
		if r := charmap.Windows1252.DecodeByte(byte(b)); r != utf8.RuneError {
			m[r] = byte(b)
		}
	}
	return m
}()

// RepairText restores a text whose UTF-8 bytes were decoded as
// Windows-1252 or Latin-1 ("matÃ©riels" → "matériels"). It repairs only
// when the whole string round-trips: every rune maps back to one byte and
// those bytes are valid UTF-8, so a text that merely contains "Ã" (or
// mixes good and broken parts) is never altered, only reported. The byte
// a replacement character (U+FFFD) stood for is lost: RestoreAccents puts
// back the letters it can tell from the word they break (TextRestored when
// it puts back all of them, else TextReplacement).
func RepairText(s string) (string, TextDefect) {
	if !looksMojibake(s) {
		if strings.ContainsRune(s, utf8.RuneError) {
			out, _, left := RestoreAccents(s)
			if left == 0 {
				return out, TextRestored
			}
			return out, TextReplacement
		}
		return s, TextClean
	}
	out, repaired := s, false
	// Text encoded twice over needs two passes; three is already absurd.
	for range 3 {
		next, ok := undoLatin1(out)
		if !ok {
			break
		}
		out, repaired = next, true
		if !looksMojibake(out) {
			break
		}
	}
	switch {
	case looksMojibake(out):
		return s, TextMojibake
	case strings.ContainsRune(out, utf8.RuneError):
		if restored, _, left := RestoreAccents(out); left == 0 {
			return restored, TextRestored
		}
		return out, TextReplacement
	case repaired:
		return out, TextRepaired
	}
	return s, TextClean
}

// looksMojibake reports whether s spells a multi-byte UTF-8 sequence
// rune by rune in Windows-1252 or Latin-1: "é" (C3 A9) read as "Ã©", "’"
// (E2 80 99) as "â€™", "€" as "â‚¬". Legitimate French text almost never
// does: "Â" or "Ã" before a letter ("Âge", "Ãgua") is not such a sequence.
func looksMojibake(s string) bool {
	if strings.Contains(s, " Ã ") {
		return true // "à" whose no-break space became a space
	}
	var window [4]byte
	n := 0
	for _, r := range s {
		b, ok := latin1Byte(r)
		if !ok {
			n = 0
			continue
		}
		if n == len(window) {
			copy(window[:], window[1:])
			n--
		}
		window[n] = b
		n++
		// Does a sequence start at some byte of the window and end here?
		for i := range n {
			if window[i] >= 0xC2 && window[i] <= 0xF4 {
				// size > 1 also catches "ï¿½", a U+FFFD itself mis-decoded.
				if _, size := utf8.DecodeRune(window[i:n]); size > 1 && size == n-i {
					return true
				}
			}
		}
	}
	return false
}

// latin1Byte is the byte a rune was decoded from by Windows-1252, or by
// Latin-1 for the C1 controls Windows-1252 leaves undefined.
func latin1Byte(r rune) (byte, bool) {
	if r < 0x100 {
		return byte(r), true
	}
	b, ok := cp1252High[r]
	return b, ok
}

// undoLatin1 maps each rune back to the Windows-1252 (or Latin-1) byte it
// was decoded from and reports whether the bytes form valid UTF-8 with at
// least one multi-byte sequence.
func undoLatin1(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	prev := rune(0)
	for _, r := range s {
		if prev == 'Ã' && r == ' ' {
			// "à " is C3 A0 20; read as Latin-1 the A0 is a no-break
			// space, which whitespace clean-up merged with the space.
			b = append(b, 0xA0)
		}
		prev = r
		c, ok := latin1Byte(r)
		if !ok {
			return "", false
		}
		b = append(b, c)
	}
	if !utf8.Valid(b) || len(b) == utf8.RuneCount(b) {
		return "", false
	}
	return string(b), true
}
