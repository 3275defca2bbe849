package history

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"aliauth/gateway"
)

// exportLine appends to dst the line Export writes for the trace stored as
// js under id, as it is: what encoding it with the export's encoder gives
// once it is decoded and its ID set. It works on the stored JSON itself,
// which Record wrote with json.Marshal, so it decodes and encodes nothing;
// it reports false, having written nothing, for a trace it cannot be sure
// to write exactly so (then the trace is decoded and encoded). It never
// redacts: Export sends a trace that holds a secret, when masking, through
// Trace.Redact, the one place that knows where secrets are.
//
// What decoding and encoding again changes in Record's JSON: the id comes
// first; <, > and & are no longer escaped in strings, nor U+FFFD, which
// json.Marshal writes for invalid UTF-8, except in the response (its
// MarshalJSON escapes them) and in the result (raw JSON, kept as it is).
func exportLine(dst []byte, id int64, js []byte) ([]byte, bool) {
	members, ok := objectMembers(js)
	if !ok || len(members) == 0 || members[0].key == "id" || !traceShape().ordered(members) {
		return dst, false
	}
	w := exportWriter{out: dst}
	w.out = append(w.out, `{"id":`...)
	w.out = strconv.AppendInt(w.out, id, 10)
	for _, m := range members {
		w.out = append(w.out, ',')
		value := js[m.start:m.end]
		switch m.key {
		case "response":
			// Invalid UTF-8 was written \ufffd and is read back as the
			// character, which Response.MarshalJSON writes as it is.
			if bytes.Contains(value, []byte(`\ufffd`)) {
				return dst, false
			}
			w.out = append(w.out, js[m.keyStart:m.end]...)
			continue
		case "result":
			w.out = append(w.out, js[m.keyStart:m.end]...)
			continue
		}
		w.out = appendString(w.out, js[m.keyStart:m.keyEnd])
		w.out = append(w.out, ':')
		if !w.value(value, traceShape().fields[m.key]) {
			return dst, false
		}
	}
	w.out = append(w.out, '}', '\n')
	return w.out, true
}

type exportWriter struct {
	out []byte
}

// value writes a JSON value of a field outside the response and the result,
// of the given shape, unescaping <, > and & in its strings. A value that is
// not of its shape (an older aliauth's, say) is left to the slow path.
func (w *exportWriter) value(v []byte, sh *shape) bool {
	switch {
	case v[0] == '"':
		w.out = appendString(w.out, v)
	case v[0] == '{' && sh != nil && sh.kind != reflect.Slice:
		members, ok := objectMembers(v)
		if !ok || !sh.ordered(members) {
			return false
		}
		w.out = append(w.out, '{')
		for i, m := range members {
			if i > 0 {
				w.out = append(w.out, ',')
			}
			w.out = appendString(w.out, v[m.keyStart:m.keyEnd])
			w.out = append(w.out, ':')
			next := sh.elem
			if sh.kind == reflect.Struct {
				next = sh.fields[m.key]
			}
			if !w.value(v[m.start:m.end], next) {
				return false
			}
		}
		w.out = append(w.out, '}')
	case v[0] == '[' && sh != nil && sh.kind == reflect.Slice:
		w.out = append(w.out, '[')
		for i := 1; v[i] != ']'; {
			end, ok := skipJSONValue(v, i)
			if !ok || end >= len(v) {
				return false
			}
			if !w.value(v[i:end], sh.elem) {
				return false
			}
			if i = end; v[i] == ',' {
				w.out = append(w.out, ',')
				i++
			}
		}
		w.out = append(w.out, ']')
	case v[0] == '{' || v[0] == '[':
		return false
	default:
		w.out = append(w.out, v...)
	}
	return true
}

// shape is what json.Marshal writes for a Go type, as far as exportLine
// needs to know it: a struct's members in field order, a map's members in
// key order, a slice's elements.
type shape struct {
	kind   reflect.Kind
	names  []string          // a struct's members in order
	fields map[string]*shape // a struct's members' shapes
	elem   *shape            // a map's values' or a slice's elements' shape
}

// traceShape is the shape of gateway.Trace, made the first time an export
// needs it.
var traceShape = sync.OnceValue(func() *shape {
	return shapeOf(reflect.TypeFor[gateway.Trace](), map[reflect.Type]*shape{})
})

// shapeOf builds the shape of t; seen holds the shapes already begun, so a
// type that contains itself (a batch of app authorizations lists app
// authorizations) shares one shape rather than recursing forever.
func shapeOf(t reflect.Type, seen map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if sh, ok := seen[t]; ok {
		return sh
	}
	sh := &shape{kind: t.Kind()}
	seen[t] = sh
	switch {
	case t == reflect.TypeFor[time.Time]() || t == reflect.TypeFor[json.RawMessage]():
		sh.kind = reflect.String // written as one value, never walked
	case t.Kind() == reflect.Struct:
		sh.fields = map[string]*shape{}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			sh.names = append(sh.names, name)
			sh.fields[name] = shapeOf(f.Type, seen)
		}
	case t.Kind() == reflect.Map || t.Kind() == reflect.Slice:
		sh.elem = shapeOf(t.Elem(), seen)
	}
	return sh
}

// ordered reports whether members are what json.Marshal writes for the
// shape: known struct members in field order, or map keys in sorted order,
// each once.
func (sh *shape) ordered(members []jsonMember) bool {
	switch sh.kind {
	case reflect.Map:
		for i := 1; i < len(members); i++ {
			if members[i-1].key >= members[i].key {
				return false
			}
		}
		return true
	case reflect.Struct:
		next := 0
		for _, m := range members {
			i := slices.Index(sh.names[next:], m.key)
			if i < 0 {
				return false
			}
			next += i + 1
		}
		return true
	}
	return false
}

// appendString writes a JSON string written by json.Marshal as the
// export's encoder writes it: <, > and & unescaped, and U+FFFD as itself.
func appendString(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		n := 2
		if s[i+1] == 'u' {
			n = 6
		}
		switch esc := s[i : i+n]; string(esc) {
		case `\u003c`:
			dst = append(dst, '<')
		case `\u003e`:
			dst = append(dst, '>')
		case `\u0026`:
			dst = append(dst, '&')
		case `\ufffd`: // json.Marshal's stand-in for invalid UTF-8
			dst = append(dst, "\ufffd"...)
		default:
			dst = append(dst, esc...)
		}
		s = s[i+n:]
	}
}

// jsonString decodes a JSON string value.
func jsonString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err == nil
}

// jsonMember is one member of a JSON object: its key, and where the key (in
// quotes) and the value are.
type jsonMember struct {
	key              string
	keyStart, keyEnd int
	start, end       int
}

// objectMembers lists the members of a JSON object written by json.Marshal
// (compact, valid). It reports false for anything else.
func objectMembers(obj []byte) ([]jsonMember, bool) {
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return nil, false
	}
	var out []jsonMember
	i := 1
	for i < len(obj)-1 {
		if obj[i] != '"' {
			return nil, false
		}
		end, ok := skipJSONString(obj, i)
		if !ok || end >= len(obj) || obj[end] != ':' {
			return nil, false
		}
		key, ok := jsonString(obj[i:end])
		if !ok {
			return nil, false
		}
		m := jsonMember{key: key, keyStart: i, keyEnd: end, start: end + 1}
		if m.end, ok = skipJSONValue(obj, m.start); !ok {
			return nil, false
		}
		out = append(out, m)
		i = m.end
		if i < len(obj)-1 {
			if obj[i] != ',' {
				return nil, false
			}
			i++
		}
	}
	return out, i == len(obj)-1
}

// skipJSONString returns the end of the string starting at i.
func skipJSONString(b []byte, i int) (int, bool) {
	// A quote closes the string when an even number of backslashes precedes
	// it, so only quotes need finding, which bytes.IndexByte does fast.
	for j := i + 1; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		j += k
		backslashes := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return j + 1, true
		}
		j++
	}
}

// skipJSONValue returns the end of the value starting at i.
func skipJSONValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipJSONString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := skipJSONString(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	return j, j > i
}
