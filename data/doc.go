// Package data holds Fabrique's domain: suppliers, labels, tenders, lots,
// matches, accounts, claims and the audit trail, together with the
// validation and normalisation rules of French administrative codes
// (SIREN/SIRET, CPV, NAF, postcodes, départements, NUTS-3) and the
// embedded reference data they are checked against.
//
// The package does no I/O beyond reading its own embedded files and imports
// no other package of the project: every other package points toward it.
//
// Reference data is loaded lazily, once, on first use, and is immutable
// afterwards; that is the only package-level state and it is read-only.
package data
