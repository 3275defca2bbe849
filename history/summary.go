package history

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"aliauth/gateway"
)

// Summary is one exchange as the history list shows it, read from its own
// columns without decoding the trace.
type Summary struct {
	ID           int64
	Time         time.Time
	Profile      string
	Environment  string
	Protocol     gateway.Protocol
	AppID        string
	Method       string
	GrantType    string
	Outcome      gateway.Outcome
	VerifyStatus gateway.VerifyStatus
	HTTPStatus   int
	// Code and SubCode are the gateway's error codes (Code is 10000 for a
	// user info success); Message is its sub_msg (or msg), or for a transport
	// error what went wrong.
	Code    string
	SubCode string
	Message string
	// User is the id the exchange belongs to: the open id when there is one,
	// else the user id. UserID and OpenID are both, as answered.
	User    string
	UserID  string
	OpenID  string
	TraceID string
	// DurationMS is how long the gateway took to answer.
	DurationMS float64
	// AccessExpiresAt and RefreshExpiresAt are zero when the exchange
	// received no tokens, or permanent ones.
	AccessExpiresAt  time.Time
	RefreshExpiresAt time.Time
	// HasSecrets says the stored trace holds a token in full, so it can be
	// refreshed from; it is false when tokens were stored as fingerprints.
	HasSecrets bool
}

// SummaryOf is the list entry for a trace: what the history list shows and
// filters on. HasSecrets is whether t itself holds a token in full.
func SummaryOf(t *gateway.Trace) Summary {
	s := Summary{
		ID:          t.ID,
		Time:        t.Time,
		Profile:     t.Profile,
		Environment: t.Environment,
		Protocol:    t.Protocol,
		AppID:       t.AppID,
		Method:      t.Method,
		GrantType:   t.GrantType,
		Outcome:     t.Outcome,
		HasSecrets:  holdsSecret(t),
	}
	if t.Verification != nil {
		s.VerifyStatus = t.Verification.Status
	}
	if r := t.Response; r != nil {
		s.HTTPStatus = r.Status
		s.DurationMS = math.Round(float64(r.Duration)/float64(time.Microsecond)) / 1000
		s.TraceID = r.TraceID
	}
	var result struct {
		Code   string `json:"code"`
		UserID string `json:"user_id"`
		OpenID string `json:"open_id"`
	}
	if len(t.Result) > 0 {
		_ = json.Unmarshal(t.Result, &result) // a result that is not an object has none of these
	}
	if e := t.Error; e != nil {
		s.Code, s.SubCode = e.Code, e.SubCode
		s.Message = e.SubMsg
		if s.Message == "" {
			s.Message = e.Msg
		}
	} else {
		s.Code = result.Code
	}
	if s.Message == "" {
		s.Message = t.TransportError
	}
	if tk := t.Tokens; tk != nil {
		s.UserID, s.OpenID = tk.UserID, tk.OpenID
		s.AccessExpiresAt, s.RefreshExpiresAt = tk.AccessExpiresAt, tk.RefreshExpiresAt
	}
	if s.UserID == "" {
		s.UserID = result.UserID
	}
	if s.OpenID == "" {
		s.OpenID = result.OpenID
	}
	s.User = s.OpenID
	if s.User == "" {
		s.User = s.UserID
	}
	return s
}

// holdsSecret reports whether the trace holds a token in full: sent
// (refresh_token, auth_token) or received. It is t.Secrets() != nil without
// decoding the result, which holds no token the Tokens do not.
func holdsSecret(t *gateway.Trace) bool {
	full := func(s string) bool {
		return len(s) >= 4 && !strings.Contains(s, "…") && !strings.HasPrefix(s, "sha256:")
	}
	if tk := t.Tokens; tk != nil && (full(tk.AccessToken) || full(tk.RefreshToken)) {
		return true
	}
	if full(t.Request.Params["refresh_token"]) || full(t.Request.Params["auth_token"]) {
		return true
	}
	if t.Protocol == gateway.V3 { // a v3 request carries its token in the body or URL
		return len(t.Secrets()) > 0
	}
	return false
}

// fieldSeparator joins the fields of the search text, so that a term never
// matches across two of them.
const fieldSeparator = '\x1f'

// searchText is what the text filter searches in, lower-cased: every field
// of the summary a user may type part of. migrations/0002_search.sql computes
// the same text in SQL; the two must agree.
func searchText(s *Summary) string {
	return string(appendSearchText(make([]byte, 0, 256), s))
}

// appendSearchText appends searchText(s) to dst: first the fields that many
// exchanges share (the same profile, method, outcome, error...), then the
// ids that are the exchange's own.
func appendSearchText(dst []byte, s *Summary) []byte {
	dst = appendSharedText(dst, s)
	dst = append(dst, fieldSeparator)
	return appendOwnText(dst, s)
}

// appendSharedText appends the search text of the fields that take few
// values: profile, environment, protocol, app id, method, grant type,
// outcome, verify status, HTTP status, code, sub_code, message.
func appendSharedText(dst []byte, s *Summary) []byte {
	for i, f := range [...]string{s.Profile, s.Environment, string(s.Protocol), s.AppID, s.Method, s.GrantType, string(s.Outcome), string(s.VerifyStatus)} {
		if i > 0 {
			dst = append(dst, fieldSeparator)
		}
		dst = appendLower(dst, f)
	}
	dst = append(dst, fieldSeparator)
	if s.HTTPStatus != 0 {
		dst = strconv.AppendInt(dst, int64(s.HTTPStatus), 10)
	}
	for _, f := range [...]string{s.Code, s.SubCode, s.Message} {
		dst = append(dst, fieldSeparator)
		dst = appendLower(dst, f)
	}
	return dst
}

// appendOwnText appends the search text of the ids nearly every exchange has
// its own of: user id, open id, trace id.
func appendOwnText(dst []byte, s *Summary) []byte {
	dst = appendLower(dst, s.UserID)
	dst = append(dst, fieldSeparator)
	dst = appendLower(dst, s.OpenID)
	dst = append(dst, fieldSeparator)
	return appendLower(dst, s.TraceID)
}

// appendLower appends strings.ToLower(s) to dst, without allocating for the
// ASCII text nearly every field is.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(dst, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func unixNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
