package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"aliauth/internal/jsonscan"
)

// Mask hides a secret on screen while keeping enough to recognise it: the
// token kind prefix and the last four characters.
func Mask(secret string) string {
	if len(secret) <= 12 {
		return strings.Repeat("*", len(secret))
	}
	return secret[:8] + "…" + secret[len(secret)-4:]
}

// Fingerprint stands in for a secret that must not be kept: the same token
// always gives the same fingerprint, and the fingerprint gives nothing back.
func Fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// Secrets lists the tokens the trace carries: those sent (refresh token,
// auth token) and those received (access and refresh tokens), longest
// first. Tokens are found in the raw text as well as in the decoded fields,
// so an answer that is truncated or malformed, and decodes to nothing, still
// has its tokens masked.
func (t *Trace) Secrets() []string {
	secrets, _ := t.secrets()
	return secrets
}

// spelling is a token as JSON text writes it, escapes and all, and the
// token it decodes to.
type spelling struct{ raw, decoded string }

// secrets is Secrets, with the spellings of the tokens found in JSON text
// that differ from the tokens themselves.
func (t *Trace) secrets() ([]string, []spelling) {
	return secretsIn(decoded{t})
}

// tokenSource is where secretsIn looks for a trace's tokens: a decoded trace,
// or the JSON json.Marshal writes for one (traceJSON), so that Redact and
// EncodeJSON find the same tokens in the same places.
type tokenSource interface {
	// param and header are a request parameter's and a request header's
	// values.
	param(name string) string
	header(name string) string
	// tokens are the access and refresh tokens the trace decoded.
	tokens() (access, refresh string)
	appAuth() *AppAuth
	// The request's and the response's bodies and the result hold tokens
	// as JSON text.
	requestBody() []byte
	responseBody() []byte
	result() []byte
}

// secretsIn is secrets, of the trace src reads.
func secretsIn(src tokenSource) ([]string, []spelling) {
	var out []string
	var spellings []spelling
	add := func(s string) {
		if len(s) >= 4 && !strings.Contains(s, "…") && !IsFingerprint(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	has := func(b []byte) bool { return slices.ContainsFunc(out, func(s string) bool { return s == string(b) }) }
	found := func(raw, decoded []byte) {
		if !has(decoded) {
			add(string(decoded))
		}
		if !bytes.Equal(raw, decoded) && has(decoded) {
			spellings = append(spellings, spelling{string(raw), string(decoded)})
		}
	}
	add(src.param("refresh_token"))
	add(src.param("auth_token"))
	add(src.param("app_auth_token"))
	add(src.header("alipay-app-auth-token"))
	access, refresh := src.tokens()
	add(access)
	add(refresh)
	for _, s := range src.appAuth().secrets() {
		add(s)
	}
	// The app authorization methods send their tokens in biz_content.
	rawTokens([]byte(src.param("biz_content")), found)
	rawTokens(src.requestBody(), found)
	rawTokens(src.responseBody(), found)
	rawTokens(src.result(), found)
	// Replacing the longest first keeps a token that holds another whole.
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out, spellings
}

// decoded is a decoded trace as a tokenSource.
type decoded struct{ t *Trace }

func (d decoded) param(name string) string  { return d.t.Request.Params[name] }
func (d decoded) header(name string) string { return d.t.Request.Headers[name] }
func (d decoded) appAuth() *AppAuth         { return d.t.AppAuth }
func (d decoded) requestBody() []byte       { return []byte(d.t.Request.Body) }
func (d decoded) result() []byte            { return d.t.Result }

func (d decoded) tokens() (access, refresh string) {
	if d.t.Tokens == nil {
		return "", ""
	}
	return d.t.Tokens.AccessToken, d.t.Tokens.RefreshToken
}

func (d decoded) responseBody() []byte {
	if d.t.Response == nil {
		return nil
	}
	return d.t.Response.Body
}

// tokenMembers are the JSON members whose values are tokens. Every name ends
// in tokenSuffix.
var tokenMembers = [...][]byte{
	[]byte(`"access_token"`), []byte(`"refresh_token"`), []byte(`"auth_token"`),
	[]byte(`"app_auth_token"`), []byte(`"app_refresh_token"`),
}

const tokenSuffix = `_token"`

// rawTokens finds the string values of token members in JSON text without
// decoding it, so text that is truncated or malformed gives up its tokens
// too, and calls found with each value as written and as decoded (the same
// when it holds no escape, or when its escapes do not decode), member by
// member in the order of tokenMembers, each in text order. A value cut
// short by the end of the text counts as far as it goes. What found is
// given is only good until it returns.
func rawTokens(text []byte, found func(raw, decoded []byte)) {
	// One search for what every name ends in finds the members. A member
	// is found again after the end of where it was last found, as searching
	// for it alone would.
	type hit struct{ member, end int }
	var room [16]hit
	hits := room[:0]
	var last [len(tokenMembers)]int
	for at := 0; ; {
		i := bytes.Index(text[at:], []byte(tokenSuffix))
		if i < 0 {
			break
		}
		at += i + len(tokenSuffix)
		for m, member := range tokenMembers {
			if bytes.HasSuffix(text[:at], member) && at-len(member) >= last[m] {
				hits = append(hits, hit{m, at})
				last[m] = at
				break
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.member - b.member })
	for _, h := range hits {
		v := bytes.TrimLeft(text[h.end:], " \t\r\n")
		if len(v) == 0 || v[0] != ':' {
			continue
		}
		v = bytes.TrimLeft(v[1:], " \t\r\n")
		if len(v) == 0 || v[0] != '"' {
			continue
		}
		end, closed := jsonscan.SkipString(v, 0)
		if !closed {
			found(v[1:], v[1:])
			continue
		}
		raw := v[1 : end-1]
		decoded := raw
		var s string
		if bytes.IndexByte(raw, '\\') >= 0 && json.Unmarshal(v[:end], &s) == nil {
			decoded = []byte(s)
		}
		found(raw, decoded)
	}
}

// Redact returns a deep copy of the trace in which every secret it carries is
// replaced by replace(secret) wherever it appears, in every form it takes
// there (see secretForms): parameters, URL, string to sign, headers, bodies,
// signed content, result, tokens, and the gateway's own words, which may
// quote the string it verified. Use Mask for display and Fingerprint for
// storage without secrets. The original is left untouched.
func (t *Trace) Redact(replace func(secret string) string) *Trace {
	return t.redact(nil, replace)
}

// redact is Redact, replacing extra secrets too (a bundle's auth code).
func (t *Trace) redact(extra []string, replace func(secret string) string) *Trace {
	secrets, spellings := t.secrets()
	secrets = append(secrets, extra...)
	slices.SortStableFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	c := t.clone()
	if len(secrets) == 0 {
		return c
	}
	r := newRedactor(secrets, spellings, replace)
	c.Request.URL = r.text.Replace(c.Request.URL)
	c.Request.StringToSign = r.text.Replace(c.Request.StringToSign)
	c.Request.Body = r.text.Replace(c.Request.Body)
	replaceValues(c.Request.Params, r.text)
	replaceValues(c.Request.Headers, r.text)
	if c.Response != nil {
		c.Response.Body = []byte(r.text.Replace(string(c.Response.Body)))
		replaceValues(c.Response.Headers, r.text)
	}
	if c.Verification != nil {
		c.Verification.SignedContent = r.text.Replace(c.Verification.SignedContent)
	}
	if c.Result != nil {
		c.Result = json.RawMessage(r.json.Replace(string(c.Result)))
		if !json.Valid(c.Result) {
			// Only a token crafted to look like the JSON around it gets here;
			// the raw body, redacted too, still shows the answer.
			c.Result = nil
		}
	}
	if c.Tokens != nil {
		c.Tokens.AccessToken = r.text.Replace(c.Tokens.AccessToken)
		c.Tokens.RefreshToken = r.text.Replace(c.Tokens.RefreshToken)
	}
	c.AppAuth.replace(r.text.Replace)
	if e := c.Error; e != nil {
		e.Msg, e.SubMsg = r.text.Replace(e.Msg), r.text.Replace(e.SubMsg)
		if d := e.SignatureDiff; d != nil {
			if g, l := r.text.Replace(d.Gateway), r.text.Replace(d.Local); g != d.Gateway || l != d.Local {
				e.SignatureDiff = DiffStringToSign(g, l)
			}
		}
	}
	for i, w := range c.Warnings {
		c.Warnings[i] = r.text.Replace(w)
	}
	c.TransportError = r.text.Replace(c.TransportError)
	return c
}

// redactor replaces secrets: text in every form a secret takes in a trace,
// json only in the forms that keep JSON text valid.
type redactor struct {
	text, json *replacer
}

// secretForm is one way a secret is written: as itself, percent-encoded in
// a query or a path, escaped in JSON (with or without HTML-safe escapes,
// with / written \/ as the gateway does), or HTML-escaped as an
// isv.invalid-signature sub_msg quotes the string to sign.
type secretForm struct {
	encode func(string) string
	json   bool // the form is valid inside a JSON string
}

var secretForms = []secretForm{
	{func(s string) string { return s }, false},
	{jsonEscape, true},
	{func(s string) string { return strings.ReplaceAll(jsonEscape(s), "/", `\/`) }, true},
	{jsonEscapeHTML, true},
	{func(s string) string { return strings.ReplaceAll(jsonEscapeHTML(s), "/", `\/`) }, true},
	{url.QueryEscape, false},
	{url.PathEscape, false},
	{html.EscapeString, false},
}

func newRedactor(secrets []string, spellings []spelling, replace func(string) string) redactor {
	var text, js []pair
	addPair := func(p pair, json bool) {
		same := func(q pair) bool { return q.old == p.old }
		if !slices.ContainsFunc(text, same) {
			text = append(text, p)
		}
		if json && !slices.ContainsFunc(js, same) {
			js = append(js, p)
		}
	}
	replaced := make([]string, len(secrets))
	for i, s := range secrets {
		rep := replace(s)
		replaced[i] = rep
		if plain(s) { // every form is the secret itself, as real tokens are
			addPair(pair{s, jsonEscape(rep)}, true)
			continue
		}
		for _, f := range secretForms {
			old := f.encode(s)
			addPair(pair{old, f.encode(rep)}, f.json || old == jsonEscape(s))
		}
	}
	// A token written with escapes of its own choosing, as JSON allows
	// (\u0061 for a), is replaced as written.
	for _, sp := range spellings {
		var rep string
		if i := slices.Index(secrets, sp.decoded); i >= 0 {
			rep = replaced[i]
		}
		addPair(pair{sp.raw, jsonEscape(rep)}, true)
	}
	build := func(pairs []pair) *replacer {
		// The longest first, so a form that holds another is replaced whole.
		slices.SortStableFunc(pairs, func(a, b pair) int { return len(b.old) - len(a.old) })
		return newReplacer(pairs)
	}
	r := redactor{text: build(text)}
	if slices.Equal(text, js) { // plain tokens, written alike in every form
		r.json = r.text
	} else {
		r.json = build(js)
	}
	return r
}

// plain reports whether s is written the same in every secret form: only
// letters, digits and the characters no escaping touches.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainByte(s[i]) {
			return false
		}
	}
	return true
}

func plainByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

func replaceValues(m map[string]string, r *replacer) {
	for k, v := range m {
		m[k] = r.Replace(v)
	}
}

// jsonEscape is s as the inside of a JSON string, escaped as encoding/json
// escapes it without HTML-safe escapes; jsonEscapeHTML with them.
func jsonEscape(s string) string {
	if !strings.ContainsFunc(s, needsJSONEscape) {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(b.String(), "\n"), `"`), `"`)
}

// needsJSONEscape reports the characters encoding/json escapes in a
// string, or may (the HTML-safe ones); a string without them is its own
// JSON text.
func needsJSONEscape(r rune) bool {
	return r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == utf8.RuneError || r == '\u2028' || r == '\u2029'
}

func jsonEscapeHTML(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b[1 : len(b)-1])
}

// clone copies everything Redact may rewrite so the copy shares no mutable
// state with the original.
func (t *Trace) clone() *Trace {
	c := *t
	c.Warnings = append([]string(nil), t.Warnings...)
	c.Request.Params = maps.Clone(t.Request.Params)
	c.Request.Headers = maps.Clone(t.Request.Headers)
	if t.Response != nil {
		r := *t.Response
		r.Body = append([]byte(nil), t.Response.Body...)
		r.Headers = maps.Clone(t.Response.Headers)
		c.Response = &r
	}
	if t.Verification != nil {
		v := *t.Verification
		c.Verification = &v
	}
	if t.Tokens != nil {
		tk := *t.Tokens
		c.Tokens = &tk
	}
	if t.Error != nil {
		e := *t.Error
		if t.Error.SignatureDiff != nil {
			d := *t.Error.SignatureDiff
			e.SignatureDiff = &d
		}
		c.Error = &e
	}
	c.AppAuth = t.AppAuth.clone()
	c.Result = append(json.RawMessage(nil), t.Result...)
	return &c
}
