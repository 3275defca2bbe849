package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// nodeFields are the members of a response node that aliauth interprets;
// everything else stays in Trace.Result as the gateway wrote it. The error
// members read leniently: an error must never be lost to a member of an
// unexpected type.
type nodeFields struct {
	Code    text            `json:"code"`
	Msg     text            `json:"msg"`
	Message text            `json:"message"` // v3 errors
	SubCode text            `json:"sub_code"`
	SubMsg  text            `json:"sub_msg"`
	Links   json.RawMessage `json:"links"`

	UserID        string   `json:"user_id"`
	AlipayUserID  string   `json:"alipay_user_id"`
	OpenID        string   `json:"open_id"`
	UnionID       string   `json:"union_id"`
	AccessToken   string   `json:"access_token"`
	RefreshToken  string   `json:"refresh_token"`
	ExpiresIn     flexible `json:"expires_in"`
	ReExpiresIn   flexible `json:"re_expires_in"`
	AuthStart     string   `json:"auth_start"`
	AuthTokenType string   `json:"auth_token_type"`
}

// text reads a string member the gateway may also write as a number; other
// values leave it empty.
type text string

func (s *text) UnmarshalJSON(b []byte) error {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	switch v := v.(type) {
	case string:
		*s = text(v)
	case float64:
		*s = text(strings.TrimSpace(string(b)))
	}
	return nil
}

// parseLinks reads a v3 error's links in whatever shape they come: the
// array of {"link","desc"} real answers carry (a probe of
// openapi.alipay.com, 2026-09-11), the string Alipay's openapi.yaml
// declares, one object, or an array of strings. Anything else is dropped,
// never the error.
func parseLinks(raw json.RawMessage) []Link {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	var out []Link
	for _, item := range items {
		switch x := item.(type) {
		case string:
			out = append(out, Link{Link: x})
		case map[string]any:
			l := Link{}
			l.Link, _ = x["link"].(string)
			if d, ok := x["desc"].(string); ok {
				l.Description = d
			} else {
				l.Description, _ = x["description"].(string)
			}
			if l.Link != "" || l.Description != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// flexible reads a number the gateway may write as a number or a string.
type flexible int64

func (f *flexible) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return nil // shown as received in Result; only the expiry is lost
	}
	*f = flexible(n)
	return nil
}

// decodeNode fills the trace's result, error and tokens from a node's
// content. errorNode is true for v2's error_response and v3's HTTP status
// >= 400; any node whose code is not 10000 is an error too. A content that
// cannot be read at all is still an error when errorNode says so: an
// error answer must never settle as a success.
func decodeNode(t *Trace, content []byte, errorNode bool) {
	if !utf8.Valid(content) {
		content = []byte(decodeGBK(content))
	}
	t.Result = json.RawMessage(bytes.Clone(content))
	var f nodeFields
	err := json.Unmarshal(content, &f)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		// A member of an unexpected type only loses that member; anything
		// else means the content is not JSON.
		if errorNode {
			t.Error = &APIError{Code: unreadableCode(t), Msg: "the error's content is not readable JSON: " + err.Error()}
			explain(t, t.Error)
		}
		return
	}
	if errorNode || (f.Code != "" && f.Code != "10000") {
		t.Error = newAPIError(f)
		if t.Error.Code == "" && t.Error.SubCode == "" {
			t.Error.Code = unreadableCode(t)
		}
		explain(t, t.Error)
		return
	}
	if f.AccessToken == "" {
		return
	}
	tk := &Tokens{
		UserID:       f.UserID,
		OpenID:       f.OpenID,
		UnionID:      f.UnionID,
		AccessToken:  f.AccessToken,
		RefreshToken: f.RefreshToken,
		ExpiresIn:    int64(f.ExpiresIn),
		ReExpiresIn:  int64(f.ReExpiresIn),
		AuthStart:    f.AuthStart,
		Permanent:    f.AuthTokenType == "permanent",
	}
	if tk.UserID == "" {
		tk.UserID = f.AlipayUserID
	}
	if !tk.Permanent {
		start := t.Time
		if t.Response != nil {
			start = t.Time.Add(t.Response.Duration)
		}
		if at, err := ParseTimestamp(f.AuthStart); err == nil {
			start = at
		}
		if tk.ExpiresIn > 0 {
			tk.AccessExpiresAt = start.Add(time.Duration(tk.ExpiresIn) * time.Second)
		}
		if tk.ReExpiresIn > 0 {
			tk.RefreshExpiresAt = start.Add(time.Duration(tk.ReExpiresIn) * time.Second)
		}
	}
	t.Tokens = tk
}

func newAPIError(f nodeFields) *APIError {
	e := &APIError{Code: string(f.Code), Msg: string(f.Msg), SubCode: string(f.SubCode), SubMsg: string(f.SubMsg), Links: parseLinks(f.Links)}
	if e.Msg == "" {
		e.Msg = string(f.Message)
	}
	return e
}

// unreadableCode stands in for the code of an error answer that names none:
// its HTTP status.
func unreadableCode(t *Trace) string {
	if t.Response != nil {
		return "HTTP " + strconv.Itoa(t.Response.Status)
	}
	return "unknown"
}
