package history

import (
	"bytes"
	"reflect"
	"strconv"
	"unicode/utf8"

	"aliauth/gateway"
	"aliauth/internal/jsonscan"
)

// exportLine appends to dst the line Export writes for the trace stored as
// js under id, as it is: what encoding it with the export's encoder gives
// once it is decoded and its ID set. It works on the stored JSON itself,
// which Record wrote with json.Marshal, so it decodes and encodes nothing;
// it reports false, having written nothing, for a trace it cannot be sure
// to write exactly so (then the trace is decoded and encoded). It never
// redacts: a masked export hands it what gateway.RedactJSON wrote.
//
// What decoding and encoding again changes in Record's JSON: the id comes
// first; <, > and & are no longer escaped in strings, nor U+FFFD, which
// json.Marshal writes for invalid UTF-8, except in the response (its
// MarshalJSON escapes them) and in the result (raw JSON, kept as it is).
func exportLine(dst []byte, id int64, js []byte) ([]byte, bool) {
	out := append(dst, `{"id":`...)
	out = strconv.AppendInt(out, id, 10)
	members := jsonscan.Object(js, 0)
	order := traceShape.Order()
	n := 0
	for ; ; n++ {
		m, ok := members.Next()
		if !ok {
			break
		}
		sh, ok := order.Next(m)
		if !ok || string(m.Key) == "id" {
			return dst, false
		}
		out = append(out, ',')
		switch string(m.Key) {
		case "response", "result":
			end, ok := members.Skip()
			// In the response, invalid UTF-8 was written \ufffd and is read
			// back as the character, which Response.MarshalJSON writes as
			// it is.
			if !ok || string(m.Key) == "response" && bytes.Contains(js[m.Start:end], []byte(`\ufffd`)) {
				return dst, false
			}
			out = append(out, js[m.KeyStart:end]...)
			continue
		}
		out = append(out, js[m.KeyStart:m.Start]...) // Order took the name: it has no escapes
		var end int
		if out, end, ok = appendValue(out, js, m.Start, sh); !ok || !members.Over(end) {
			return dst, false
		}
	}
	if end, ok := members.End(); !ok || end != len(js) || n == 0 {
		return dst, false
	}
	return append(out, '}', '\n'), true
}

// traceShape is what json.Marshal writes for gateway.Trace. The response
// writes itself (Opaque) and is copied as it is.
var traceShape = jsonscan.ShapeOf(reflect.TypeFor[gateway.Trace](), nil)

// appendValue writes the JSON value at js[i], of a field outside the
// response and the result, of the given shape, unescaping <, > and & in
// its strings, and returns where it ends. A value that is not of its shape
// (an older aliauth's, say) is left to the slow path.
func appendValue(out, js []byte, i int, sh *jsonscan.Shape) ([]byte, int, bool) {
	switch js[i] {
	case '{':
		if sh.Kind != jsonscan.Struct && sh.Kind != jsonscan.Map {
			return out, 0, false
		}
		out = append(out, '{')
		members := jsonscan.Object(js, i)
		order := sh.Order()
		for first := true; ; first = false {
			m, ok := members.Next()
			if !ok {
				break
			}
			msh, ok := order.Next(m)
			if !ok {
				return out, 0, false
			}
			if !first {
				out = append(out, ',')
			}
			out = append(out, js[m.KeyStart:m.Start]...) // Order took the name: it has no escapes
			var end int
			if out, end, ok = appendValue(out, js, m.Start, msh); !ok || !members.Over(end) {
				return out, 0, false
			}
		}
		end, ok := members.End()
		return append(out, '}'), end, ok
	case '[':
		if sh.Kind != jsonscan.Slice {
			return out, 0, false
		}
		out = append(out, '[')
		elements := jsonscan.Array(js, i)
		for first := true; ; first = false {
			start, ok := elements.Next()
			if !ok {
				break
			}
			if !first {
				out = append(out, ',')
			}
			var end int
			if out, end, ok = appendValue(out, js, start, sh.Elem); !ok || !elements.Over(end) {
				return out, 0, false
			}
		}
		end, ok := elements.End()
		return append(out, ']'), end, ok
	}
	end, ok := jsonscan.SkipValue(js, i)
	if !ok || !sh.Fits(js[i:end]) {
		return out, 0, false
	}
	if js[i] == '"' {
		out, ok = appendString(out, js[i:end])
		return out, end, ok
	}
	return append(out, js[i:end]...), end, true
}

// appendString writes a JSON string written by json.Marshal as the
// export's encoder writes it: <, > and & unescaped, and U+FFFD as itself.
func appendString(dst, s []byte) ([]byte, bool) {
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...), true
		}
		dst = append(dst, s[:i]...)
		r, n, ok := jsonscan.Escape(s[i:])
		if !ok {
			return dst, false
		}
		switch r {
		case '<', '>', '&', '\ufffd': // HTML-safe escapes, and json.Marshal's stand-in for invalid UTF-8
			dst = utf8.AppendRune(dst, r)
		default:
			dst = append(dst, s[i:i+n]...)
		}
		s = s[i+n:]
	}
}
