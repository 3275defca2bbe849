package gateway

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sync"
	"unicode/utf8"

	"aliauth/internal/jsonscan"
)

// RedactJSON is Redact for a trace kept as the JSON json.Marshal writes for
// it, as history keeps traces. It appends to dst JSON that decodes to a
// trace which encodes, by json.Marshal or by an Encoder without HTML-safe
// escapes, exactly as t.Redact(replace) does, t being js decoded. It finds
// the tokens where Secrets does (secretsIn reads the text through
// traceJSON) and replaces them with Redact's replacer, in the members Redact
// rewrites (redactedMembers); it decodes only the strings that hold tokens
// and encodes only those it changes, and copies the rest as it is.
//
// It reports false, having appended nothing, for a trace it cannot be sure
// to redact so: text that is not what json.Marshal writes for a trace, a
// token that escaping would change, a token in a member Redact leaves alone
// or rewrites otherwise (a signature diff, made again from the strings it
// compares), a response body that is not UTF-8. Then decode the trace and
// call Redact.
func RedactJSON(dst, js []byte, replace func(secret string) string) ([]byte, bool) {
	v := traceJSONs.Get().(*traceJSON)
	defer v.release()
	if !v.read(js) {
		return dst, false
	}
	secrets, spellings := secretsIn(v)
	if v.bad || len(spellings) > 0 {
		return dst, false
	}
	if len(secrets) == 0 {
		return append(dst, js...), true
	}
	// A token made only of characters no escape stands for is in the text as
	// it is, wherever a decoded string holds it, and cannot span two strings:
	// so a string the search below does not find it in does not hold it.
	for _, s := range secrets {
		if !plain(s) {
			return dst, false
		}
	}
	if !jsonscan.Escapes(js, func(r rune) bool { return r >= utf8.RuneSelf || !plainByte(byte(r)) }) {
		return dst, false
	}
	r := newRedactor(secrets, nil, replace)
	leaves, inResult := v.holding(secrets)
	for _, i := range leaves {
		l := v.leaves[i]
		if !l.redacted {
			return dst, false
		}
		text, ok := v.str(l.span)
		if !ok {
			return dst, false
		}
		redacted := r.text.Replace(text)
		if redacted == text {
			continue
		}
		if l.body && !utf8.ValidString(redacted) {
			return dst, false // it would be written as GBK, with its bytes
		}
		at := len(v.arena)
		if v.enc.Encode(redacted) != nil {
			return dst, false
		}
		v.arena = v.arena[:len(v.arena)-1] // Encode ends with a newline
		v.edits = append(v.edits, edit{l.span, at, len(v.arena)})
	}
	if inResult && v.redactResult(r) {
		slices.SortFunc(v.edits, func(a, b edit) int { return a.start - b.start })
	}
	at := 0
	for _, e := range v.edits {
		dst = append(dst, js[at:e.start]...)
		dst = append(dst, v.arena[e.from:e.to]...)
		at = e.end
	}
	return append(dst, js[at:]...), true
}

// edit replaces js[start:end] with arena[from:to].
type edit struct {
	span
	from, to int
}

// redactResult adds the edit that redacts the result as Redact does, if it
// changes: as JSON text, dropped when a token replaced inside its syntax
// leaves it invalid. Kept, it is compacted, as encoding it would.
func (v *traceJSON) redactResult(r redactor) bool {
	res := v.resultAt
	raw := v.js[res.start:res.end]
	redacted := r.json.Replace(string(raw))
	if redacted == string(raw) {
		return false
	}
	at := len(v.arena)
	compact := bytes.NewBuffer(v.arena)
	if json.Compact(compact, []byte(redacted)) == nil {
		v.arena = compact.Bytes()
		v.edits = append(v.edits, edit{res, at, len(v.arena)})
		return true
	}
	// The member goes with a comma beside it.
	drop := span{v.resultKey, res.end}
	if v.js[drop.start-1] == ',' {
		drop.start--
	} else if v.js[drop.end] == ',' {
		drop.end++
	}
	v.edits = append(v.edits, edit{span: drop, from: at, to: at})
	return true
}

// redactedMembers are, by type, the members of a trace's JSON whose text
// Redact rewrites (the strings of a list or a map too); the result is
// rewritten as JSON. A test holds the table to Redact. A token found in a
// member the table does not name sends the trace back to Redact.
var redactedMembers = map[reflect.Type][]string{
	reflect.TypeFor[Trace]():        {"warnings", "transport_error"},
	reflect.TypeFor[Request]():      {"url", "string_to_sign", "body", "params", "headers"},
	reflect.TypeFor[responseJSON](): {"body", "headers"},
	reflect.TypeFor[Verification](): {"signed_content"},
	reflect.TypeFor[Tokens]():       {"access_token", "refresh_token"},
	reflect.TypeFor[AppAuth]():      {"app_auth_token", "app_refresh_token"},
	reflect.TypeFor[APIError]():     {"msg", "sub_msg"},
}

// traceJSONs keeps the traceJSON of one RedactJSON for the next.
var traceJSONs = sync.Pool{New: func() any {
	v := new(traceJSON)
	v.enc = json.NewEncoder(appender{&v.arena})
	return v
}}

// appender is an io.Writer that appends to a slice.
type appender struct{ b *[]byte }

func (a appender) Write(p []byte) (int, error) {
	*a.b = append(*a.b, p...)
	return len(p), nil
}

func (v *traceJSON) release() {
	*v = traceJSON{leaves: v.leaves[:0], params: v.params[:0], edits: v.edits[:0], arena: v.arena[:0], enc: v.enc,
		scratch: v.scratch[:0], requestText: v.requestText[:0], responseText: v.responseText[:0]}
	traceJSONs.Put(v)
}

// traceShape is what json.Marshal writes for a Trace, its response in the
// shape Response.MarshalJSON writes.
var traceShape = jsonscan.ShapeOf(reflect.TypeFor[Trace](), map[reflect.Type]reflect.Type{
	reflect.TypeFor[Response](): reflect.TypeFor[responseJSON](),
})

var (
	traceType    = reflect.TypeFor[Trace]()
	requestType  = reflect.TypeFor[Request]()
	responseWire = reflect.TypeFor[responseJSON]()
)

// traceJSON is a trace as the JSON json.Marshal writes for it, read without
// decoding it: where its strings are and which of them Redact rewrites, and,
// as a tokenSource, what Secrets reads.
type traceJSON struct {
	js     []byte
	leaves []leaf
	// Where secretsIn reads; zero when the trace has no such member.
	paramsAt, headersAt, requestBodyAt, responseBodyAt, tokenPair, app span
	resultAt                                                           span
	// params are the request parameters' names and values, once read.
	params     []param
	paramsRead bool
	// resultKey is where the result member starts.
	resultKey int
	// bodyBytes is set when the response body is not UTF-8 (then its
	// bytes are written too).
	bodyBytes bool
	// bad is set when a value secretsIn reads cannot be decoded.
	bad bool
	// The redaction: edits of js, whose new text is in arena.
	edits []edit
	arena []byte
	enc   *json.Encoder // encodes into arena
	// Room for decoding strings and the bodies.
	scratch, requestText, responseText []byte
}

// span is where a value is in the text: js[start:end].
type span struct{ start, end int }

// param is a request parameter and where its value ends.
type param struct {
	jsonscan.Member
	end int
}

// leaf is a string value.
type leaf struct {
	span
	redacted bool // Redact rewrites it
	body     bool // the response body
}

// read walks the trace's JSON, checking that it is what json.Marshal
// writes for a trace.
func (v *traceJSON) read(js []byte) bool {
	v.js = js
	end, ok := v.object(0, traceShape, false)
	return ok && end == len(js)
}

// value reads the value at js[i] and returns where it ends.
func (v *traceJSON) value(i int, sh *jsonscan.Shape, redacted bool) (int, bool) {
	switch v.js[i] {
	case '{':
		return v.object(i, sh, redacted)
	case '[':
		if sh.Kind != jsonscan.Slice {
			return 0, false
		}
		it := jsonscan.Array(v.js, i)
		for {
			start, ok := it.Next()
			if !ok {
				return it.End()
			}
			end, ok := v.value(start, sh.Elem, redacted)
			if !ok || !it.Over(end) {
				return 0, false
			}
		}
	}
	end, ok := jsonscan.SkipValue(v.js, i)
	if !ok || !sh.Fits(v.js[i:end]) {
		return 0, false
	}
	if v.js[i] == '"' {
		v.leaves = append(v.leaves, leaf{span: span{i, end}, redacted: redacted})
	}
	return end, true
}

func (v *traceJSON) object(i int, sh *jsonscan.Shape, redacted bool) (int, bool) {
	if sh.Kind != jsonscan.Struct && sh.Kind != jsonscan.Map {
		return 0, false
	}
	names := redactedMembers[sh.Type]
	it := jsonscan.Object(v.js, i)
	order := sh.Order()
	for {
		m, ok := it.Next()
		if !ok {
			return it.End()
		}
		msh, ok := order.Next(m)
		if !ok {
			return 0, false
		}
		if sh.Type == traceType && msh.Kind == jsonscan.Raw {
			end, ok := it.Skip()
			if !ok {
				return 0, false
			}
			v.resultAt, v.resultKey = span{m.Start, end}, m.KeyStart
			continue
		}
		end, ok := v.value(m.Start, msh, redacted || sh.Kind == jsonscan.Struct && named(names, m.Key))
		if !ok || !it.Over(end) {
			return 0, false
		}
		if sh.Kind == jsonscan.Struct && !v.source(sh.Type, m.Key, span{m.Start, end}) {
			return 0, false
		}
	}
}

// source notes where a member secretsIn reads is. A second one, which
// json.Marshal never writes, is refused.
func (v *traceJSON) source(t reflect.Type, key []byte, s span) bool {
	var at *span
	switch {
	case t == traceType && string(key) == "tokens":
		at = &v.tokenPair
	case t == traceType && string(key) == "app_auth":
		at = &v.app
	case t == requestType && string(key) == "params":
		at = &v.paramsAt
	case t == requestType && string(key) == "headers":
		at = &v.headersAt
	case t == requestType && string(key) == "body":
		at = &v.requestBodyAt
	case t == responseWire && string(key) == "body":
		at = &v.responseBodyAt
		if v.js[s.start] == '"' {
			v.leaves[len(v.leaves)-1].body = true
		}
	case t == responseWire && string(key) == "body_base64":
		v.bodyBytes = true
		return true
	default:
		return true
	}
	if at.end > 0 {
		return false
	}
	*at = s
	return true
}

func named(names []string, key []byte) bool {
	for _, n := range names {
		if n == string(key) {
			return true
		}
	}
	return false
}

// holding returns the indexes of the leaves the text holds a secret in, in
// order, and whether the result holds one.
func (v *traceJSON) holding(secrets []string) (leaves []int, result bool) {
	found := func(at, n int) {
		if v.resultAt.start <= at && at < v.resultAt.end {
			result = true
			return
		}
		// The leaf that starts last at or before the secret holds it, if it
		// ends after it.
		l, _ := slices.BinarySearchFunc(v.leaves, at, func(l leaf, at int) int {
			if l.start <= at {
				return -1
			}
			return 1
		})
		if l > 0 && at+n <= v.leaves[l-1].end {
			leaves = append(leaves, l-1)
		}
	}
	// Tokens of a kind begin alike ("authusrB"): one search for how they
	// all begin finds every one.
	prefix := secrets[0]
	for _, s := range secrets[1:] {
		n := 0
		for n < len(prefix) && n < len(s) && prefix[n] == s[n] {
			n++
		}
		prefix = prefix[:n]
	}
	if len(prefix) >= 4 {
		search(v.js, prefix, func(at int) {
			for _, s := range secrets {
				if at+len(s) <= len(v.js) && string(v.js[at:at+len(s)]) == s {
					found(at, len(s))
				}
			}
		})
	} else {
		for _, s := range secrets {
			search(v.js, s, func(at int) { found(at, len(s)) })
		}
	}
	slices.Sort(leaves)
	return slices.Compact(leaves), result
}

// search calls f with where s starts in b, everywhere it does.
func search(b []byte, s string, f func(at int)) {
	sep := []byte(s)
	for at := 0; ; at++ {
		i := bytes.Index(b[at:], sep)
		if i < 0 {
			return
		}
		at += i
		f(at)
	}
}

// member finds the value of the member key in the object at s.
func (v *traceJSON) member(s span, key string) span {
	if s.end == 0 {
		return span{}
	}
	it := jsonscan.Object(v.js, s.start)
	for {
		m, ok := it.Next()
		if !ok {
			return span{}
		}
		if !m.KeyEscaped() && string(m.Key) == key {
			end, _ := it.Skip()
			return span{m.Start, end}
		}
	}
}

// str decodes the string at s; absent or null, it is empty.
func (v *traceJSON) str(s span) (string, bool) {
	if s.end == 0 || v.js[s.start] != '"' {
		return "", true
	}
	var ok bool
	v.scratch, ok = jsonscan.AppendText(v.scratch[:0], v.js[s.start:s.end])
	return string(v.scratch), ok
}

// text is str for what secretsIn reads, which notes a string it cannot
// decode.
func (v *traceJSON) text(s span) string {
	t, ok := v.str(s)
	v.bad = v.bad || !ok
	return t
}

// body decodes the body at s into buf.
func (v *traceJSON) body(buf []byte, s span) []byte {
	if s.end == 0 || v.js[s.start] != '"' {
		return nil
	}
	buf, ok := jsonscan.AppendText(buf[:0], v.js[s.start:s.end])
	v.bad = v.bad || !ok
	return buf
}

func (v *traceJSON) param(name string) string {
	if !v.paramsRead && v.paramsAt.end > 0 {
		v.paramsRead = true
		it := jsonscan.Object(v.js, v.paramsAt.start)
		for m, ok := it.Next(); ok; m, ok = it.Next() {
			end, _ := it.Skip()
			v.params = append(v.params, param{m, end})
		}
	}
	for _, p := range v.params {
		if !p.KeyEscaped() && string(p.Key) == name {
			return v.text(span{p.Start, p.end})
		}
	}
	return ""
}

func (v *traceJSON) header(name string) string { return v.text(v.member(v.headersAt, name)) }

func (v *traceJSON) requestBody() []byte {
	v.requestText = v.body(v.requestText, v.requestBodyAt)
	return v.requestText
}

func (v *traceJSON) tokens() (access, refresh string) {
	return v.text(v.member(v.tokenPair, "access_token")), v.text(v.member(v.tokenPair, "refresh_token"))
}

func (v *traceJSON) appAuth() *AppAuth {
	if v.app.end == 0 || v.js[v.app.start] == 'n' {
		return nil
	}
	a := new(AppAuth)
	if json.Unmarshal(v.js[v.app.start:v.app.end], a) != nil {
		v.bad = true
	}
	return a
}

func (v *traceJSON) responseBody() []byte {
	if v.bodyBytes {
		v.bad = true // the body's bytes are in base64, decoded by Redact's way only
	}
	v.responseText = v.body(v.responseText, v.responseBodyAt)
	return v.responseText
}

func (v *traceJSON) result() []byte {
	if v.resultAt.end == 0 {
		return nil
	}
	return v.js[v.resultAt.start:v.resultAt.end]
}
