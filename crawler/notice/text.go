package notice

import (
	"strconv"
	"strings"
	"unicode"
)

// oneLine collapses every run of white space and drops control
// characters (C1 controls come from mis-decoded Windows text), for titles
// and names.
func oneLine(s string) string { return strings.Join(strings.Fields(dropControls(s)), " ") }

// dropControls removes control characters other than white space.
func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// paragraphs trims each line and drops blank ones, for descriptions whose
// XML indentation would otherwise show.
func paragraphs(s string) string {
	lines := strings.Split(dropControls(s), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = oneLine(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// pickLang returns the text of the node among ns whose languageID is the
// first available of prefs; French first, then the notice's language,
// then whatever comes first.
func pickLang(ns []*node, prefs ...string) *node {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		for _, n := range ns {
			if strings.EqualFold(n.attr("languageID"), p) && strings.TrimSpace(n.text) != "" {
				return n
			}
		}
	}
	for _, n := range ns {
		if strings.TrimSpace(n.text) != "" {
			return n
		}
	}
	return nil
}

// parseAmount reads an amount written "159691.6", "159 691,60" or
// "1e+17"; ok is false when there is nothing usable.
func parseAmount(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "").Replace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f { // NaN
		return 0, false
	}
	return f, true
}

// parseCount reads a non-negative integer ("3", "3.0"); ok false otherwise.
func parseCount(s string) (int, bool) {
	f, ok := parseAmount(s)
	if !ok || f < 0 || f > 1e9 || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
