package jsonscan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzAppendText: what AppendText decodes, json.Unmarshal decodes the
// same, and every string json.Marshal writes it decodes.
func FuzzAppendText(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u003c\u00e9\u2028\ufffd"`, `"\ud83d\ude00"`, `"\x"`, "\"\x01\"", "\"\xff\"", `"\u12"`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, ok := AppendText(nil, b); ok {
			var want string
			if err := json.Unmarshal(b, &want); err != nil || string(got) != want {
				t.Fatalf("AppendText(%q) = %q, json.Unmarshal gives %q (%v)", b, got, want, err)
			}
		}
		quoted, _ := json.Marshal(string(b))
		var want string
		_ = json.Unmarshal(quoted, &want)
		if got, ok := AppendText(nil, quoted); !ok || string(got) != want {
			t.Fatalf("AppendText(%s) = %q, %v; want %q", quoted, got, ok, want)
		}
	})
}

// Members and Elements read what encoding/json writes in one pass, whether
// the reader passes a value itself or has it skipped, and refuse what it
// does not write.
func TestMembersAndElements(t *testing.T) {
	js := []byte(`{"a":"x\"}","b":{"c":[1,{"d":true}],"e":null},"f":[]}`)
	var keys []string
	it := Object(js, 0)
	for m, ok := it.Next(); ok; m, ok = it.Next() {
		keys = append(keys, string(m.Key))
		if string(m.Key) == "b" {
			inner := Object(js, m.Start)
			for n, ok := inner.Next(); ok; n, ok = inner.Next() {
				keys = append(keys, string(n.Key))
			}
			end, ok := inner.End()
			if !ok || !it.Over(end) {
				t.Fatalf("the inner object did not end well at %d", end)
			}
		}
	}
	if end, ok := it.End(); !ok || end != len(js) {
		t.Errorf("the object ends at %d, %v", end, ok)
	}
	if want := []string{"a", "b", "c", "e", "f"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	arr := []byte(`[1,"]",[2,3],{}]`)
	var n int
	el := Array(arr, 0)
	for _, ok := el.Next(); ok; _, ok = el.Next() {
		n++
	}
	if end, ok := el.End(); !ok || end != len(arr) || n != 4 {
		t.Errorf("%d elements, end %d, %v", n, end, ok)
	}
	for _, bad := range []string{`{"a":1,}`, `{"a" 1}`, `{"a":1`, `{a:1}`, `{"a":1 "b":2}`, `{"a":"x}`} {
		it := Object([]byte(bad), 0)
		for _, ok := it.Next(); ok; _, ok = it.Next() {
		}
		if _, ok := it.End(); ok {
			t.Errorf("%s read as an object", bad)
		}
	}
	for _, bad := range []string{`[1,]`, `[1 2]`, `[1`, `[,1]`} {
		el := Array([]byte(bad), 0)
		for _, ok := el.Next(); ok; _, ok = el.Next() {
		}
		if _, ok := el.End(); ok {
			t.Errorf("%s read as an array", bad)
		}
	}
}

// A shape holds a struct's members to field order and a map's keys to
// sorted order, once each, and says which scalars json.Marshal writes for a
// type.
func TestShapeOrderAndFits(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type outer struct {
		A string            `json:"a"`
		B map[string]string `json:"b,omitempty"`
		C []inner           `json:"c"`
		D bool              `json:"-"`
		F float64
	}
	sh := ShapeOf(reflect.TypeFor[outer](), nil)
	order := func(js string) bool {
		o := sh.Order()
		it := Object([]byte(js), 0)
		for m, ok := it.Next(); ok; m, ok = it.Next() {
			if _, ok := o.Next(m); !ok {
				return false
			}
		}
		return true
	}
	for js, want := range map[string]bool{`{"a":"","c":null,"F":1}`: true, `{"c":null,"a":""}`: false, `{"a":"","a":""}`: false, `{"D":true}`: false, `{"x":1}`: false} {
		if order(js) != want {
			t.Errorf("%s in order: %v", js, !want)
		}
	}
	m := ShapeOf(reflect.TypeFor[map[string]int](), nil)
	o := m.Order()
	it := Object([]byte(`{"a":1,"b":2,"b":3}`), 0)
	var got []bool
	for k, ok := it.Next(); ok; k, ok = it.Next() {
		_, ok := o.Next(k)
		got = append(got, ok)
	}
	if !reflect.DeepEqual(got, []bool{true, true, false}) {
		t.Errorf("map keys in order: %v", got)
	}
	c := ShapeOf(reflect.TypeFor[inner](), nil).fields[0]
	for v, want := range map[string]bool{"12": true, "-3": true, "1.5": false, `"12"`: false, "true": false, "null": false} {
		if c.Fits([]byte(v)) != want {
			t.Errorf("%s fits an int: %v", v, !want)
		}
	}
}

// FuzzAppendString: AppendString writes a string as json.Marshal does,
// and as an Encoder with SetEscapeHTML(false) does.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"plain", "a\"b\\c/d\b\f\n\r\t\x01\x7f", "<é>&\u2028\u2029\ufffd", "\xff\xfe bad", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s, true); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, json.Marshal writes %s", s, got, want)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		if got := AppendString(nil, s, false); string(got)+"\n" != b.String() {
			t.Fatalf("AppendString(%q, no HTML) = %s, an Encoder writes %s", s, got, b.String())
		}
	})
}
