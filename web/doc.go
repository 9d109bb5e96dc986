// Package web is Fabrique's HTTP front: a fiber application that serves the
// French pages for public buyers, PMIs and the Alliance, the JSON API under
// /api/, static assets and a few operational endpoints (/healthz,
// /admin/backup).
//
// Layout of the package:
//
//   - routes.go lists every route in one table; each resource has its own
//     handler files: home.go, health.go, admin_backup.go; search*.go and
//     export*.go / report*.go (supplier search, CSV, sourcing report);
//     supplier*.go (supplier pages); tender*.go (tender list and pages);
//     need*.go (« Nouveau besoin » and shortlists), shortlist_trades.go
//     (a shortlist's trades, ?metier=); api*.go (the JSON API
//     and its OpenAPI document, openapi.json); mapsvg.go draws the maps
//     from the real département shapes; ratelimit.go limits API clients;
//     assets.go serves /static/.
//   - Handlers return errors. errors.go is the one place that maps domain
//     errors (data.ErrNotFound, data.ErrInvalid, store.ErrLocked…) to HTTP
//     statuses and renders them: a French HTML page, or {"error": "…"} for
//     paths under /api/. 5xx errors are logged there, once.
//   - render.go parses the embedded templates at start-up and renders each
//     typed page struct to a buffer first, so a template error never sends
//     half a page.
//   - assets.go serves the embedded static files under content-hashed URLs
//     (/static/app.<hash>.css) with a one-year immutable cache; templates get
//     those URLs from the "asset" function.
//   - middleware.go adds security headers, request logging and panic
//     recovery.
//   - Accounts: auth.go (server-side sessions whose cookie carries a
//     secret the store keeps only hashed; currentAccount, requireSignIn,
//     requireAdmin and the signedInOnly/adminOnly wrappers of the routes
//     table), csrf.go (a token on every state-changing request), throttle.go
//     (attempts per account and per client address, 429 with a delay),
//     proxy.go (whose X-Forwarded-* headers are believed: Config.TrustProxy
//     and Config.TrustedProxies),
//     hashing.go (bounded argon2id), account*.go (sign-up, mailed links,
//     sign-in, reset, /compte), admin_accounts.go (/admin/comptes,
//     /admin/courriels), admin_account_delete.go (an account's deletion by
//     an admin, with its reason), mailer.go (mails rendered from templates/mail and
//     sent through the mail.Sender of Deps). Subpackages: mail (SMTP and
//     outbox), password (argon2id and the weak-password rules).
//   - The company's own listing: listing*.go under /compte/entreprises
//     (members and admins only; others get 404): dashboard with the
//     completeness score, one form per section, versions with undo, the
//     team and its e-mailed invitations, logos re-encoded as PNG
//     (listing_logo.go, public at /logos/KEY.png); listing_public.go marks
//     on the supplier page what the company declared. company_tenders.go
//     shows the open tenders that fit the company, the announced ones,
//     and, when few are open, those closed or awarded in the last twelve
//     months; company_buyers.go, the public buyers of its sector near it,
//     from a table of the stored contracts rebuilt after award writes.
//   - Claims: claim*.go (claiming a listing with one of the proofs that
//     fit the company, the claim's page, members' approvals at
//     /compte/revendications, RemindPendingClaims), admin_claims.go (the
//     review desk /admin and the postal letters /admin/courriers),
//     admin_journal.go (/admin/journal), listing_report.go (« Signaler
//     cette fiche »). Subpackage verify holds the proofs themselves
//     (sourced domain, codes, website and DNS checks that never reach a
//     non-public address outside its test mode, Kbis type sniffing).
//
// fiber is imported by this package only (see cmd/fabrique's architecture
// test). The application runs with fiber's Immutable setting, so strings
// taken from a request stay valid after the handler returns.
package web
