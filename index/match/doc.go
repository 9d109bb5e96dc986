// Package match is the matcher's need model and scoring: what a tender
// (or one of its lots) asks for, and how well one supplier meets it. It
// imports only data; package index, which owns the search engine, finds
// the candidates and calls it.
//
// NeedsOf turns a tender into needs: the tender as a whole, then each lot
// with the words, CPV codes, place and value it inherits. The index picks
// each need's discriminative terms (Term) and gathers candidates;
// NewTermSet prepares the terms for scoring, with a Stemmer that analyses
// a supplier's words as the index does, and Score grades one Candidate:
//
//   - text: the share of the need's object its words hold (name, trade
//     names, activities, products, labels, description, NAF and CPV
//     labels, at decreasing credit); when the classification finds that
//     its trade does not fit the need's codes, only the words it wrote
//     about its work count, not its names nor the nomenclature's labels;
//   - classification: its declared CPV codes, or the codes of the
//     contracts it won before the need's date (Need.Track: a buyer
//     classified that work), or the fit of its NAF code (data.FitOf, and
//     the links learned from awards, Need.Links) and of its EPV univers
//     with the CPV division;
//   - geography: distance decay by nature of contract, stretched for a
//     rare trade known to win such works (ReachStretch), or a declared
//     service area covering the place;
//   - labels, capacity (headcount or declared turnover against value) and
//     track record (contracts of the need's CPV divisions won before the
//     need's date, from the data.TrackRecord the caller learned once per
//     change of the awards: see track.go).
//
// Each component is in [0,1]; Weights turn them into a mark out of 100,
// and ToMatch renders it with its reasons in French, each reason's weight
// being the points it brought, and a confidence (confidence.go: forte,
// moyenne, faible) read from the company's trade and words only: the
// univers may rank a company, never vouch that it does the work. The
// words are weighed against the whole object, including the words no
// supplier holds (TermSet.Unheld), while the score weighs them among the
// words a supplier can hold.
package match
