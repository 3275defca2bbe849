package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The words every renderer uses for a trace — the command line, the console
// and history — so a call reads the same wherever it is shown.

// CallName names a call: "exchange" (an auth code traded for tokens),
// "refresh", "user info", and for a third-party app "app auth exchange",
// "app auth refresh", "app auth query"; any other method by its own name.
func CallName(method, grantType string) string {
	switch {
	case method == MethodUserInfo:
		return "user info"
	case method == MethodOAuthToken && grantType == GrantRefreshToken:
		return "refresh"
	case method == MethodOAuthToken:
		return "exchange"
	case method == MethodAppAuthToken && grantType == GrantRefreshToken:
		return "app auth refresh"
	case method == MethodAppAuthToken:
		return "app auth exchange"
	case method == MethodAppAuthQuery:
		return "app auth query"
	}
	return method
}

// CallName names the trace's call (see CallName).
func (t *Trace) CallName() string { return CallName(t.Method, t.GrantType) }

// Mark is the outcome at a glance: ✓ success, ✗ failure, · not sent.
func (o Outcome) Mark() string {
	switch o {
	case OutcomeSuccess:
		return "✓"
	case OutcomeDryRun:
		return "·"
	}
	return "✗"
}

// Phrase is the outcome in a few words.
func (o Outcome) Phrase() string {
	switch o {
	case OutcomeSuccess:
		return "success"
	case OutcomeGatewayError:
		return "gateway error"
	case OutcomeTransportError:
		return "no answer"
	case OutcomeUntrusted:
		return "untrusted answer"
	case OutcomeDryRun:
		return "dry run: signed, not sent"
	}
	return string(o)
}

// Mark is the verification at a glance: ✓ passed, ! passed with a caveat or
// not checked, ✗ failed.
func (s VerifyStatus) Mark() string {
	switch s {
	case Verified, VerifiedUnescaped:
		return "✓"
	case VerifiedNormalized, Unsigned, Skipped:
		return "!"
	}
	return "✗"
}

// Verdict is the verification outcome in words.
func (s VerifyStatus) Verdict() string {
	switch s {
	case Verified:
		return "signature verified"
	case VerifiedUnescaped:
		return `signature verified once \/ is read as /`
	case VerifiedNormalized:
		return "verified only after whitespace normalization: this is not the raw body"
	case VerifyFailed:
		return "SIGNATURE FAILED"
	case Unsigned:
		return "UNSIGNED response"
	case Skipped:
		return "NOT VERIFIED: no Alipay public key configured"
	case VerifiedUnquoted:
		return "signed over the UNQUOTED ciphertext, not as Alipay signs"
	}
	return string(s)
}

// Verdict is the trace's verification in words; "nothing to verify" when
// no answer was checked.
func (t *Trace) Verdict() string {
	if t.Verification == nil {
		return "nothing to verify"
	}
	return t.Verification.Status.Verdict()
}

// Field is one member of a decoded result.
type Field struct {
	Name  string
	Value string
}

// ResultFields reads the top-level members of a result in the order the
// gateway wrote them: strings unquoted, anything else as compact JSON.
func ResultFields(raw json.RawMessage) []Field {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []Field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return out
		}
		var s string
		if json.Unmarshal(value, &s) != nil {
			var compact bytes.Buffer
			if json.Compact(&compact, value) == nil {
				s = compact.String()
			} else {
				s = string(value)
			}
		}
		out = append(out, Field{Name: name, Value: s})
	}
	return out
}

// tokenFields are the result members Tokens decodes.
var tokenFields = map[string]bool{
	"user_id": true, "open_id": true, "union_id": true, "access_token": true, "refresh_token": true,
	"expires_in": true, "re_expires_in": true, "auth_start": true,
}

// IsTokenField reports whether a result member is one Tokens holds, so a
// renderer that shows the tokens need not show it again.
func IsTokenField(name string) bool { return tokenFields[name] }

// IsFingerprint reports whether a stored value is the fingerprint that
// stands in for a secret history did not keep (see Fingerprint).
func IsFingerprint(s string) bool { return strings.HasPrefix(s, "sha256:") }

// Expiry is when a token stops working.
type Expiry struct {
	At time.Time
	// Permanent is auth_token_type "permanent": it never expires.
	Permanent bool
}

// AccessExpiry is when the access token expires.
func (t *Tokens) AccessExpiry() Expiry {
	return Expiry{At: t.AccessExpiresAt, Permanent: t.Permanent}
}

// RefreshExpiry is when the refresh token expires.
func (t *Tokens) RefreshExpiry() Expiry {
	return Expiry{At: t.RefreshExpiresAt, Permanent: t.Permanent}
}

// Known reports whether the expiry is a time (not permanent, not unknown).
func (e Expiry) Known() bool { return !e.Permanent && !e.At.IsZero() }

// Left is the time until expiry, negative once it has passed.
func (e Expiry) Left(now time.Time) time.Duration { return e.At.Sub(now) }

// When is the absolute expiry in the local zone, with the zone; or why
// there is none.
func (e Expiry) When() string {
	switch {
	case e.Permanent:
		return "never expires (auth_token_type permanent)"
	case e.At.IsZero():
		return "no expiry given"
	}
	return "expires " + LocalTime(e.At)
}

// Countdown is the time left to the second ("in 14d 23h 59m 58s"), or how
// long ago the token expired ("EXPIRED 3m 02s ago"); empty when the expiry
// is not a time.
func (e Expiry) Countdown(now time.Time) string {
	if !e.Known() {
		return ""
	}
	d := e.Left(now).Truncate(time.Second)
	if d <= 0 {
		return "EXPIRED " + spellDuration(-d) + " ago"
	}
	return "in " + spellDuration(d)
}

// Phrase is the expiry in one line: when, and how long from now.
func (e Expiry) Phrase(now time.Time) string {
	if !e.Known() {
		return e.When()
	}
	return e.When() + " (" + e.Countdown(now) + ")"
}

// LocalTime writes a time in the local zone, with the zone's name.
func LocalTime(t time.Time) string {
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

func spellDuration(d time.Duration) string {
	s := int64(d / time.Second)
	days, s := s/86400, s%86400
	h, s := s/3600, s%3600
	m, s := s/60, s%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %02dh %02dm %02ds", days, h, m, s)
	case h > 0:
		return fmt.Sprintf("%dh %02dm %02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// Hint says what to do about a verification outcome; empty when nothing
// needs doing.
func (s VerifyStatus) Hint() string {
	switch s {
	case VerifyFailed:
		return "do not use this answer; check that the Alipay public key is this app's (sandbox and production differ) and that nothing between you and the gateway rewrites responses"
	case Unsigned:
		return "nothing vouches for an unsigned answer: do not use its tokens; check that the URL is Alipay's gateway and that nothing in between strips the sign"
	case Skipped:
		return "configure the Alipay public key (支付宝公钥), or the Alipay certificate in certificate mode, so answers are verified"
	case VerifiedNormalized:
		return "verify the body exactly as it was received, not a reformatted copy"
	}
	return ""
}
