// Package verify holds the proofs a claimant offers that they represent a
// company, apart from the web application that runs the claim flow:
//
//   - which web domain of a company may receive an e-mailed code: only the
//     domain of its website as published by a source (a label directory,
//     the register, an earlier verified member), never a free-mail or
//     hosting-platform domain (a list of its own, and any private suffix
//     of the Public Suffix List), never one typed by the claimant
//     (SourcedDomain, MailAddress);
//   - the website and DNS checks of a published token (Checker), which
//     never reach a private, loopback, link-local, unspecified or multicast
//     address, even through DNS rebinding or a redirect, outside an explicit
//     test mode; the DNS goes through a small Resolver interface;
//   - the establishment's registered address a postal code goes to
//     (PostalAddress);
//   - one-time codes and tokens: random, compared through their hash
//     (NewCode, NewToken, HashCode, CodeMatches);
//   - the type of an uploaded Kbis extract, sniffed from its bytes
//     (SniffDocument).
//
// It imports only data, the standard library and golang.org/x/net's copy
// of the Public Suffix List.
package verify
