// Package mail delivers Fabrique's mails: through an SMTP server
// (github.com/wneessen/go-mail, which this package alone imports), or into
// the store's outbox when no server is configured, so that the whole path
// works offline and admins read what would have been sent. A Message to
// forget (Message.Forget: the last mail to an erased account) is kept in
// the outbox already erased, its kind and date only.
//
// A Message is checked before anything is sent: one recipient address,
// and no CR or LF in any header value, so that no header can be injected
// from user input (a name, a subject built from a company's name…).
package mail
