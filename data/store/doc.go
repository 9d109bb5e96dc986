// Package store is Fabrique's source of truth: suppliers, tenders, awards,
// crawl state, accounts, claims and the audit trail, persisted in a single
// bbolt file; for the accounts also their memberships of companies,
// sessions and one-time tokens (stored only as hashes of their secrets)
// and the outbox of mails not sent. It is the only package that imports bbolt.
//
// Values are JSON (stable, debuggable, tolerant of added fields); keys are
// plain strings, except the audit log, keyed by a big-endian sequence.
// Every logical write is one bbolt transaction that also maintains the
// secondary indexes and appends to the audit log, so a crash leaves either
// all of a write or none of it. Check verifies that the indexes agree with
// the records; Backup and BackupFile copy the whole file safely while the
// store is in use. DeleteAccount erases an account at its holder's
// request in one transaction, keeping for accountability only what names
// it by its id (account_delete.go); Mentions lists the records that
// still hold a text, the proof that an erased address is gone. bbolt
// leaves the bytes of freed pages in the file: after an erasure, Backup
// writes a compacted copy and the next Open compacts the file
// (compact.go). Restore replaces the file only while
// no process has it open (ErrLocked otherwise), after checking the
// backup, and refuses a backup without suppliers, tenders or awards over
// a store holding some (ErrEmptyRestore, unless
// Options.AllowEmptyRestore); it keeps the file it replaces beside it.
//
// bbolt holds an exclusive lock on the file: one process owns a data
// directory at a time, and Open fails fast with ErrLocked otherwise.
package store
