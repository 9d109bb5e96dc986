// Package index is Fabrique's search engine: a bleve index of suppliers
// derived from the store, searched by buyers with French free text,
// filters, facets, a radius around a place and highlighted snippets.
//
// # Mapping
//
// Text fields (names and trade names; products, activities and certified
// ranges; NAF and CPV labels; descriptions) use French analysis: elision
// ("l'ébéniste" → "ébéniste"), accent folding ("décolletage" =
// "decolletage"), French stop words and bleve's light stemmer. The
// stemmer never joins a trade to its tradesman ("menuisier" / "menuiserie",
// "décolleteur" / "décolletage"), so query words are expanded at query
// time with a curated French table (trades.go). Codes (SIREN, SIRETs, NAF,
// NAF section and division, CPV and CPV division, département, région,
// labels, headcount band, EPV univers) use the keyword analyzer, with doc
// values where they are faceted. A geo point is indexed with the s2
// spatial plugin. An un-stemmed, folded copy of the names serves
// autocomplete and typo-tolerant (fuzzy) name matching. What a hit shows
// is one stored JSON blob, the only stored field, read straight from the
// hit's segment (one stored-field read per hit); highlights are computed
// from it (highlight.go) rather than from term vectors, which would make
// the index 2.3 times larger.
//
// # Search
//
// Every word of the text must match (the stem or a trade alternative in
// any text field, the word in a name, a SIREN or SIRET, or, for a word the
// index does not know, a near spelling of a name); when no supplier has
// them all, the query is relaxed to any word, ranked by how many match,
// and Results.Relaxed says so. Filters are AND between kinds and OR within
// one; a radius keeps the suppliers within a great-circle distance
// (data.DistanceKm) of a place (ResolveNear reads communes, postcodes and
// coordinates), and results can be sorted by that distance.
//
// A word found in no company's products, activities nor NAF and CPV labels
// (a word of names only, « maître » in « maître verrier ») weighs less when
// the query holds a trade word, so that it does not outweigh the trade.
// Filters do not score. With a place, relevance ties (scores within 10 %)
// break by distance. FindTextPlace reads a place at the end of the text
// (« menuiserie Lyon », « ferronnier en Bretagne »: communes above a
// population threshold, postcodes, départements, régions and those of
// before 2016 (« Alsace »: its départements), a commune with
// its département number or arrondissement, a bare département number
// after words; never the whole query, never after « de », never a word of
// the trades unless capitalised after a connector, « à Tours »;
// places.go), which TextPlace.Apply turns into a circle or a filter. A
// SIREN or SIRET written in groups (« 348 830 308 ») is searched as the
// number (Query.Text).
//
// A search runs on one index snapshot. bleve finds the matching documents;
// facets, the exact radius and the sorts by distance or by name read an
// in-memory, column-oriented copy of the facet fields, coordinates and
// name order of that very snapshot (columns.go), built once per snapshot:
// bleve's own facets and distance sort decode compressed doc values for
// every hit, which dominated the cost of broad queries. A radius without
// text or filters visits only the grid cells its circle overlaps (grid.go). Counts are exact
// (TestColumnsMatchBleve compares them with bleve's). Facet results are
// also cached per normalised query and index version; the version changes
// with every write and swap, so a cached count is only served for the data
// it counted. AnswerCache lets a caller keep its own work on the same
// terms (the web keeps encoded API answers), and the near spellings of
// misspelt words are cached the same way.
//
// # Life cycle
//
// The store is the truth and the index can always be rebuilt from it:
// Open keeps one generation per directory under dir and a CURRENT file;
// Rebuild builds the next generation aside while searches go on, replays
// the writes made meanwhile, and swaps atomically; the new generation is
// then merged into one segment in the background (a query opens each term
// once per segment: at 100 000 suppliers one segment instead of a dozen
// cut the search p95 by a third). EnsureConsistent, run
// at start, rebuilds when the index is missing, unreadable, of another
// schema, or stale (its count or a checksum over every supplier's
// (ID, UpdatedAt) differs from the store's); Apply follows the store's
// change notifications. The store keeps that checksum up to date with each
// write (a data.StampSum) and the index records the value it matches, so
// that a start after a clean stop compares two values and reads no record;
// only when they differ does it compare every (ID, UpdatedAt), repair in
// place or rebuild.
//
// # Tenders
//
// TenderIndex (tenders.go, tender_*.go) is a second bleve index, of
// tenders and their lots, kept in its own directory with the same
// generations, consistency check and in-place updates (Apply follows the
// store's tender notifications). It reuses the suppliers' analyzers: title,
// lots, description and buyer are French text; CPV (every prefix of every
// code, so that a division, group or class is one term), procedure,
// nature, département, région, buyer, source and outcome are keywords,
// faceted from doc values; deadline, publication and value are ranges; the
// place of performance is a geo point. A tender's status
// (data.Tender.StatusAt) moves with time, so the index never stores it:
// it stores the outcome (announced, awarded, cancelled, none) and, for tenders
// without one, an "open until" date (the deadline), and decides open or
// closed with a date range at query time; the status facet is counted the
// same way. TendersFor runs the matcher the other way round, from a
// company to the open tenders and lots that fit it, with reasons; with
// TendersForOptions.Announced to the purchases announced by prior
// information, with TendersForOptions.Closed to the tenders closed or
// awarded in the last RecentClosedMonths (which buyers buy what the
// company makes, when no open tender fits).
//
// # Matching
//
// Match ranks the suppliers able to meet a tender and each of its lots.
// The work is split in two. This package retrieves: it picks the need's
// discriminative terms with the index's document frequencies
// (match_terms.go), and gathers the candidates worth scoring from bleve
// (match_candidates.go: those holding the terms; those whose sector fits
// the CPV divisions, nearest first; those whose declared service area
// covers the place; those that already won contracts of the need's CPV
// divisions, match_track.go). Package index/match, which imports only data, holds
// the need model (match.NeedsOf: the tender, then each lot with what it
// inherits) and the scoring: text, classification (CPV, NAF, EPV
// univers), geography, labels, capacity and track record, each in [0,1],
// weighed into a mark out of 100 with the reasons of every point, in
// French, and a confidence (forte, moyenne, faible) that reads the
// company's trade and words, never its univers (match.Scored.confidence),
// against the whole object: a word of it that no supplier holds but the
// nomenclatures use for what is bought (« crémation ») counts as asked
// and missed by all, and the shortlist names it (MatchResult.Unheld). A
// need without a place gathers its sector pool by trade tier then name
// (firstByName), so that a ranking does not depend on the order suppliers
// were indexed in. Words frequent in
// company names that carry no trade (« domaine », « établissements ») are
// learned from the directory's names (match_namewords.go) and never make
// a match on their own; a need without CPV code uses the codes
// data.InferCPV deduces, weighing less than declared ones.
//
// The ≈ 400 candidates of a need are read from the source's match
// profiles when it has them (MatchProfileSource, match_profiles.go): the
// store keeps, beside each supplier and in the same transaction, the
// fields the scoring reads in a compact binary form, which decodes ten
// times faster than the JSON record. The document frequencies of the
// need's words and of the candidates' trades are counted once per index
// snapshot (match_freqs.go).
//
// Which trades win which works is learned too: LearnCPVNAFLinks counts,
// from the awards the store holds whose winner is in the directory, the
// NAF codes that won each CPV division (data.CPVNAFLinks), beside the
// curated table of divisions that stays the prior; the caller sets them
// with SetCPVNAFLinks once per change of the awards, never per match
// (match_links.go). A learned code joins the sector pool, adds to the
// classification (a reason « lien appris de N marchés »), and when it is
// rare in the need's sector its suppliers are pooled from all of France
// and its reach stretched (match_reach.go, match.ReachStretch, measured
// on real works awards). Evaluate (eval.go) measures the whole chain on
// real awards, beside two baselines and the matcher with the curated
// table only, with or without the CPV codes, learning the links by
// cross-validation grouped by winner (eval_links.go), and says why it
// missed the winners it missed.
//
// bleve is imported by this package only.
package index
