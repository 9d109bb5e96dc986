// Package password hashes and checks the passwords of Fabrique's accounts
// with argon2id, and refuses weak ones. It is the only package that
// imports golang.org/x/crypto.
//
// A hash is a PHC-style string that carries its parameters and salt,
// "$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH" (base64 without padding), so
// that the parameters can be raised later without invalidating existing
// hashes: Check reads them from the string.
package password
