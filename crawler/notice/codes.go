package notice

import (
	"errors"
	"fmt"
	"strings"

	"fabrique/data"
)

// cpvChoice is the outcome of normalising a notice's CPV codes.
type cpvChoice struct {
	main       string
	additional []string
	notes      []string // French, what was dropped or chosen instead
}

// chooseCPV normalises main and additional CPV codes with
// data.NormalizeCPV. The main code is the first valid one among mains (the
// notice's own, then its lots'); an invalid main code is noted and the next
// valid one is chosen. Only when mains has codes and none is valid does it
// fail: such a notice cannot be matched. Invalid additional codes are
// dropped and noted.
func chooseCPV(mains, additional []string) (cpvChoice, error) {
	var c cpvChoice
	var firstErr error
	for _, raw := range mains {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		code, err := data.NormalizeCPV(raw)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			c.notes = append(c.notes, "CPV principal écarté : "+cpvReason(raw, err))
			continue
		}
		c.main = code
		break
	}
	if c.main == "" && firstErr != nil {
		return c, rejectf("aucun CPV principal valide (%s)", cpvReason(mains[0], firstErr))
	}
	if c.main != "" && firstErr != nil {
		c.notes = append(c.notes, "CPV principal retenu : "+c.main)
	}
	seen := map[string]bool{c.main: true}
	for _, raw := range additional {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		code, err := data.NormalizeCPV(raw)
		if err != nil {
			c.notes = append(c.notes, "CPV additionnel écarté : "+cpvReason(raw, err))
			continue
		}
		if !seen[code] {
			seen[code] = true
			c.additional = append(c.additional, code)
		}
	}
	return c, nil
}

// cpvReason renders a CPV error for a note, without the "data:" prefix.
func cpvReason(raw string, err error) string {
	var ve *data.ValidationError
	if errors.As(err, &ve) {
		return fmt.Sprintf("%q : %s", clip(raw), ve.Message)
	}
	return fmt.Sprintf("%q : %v", clip(raw), err)
}

// repairCPV normalises a CPV code as published in the DECP, where it comes
// with or without its check digit and sometimes without its leading zero
// ("3111000") or its dash ("031210005"). It returns the 8-digit code to
// keep ("" when nothing usable) and a French defect when the raw value was
// not clean. A well-formed code unknown to CPV 2008 is kept, flagged.
func repairCPV(raw string) (code, defect string) {
	s := strings.ReplaceAll(strings.TrimSpace(raw), " ", "")
	if s == "" {
		return "", "code CPV absent"
	}
	code, err := data.NormalizeCPV(s)
	if err == nil {
		return code, ""
	}
	digits := strings.ReplaceAll(s, "-", "")
	try := func(candidate, why string) (string, string, bool) {
		if c, err := data.NormalizeCPV(candidate); err == nil {
			return c, fmt.Sprintf("code CPV %q %s, lu %s", raw, why, c), true
		}
		return "", "", false
	}
	switch {
	case len(digits) == 7 && data.AllDigits(digits):
		if c, d, ok := try("0"+digits, "sans son zéro de tête"); ok {
			return c, d
		}
	case len(digits) == 8 && data.AllDigits(digits) && strings.Contains(s, "-"): // "4543100-7"
		if c, d, ok := try("0"+digits[:7]+"-"+digits[7:], "sans son zéro de tête"); ok {
			return c, d
		}
	case len(digits) == 9 && data.AllDigits(digits) && !strings.Contains(s, "-"):
		if c, d, ok := try(digits[:8]+"-"+digits[8:], "sans tiret avant la clé"); ok {
			return c, d
		}
	}
	var ve *data.ValidationError
	msg := err.Error()
	if errors.As(err, &ve) {
		msg = ve.Message
	}
	if code != "" { // well formed: unknown code or wrong check digit
		return code, fmt.Sprintf("code CPV %q conservé tel quel : %s", raw, msg)
	}
	return "", fmt.Sprintf("code CPV %q inutilisable : %s", raw, msg)
}

// natureOf maps the contract-type words of every source to a Nature.
func natureOf(s string) data.Nature {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "works", "travaux", "travail":
		return data.NatureWorks
	case "supplies", "goods", "fournitures", "fourniture":
		return data.NatureSupplies
	case "services", "service", "prestations de services":
		return data.NatureServices
	}
	return ""
}
