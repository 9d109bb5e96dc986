package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// Match profiles: the part of each supplier the matcher scores with, in a
// compact binary form, beside the full record.
//
//	match_profiles   supplier id → profile (format byte, then the fields)
//	meta             "match_profiles_filled" → the format, once every
//	                 supplier written before the bucket existed has one
//
// A match reads a few hundred candidates; decoding each whole record with
// encoding/json was most of its CPU. The profile holds only what the
// matcher reads (MatchProfileFields) and decodes without reflection.
//
// A profile is never stale: writeSupplier and deleteSupplierTx write or
// delete it in the transaction that writes or deletes the record, so a
// crash commits both or neither. Schema version 6 creates the bucket; Open
// then gives a profile to each supplier lacking one, in chunks of their
// own transactions (fillMatchProfiles), and records that it is done. A
// crash during that fill leaves profiles that are each exact (written in
// the transaction that read their record), and the next Open resumes it.
// Until it is done, and for any profile of an unknown format, MatchProfiles
// decodes the full record instead: slower, never wrong. A program older
// than the bucket cannot write without updating it: it refuses the schema
// version. Check compares every profile with its record.
var (
	bucketMatchProfiles    = []byte("match_profiles")
	keyMatchProfilesFilled = []byte("match_profiles_filled")
)

// matchProfileFormat is the first byte of every profile. A change of the
// fields or of their encoding takes a new format and a schema step that
// rewrites the profiles.
const matchProfileFormat = 1

// MatchProfileFields names the data.Supplier fields a match profile keeps
// (the head office is kept as the one establishment Supplier.HeadOffice
// returns, the register as its ceased flag, an address without its
// street, a label without its source and the dates it was seen). The matcher reads nothing else (index/match); a field it starts
// to read must be added here, with a new format.
var MatchProfileFields = []string{"ID", "SIREN", "Establishments", "Name", "TradeNames", "Address", "NAF",
	"NAFLabel", "HeadcountBand", "TurnoverBand", "LargestContractEUR", "Description", "Activities",
	"Products", "CPVDeclared", "CPVInferred", "ServiceArea", "Labels", "Register"}

// MatchProfile returns the supplier as its match profile holds it: the
// fields of MatchProfileFields, the others empty. MatchProfiles gives
// exactly this for a stored supplier.
func MatchProfile(s *data.Supplier) data.Supplier {
	p, err := decodeMatchProfile(appendMatchProfile(nil, s))
	if err != nil {
		panic("store: a match profile does not decode: " + err.Error()) // a bug of this file
	}
	return p
}

// MatchProfiles reads the match profiles of the suppliers ids in one read
// transaction and calls fn with each, in order: i is its position in ids,
// s nil when no supplier has that id. *s is only valid during fn, which
// copies it to keep it (its strings and slices may be kept). A supplier
// without a profile yet (see fillMatchProfiles) is read from its record.
func (s *Store) MatchProfiles(ctx context.Context, ids []string, fn func(i int, s *data.Supplier) error) error {
	return s.view(ctx, func(tx *bolt.Tx) error {
		profiles, records := tx.Bucket(bucketMatchProfiles), tx.Bucket(bucketSuppliers)
		var sup data.Supplier // one for all: fn copies what it keeps
		for i, id := range ids {
			if i%64 == 63 && ctx.Err() != nil {
				return fmt.Errorf("store: %w", ctx.Err())
			}
			var found bool
			var err error
			sup, found, err = readMatchProfile(profiles, records, id)
			if err != nil {
				return err
			}
			var p *data.Supplier
			if found {
				p = &sup
			}
			if err := fn(i, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// readMatchProfile reads one supplier's profile, or its record when it has
// none of the current format, or a damaged one (Check reports it): the
// record is the truth, a match does not fail for want of its copy.
func readMatchProfile(profiles, records *bolt.Bucket, id string) (data.Supplier, bool, error) {
	if raw := profiles.Get([]byte(id)); len(raw) > 0 && raw[0] == matchProfileFormat {
		if p, err := decodeMatchProfile(raw); err == nil {
			return p, true, nil
		}
	}
	var sup data.Supplier
	found, err := get(records, "supplier", id, &sup)
	if err != nil || !found {
		return sup, found, err
	}
	return MatchProfile(&sup), true, nil
}

// putMatchProfile writes the profile of sup, in the transaction that
// writes its record.
func putMatchProfile(tx *bolt.Tx, sup *data.Supplier) error {
	b := tx.Bucket(bucketMatchProfiles)
	// Profiles are small: at bbolt's default half-full split, a load in
	// key order (a crawl, the fill) left 60 % of their pages empty.
	b.FillPercent = matchProfileFill
	if err := b.Put([]byte(sup.ID), appendMatchProfile(nil, sup)); err != nil {
		return fmt.Errorf("store: match profile %s: %w", sup.ID, err)
	}
	return nil
}

// deleteMatchProfile removes the profile of the supplier id, in the
// transaction that deletes its record.
func deleteMatchProfile(tx *bolt.Tx, id string) error {
	if err := tx.Bucket(bucketMatchProfiles).Delete([]byte(id)); err != nil {
		return fmt.Errorf("store: match profile %s: %w", id, err)
	}
	return nil
}

// createMatchProfiles is schema version 6: the bucket, empty; Open fills
// it (fillMatchProfiles).
func createMatchProfiles(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketMatchProfiles); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketMatchProfiles, err)
	}
	return nil
}

// matchProfileFill is the share of a page the profiles fill when bbolt
// splits one.
const matchProfileFill = 0.9

// matchProfileChunk is the number of suppliers fillMatchProfiles reads per
// transaction: a million suppliers never sit in one transaction's pages.
const matchProfileChunk = 5000

// fillMatchProfiles gives a profile to every supplier without one, in
// chunks of their own transactions, then records that the bucket is
// complete. It costs a read of the meta bucket once that is done.
func (s *Store) fillMatchProfiles() error {
	var filled bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		filled = len(tx.Bucket(bucketMeta).Get(keyMatchProfilesFilled)) > 0
		return nil
	}); err != nil || filled {
		return err
	}
	start, count := time.Now(), 0
	var after []byte // the last supplier id of the previous chunk
	for done := false; !done; {
		err := s.db.Update(func(tx *bolt.Tx) error {
			profiles := tx.Bucket(bucketMatchProfiles)
			c := tx.Bucket(bucketSuppliers).Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); k != nil && string(k) == string(after) {
					k, v = c.Next()
				}
			}
			for n := 0; n < matchProfileChunk; n++ {
				if k == nil {
					done = true
					return tx.Bucket(bucketMeta).Put(keyMatchProfilesFilled, []byte{matchProfileFormat})
				}
				if raw := profiles.Get(k); len(raw) == 0 || raw[0] != matchProfileFormat {
					var sup data.Supplier
					if err := decode("supplier", string(k), v, &sup); err != nil {
						return err
					}
					if err := putMatchProfile(tx, &sup); err != nil {
						return err
					}
					count++
				}
				after = append(after[:0], k...)
				k, v = c.Next()
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: fill match profiles: %w", err)
		}
	}
	if count > 0 {
		s.log.Info("store: match profiles written", "path", s.path, "suppliers", count,
			"took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// checkMatchProfiles reports the profiles that differ from their record,
// those without a record, and, once the fill is done, the suppliers
// without a profile.
func checkMatchProfiles(ctx context.Context, tx *bolt.Tx) []string {
	var problems []string
	profiles, records := tx.Bucket(bucketMatchProfiles), tx.Bucket(bucketSuppliers)
	if profiles == nil {
		return []string{fmt.Sprintf("bucket %s is missing", bucketMatchProfiles)}
	}
	filled := len(tx.Bucket(bucketMeta).Get(keyMatchProfilesFilled)) > 0
	c := records.Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if n++; n%65536 == 0 && ctx.Err() != nil {
			return append(problems, ctx.Err().Error())
		}
		raw := profiles.Get(k)
		if raw == nil {
			if filled {
				problems = append(problems, fmt.Sprintf("%s: supplier %q has no match profile", bucketMatchProfiles, k))
			}
			continue
		}
		var sup data.Supplier
		if err := decode("supplier", string(k), v, &sup); err != nil {
			continue // reported with the supplier table
		}
		if string(raw) != string(appendMatchProfile(nil, &sup)) {
			problems = append(problems, fmt.Sprintf("%s: the profile of supplier %q differs from its record", bucketMatchProfiles, k))
		}
	}
	pc := profiles.Cursor()
	for k, _ := pc.First(); k != nil; k, _ = pc.Next() {
		if records.Get(k) == nil {
			problems = append(problems, fmt.Sprintf("%s: profile %q has no supplier", bucketMatchProfiles, printable(string(k))))
		}
	}
	return problems
}

// Profile flags.
const (
	profileCeased     = 1 << iota // Register.Ceased
	profileHasOffice              // one establishment follows
	profileHeadOffice             // that establishment is flagged head office
)

// appendMatchProfile encodes the profile of s: strings and lists prefixed
// by their length as uvarints, floats as their 8 bytes, times as in
// appendTime.
func appendMatchProfile(b []byte, s *data.Supplier) []byte {
	office, hasOffice := s.HeadOffice()
	flags := byte(0)
	if s.Ceased() {
		flags |= profileCeased
	}
	if hasOffice {
		flags |= profileHasOffice
		if office.HeadOffice {
			flags |= profileHeadOffice
		}
	}
	b = append(b, matchProfileFormat, flags)
	b = appendStrings(b, s.ID, s.SIREN, s.Name)
	b = appendList(b, s.TradeNames)
	b = appendAddress(b, &s.Address)
	if hasOffice {
		b = appendStrings(b, office.SIRET)
		b = appendAddress(b, &office.Address)
	}
	b = appendStrings(b, s.NAF, s.NAFLabel, s.HeadcountBand, s.TurnoverBand)
	b = binary.AppendVarint(b, s.LargestContractEUR)
	b = appendStrings(b, s.Description)
	b = appendList(b, s.Activities)
	b = appendList(b, s.Products)
	b = appendList(b, s.CPVDeclared)
	b = appendList(b, s.CPVInferred)
	b = appendStrings(b, string(s.ServiceArea.Kind))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.ServiceArea.RadiusKm))
	b = appendList(b, s.ServiceArea.Codes)
	b = binary.AppendUvarint(b, uint64(len(s.Labels)))
	for i := range s.Labels {
		l := &s.Labels[i]
		b = appendStrings(b, string(l.Type), string(l.Scope), l.SIRET, l.Range, l.Category)
		b = appendTime(b, l.GrantedAt)
		b = appendTime(b, l.ExpiresAt)
		b = appendTime(b, l.NotRefoundSince)
	}
	return b
}

// appendStrings appends each string as the record's JSON gives it back:
// encoding/json replaces each invalid UTF-8 byte with U+FFFD, and the
// profile must be what a profile made from the stored record would be.
func appendStrings(b []byte, ss ...string) []byte {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			s = asJSONDecodes(s)
		}
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// asJSONDecodes is s after an encoding/json round trip.
func asJSONDecodes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func appendList(b []byte, l []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(l)))
	return appendStrings(b, l...)
}

func appendAddress(b []byte, a *data.Address) []byte {
	b = appendStrings(b, a.Postcode, a.Commune, a.CommuneINSEE, a.Departement, a.Region, a.NUTS3, a.Country,
		string(a.Precision))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.Lat))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(a.Lon))
}

// appendTime appends the instant and its zone offset, as the record's
// RFC 3339 keeps them (a zero offset reads back as UTC, another as a fixed
// zone); a zero time is one 0 byte.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	_, offset := t.Zone()
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(offset))
}

// errProfile is a profile that does not decode.
var errProfile = errors.New("malformed match profile")

// profileReader decodes a profile; the first error sticks. It reads a
// string copy of the whole profile and slices its strings out of it: one
// allocation for all of them.
type profileReader struct {
	s   string
	err error
}

func (r *profileReader) fail() {
	if r.err == nil {
		r.err = errProfile
	}
	r.s = ""
}

func (r *profileReader) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break // overflows 64 bits
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.s = r.s[i+1:]
			return v
		}
	}
	r.fail()
	return 0
}

func (r *profileReader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *profileReader) bytes(n uint64) string {
	if n > uint64(len(r.s)) {
		r.fail()
		return ""
	}
	v := r.s[:n]
	r.s = r.s[n:]
	return v
}

func (r *profileReader) str() string { return r.bytes(r.uvarint()) }

func (r *profileReader) list() []string {
	n := r.uvarint()
	if n == 0 || n > uint64(len(r.s)) { // each string takes at least a byte
		if n != 0 {
			r.fail()
		}
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.str()
	}
	return l
}

func (r *profileReader) float() float64 {
	v := r.bytes(8)
	if len(v) < 8 {
		return 0
	}
	return math.Float64frombits(uint64(v[0]) | uint64(v[1])<<8 | uint64(v[2])<<16 | uint64(v[3])<<24 |
		uint64(v[4])<<32 | uint64(v[5])<<40 | uint64(v[6])<<48 | uint64(v[7])<<56)
}

func (r *profileReader) address(a *data.Address) {
	a.Postcode, a.Commune, a.CommuneINSEE, a.Departement = r.str(), r.str(), r.str(), r.str()
	a.Region, a.NUTS3, a.Country, a.Precision = r.str(), r.str(), r.str(), data.GeoPrecision(r.str())
	a.Lat, a.Lon = r.float(), r.float()
}

func (r *profileReader) time() time.Time {
	tag := r.bytes(1)
	if tag == "" || tag[0] == 0 {
		return time.Time{}
	}
	sec, nsec, offset := r.varint(), r.uvarint(), r.varint()
	if tag[0] != 1 || nsec >= 1e9 || offset < -24*3600 || offset > 24*3600 {
		r.fail()
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if offset == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(offset)))
}

// decodeMatchProfile decodes a profile of the current format.
func decodeMatchProfile(raw []byte) (data.Supplier, error) {
	var s data.Supplier
	if len(raw) < 2 || raw[0] != matchProfileFormat {
		return s, errProfile
	}
	flags := raw[1]
	r := &profileReader{s: string(raw[2:])}
	if flags&profileCeased != 0 {
		s.Register = &data.RegisterIdentity{Ceased: true}
	}
	s.ID, s.SIREN, s.Name = r.str(), r.str(), r.str()
	s.TradeNames = r.list()
	r.address(&s.Address)
	if flags&profileHasOffice != 0 {
		e := data.Establishment{SIRET: r.str(), HeadOffice: flags&profileHeadOffice != 0}
		r.address(&e.Address)
		s.Establishments = []data.Establishment{e}
	}
	s.NAF, s.NAFLabel, s.HeadcountBand, s.TurnoverBand = r.str(), r.str(), r.str(), r.str()
	s.LargestContractEUR = r.varint()
	s.Description = r.str()
	s.Activities, s.Products, s.CPVDeclared, s.CPVInferred = r.list(), r.list(), r.list(), r.list()
	s.ServiceArea.Kind = data.ServiceAreaKind(r.str())
	s.ServiceArea.RadiusKm = r.float()
	s.ServiceArea.Codes = r.list()
	if n := r.uvarint(); n > 0 {
		if n > uint64(len(r.s))/8 { // a label takes at least 8 bytes
			r.fail()
		} else {
			s.Labels = make([]data.Label, n)
			for i := range s.Labels {
				l := &s.Labels[i]
				l.Type, l.Scope = data.LabelType(r.str()), data.LabelScope(r.str())
				l.SIRET, l.Range, l.Category = r.str(), r.str(), r.str()
				l.GrantedAt, l.ExpiresAt, l.NotRefoundSince = r.time(), r.time(), r.time()
			}
		}
	}
	if r.err == nil && len(r.s) > 0 {
		r.fail() // trailing bytes
	}
	if r.err != nil {
		return data.Supplier{}, r.err
	}
	return s, nil
}
