package data_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// bigSum is the definition of StampSum.String, computed with math/big.
func bigSum(pairs [][2]string) string {
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	acc := new(big.Int)
	for _, p := range pairs {
		h := sha256.Sum256([]byte(p[0] + "\t" + p[1] + "\n"))
		acc.Add(acc, new(big.Int).SetBytes(h[:]))
	}
	acc.Mod(acc, mod)
	return fmt.Sprintf("sum256:%064x", acc)
}

func stampPairs(n int) [][2]string {
	base := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	out := make([][2]string, n)
	for i := range out {
		out[i] = [2]string{fmt.Sprintf("boamp:26-%d", i), data.Stamp(base.Add(time.Duration(i) * time.Millisecond))}
	}
	return out
}

func TestStampSum(t *testing.T) {
	pairs := stampPairs(300) // enough for carries across every lane
	tests := []struct {
		name  string
		ops   func(s *data.StampSum)
		count int
		want  string
	}{
		{"empty", func(*data.StampSum) {}, 0, bigSum(nil)},
		{"one pair", func(s *data.StampSum) { s.Add(pairs[0][0], pairs[0][1]) }, 1, bigSum(pairs[:1])},
		{"in order", func(s *data.StampSum) {
			for _, p := range pairs {
				s.Add(p[0], p[1])
			}
		}, 300, bigSum(pairs)},
		{"reverse order", func(s *data.StampSum) {
			for i := len(pairs) - 1; i >= 0; i-- {
				s.Add(pairs[i][0], pairs[i][1])
			}
		}, 300, bigSum(pairs)},
		{"added then removed in another order", func(s *data.StampSum) {
			for _, p := range pairs {
				s.Add(p[0], p[1])
			}
			for i := len(pairs) - 1; i >= 100; i-- {
				s.Remove(pairs[i][0], pairs[i][1])
			}
		}, 100, bigSum(pairs[:100])},
		{"removed below zero wraps and comes back", func(s *data.StampSum) {
			s.Remove(pairs[1][0], pairs[1][1])
			s.Add(pairs[0][0], pairs[0][1])
			s.Add(pairs[1][0], pairs[1][1])
		}, 1, bigSum(pairs[:1])},
		{"a pair twice does not cancel", func(s *data.StampSum) {
			s.Add(pairs[0][0], pairs[0][1])
			s.Add(pairs[0][0], pairs[0][1])
		}, 2, bigSum([][2]string{pairs[0], pairs[0]})},
		{"AddTime is Add of the stamp", func(s *data.StampSum) {
			s.AddTime("x", time.Date(2026, 4, 1, 11, 0, 0, 5, time.FixedZone("CEST", 7200)))
		}, 1, bigSum([][2]string{{"x", "2026-04-01T09:00:00.000000005Z"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s data.StampSum
			tt.ops(&s)
			if got := s.String(); got != tt.want {
				t.Errorf("String = %s, want %s", got, tt.want)
			}
			if s.Count() != tt.count {
				t.Errorf("Count = %d, want %d", s.Count(), tt.count)
			}
			b, _ := s.MarshalBinary()
			var back data.StampSum
			if err := back.UnmarshalBinary(b); err != nil || back != s {
				t.Errorf("binary round trip = %v, %v; want %v", back, err, s)
			}
		})
	}
	var twice, none data.StampSum
	twice.Add("a", "t")
	twice.Add("a", "t")
	if twice.String() == none.String() {
		t.Error("a pair added twice sums to the empty set, as XOR would")
	}
}

func TestStampSumUnmarshalErrors(t *testing.T) {
	negative := make([]byte, 40)
	negative[0] = 0x80
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"empty", nil, "0 bytes"},
		{"short", make([]byte, 39), "39 bytes"},
		{"long", make([]byte, 41), "41 bytes"},
		{"negative count", negative, "negative count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s data.StampSum
			err := s.UnmarshalBinary(tt.in)
			if !errors.Is(err, data.ErrStampSum) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("UnmarshalBinary = %v, want ErrStampSum saying %q", err, tt.msg)
			}
		})
	}
}

func ExampleStampSum() {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	var a, b data.StampSum
	a.AddTime("boamp:26-1", at)
	a.AddTime("boamp:26-2", at)
	b.AddTime("boamp:26-2", at) // another order
	b.AddTime("boamp:26-1", at)
	fmt.Println(a == b, a.Count())
	a.Remove("boamp:26-2", data.Stamp(at))
	b.Remove("boamp:26-2", data.Stamp(at))
	fmt.Println(a == b, a.Count())
	// Output:
	// true 2
	// true 1
}
