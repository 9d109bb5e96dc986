package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// TestWalkDecoderAgrees: the walks' decoder (goccy/go-json) reads every
// record the store writes as encoding/json reads it — for every type a walk
// decodes, with every exported field set (filled by reflection, so that a
// field added later is covered too), for the EPV fixture's real suppliers,
// and for records with the characters JSON escapes.
func TestWalkDecoderAgrees(t *testing.T) {
	cases := []struct {
		name string
		new  func() any // a pointer to a zero record of the type
		vals []any      // records of that type to encode
	}{
		{"supplier", func() any { return new(data.Supplier) }, records[data.Supplier](t)},
		{"tender", func() any { return new(data.Tender) }, records[data.Tender](t)},
		{"award", func() any { return new(data.Award) }, records[data.Award](t)},
		{"claim", func() any { return new(data.Claim) }, records[data.Claim](t)},
		{"account", func() any { return new(data.Account) }, records[data.Account](t)},
		{"audit entry", func() any { return new(data.AuditEntry) }, records[data.AuditEntry](t)},
		{"EPV suppliers", func() any { return new(data.Supplier) }, func() []any {
			var out []any
			for _, s := range realSuppliers(t, 500) {
				out = append(out, s)
			}
			return out
		}()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, v := range tc.vals {
				raw, err := encode(v)
				if err != nil {
					t.Fatal(err)
				}
				want, got := tc.new(), tc.new()
				if err := decode(tc.name, "k", raw, want); err != nil {
					t.Fatalf("record %d: encoding/json: %v", i, err)
				}
				if err := decodeWalked(tc.name, "k", raw, got); err != nil {
					t.Fatalf("record %d: decodeWalked: %v", i, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("record %d read differently:\n got %+v\nwant %+v\nfrom %s", i, got, want, raw)
				}
			}
		})
	}
	// A damaged record is refused by both, naming it.
	var s data.Supplier
	err := decodeWalked("supplier", "552100554", []byte(`{"id":"552100554","name":`), &s)
	if err == nil || !strings.Contains(err.Error(), `supplier "552100554"`) {
		t.Errorf("damaged record: got %v, want an error naming the supplier", err)
	}
}

// records returns records of type T with every exported field set, with
// three kinds of values: plain, with the characters JSON escapes or
// that are not ASCII, and empty-but-present (zero numbers, empty strings).
func records[T any](t *testing.T) []any {
	t.Helper()
	var out []any
	for _, style := range []int{0, 1, 2} {
		var v T
		fill(t, reflect.ValueOf(&v).Elem(), style, 0)
		out = append(out, v)
	}
	return out
}

// fill sets every exported field of v, recursively.
func fill(t *testing.T, v reflect.Value, style, depth int) {
	if depth > 6 {
		return
	}
	if v.Type() == reflect.TypeFor[time.Time]() {
		at := time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)
		if style == 1 {
			at = time.Date(2025, 12, 31, 23, 59, 59, 0, time.FixedZone("", 3600))
		}
		v.Set(reflect.ValueOf(at))
		return
	}
	if v.Type() == reflect.TypeFor[json.RawMessage]() {
		v.SetBytes([]byte(`{"a":[1,"b"]}`))
		return
	}
	switch v.Kind() {
	case reflect.String:
		s := []string{"Menuiserie Dupont 25.71Z", "l'Atelier « œuvre » \"quoted\" \\ \n\t\u2028 <&> é", ""}[style]
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(style != 2)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt([]int64{42, -7, 0}[style])
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint([]uint64{42, 255, 0}[style])
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{45.764043, -4.8357e-7, 0}[style])
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), style, depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), (style+i)%3, depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			if k.Kind() != reflect.String {
				t.Fatalf("map key of kind %s: teach fill", k.Kind())
			}
			k.SetString(fmt.Sprintf("key_%d_%d", style, i))
			e := reflect.New(v.Type().Elem()).Elem()
			fill(t, e, style, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), style, depth+1)
			}
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf("value"))
	default:
		t.Fatalf("field of kind %s: teach fill", v.Kind())
	}
}
