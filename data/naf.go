package data

import (
	"errors"
	"regexp"
	"sort"
	"strings"
)

// NAFCode is an entry of the NAF rév. 2 nomenclature (INSEE), at any level.
type NAFCode struct {
	Code    string // "25.71Z" (sous-classe), "25.71", "25.7", "25", "C"
	Level   string // section, division, groupe, classe, sous-classe
	Label   string
	Label65 string
	Label40 string
	Parent  string
	Section string
}

// Division returns the two-digit division of a NAF code ("25.71Z" → "25").
func (n NAFCode) Division() string { return NAFDivision(n.Code) }

// NAFDivision returns the two-digit division of a NAF code, or "".
func NAFDivision(code string) string {
	if len(code) >= 2 && AllDigits(code[:2]) {
		return code[:2]
	}
	return ""
}

// ErrNAF1993 is wrapped by NormalizeNAF for codes of the older NAF 1993
// nomenclature ("35.1E"), which rév. 2 replaced in 2008.
var ErrNAF1993 = errors.New("data: NAF 1993 code")

var (
	nafRev2Re = regexp.MustCompile(`^(\d{2})\.?(\d{2})([A-Z])$`)
	naf1993Re = regexp.MustCompile(`^(\d{2})\.?(\d)([A-Z])$`)
)

var nafTable = lazy[map[string]NAFCode]{load: func() map[string]NAFCode {
	m := map[string]NAFCode{}
	for _, r := range readCSV("refdata/naf_rev2_all_levels.csv") {
		n := NAFCode{Code: r["code"], Level: r["level"], Label: r["label"], Label65: r["label_65"],
			Label40: r["label_40"], Parent: r["parent_code"], Section: r["section"]}
		m[n.Code] = n
	}
	return m
}}

// NormalizeNAF turns a NAF code as written in the wild ("2571z", "25.71 Z",
// "25.71Z") into its canonical rév. 2 form and checks that it exists. A
// NAF 1993 code returns an error wrapping ErrNAF1993 and ErrInvalid.
func NormalizeNAF(raw string) (string, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(raw), " ", ""))
	if m := nafRev2Re.FindStringSubmatch(s); m != nil {
		code := m[1] + "." + m[2] + m[3]
		if _, ok := LookupNAF(code); !ok {
			return code, invalid("NAF", raw, "code inconnu de la NAF rév. 2")
		}
		return code, nil
	}
	if m := naf1993Re.FindStringSubmatch(s); m != nil {
		code := m[1] + "." + m[2] + m[3]
		return code, &nafLegacyError{code: code}
	}
	return "", invalid("NAF", raw, "format attendu : 2 chiffres, point, 2 chiffres, une lettre (25.71Z)")
}

type nafLegacyError struct{ code string }

func (e *nafLegacyError) Error() string {
	return "data: invalid NAF \"" + e.code + "\": code de la NAF 1993, remplacée par la NAF rév. 2 en 2008"
}

func (e *nafLegacyError) Is(target error) bool { return target == ErrNAF1993 || target == ErrInvalid }

// LookupNAF returns the NAF rév. 2 entry for code (any level).
func LookupNAF(code string) (NAFCode, bool) {
	n, ok := nafTable.get()[code]
	return n, ok
}

// LookupTrade returns the NAF rév. 2 sub-class that names a trade (a
// « corps d'état » a ranking can be restricted to): the nomenclature's
// finest level, which a company's code always is.
func LookupTrade(code string) (NAFCode, bool) {
	n, ok := LookupNAF(code)
	return n, ok && n.Level == "sous-classe"
}

// NAFCodes returns every NAF rév. 2 entry of the given level ("" for all),
// sorted by code.
func NAFCodes(level string) []NAFCode {
	var out []NAFCode
	for _, n := range nafTable.get() {
		if level == "" || n.Level == level {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
