// Package mirror serves, on loopback, local copies of the sites the
// crawler reads, so that no test and no demo reaches the internet:
//
//	/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv/records
//	    the real EPV data (data.EmbeddedEPVCSV) in the shape of the
//	    Opendatasoft Explore v2.1 API: limit/offset pagination (limit at
//	    most 100), total_count, strong ETags and 304 answers;
//	    …/exports/csv gives the CSV export itself
//	/api/explore/v2.1/catalog/datasets/boamp/records
//	    the real BOAMP notices of 2026-03-15, same API shape
//	/boamp/xml/            index (JSON) and real BOAMP XML notices
//	/ted/eforms/           index (JSON) and the eForms SDK example notices
//	/ofg/annuaire-des-produits-certifies/…
//	    an Origine France Garantie-like directory: category pages listing
//	    certified product ranges, paginated, and one page per range;
//	    every company is fictional and marked "Exemple fictif"
//	/jsonld/sitemap.xml    a made-in-France directory publishing schema.org
//	    JSON-LD (fictional companies), discovered through its sitemap
//	/robots.txt            disallows /jsonld/prive/ and /ofg/wp-admin/
//
// BaseURLs gives each crawler source's base URL on a mirror. The package
// does not import colly (nor the crawler): it only serves files.
package mirror
