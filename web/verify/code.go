package verify

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// codeAlphabet has no letters that read alike (0/O, 1/I/L, U/V), so that a
// code copied from a letter is typed right.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ"

// CodeLength is the number of characters of a code: 29¹⁰ ≈ 2⁴⁸ values,
// far beyond the few attempts a claim allows.
const CodeLength = 10

// NewCode returns a random one-time code of CodeLength characters of
// codeAlphabet, shown in two groups of five (« K7M2P-9QXRT »).
func NewCode() string {
	b := make([]byte, 0, CodeLength+1)
	limit := byte(256 - 256%len(codeAlphabet)) // reject to stay uniform
	var buf [32]byte
	for len(b) < CodeLength+1 {
		rand.Read(buf[:]) // never fails (crypto/rand.Read's contract)
		for _, x := range buf {
			if x >= limit || len(b) == CodeLength+1 {
				continue
			}
			if len(b) == CodeLength/2 {
				b = append(b, '-')
			}
			b = append(b, codeAlphabet[int(x)%len(codeAlphabet)])
		}
	}
	return string(b)
}

// NewToken returns a random token of 32 hexadecimal digits, for the
// website and DNS proof, and for identifiers that must not be guessed.
func NewToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// NormalizeCode folds what a claimant typed to the code's canonical form:
// upper case, without spaces or dashes.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r != ' ' && r != '-' && r != '\t' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HashCode is the stored form of a code issued for claim claimID: the code
// itself is never stored. The claim id salts it, so that one code hashes
// differently in two claims.
func HashCode(claimID, code string) string {
	sum := sha256.Sum256([]byte("fabrique-claim-code\x00" + claimID + "\x00" + NormalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

// CodeMatches reports whether typed is the code whose hash is stored, in
// constant time.
func CodeMatches(hash, claimID, typed string) bool {
	if hash == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hash), []byte(HashCode(claimID, typed))) == 1
}
