package observatory

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

var testStamp = []byte("nonce-0123456789|txid-42")

// TestFactsRoundTrip writes facts built from a store of several labels,
// sectors, sources and awards, reads them back, and checks that every
// figure is the same and that the facts read still take an import through
// Apply as the original would (their lookup tables came back too).
func TestFactsRoundTrip(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	st, opts, orig := fx.st, fx.opts, fx.facts

	var buf bytes.Buffer
	if err := WriteFacts(&buf, orig, testStamp); err != nil {
		t.Fatalf("WriteFacts: %v", err)
	}
	got, err := ReadFacts(bytes.NewReader(buf.Bytes()), testStamp)
	if err != nil {
		t.Fatalf("ReadFacts: %v", err)
	}
	for _, on := range []time.Time{fx.now, fx.later} {
		sameFigures(t, "after a round trip, on "+on.Format(time.DateOnly), figures(t, got, on), figures(t, orig, on))
	}
	// The records themselves, unexported fields included (places, interned
	// sectors, packed awards).
	for name, pair := range map[string][2]any{
		"suppliers": {got.Suppliers, orig.Suppliers},
		"tenders":   {got.Tenders, orig.Tenders},
		"awards":    {got.Awards, orig.Awards},
		"sectors":   {got.sectors, orig.sectors},
		"lookup":    {unpacked(got.lookup), orig.lookup},
		"directory": {got.directory, orig.directory}, // decides whether a closed tender's count is reused
		"pending":   {got.MatchPending, orig.MatchPending},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s differ after a round trip:\n%+v\nwant\n%+v", name, pair[0], pair[1])
		}
	}
	if len(orig.Suppliers) < 4 || len(orig.Tenders) < 3 || len(orig.Awards) < 3 || len(orig.lookup.tenderSource) < 5 {
		t.Fatalf("the fixture is too small to test anything: %d suppliers, %d open tenders, %d awards",
			len(orig.Suppliers), len(orig.Tenders), len(orig.Awards))
	}

	// Facts read and written again without an Apply (their lookup still
	// packed) read back the same.
	var again bytes.Buffer
	if err := WriteFacts(&again, got, testStamp); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		again2, err := ReadFacts(bytes.NewReader(again.Bytes()), testStamp)
		if err != nil {
			t.Fatalf("ReadFacts of facts written again: %v", err)
		}
		if !reflect.DeepEqual(unpacked(again2.lookup), orig.lookup) {
			t.Error("facts written again without an Apply lost their lookup")
		}
		sameFigures(t, "written again", figures(t, again2, fx.now), figures(t, orig, fx.now))
	}

	// An import applied to the facts read equals a full build.
	importFixture(t, st)
	opts.Now = fx.later
	applied, err := got.Apply(ctx, st, fx.changes(), opts)
	if err != nil {
		t.Fatalf("Apply to the facts read: %v", err)
	}
	full := build(t, st, opts)
	sameFigures(t, "after Apply to the facts read (want: a full Build)", figures(t, applied, fx.later), figures(t, full, fx.later))
	if err := WriteFacts(&buf, got, testStamp); !errors.Is(err, ErrRebuild) {
		t.Errorf("writing facts an Apply consumed: %v, want ErrRebuild", err)
	}
}

// unpacked is a copy of lk with its maps filled, as Apply fills them.
func unpacked(lk *factLookup) *factLookup {
	c := *lk
	c.unpack()
	return &c
}

// TestReadFactsRefuses checks that a file that cannot be trusted is
// refused with its reason.
func TestReadFactsRefuses(t *testing.T) {
	st := openStore(t)
	seedFixture(t, st)
	var buf bytes.Buffer
	if err := WriteFacts(&buf, build(t, st, BuildOptions{Now: day("2026-06-01")}), testStamp); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	bodyAt := 16 + len(testStamp) + 12
	edit := func(fn func(b []byte) []byte) []byte { return fn(bytes.Clone(good)) }
	for _, tc := range []struct {
		name  string
		file  []byte
		stamp []byte
		want  string
	}{
		{"empty", nil, testStamp, "header truncated"},
		{"cut in the header", good[:10], testStamp, "header truncated"},
		{"cut in the stamp", good[:20], testStamp, "header truncated"},
		{"cut in the body", good[:bodyAt+100], testStamp, "truncated: body"},
		{"last byte missing", good[:len(good)-1], testStamp, "truncated: body"},
		{"trailing bytes", append(bytes.Clone(good), 0), testStamp, "trailing bytes"},
		{"flipped byte in the body", edit(func(b []byte) []byte { b[bodyAt+len(b[bodyAt:])/2] ^= 0x20; return b }), testStamp, "checksum mismatch"},
		{"flipped byte in the checksum", edit(func(b []byte) []byte { b[bodyAt-1] ^= 1; return b }), testStamp, "checksum mismatch"},
		{"other format version", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[8:], FactsFormatVersion+1)
			return b
		}), testStamp, fmt.Sprintf("format version %d", FactsFormatVersion+1)},
		{"not a facts file", edit(func(b []byte) []byte { copy(b, "PK\x03\x04zip!"); return b }), testStamp, "not a facts file"},
		{"another store", good, []byte("nonce-0123456789|txid-43"), "another store state"},
		{"huge body announced", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[16+len(testStamp):], 1<<40)
			return b
		}), testStamp, "body of 1099511627776 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadFacts(bytes.NewReader(tc.file), tc.stamp)
			if !errors.Is(err, ErrFactsFile) || f != nil {
				t.Fatalf("ReadFacts = %v, %v; want ErrFactsFile", f, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("reason %q does not say %q", err, tc.want)
			}
		})
	}
	if _, err := ReadFacts(bytes.NewReader(good), testStamp); err != nil {
		t.Fatalf("the intact file: %v", err)
	}
	// Facts of a program that knew fewer labels (EPV and OFG, before MIF
	// had a name) lack a breakdown this one shows: built again.
	older := build(t, st, BuildOptions{Now: day("2026-06-01")})
	older.labelTypes = []data.LabelType{data.LabelEPV, data.LabelOFG}
	buf.Reset()
	if err := WriteFacts(&buf, older, testStamp); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFacts(&buf, testStamp); !errors.Is(err, ErrFactsFile) || !strings.Contains(err.Error(), "label types") {
		t.Errorf("facts without MIF: %v, want ErrFactsFile about the label types", err)
	}
}

// BenchmarkFactsAwardsCodec compares, on a million awards, the packed
// form WriteFacts uses with gob of one struct per award (the "gob" cases):
// encode and decode time, and size (bytes/award).
func BenchmarkFactsAwardsCodec(b *testing.B) {
	type gobAward struct {
		Amount, LabelledAmount                 float64
		Day                                    int32
		Dep, CPVDiv, Buyer, Labels, Flags, Src uint8
	}
	const n = 1_000_000
	awards := make([]AwardFact, n)
	for i := range awards {
		awards[i] = AwardFact{Amount: float64(i%997) * 1234.5, day: int32(19000 + i%2000), dep: uint8(1 + i%101),
			cpvDiv: uint8(3 + i%90), buyer: BuyerType(i % int(buyerTypeCount)), labels: uint8(i % 4), flags: uint8(i % 8), source: uint8(i % 3)}
		if i%5 == 0 {
			awards[i].LabelledAmount = awards[i].Amount
		}
	}
	gobbed := func() []gobAward {
		out := make([]gobAward, n)
		for i, a := range awards {
			out[i] = gobAward{a.Amount, a.LabelledAmount, a.day, a.dep, a.cpvDiv, uint8(a.buyer), a.labels, a.flags, a.source}
		}
		return out
	}()
	var packed []byte
	b.Run("packed/encode", func(b *testing.B) {
		for b.Loop() {
			packed = make([]byte, 0, n*awardRecordSize)
			for i := range awards {
				packed = appendAward(packed, &awards[i], data.ContractID{})
			}
		}
		b.ReportMetric(float64(len(packed))/n, "bytes/award")
	})
	b.Run("packed/decode", func(b *testing.B) {
		for b.Loop() {
			out := make([]AwardFact, n)
			for i := range out {
				out[i], _ = readAward(packed[i*awardRecordSize:])
			}
		}
	})
	var enc bytes.Buffer
	b.Run("gob/encode", func(b *testing.B) {
		for b.Loop() {
			enc.Reset()
			if err := gob.NewEncoder(&enc).Encode(gobbed); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(enc.Len())/n, "bytes/award")
	})
	b.Run("gob/decode", func(b *testing.B) {
		for b.Loop() {
			var out []gobAward
			if err := gob.NewDecoder(bytes.NewReader(enc.Bytes())).Decode(&out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzFactsBody feeds ReadFacts bodies whose checksum matches (a writer's
// bug, or a file forged with a right checksum): they are decoded or
// refused with ErrFactsFile, never a panic, and what is decoded can be
// aggregated. The fuzzer's input is a list of edits of a real body rather
// than the body itself: a gob body of facts is 1.9 kB at least (the types'
// descriptions) and takes 0.3 ms to decode and aggregate, so that
// minimizing any input grown from one never ended within the minute go
// test allows, and the target ran 300 times in 2 minutes.
func FuzzFactsBody(f *testing.F) {
	st := openStore(f)
	seedFixture(f, st)
	var buf bytes.Buffer
	if err := WriteFacts(&buf, build(f, st, BuildOptions{Now: day("2026-06-01")}), testStamp); err != nil {
		f.Fatal(err)
	}
	real := bytes.Clone(buf.Bytes()[16+len(testStamp)+12:])
	f.Add([]byte{})                 // the body as written
	f.Add([]byte{3, 0, 0, 0})       // nothing
	f.Add([]byte{3, 0, 100, 0})     // cut in the types' descriptions
	f.Add([]byte{0, 0, 40, 0x7f})   // a byte changed
	f.Add([]byte{1, 0x07, 0, 0xff}) // a byte inserted in the values
	f.Add([]byte{2, 0x07, 0x80, 0}) // a byte removed
	f.Fuzz(func(t *testing.T, edits []byte) {
		body := editBytes(real, edits)
		got, err := decodeBody(body)
		if err != nil {
			if !errors.Is(err, ErrFactsFile) {
				t.Fatalf("error %v does not wrap ErrFactsFile", err)
			}
			return
		}
		on := day("2026-06-01")
		_ = got.Coverage(Filter{}, on)
		_ = got.TenderCoverage(Filter{}, on)
		_ = got.AwardShare(Filter{})
		_ = got.SourceHealth(on)
	})
}

// editBytes applies edits to a copy of b, 4 bytes an edit: an operation
// (its value modulo 4: 0 XOR, 1 insert, 2 delete, 3 cut), an offset on two
// bytes (modulo the current length) and a byte.
func editBytes(b, edits []byte) []byte {
	b = bytes.Clone(b)
	for i := 0; i+4 <= len(edits) && len(b) > 0; i += 4 {
		off := (int(edits[i+1])<<8 | int(edits[i+2])) % len(b)
		switch edits[i] % 4 {
		case 0:
			b[off] ^= edits[i+3]
		case 1:
			b = append(b[:off], append([]byte{edits[i+3]}, b[off:]...)...)
		case 2:
			b = append(b[:off], b[off+1:]...)
		case 3:
			b = b[:off]
		}
	}
	return b
}
