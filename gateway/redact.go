package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
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
// auth token) and those received (access and refresh tokens).
func (t *Trace) Secrets() []string {
	var out []string
	add := func(s string) {
		if len(s) >= 4 && !strings.Contains(s, "…") && !IsFingerprint(s) {
			out = append(out, s)
		}
	}
	add(t.Request.Params["refresh_token"])
	add(t.Request.Params["auth_token"])
	add(t.Request.Params["app_auth_token"])
	add(t.Request.Headers["alipay-app-auth-token"])
	if t.Tokens != nil {
		add(t.Tokens.AccessToken)
		add(t.Tokens.RefreshToken)
	}
	for _, s := range t.AppAuth.secrets() {
		add(s)
	}
	// The app authorization methods send their tokens in biz_content.
	var biz struct {
		RefreshToken string `json:"refresh_token"`
		AppAuthToken string `json:"app_auth_token"`
	}
	if b := t.Request.Params["biz_content"]; b != "" && json.Unmarshal([]byte(b), &biz) == nil {
		add(biz.RefreshToken)
		add(biz.AppAuthToken)
	}
	// One pass over the result, which may be large, for tokens the decoded
	// Tokens may lack (a result read back from an older export, say).
	var received struct {
		AccessToken     string `json:"access_token"`
		RefreshToken    string `json:"refresh_token"`
		AuthToken       string `json:"auth_token"`
		AppAuthToken    string `json:"app_auth_token"`
		AppRefreshToken string `json:"app_refresh_token"`
	}
	if len(t.Result) > 0 && json.Unmarshal(t.Result, &received) == nil {
		add(received.AccessToken)
		add(received.RefreshToken)
		add(received.AuthToken)
		add(received.AppAuthToken)
		add(received.AppRefreshToken)
	}
	if t.Protocol == V3 && t.Request.Body != "" {
		var sent struct {
			RefreshToken string `json:"refresh_token"`
		}
		if json.Unmarshal([]byte(t.Request.Body), &sent) == nil {
			add(sent.RefreshToken)
		}
	}
	return out
}

// Redact returns a deep copy of the trace in which every secret it carries is
// replaced by replace(secret) wherever it appears: parameters, URL, string to
// sign, bodies, signed content, result and tokens. Use Mask for display and
// Fingerprint for storage without secrets. The original is left untouched.
func (t *Trace) Redact(replace func(secret string) string) *Trace {
	return t.redact(t.Secrets(), replace)
}

// redact replaces each of secrets wherever the trace carries it.
func (t *Trace) redact(secrets []string, replace func(secret string) string) *Trace {
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
	c.AppAuth.replace(r.Replace)
	if e := c.Error; e != nil {
		// isv.invalid-signature quotes the gateway's string to sign, which
		// holds what was sent.
		e.SubMsg = r.Replace(e.SubMsg)
		if d := e.SignatureDiff; d != nil {
			d.Gateway, d.Local, d.Summary = r.Replace(d.Gateway), r.Replace(d.Local), r.Replace(d.Summary)
		}
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
