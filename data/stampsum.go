package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"time"
)

// StampLayout writes an UpdatedAt as the store's keys and the checksum
// lines do: UTC, RFC 3339 with exactly nine fractional digits, so that the
// strings sort in time order and one instant has one spelling.
const StampLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Stamp formats t with StampLayout.
func Stamp(t time.Time) string { return t.UTC().Format(StampLayout) }

// StampSum is an order-independent checksum of a set of (id, UpdatedAt)
// pairs, the versions of the records a store holds: a count and the sum,
// modulo 2^256, of the SHA-256 of one line per pair,
//
//	<id> TAB <stamp, StampLayout> LF
//
// read as a 256-bit big-endian number. Adding a pair adds its hash,
// removing it subtracts it, so that a store keeps the value up to date in
// the transaction of each write (O(1) per write) and a reader gets it in
// O(1), while a full recomputation in any order gives the same value.
//
// Why a sum and not XOR: with XOR, a pair counted twice cancels out (a
// record written twice by a faulty hook would vanish from the checksum
// instead of showing), and XOR is linear over GF(2), so that a few
// hundred unrelated changes can cancel each other exactly. Addition
// carries between bits: a pair added twice shifts the sum, and a
// subtraction undoes exactly one addition. The checksum detects accidental
// divergence (a missed write, a crash between two stores); it is not a
// commitment against an adversary who picks thousands of pairs to collide.
//
// The zero value is the checksum of the empty set.
type StampSum struct {
	n   int64
	sum [4]uint64 // big-endian: sum[0] holds the most significant bits
}

// stampSumPrefix marks the format in String, so that a value recorded in
// another format (an index built by an older program recorded a plain
// SHA-256) never compares equal.
const stampSumPrefix = "sum256:"

// stampSumSize is the length of MarshalBinary's output.
const stampSumSize = 8 + 32

// ErrStampSum means an encoded StampSum is malformed.
var ErrStampSum = errors.New("data: malformed stamp checksum")

// Add counts the pair (id, stamp).
func (s *StampSum) Add(id, stamp string) {
	h := stampHash(id, stamp)
	var c uint64
	for i := 3; i >= 0; i-- {
		s.sum[i], c = bits.Add64(s.sum[i], h[i], c)
	}
	s.n++
}

// Remove undoes one Add of the pair (id, stamp).
func (s *StampSum) Remove(id, stamp string) {
	h := stampHash(id, stamp)
	var b uint64
	for i := 3; i >= 0; i-- {
		s.sum[i], b = bits.Sub64(s.sum[i], h[i], b)
	}
	s.n--
}

// AddTime counts the pair (id, Stamp(t)).
func (s *StampSum) AddTime(id string, t time.Time) { s.Add(id, Stamp(t)) }

// Count returns the number of pairs counted (added minus removed).
func (s StampSum) Count() int { return int(s.n) }

// String returns the sum as text, "sum256:" and 64 hex digits; the count
// is not part of it (compare Count too).
func (s StampSum) String() string {
	var b [32]byte
	for i, lane := range s.sum {
		binary.BigEndian.PutUint64(b[8*i:], lane)
	}
	return stampSumPrefix + hex.EncodeToString(b[:])
}

// MarshalBinary encodes the count and the sum in 40 bytes (big-endian).
func (s StampSum) MarshalBinary() ([]byte, error) {
	b := make([]byte, stampSumSize)
	binary.BigEndian.PutUint64(b, uint64(s.n))
	for i, lane := range s.sum {
		binary.BigEndian.PutUint64(b[8+8*i:], lane)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (s *StampSum) UnmarshalBinary(b []byte) error {
	if len(b) != stampSumSize {
		return fmt.Errorf("%w: %d bytes, want %d", ErrStampSum, len(b), stampSumSize)
	}
	n := int64(binary.BigEndian.Uint64(b))
	if n < 0 {
		return fmt.Errorf("%w: negative count %d", ErrStampSum, n)
	}
	s.n = n
	for i := range s.sum {
		s.sum[i] = binary.BigEndian.Uint64(b[8+8*i:])
	}
	return nil
}

// stampHash is the SHA-256 of the pair's line as four big-endian lanes.
func stampHash(id, stamp string) [4]uint64 {
	line := make([]byte, 0, len(id)+len(stamp)+2)
	line = append(line, id...)
	line = append(line, '\t')
	line = append(line, stamp...)
	line = append(line, '\n')
	d := sha256.Sum256(line)
	return [4]uint64{
		binary.BigEndian.Uint64(d[0:]), binary.BigEndian.Uint64(d[8:]),
		binary.BigEndian.Uint64(d[16:]), binary.BigEndian.Uint64(d[24:]),
	}
}
