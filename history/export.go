package history

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"aliauth/gateway"
)

// exportLine appends to dst the line Export writes for the trace stored as
// js under id: what encoding it with the export's encoder gives once it is
// decoded, its ID set and, unless reveal, redacted with gateway.Mask. It
// works on the stored JSON itself, which Record wrote with json.Marshal, so
// it decodes and encodes nothing where nothing changes; it reports false,
// having written nothing, for a trace it cannot be sure to write exactly so
// (then the trace is decoded and encoded).
//
// What decoding and encoding again changes in Record's JSON: the id comes
// first; <, > and & are no longer escaped in strings, nor U+FFFD, which
// json.Marshal writes for invalid UTF-8, except in the response (its
// MarshalJSON escapes them) and in the result (raw JSON, kept as it is). Redacting replaces the trace's secrets in the fields
// Trace.Redact rewrites, and nowhere else.
func exportLine(dst []byte, id int64, js []byte, reveal bool) ([]byte, bool) {
	members, ok := objectMembers(js)
	if !ok || len(members) == 0 || members[0].key == "id" {
		return dst, false
	}
	w := exportWriter{out: dst}
	if !reveal {
		secrets, ok := storedSecrets(js, members)
		if !ok {
			return dst, false
		}
		if len(secrets) > 0 {
			pairs := make([]string, 0, 2*len(secrets))
			for _, s := range secrets {
				masked := gateway.Mask(s)
				if !plain(s) || !plain(masked) {
					return dst, false
				}
				pairs = append(pairs, s, masked)
			}
			w.replacer = strings.NewReplacer(pairs...)
		}
	}
	if !traceShape.ordered(members) {
		return dst, false
	}
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
			if w.replacer != nil && !w.response(js[m.keyStart:m.end], value) {
				return dst, false
			}
			if w.replacer == nil {
				w.out = append(w.out, js[m.keyStart:m.end]...)
			}
			continue
		case "result":
			w.out = append(w.out, js[m.keyStart:m.start]...)
			if w.replacer != nil {
				// Replaced in the raw JSON, as Redact does: what that breaks
				// fails to encode, on the slow path.
				redacted := w.replacer.Replace(string(value))
				if redacted != string(value) && !json.Valid([]byte(redacted)) {
					return dst, false
				}
				w.out = append(w.out, redacted...)
			} else {
				w.out = append(w.out, value...)
			}
			continue
		}
		w.out = w.str(w.out, js[m.keyStart:m.keyEnd], false)
		w.out = append(w.out, ':')
		redact := func(path ...string) bool { return false }
		switch m.key {
		case "request":
			redact = func(path ...string) bool {
				switch {
				case len(path) == 1:
					return path[0] == "url" || path[0] == "string_to_sign" || path[0] == "body"
				case len(path) == 2:
					return path[0] == "params" || path[0] == "headers"
				}
				return false
			}
		case "verification":
			redact = func(path ...string) bool { return len(path) == 1 && path[0] == "signed_content" }
		case "tokens":
			redact = func(path ...string) bool {
				return len(path) == 1 && (path[0] == "access_token" || path[0] == "refresh_token")
			}
		}
		if !w.value(value, traceShape.fields[m.key], nil, redact) {
			return dst, false
		}
	}
	w.out = append(w.out, '}', '\n')
	return w.out, true
}

// plain reports whether a secret reads the same escaped in JSON as not, by
// either encoder: it holds nothing JSON escapes.
func plain(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029' || r == utf8.RuneError {
			return false
		}
	}
	return true
}

type exportWriter struct {
	out      []byte
	replacer *strings.Replacer
}

// value writes a JSON value of a field outside the response and the result,
// of the given shape, unescaping <, > and & in its strings and redacting the
// strings at the paths redact names. A value that is not of its shape (an
// older aliauth's, say) is left to the slow path.
func (w *exportWriter) value(v []byte, sh *shape, path []string, redact func(path ...string) bool) bool {
	switch {
	case v[0] == '"':
		w.out = w.str(w.out, v, w.replacer != nil && redact(path...))
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
			w.out = w.str(w.out, v[m.keyStart:m.keyEnd], false)
			w.out = append(w.out, ':')
			next := sh.elem
			if sh.kind == reflect.Struct {
				next = sh.fields[m.key]
			}
			if !w.value(v[m.start:m.end], next, append(path, m.key), redact) {
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
			if !w.value(v[i:end], sh.elem, path, func(...string) bool { return false }) {
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

// traceShape is the shape of gateway.Trace.
var traceShape = shapeOf(reflect.TypeFor[gateway.Trace]())

func shapeOf(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	sh := &shape{kind: t.Kind()}
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
			sh.fields[name] = shapeOf(f.Type)
		}
	case t.Kind() == reflect.Map || t.Kind() == reflect.Slice:
		sh.elem = shapeOf(t.Elem())
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

// str writes a JSON string written by json.Marshal as the export's encoder
// writes it: <, > and & unescaped, and, when redact is set, the secrets
// replaced. A secret is plain, so it never spans an escape: the runs between
// escapes are replaced on their own.
func (w *exportWriter) str(dst, s []byte, redact bool) []byte {
	return appendString(dst, s, true, redact, w.replacer)
}

func appendString(dst, s []byte, unescapeHTML, redact bool, r *strings.Replacer) []byte {
	run := func(b []byte) {
		if redact {
			dst = append(dst, r.Replace(string(b))...)
		} else {
			dst = append(dst, b...)
		}
	}
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			run(s)
			return dst
		}
		run(s[:i])
		n := 2
		if s[i+1] == 'u' {
			n = 6
		}
		esc := s[i : i+n]
		switch {
		case !unescapeHTML:
			dst = append(dst, esc...)
		case string(esc) == `\u003c`:
			dst = append(dst, '<')
		case string(esc) == `\u003e`:
			dst = append(dst, '>')
		case string(esc) == `\u0026`:
			dst = append(dst, '&')
		case string(esc) == `\ufffd`: // json.Marshal's stand-in for invalid UTF-8
			dst = append(dst, "\ufffd"...)
		default:
			dst = append(dst, esc...)
		}
		s = s[i+n:]
	}
}

// response writes the response member (from its key) with the secrets
// replaced in its body, its other fields as they are: Response.MarshalJSON
// escapes as json.Marshal does, in the export too.
func (w *exportWriter) response(member, value []byte) bool {
	members, ok := objectMembers(value)
	if !ok {
		return false
	}
	w.out = append(w.out, member[:len(member)-len(value)]...)
	w.out = append(w.out, '{')
	for i, m := range members {
		if m.key == "body_base64" { // a GBK body: redaction changes its bytes
			return false
		}
		if i > 0 {
			w.out = append(w.out, ',')
		}
		w.out = append(w.out, value[m.keyStart:m.start]...)
		if m.key == "body" && value[m.start] == '"' {
			w.out = appendString(w.out, value[m.start:m.end], false, true, w.replacer)
		} else {
			w.out = append(w.out, value[m.start:m.end]...)
		}
	}
	w.out = append(w.out, '}')
	return true
}

// storedSecrets is Trace.Secrets of the stored trace, read from its JSON
// without decoding all of it.
func storedSecrets(js []byte, members []jsonMember) ([]string, bool) {
	var out []string
	add := func(s string) {
		if len(s) >= 4 && !strings.Contains(s, "…") && !strings.HasPrefix(s, "sha256:") {
			out = append(out, s)
		}
	}
	var request, tokens, result, protocol []byte
	for _, m := range members {
		switch m.key {
		case "request":
			request = js[m.start:m.end]
		case "tokens":
			tokens = js[m.start:m.end]
		case "result":
			result = js[m.start:m.end]
		case "protocol":
			protocol = js[m.start:m.end]
		}
	}
	var params, body []byte
	if request != nil {
		ms, ok := objectMembers(request)
		if !ok {
			return nil, false
		}
		for _, m := range ms {
			switch m.key {
			case "params":
				params = request[m.start:m.end]
			case "body":
				body = request[m.start:m.end]
			}
		}
	}
	fields := func(obj []byte, names ...string) ([]string, bool) {
		got := make([]string, len(names))
		if obj == nil || obj[0] != '{' {
			return got, obj == nil || string(obj) == "null"
		}
		ms, ok := objectMembers(obj)
		if !ok {
			return nil, false
		}
		for _, m := range ms {
			for i, n := range names {
				if m.key == n {
					if got[i], ok = jsonString(obj[m.start:m.end]); !ok {
						return nil, false
					}
				}
			}
		}
		return got, true
	}
	sent, ok := fields(params, "refresh_token", "auth_token")
	if !ok {
		return nil, false
	}
	add(sent[0])
	add(sent[1])
	received, ok := fields(tokens, "access_token", "refresh_token")
	if !ok {
		return nil, false
	}
	add(received[0])
	add(received[1])
	// As Secrets reads them, with encoding/json, which also matches keys
	// that differ in case or are escaped: a result that could hold none is
	// not read.
	if len(result) > 0 && (bytes.Contains(bytes.ToLower(result), []byte("token")) || bytes.Contains(result, []byte(`\u`))) {
		var r struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
			AuthToken    string `json:"auth_token"`
		}
		if json.Unmarshal(result, &r) == nil {
			add(r.AccessToken)
			add(r.RefreshToken)
			add(r.AuthToken)
		}
	}
	if p, _ := jsonString(protocol); p == string(gateway.V3) && body != nil {
		text, ok := jsonString(body)
		if !ok {
			return nil, false
		}
		var v3 struct {
			RefreshToken string `json:"refresh_token"`
		}
		if text != "" && json.Unmarshal([]byte(text), &v3) == nil {
			add(v3.RefreshToken)
		}
	}
	return out, true
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
	for j := i + 1; ; {
		k := bytes.IndexAny(b[j:], `"\`)
		if k < 0 {
			return 0, false
		}
		j += k
		if b[j] == '"' {
			return j + 1, true
		}
		j += 2
		if j > len(b) {
			return 0, false
		}
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
