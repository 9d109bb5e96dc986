package data

import (
	"regexp"
	"sort"
	"strings"
)

// CPVCode is an entry of the Common Procurement Vocabulary (CPV 2008).
type CPVCode struct {
	Code8    string // "45212350"
	Check    string // check digit, "4"
	Division string // "45"
	Level    string // division, groupe, classe, categorie, …
	Parent   string // parent code8
	LabelFR  string
	LabelEN  string
}

// Full returns the code with its check digit, "45212350-4".
func (c CPVCode) Full() string { return c.Code8 + "-" + c.Check }

var cpvRe = regexp.MustCompile(`^(\d{8})(?:-(\d))?$`)

var cpvTable = lazy[map[string]CPVCode]{load: func() map[string]CPVCode {
	m := map[string]CPVCode{}
	for _, r := range readCSV("refdata/cpv2008_fr_en.csv") {
		check := ""
		if i := strings.IndexByte(r["code"], '-'); i >= 0 {
			check = r["code"][i+1:]
		}
		c := CPVCode{Code8: r["code8"], Check: check, Division: r["division"], Level: r["level"],
			Parent: r["parent_code8"], LabelFR: r["label_fr"], LabelEN: r["label_en"]}
		m[c.Code8] = c
	}
	return m
}}

// NormalizeCPV accepts a CPV code with or without its check digit
// ("45212350", "45212350-4", " 45212350 - 4 "), checks the digit when given
// and that the code exists in CPV 2008, and returns the 8-digit code.
//
// The check digit of CPV codes is defined by the code list itself (the
// regulation publishes it with each code), so it is checked against it.
func NormalizeCPV(raw string) (string, error) {
	s := strings.ReplaceAll(strings.TrimSpace(raw), " ", "")
	m := cpvRe.FindStringSubmatch(s)
	if m == nil {
		return "", invalid("CPV", raw, "format attendu : 8 chiffres, éventuellement suivis de « -clé » (45212350-4)")
	}
	c, ok := LookupCPV(m[1])
	if !ok {
		return m[1], invalid("CPV", raw, "code inconnu du vocabulaire CPV 2008")
	}
	if m[2] != "" && m[2] != c.Check {
		return m[1], invalid("CPV", raw, "chiffre de contrôle incorrect (attendu "+c.Full()+")")
	}
	return m[1], nil
}

// LookupCPV returns the CPV entry for an 8-digit code.
func LookupCPV(code8 string) (CPVCode, bool) {
	c, ok := cpvTable.get()[code8]
	return c, ok
}

// CPVCodes returns every CPV 2008 entry, sorted by code.
func CPVCodes() []CPVCode {
	t := cpvTable.get()
	out := make([]CPVCode, 0, len(t))
	for _, c := range t {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code8 < out[j].Code8 })
	return out
}

// CPVDivision returns the two-digit division of a CPV code, or "".
func CPVDivision(code string) string {
	if len(code) >= 2 && AllDigits(code[:2]) {
		return code[:2]
	}
	return ""
}
