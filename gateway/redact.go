package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
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
	var out []string
	add := func(s string) {
		if len(s) >= 4 && !strings.Contains(s, "…") && !IsFingerprint(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(t.Request.Params["refresh_token"])
	add(t.Request.Params["auth_token"])
	if t.Tokens != nil {
		add(t.Tokens.AccessToken)
		add(t.Tokens.RefreshToken)
	}
	rawTokens([]byte(t.Request.Body), add)
	if t.Response != nil {
		rawTokens(t.Response.Body, add)
	}
	rawTokens(t.Result, add)
	// Replacing the longest first keeps a token that holds another whole.
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// tokenMembers are the JSON members whose values are tokens.
var tokenMembers = [][]byte{[]byte(`"access_token"`), []byte(`"refresh_token"`), []byte(`"auth_token"`)}

// rawTokens finds the string values of token members in JSON text without
// decoding it, so text that is truncated or malformed gives up its tokens
// too: each value as written (escapes and all, as it appears in the text)
// and, when that differs, decoded. A value cut short by the end of the text
// counts as far as it goes.
func rawTokens(text []byte, add func(string)) {
	for _, member := range tokenMembers {
		for rest := text; ; {
			i := bytes.Index(rest, member)
			if i < 0 {
				break
			}
			rest = rest[i+len(member):]
			v := bytes.TrimLeft(rest, " \t\r\n")
			if len(v) == 0 || v[0] != ':' {
				continue
			}
			v = bytes.TrimLeft(v[1:], " \t\r\n")
			if len(v) == 0 || v[0] != '"' {
				continue
			}
			end, closed := skipString(v, 1)
			if !closed {
				add(string(v[1:]))
				continue
			}
			raw := v[1 : end-1]
			add(string(raw))
			if bytes.IndexByte(raw, '\\') >= 0 {
				var decoded string
				if json.Unmarshal(v[:end], &decoded) == nil {
					add(decoded)
				}
			}
		}
	}
}

// Redact returns a deep copy of the trace in which every secret it carries is
// replaced by replace(secret) wherever it appears: parameters, URL, string to
// sign, bodies, signed content, result and tokens. Use Mask for display and
// Fingerprint for storage without secrets. The original is left untouched.
func (t *Trace) Redact(replace func(secret string) string) *Trace {
	secrets := t.Secrets()
	c := t.clone()
	if len(secrets) == 0 {
		return c
	}
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, replace(s))
	}
	r := strings.NewReplacer(pairs...)
	c.Request.URL = r.Replace(c.Request.URL)
	c.Request.StringToSign = r.Replace(c.Request.StringToSign)
	c.Request.Body = r.Replace(c.Request.Body)
	for k, v := range c.Request.Params {
		c.Request.Params[k] = r.Replace(v)
	}
	for k, v := range c.Request.Headers {
		c.Request.Headers[k] = r.Replace(v)
	}
	if c.Response != nil {
		c.Response.Body = []byte(r.Replace(string(c.Response.Body)))
	}
	if c.Verification != nil {
		c.Verification.SignedContent = r.Replace(c.Verification.SignedContent)
	}
	if c.Result != nil {
		c.Result = json.RawMessage(r.Replace(string(c.Result)))
	}
	if c.Tokens != nil {
		c.Tokens.AccessToken = r.Replace(c.Tokens.AccessToken)
		c.Tokens.RefreshToken = r.Replace(c.Tokens.RefreshToken)
	}
	return c
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
		c.Error = &e
	}
	c.Result = append(json.RawMessage(nil), t.Result...)
	return &c
}
