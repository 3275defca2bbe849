package gateway

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// nodeFields are the members of a response node that aliauth interprets;
// everything else stays in Trace.Result as the gateway wrote it.
type nodeFields struct {
	Code    string `json:"code"`
	Msg     string `json:"msg"`
	Message string `json:"message"` // v3 errors
	SubCode string `json:"sub_code"`
	SubMsg  string `json:"sub_msg"`
	Links   []Link `json:"links"`

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
// content. errorNode is true for v2's error_response; any node whose code is
// not 10000 is an error too.
func decodeNode(t *Trace, content []byte, errorNode bool) {
	if !utf8.Valid(content) {
		content = []byte(decodeGBK(content))
	}
	t.Result = json.RawMessage(bytes.Clone(content))
	var f nodeFields
	if json.Unmarshal(content, &f) != nil {
		return
	}
	if errorNode || (f.Code != "" && f.Code != "10000") {
		t.Error = newAPIError(f)
		if f.SubCode == "isv.invalid-signature" {
			if theirs, ok := GatewayStringToSign(f.SubMsg); ok {
				t.Error.SignatureDiff = DiffStringToSign(theirs, t.Request.StringToSign)
			}
		}
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
	e := &APIError{Code: f.Code, Msg: f.Msg, SubCode: f.SubCode, SubMsg: f.SubMsg, Links: f.Links}
	if e.Msg == "" {
		e.Msg = f.Message
	}
	if x, ok := Explain(e.Code, e.SubCode); ok {
		e.Meaning, e.Hint = x.Meaning, x.Hint
	}
	return e
}
