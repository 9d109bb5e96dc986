// Command loadtest serves Fabrique's web application on a deterministic
// synthetic corpus (synth.Suppliers: real NAF and CPV vocabulary,
// real communes), for load tests with wrk and mix.lua. See README.md.
//
// It fills a store in a data directory, builds the index from it as serve
// does (index.EnsureConsistent), then serves on -addr with the API rate
// limit disabled (one wrk client would otherwise be throttled) until
// interrupted. With -pprof it also serves net/http/pprof, to see where the
// time goes under load.
package main
