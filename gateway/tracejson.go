package gateway

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"aliauth/internal/jsonscan"
)

// EncodeJSON appends to dst the JSON of the trace js holds, as encoding
// the trace writes it: js is the JSON json.Marshal writes for a trace, as
// history keeps traces, and EncodeJSON writes byte for byte what encoding
// the decoded trace writes, or its Redact(replace) if replace is not nil,
// by json.Marshal when escapeHTML is set, by an Encoder with
// SetEscapeHTML(false) otherwise (less the newline).
//
// It reads the text instead of decoding it. Redacting, it finds the tokens
// where Secrets does (secretsIn reads the text through traceJSON) and
// replaces them with Redact's replacer in the members Redact rewrites
// (redactedMembers), decoding only the strings that hold one and encoding
// only those it changes. The rest it copies, writing each escape as the
// encoding writes the character.
//
// It reports false, having appended nothing, for a trace it cannot be sure
// to write so: text that is not what json.Marshal writes for a trace, a
// token escaping would change, a token in a member Redact leaves alone or
// rewrites otherwise (a signature diff, made again from the strings it
// compares), a response body kept as bytes. Then decode the trace.
func EncodeJSON(dst, js []byte, escapeHTML bool, replace func(secret string) string) ([]byte, bool) {
	v := traceJSONs.Get().(*traceJSON)
	defer v.release()
	v.escapeHTML = escapeHTML
	if !v.read(js) || replace != nil && !v.redact(replace) {
		return dst, false
	}
	out, ok := v.write(dst)
	if !ok {
		return dst, false
	}
	return out, true
}

// plainEscape reports whether an escape stands for a character no token is
// made of. Redacting counts on every escape in the text doing so (write
// checks): then text made only of such characters (a token, a token
// member's name) is in a decoded string where the string's JSON has it, and
// a string whose JSON does not hold it does not hold it.
func plainEscape(r rune) bool { return r >= utf8.RuneSelf || !plainByte(byte(r)) }

// redact makes the edits that redact the trace as Redact(replace) does.
func (v *traceJSON) redact(replace func(secret string) string) bool {
	secrets, spellings := secretsIn(v)
	if v.bad || len(spellings) > 0 {
		return false
	}
	if len(secrets) == 0 {
		return true
	}
	for _, s := range secrets {
		if !plain(s) {
			return false
		}
	}
	r := newRedactor(secrets, nil, replace)
	hits, inResult := v.holding(r.text.old)
	for len(hits) > 0 {
		n := 1
		for n < len(hits) && hits[n].leaf == hits[0].leaf {
			n++
		}
		if !v.redactLeaf(r, hits[:n]) {
			return false
		}
		hits = hits[n:]
	}
	if len(inResult) > 0 && v.redactResult(r, inResult) {
		slices.SortFunc(v.edits, func(a, b edit) int { return a.start - b.start })
	}
	return true
}

// hit is where the text holds a secret, r.text.old[secret], in a leaf.
type hit struct{ at, secret, leaf int }

// redactLeaf adds the edit that redacts a leaf the text holds secrets in,
// as Redact's replacer does its decoded text. Where no secret found in the
// leaf's JSON starts inside an escape, the JSON holds the decoded text's
// secrets where the text does, in the same order, so it replaces them
// there; otherwise it decodes the text, replaces and encodes it again.
func (v *traceJSON) redactLeaf(r redactor, hits []hit) bool {
	l := v.leaves[hits[0].leaf]
	if !l.redacted {
		return false
	}
	html := v.escapeHTML || v.responseAt.holds(l.start)
	at := len(v.arena)
	if !slices.ContainsFunc(hits, func(h hit) bool { return inEscape(v.js, h.at) }) &&
		!slices.ContainsFunc(r.text.new, func(s string) bool { return !utf8.ValidString(s) }) {
		v.arena = append(v.arena, '"')
		from := l.start + 1
		ok := true
		for _, h := range sortHits(hits) { // none inside another replaced
			if h.at < from {
				continue
			}
			if v.arena, ok = v.copyText(v.arena, from, h.at); !ok {
				return false
			}
			v.arena = jsonscan.AppendEscaped(v.arena, r.text.new[h.secret], html)
			from = h.at + len(r.text.old[h.secret])
		}
		if v.arena, ok = v.copyText(v.arena, from, l.end-1); !ok {
			return false
		}
		v.arena = append(v.arena, '"')
		v.edits = append(v.edits, edit{l.span, at, len(v.arena)})
		return true
	}
	text, ok := v.str(l.span)
	if !ok || !jsonscan.Escapes(v.js[l.start:l.end], plainEscape) {
		return false
	}
	redacted := r.text.Replace(text)
	if redacted == text {
		return true
	}
	if l.body && !utf8.ValidString(redacted) {
		return false // it would be written as GBK, with its bytes
	}
	v.arena = jsonscan.AppendString(v.arena, redacted, html)
	v.edits = append(v.edits, edit{l.span, at, len(v.arena)})
	return true
}

// inEscape reports whether js[at] is inside an escape, after its
// backslash.
func inEscape(js []byte, at int) bool {
	for q := at - 1; q >= max(0, at-5); q-- {
		if js[q] != '\\' {
			continue
		}
		// The last of a run of backslashes starts an escape when the run
		// is odd; when it is even, it ends one (\\) before at.
		run := 0
		for p := q; p >= 0 && js[p] == '\\'; p-- {
			run++
		}
		if run%2 == 0 {
			return false
		}
		n := 2
		if js[q+1] == 'u' {
			n = 6
		}
		return q+n > at
	}
	return false
}

// edit replaces js[start:end] with arena[from:to].
type edit struct {
	span
	from, to int
}

// redactResult adds the edit that redacts the result as Redact does, if it
// changes: as JSON text, dropped when a token replaced inside its syntax
// leaves it invalid. Kept, it is compacted, as encoding it would. Where
// every secret found is inside a string and what replaces it needs no
// escape there, the result stays as valid and compact as it was, and the
// secrets are replaced where they were found.
func (v *traceJSON) redactResult(r redactor, hits []hit) bool {
	res := v.resultAt
	at := len(v.arena)
	if r.json == r.text && v.inStrings(hits, r.json.old) &&
		!slices.ContainsFunc(r.json.new, func(s string) bool { return !stringSafe(s, v.escapeHTML) }) {
		from := res.start
		for _, h := range sortHits(hits) {
			if h.at < from {
				continue
			}
			v.arena = append(v.arena, v.js[from:h.at]...)
			v.arena = append(v.arena, r.json.new[h.secret]...)
			from = h.at + len(r.json.old[h.secret])
		}
		v.arena = append(v.arena, v.js[from:res.end]...)
		v.edits = append(v.edits, edit{res, at, len(v.arena)})
		return true
	}
	raw := v.js[res.start:res.end]
	redacted := r.json.Replace(string(raw))
	if redacted == string(raw) {
		return false
	}
	var compact bytes.Buffer
	if json.Compact(&compact, []byte(redacted)) == nil {
		if v.escapeHTML {
			buf := bytes.NewBuffer(v.arena)
			json.HTMLEscape(buf, compact.Bytes())
			v.arena = buf.Bytes()
		} else {
			v.arena = append(v.arena, compact.Bytes()...)
		}
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

// inStrings reports whether every hit in the result is inside one of its
// strings.
func (v *traceJSON) inStrings(hits []hit, old []string) bool {
	hits = sortHits(hits)
	for at := v.resultAt.start; len(hits) > 0; {
		i := bytes.IndexByte(v.js[at:v.resultAt.end], '"')
		if i < 0 {
			return false
		}
		start := at + i
		end, ok := jsonscan.SkipString(v.js, start)
		if !ok {
			return false
		}
		for len(hits) > 0 && hits[0].at < end {
			if hits[0].at < start || hits[0].at+len(old[hits[0].secret]) >= end {
				return false
			}
			hits = hits[1:]
		}
		at = end
	}
	return true
}

// stringSafe reports whether encoding/json writes s in a string as it is.
func stringSafe(s string, html bool) bool {
	return string(jsonscan.AppendEscaped(nil, s, html)) == s
}

// sortHits puts hits in the order Redact's replacer meets them: left to
// right, the first secret in order where several start at once.
func sortHits(hits []hit) []hit {
	slices.SortFunc(hits, func(a, b hit) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return a.secret - b.secret
	})
	return hits
}

// write appends the trace's JSON with its edits made. It reports false for
// an escape that is not plainEscape.
func (v *traceJSON) write(dst []byte) ([]byte, bool) {
	at := 0
	ok := true
	for _, e := range v.edits {
		if dst, ok = v.copyText(dst, at, e.start); !ok {
			return dst, false
		}
		dst = append(dst, v.arena[e.from:e.to]...)
		at = e.end
	}
	return v.copyText(dst, at, len(v.js))
}

// copyText appends js[from:to], writing each escape in a string as the
// encoding writes the character: U+FFFD as itself (json.Marshal wrote
// \ufffd for bytes that are not UTF-8, which decode to it), and <, > and &
// as themselves unless HTML-safe escapes are written (always in the
// response, which writes itself with json.Marshal). The result is raw JSON,
// written as it is. It reports false for an escape elsewhere that is not
// plainEscape.
func (v *traceJSON) copyText(dst []byte, from, to int) ([]byte, bool) {
	for {
		i := bytes.IndexByte(v.js[from:to], '\\')
		if i < 0 {
			return append(dst, v.js[from:to]...), true
		}
		at := from + i
		if v.resultAt.holds(at) {
			// Raw JSON: the backslash and what it escapes, as they are.
			dst = append(dst, v.js[from:at+2]...)
			from = at + 2
			continue
		}
		r, n, ok := jsonscan.Escape(v.js[at:])
		if !ok || !plainEscape(r) {
			return dst, false
		}
		dst = append(dst, v.js[from:at]...)
		if r == '\ufffd' || (r == '<' || r == '>' || r == '&') && !v.escapeHTML && !v.responseAt.holds(at) {
			dst = utf8.AppendRune(dst, r)
		} else {
			dst = append(dst, v.js[at:at+n]...)
		}
		from = at + n
	}
}

// holds reports whether at is in the span.
func (s span) holds(at int) bool { return s.start <= at && at < s.end }

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

// traceJSONs keeps the traceJSON of one EncodeJSON for the next.
var traceJSONs = sync.Pool{New: func() any { return new(traceJSON) }}

func (v *traceJSON) release() {
	*v = traceJSON{leaves: v.leaves[:0], params: v.params[:0], edits: v.edits[:0], arena: v.arena[:0],
		scratch: v.scratch[:0], requestText: v.requestText[:0], responseText: v.responseText[:0]}
	traceJSONs.Put(v)
}

// traceShape is what json.Marshal writes for a Trace, its response in the
// shape Response.MarshalJSON writes.
var traceShape = jsonscan.ShapeOf(reflect.TypeFor[Trace](), map[reflect.Type]reflect.Type{
	reflect.TypeFor[Response](): reflect.TypeFor[responseJSON](),
})

// traceJSON is a trace as the JSON json.Marshal writes for it, read without
// decoding it: where its strings are and which of them Redact rewrites, and,
// as a tokenSource, what Secrets reads.
type traceJSON struct {
	js     []byte
	leaves []leaf
	// Where secretsIn reads; zero when the trace has no such member.
	paramsAt, headersAt, requestBodyAt, responseBodyAt, tokenPair, app span
	// Where the response and the result are.
	responseAt, resultAt span
	// escapeHTML is set when the JSON is written as json.Marshal writes it.
	escapeHTML bool
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
	roles := memberRoles[sh]
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
		var r role
		if roles != nil {
			r = roles[order.Field()]
		}
		if r&resultMember != 0 {
			end, ok := it.Skip()
			if !ok {
				return 0, false
			}
			v.resultAt, v.resultKey = span{m.Start, end}, m.KeyStart
			continue
		}
		end, ok := v.value(m.Start, msh, redacted || r&rewritten != 0)
		if !ok || !it.Over(end) {
			return 0, false
		}
		if r&^rewritten != 0 && !v.source(r, span{m.Start, end}) {
			return 0, false
		}
	}
}

// source notes where a member secretsIn reads is. A second one, which
// json.Marshal never writes, is refused.
func (v *traceJSON) source(r role, s span) bool {
	var at *span
	switch {
	case r&responseMember != 0:
		at = &v.responseAt
	case r&tokensMember != 0:
		at = &v.tokenPair
	case r&appAuthMember != 0:
		at = &v.app
	case r&paramsMember != 0:
		at = &v.paramsAt
	case r&headersMember != 0:
		at = &v.headersAt
	case r&requestBodyMember != 0:
		at = &v.requestBodyAt
	case r&responseBodyMember != 0:
		at = &v.responseBodyAt
		if v.js[s.start] == '"' {
			v.leaves[len(v.leaves)-1].body = true
		}
	case r&bodyBytesMember != 0:
		v.bodyBytes = true
		return true
	}
	if at.end > 0 {
		return false
	}
	*at = s
	return true
}

// role is what a member of a trace's JSON is to EncodeJSON: one Redact
// rewrites, or one secretsIn reads.
type role uint16

const (
	rewritten role = 1 << iota
	resultMember
	responseMember
	tokensMember
	appAuthMember
	paramsMember
	headersMember
	requestBodyMember
	responseBodyMember
	bodyBytesMember
)

// sources are the members secretsIn reads, by type.
var sources = map[reflect.Type]map[string]role{
	reflect.TypeFor[Trace]():        {"result": resultMember, "response": responseMember, "tokens": tokensMember, "app_auth": appAuthMember},
	reflect.TypeFor[Request]():      {"params": paramsMember, "headers": headersMember, "body": requestBodyMember},
	reflect.TypeFor[responseJSON](): {"body": responseBodyMember, "body_base64": bodyBytesMember},
}

// memberRoles are the roles of the members of every struct in a trace's
// JSON, by the struct's shape and in field order.
var memberRoles = func() map[*jsonscan.Shape][]role {
	out := map[*jsonscan.Shape][]role{}
	var walk func(sh *jsonscan.Shape)
	walk = func(sh *jsonscan.Shape) {
		if sh == nil || sh.Kind != jsonscan.Struct && sh.Kind != jsonscan.Map && sh.Kind != jsonscan.Slice {
			return
		}
		if sh.Kind != jsonscan.Struct {
			walk(sh.Elem)
			return
		}
		if _, ok := out[sh]; ok {
			return
		}
		roles := make([]role, len(sh.Names()))
		out[sh] = roles
		for i, name := range sh.Names() {
			if slices.Contains(redactedMembers[sh.Type], name) {
				roles[i] |= rewritten
			}
			roles[i] |= sources[sh.Type][name]
			walk(sh.Fields()[i])
		}
	}
	walk(traceShape)
	return out
}()

// holding returns where the text holds the secrets in leaves, by leaf, and
// in the result. The secrets are plain: each is in the text
// wherever a decoded string holds it.
func (v *traceJSON) holding(secrets []string) (hits, inResult []hit) {
	found := func(at, secret int) {
		if v.resultAt.holds(at) {
			inResult = append(inResult, hit{at, secret, -1})
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
		if l > 0 && at+len(secrets[secret]) <= v.leaves[l-1].end {
			hits = append(hits, hit{at, secret, l - 1})
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
			for i, s := range secrets {
				if at+len(s) <= len(v.js) && string(v.js[at:at+len(s)]) == s {
					found(at, i)
				}
			}
		})
	} else {
		for i, s := range secrets {
			search(v.js, s, func(at int) { found(at, i) })
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.leaf - b.leaf })
	return hits, inResult
}

// search calls f with where s starts in b, everywhere it does. It looks
// for s from its first upper-case letter, if it has one: bytes.Index steps
// from one occurrence of the first byte it looks for to the next, and JSON
// text is mostly lower-case.
func search(b []byte, s string, f func(at int)) {
	k := max(0, strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' }))
	sep := []byte(s[k:])
	for at := k; ; at++ {
		i := bytes.Index(b[at:], sep)
		if i < 0 {
			return
		}
		at += i
		if string(b[at-k:at]) == s[:k] {
			f(at - k)
		}
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
		if string(m.Key) == key { // read took only keys without escapes
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

// body decodes the body at s into buf, if it can hold a token member: all
// their names end in tokenSuffix, which escapes leave as it is.
func (v *traceJSON) body(buf []byte, s span) []byte {
	if s.end == 0 || v.js[s.start] != '"' || !bytes.Contains(v.js[s.start:s.end], []byte(tokenSuffix[:len(tokenSuffix)-1])) {
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
		if string(p.Key) == name {
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
