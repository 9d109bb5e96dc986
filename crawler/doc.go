// Package crawler gathers labelled French manufacturers from their public
// directories (the EPV open-data API, the Origine France Garantie
// directory, any site publishing schema.org JSON-LD) and hands them, as
// data.Supplier values with per-field provenance, to a Sink.
//
// A source is a declarative Definition (embedded JSON files under
// sources/, overridable by a configuration file): start URLs, allowed
// domains, pagination, links to follow, record extraction (JSON paths, CSS
// selectors or schema.org types) and the label the directory proves.
// Adding a regular directory means adding a definition, not code.
//
// Every source goes through the same pipeline:
//
//	fetch (Politeness: robots.txt, user agent, per-host delay, timeouts,
//	       size limit, retries, conditional GET)
//	  → extract (Record: canonical field name → values, as found)
//	  → Normalize (SIRET repair, NAF, geography, label, provenance)
//	  → Sink.UpsertCrawled, then State.PutPageState
//
// SuppliersFromEPVCSV runs the same normalisation over the official EPV
// CSV export, so that a fresh install can be seeded without any network.
//
// Colly is the HTTP engine (robots.txt, limit rules, body size, redirects);
// this package is the only one to import it. Crawl state (visited URLs,
// validators, run reports) lives behind the State interface, implemented by
// the store; a crawl killed at any moment resumes its unfinished run.
package crawler
