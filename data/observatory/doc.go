// Package observatory computes the figures of the Alliance's observatory:
// where French-made supply is listed (coverage by label state, territory
// and sector, per-capita density), where public tenders find none (tender
// coverage), whether public money reaches labelled companies (award
// share), how fresh the sources are (source health), and the daily
// snapshot of the key figures that draws their history.
//
// It is pure: it imports only package data and reads the store through the
// small Source interface. Work is split in two steps so that pages and API
// answer fast at any size:
//
//   - Build walks the store once and keeps compact facts per supplier, per
//     call for tenders open or published in the last RecentMonths (closed
//     or awarded alike) and per award (a few tens of bytes each), with the
//     tender-to-supplier matching done by a function the caller supplies
//     (the index's matcher). It costs seconds at a million awards and is
//     meant to run in the background, per store version.
//   - Apply brings facts up to date from the ids of the suppliers, tenders
//     and awards the store's write paths report (incremental.go): it reads
//     only those records again (and the awards of a changed supplier), and
//     matches only the tenders that are new, changed, within reach of a
//     changed supplier, or left over by the cap; a closed tender's count,
//     unlike an open one's, never expires by itself. Its figures equal a full Build's (tested); a
//     periodic Build stays as a safety net.
//   - Coverage, TenderCoverage (the tenders open on a day, or with
//     ScopePublished those published in a period, open or closed),
//     AwardShare and SourceHealth aggregate those facts for a
//     Filter and a day: a pass over slices in memory, milliseconds.
//
// Every label state comes from data.Label.StateOn, the one rule.
package observatory
