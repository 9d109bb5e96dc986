package data

import (
	"regexp"
	"strings"
)

// A buyer who pastes a notice into the need form, and many notices
// themselves, write their CPV codes in the text (« Classification CPV :
// Principale : 34928400 - Mobilier urbain »), and the words around them
// may read otherwise (« réception des plis » read a call centre). A code
// written so is the buyer's own: InferCPV takes it before any guess from
// the words.

// CPVSourceWritten is the source of a code written in the notice's text.
const CPVSourceWritten = "code écrit dans le texte"

// writtenCPVConfidence is below 1: a text may cite a code it does not
// buy (an excluded lot, a former contract).
const writtenCPVConfidence = 0.95

// writtenCPVPattern is eight digits, with or without their check digit.
var writtenCPVPattern = regexp.MustCompile(`(^|[^\d-])(\d{8})(?:\s?-\s?(\d))?([^\d]|$)`)

// cpvMentionWindow is how far before eight digits without a check digit
// the text must say « CPV » for them to be read as a code: a date, a
// telephone number or a reference number has eight digits too.
const cpvMentionWindow = 80

// inferFromWritten returns the CPV codes written in the evidence's texts,
// in the order they are written: with a check digit that is right, or
// after « CPV ». An unknown code or a wrong check digit is no code.
func inferFromWritten(in CPVEvidence) []InferredCPV {
	var out []InferredCPV
	seen := map[string]bool{}
	for _, text := range append([]string{in.Title, in.Description}, in.Lots...) {
		for _, m := range writtenCPVPattern.FindAllStringSubmatchIndex(text, -1) {
			code, check := text[m[4]:m[5]], ""
			if m[6] >= 0 {
				check = text[m[6]:m[7]]
			}
			c, ok := LookupCPV(code)
			if !ok || seen[code] {
				continue
			}
			if check != "" && check != c.Check {
				continue
			}
			if check == "" && !strings.Contains(strings.ToUpper(text[max(0, m[4]-cpvMentionWindow):m[4]]), "CPV") {
				continue
			}
			seen[code] = true
			out = append(out, InferredCPV{Code: code, Label: c.LabelFR, Source: CPVSourceWritten,
				Confidence: writtenCPVConfidence, Because: "code " + c.Full() + " écrit dans le texte"})
		}
	}
	return out
}
