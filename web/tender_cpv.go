package web

import (
	"fmt"
	"math"

	"fabrique/data"
)

// inferredCPVView is a CPV code Fabrique deduced for a notice that
// declares none, as the tender page and the list show it: apart from the
// declared codes, with its source and how sure the guess is.
type inferredCPVView struct {
	Code, Label string
	// Source says where the guess comes from, in French: « descripteur
	// BOAMP « Terrassement » », « texte de l'avis, mots « … » » or, for a
	// need, « texte du besoin, mots « … » ».
	Source string
	// Level is the confidence in words: « forte », « moyenne », « faible ».
	Level string
	// Percent is the confidence, « 72 % ».
	Percent string
}

// Confidence levels of an inferred code. data.InferCPV calibrates its
// confidence on real notices: a guess at 0.8 or more had the right CPV
// division about nine times in ten, one under 0.5 about four in ten.
const (
	inferredStrong = 0.8
	inferredMedium = 0.5
)

// confidenceLevel names a confidence in French.
func confidenceLevel(c float64) string {
	switch {
	case c >= inferredStrong:
		return "forte"
	case c >= inferredMedium:
		return "moyenne"
	}
	return "faible"
}

// inferredCPVViews builds the views of a tender's inferred codes. need is
// true for a need typed on Fabrique, whose text is the buyer's, not a
// notice's.
func inferredCPVViews(gs []data.InferredCPV, need bool) []inferredCPVView {
	text := "texte de l'avis, "
	if need {
		text = "texte du besoin, "
	}
	var out []inferredCPVView
	for _, g := range gs {
		v := inferredCPVView{Code: g.Code, Label: g.Label, Level: confidenceLevel(g.Confidence),
			Percent: fmt.Sprintf("%d %%", int(math.Round(g.Confidence*100)))}
		if c, ok := data.LookupCPV(g.Code); ok {
			v.Code = c.Full()
		}
		if g.Source == data.CPVSourceText {
			v.Source = text + g.Because
		} else {
			v.Source = g.Because
		}
		out = append(out, v)
	}
	return out
}
