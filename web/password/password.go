package password

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Parameters are argon2id's costs. The defaults follow the OWASP Password
// Storage Cheat Sheet: 19 MiB of memory, 2 iterations, 1 thread.
type Parameters struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// OWASP is the recommended minimum configuration of argon2id.
var OWASP = Parameters{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinLength is the shortest password accepted, in characters.
	MinLength = 12
	// MaxLength bounds the bytes hashed, against hashing megabytes.
	MaxLength = 1024
)

// ErrMalformed means a stored hash is not a PHC argon2id string.
var ErrMalformed = errors.New("password: malformed hash")

// Hash hashes pw with argon2id and a random salt, with OWASP's parameters.
func Hash(pw string) (string, error) { return HashWith(pw, OWASP) }

// HashWith hashes pw with the given parameters.
func HashWith(pw string, p Parameters) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Check reports whether pw matches the stored hash, comparing in constant
// time. A malformed hash is an error, never a match.
func Check(pw, hash string) (bool, error) {
	p, salt, key, err := parse(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummy is hashed against when an account does not exist, so that a
// sign-in takes as long whether the address is known or not.
var dummy = func() string {
	h, err := Hash("fabrique: no such account")
	if err != nil {
		panic(err)
	}
	return h
}()

// CheckNothing spends the time of a Check, for unknown accounts.
func CheckNothing(pw string) { _, _ = Check(pw, dummy) }

func parse(hash string) (Parameters, []byte, []byte, error) {
	var p Parameters
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: version %q", ErrMalformed, parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrMalformed, parts[3])
	}
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<22 || p.Time < 1 || p.Time > 64 || p.Threads < 1 {
		return p, nil, nil, fmt.Errorf("%w: parameters out of range %q", ErrMalformed, parts[3])
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrMalformed)
	}
	key, err := enc.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, fmt.Errorf("%w: key", ErrMalformed)
	}
	return p, salt, key, nil
}

//go:embed common.txt
var commonList string

// common holds the embedded list of common passwords, lower-cased.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// Weakness says, in French, why pw may not be used by the account of
// this e-mail address, or "" when it is acceptable: too short, too long,
// among the common passwords, or the address itself.
func Weakness(pw, email string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return fmt.Sprintf("le mot de passe doit compter au moins %d caractères (il en a %d)", MinLength, n)
	case len(pw) > MaxLength:
		return fmt.Sprintf("le mot de passe ne doit pas dépasser %d octets", MaxLength)
	}
	low := strings.ToLower(strings.TrimSpace(pw))
	mail := strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(mail, "@")
	switch {
	case common[low]:
		return "ce mot de passe fait partie des plus courants : choisissez-en un autre"
	case mail != "" && (low == mail || low == local):
		return "le mot de passe ne doit pas être votre adresse électronique"
	case strings.Count(low, string([]rune(low)[0])) == utf8.RuneCountInString(low):
		return "le mot de passe ne doit pas répéter un seul caractère"
	}
	return ""
}
