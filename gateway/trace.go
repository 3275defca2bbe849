package gateway

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"time"
	"unicode/utf8"
)

// Trace records one call to the gateway, step by step: what was signed and sent,
// what came back, what was verified with which key, and what it means. The console
// renders it, history stores it, --json prints it, and tests assert on it.
type Trace struct {
	ID          int64     `json:"id,omitempty"`
	Time        time.Time `json:"time"`
	Profile     string    `json:"profile,omitempty"`
	Environment string    `json:"environment,omitempty"`
	Protocol    Protocol  `json:"protocol"`
	AppID       string    `json:"app_id,omitempty"`
	Method      string    `json:"method"`
	GrantType   string    `json:"grant_type,omitempty"`
	SignType    SignType  `json:"sign_type,omitempty"`
	Charset     string    `json:"charset,omitempty"`
	DryRun      bool      `json:"dry_run,omitempty"`
	Outcome     Outcome   `json:"outcome"`
	// Warnings are things the user should know even when the call succeeded,
	// such as a retired gateway host or verification that was skipped.
	Warnings []string `json:"warnings,omitempty"`

	// Request is absent from a trace of a response verified offline.
	Request      Request         `json:"request,omitzero"`
	Response     *Response       `json:"response,omitempty"`
	Verification *Verification   `json:"verification,omitempty"`
	Result       json.RawMessage `json:"result,omitempty"`
	Tokens       *Tokens         `json:"tokens,omitempty"`
	AppAuth      *AppAuth        `json:"app_auth,omitempty"`
	Error        *APIError       `json:"error,omitempty"`
	// TransportError says why no usable answer arrived: connection refused,
	// timeout, cancellation, a body that is not JSON.
	TransportError string `json:"transport_error,omitempty"`
	// Transport is the failure's kind and what to do about it.
	Transport *TransportFailure `json:"transport,omitempty"`

	// skewWarned is set once a warning says the signed timestamp is far
	// from the clock, so the emulator's note of the same skew is not repeated.
	skewWarned bool
}

// Request is what was built, signed and sent.
type Request struct {
	HTTPMethod string            `json:"http_method"`
	URL        string            `json:"url"`
	Params     map[string]string `json:"params,omitempty"`
	// Clock describes the timestamp that was signed and the zone it is in, since a
	// machine clock in the wrong zone is a classic cause of rejected requests.
	Clock        string            `json:"clock,omitempty"`
	StringToSign string            `json:"string_to_sign"`
	Sign         string            `json:"sign"`
	Headers      map[string]string `json:"headers,omitempty"`
	Body         string            `json:"body,omitempty"`
}

// Response is what came back, byte for byte.
type Response struct {
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers,omitempty"`
	Body     []byte            `json:"-"`
	Duration time.Duration     `json:"-"`
	// TraceID is Alipay's id for the call; DiagnosisURL opens Alipay's own
	// diagnosis of it.
	TraceID      string `json:"trace_id,omitempty"`
	DiagnosisURL string `json:"diagnosis_url,omitempty"`
}

// BodyText is the body as a person should read it: as is when it is UTF-8,
// decoded from GBK when it is not (some gateways answer sub_msg in GBK).
func (r *Response) BodyText() string {
	if utf8.Valid(r.Body) {
		return string(r.Body)
	}
	return decodeGBK(r.Body)
}

// responseJSON is the wire shape of Response: the body as text, plus its raw
// bytes in base64 when they are not UTF-8 so nothing is lost in history.
type responseJSON struct {
	Status       int               `json:"status,omitempty"`
	Headers      map[string]string `json:"headers,omitempty"`
	Body         string            `json:"body"`
	BodyCharset  string            `json:"body_charset,omitempty"`
	BodyBase64   string            `json:"body_base64,omitempty"`
	DurationMS   float64           `json:"duration_ms"`
	TraceID      string            `json:"trace_id,omitempty"`
	DiagnosisURL string            `json:"diagnosis_url,omitempty"`
}

// MarshalJSON writes the body as text; a body that is not UTF-8 is written
// decoded from GBK with its raw bytes beside it.
func (r Response) MarshalJSON() ([]byte, error) {
	w := responseJSON{
		Status:       r.Status,
		Headers:      r.Headers,
		Body:         r.BodyText(),
		DurationMS:   math.Round(float64(r.Duration)/float64(time.Microsecond)) / 1000,
		TraceID:      r.TraceID,
		DiagnosisURL: r.DiagnosisURL,
	}
	if !utf8.Valid(r.Body) {
		w.BodyCharset = "GBK"
		w.BodyBase64 = base64.StdEncoding.EncodeToString(r.Body)
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Response) UnmarshalJSON(data []byte) error {
	var w responseJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = Response{
		Status:       w.Status,
		Headers:      w.Headers,
		Body:         []byte(w.Body),
		Duration:     time.Duration(w.DurationMS * float64(time.Millisecond)),
		TraceID:      w.TraceID,
		DiagnosisURL: w.DiagnosisURL,
	}
	if w.BodyBase64 != "" {
		raw, err := base64.StdEncoding.DecodeString(w.BodyBase64)
		if err != nil {
			return err
		}
		r.Body = raw
	}
	return nil
}

// Verification says what was checked, with which key, and how it came out.
type Verification struct {
	Status VerifyStatus `json:"status"`
	// Node is the response node whose content was signed.
	Node string `json:"node,omitempty"`
	// SignedContent is the exact text the signature was checked over (after
	// unescaping or whitespace normalization when Status says so).
	SignedContent string `json:"signed_content,omitempty"`
	// Start and End locate the node's value in the raw body, for marking it.
	Start int `json:"start,omitempty"`
	End   int `json:"end,omitempty"`
	// Sign is the response's signature as received.
	Sign string `json:"sign,omitempty"`
	// Key describes the public key used: its fingerprint and where it came from.
	Key string `json:"key,omitempty"`
	// CertSN is the certificate serial number the response names
	// (alipay_cert_sn in v2, the alipay-sn header in v3).
	CertSN string `json:"cert_sn,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Tokens are the decoded tokens of a successful oauth.token call, with their
// absolute expiry.
type Tokens struct {
	UserID       string `json:"user_id,omitempty"`
	OpenID       string `json:"open_id,omitempty"`
	UnionID      string `json:"union_id,omitempty"`
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int64  `json:"expires_in,omitempty"`
	ReExpiresIn  int64  `json:"re_expires_in,omitempty"`
	AuthStart    string `json:"auth_start,omitempty"`
	// Permanent is auth_token_type "permanent": the tokens never expire.
	Permanent bool `json:"permanent,omitempty"`
	// AccessExpiresAt and RefreshExpiresAt are zero when Permanent.
	AccessExpiresAt  time.Time `json:"access_expires_at,omitzero"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at,omitzero"`
}

// Subject is the id the tokens belong to: the open id when there is one
// (apps created after the OpenID migration), else the user id.
func (t *Tokens) Subject() string {
	if t.OpenID != "" {
		return t.OpenID
	}
	return t.UserID
}

// APIError is an error answered by the gateway, explained from the catalog.
type APIError struct {
	Code    string `json:"code"`
	Msg     string `json:"msg,omitempty"`
	SubCode string `json:"sub_code,omitempty"`
	SubMsg  string `json:"sub_msg,omitempty"`
	// Meaning and Hint come from the catalog: what the error means and what to
	// do about it. Both are empty for codes the catalog does not know.
	Meaning string `json:"meaning,omitempty"`
	Hint    string `json:"hint,omitempty"`
	// Links are the v3 error's documentation links.
	Links []Link `json:"links,omitempty"`
	// SignatureDiff compares the gateway's string to sign with ours, for
	// isv.invalid-signature.
	SignatureDiff *SignatureDiff `json:"signature_diff,omitempty"`
}

// Link is one entry of a v3 error's links.
type Link struct {
	Description string `json:"description,omitempty"`
	Link        string `json:"link,omitempty"`
}

// Error reads as the gateway's own words with the code that identifies them.
func (e *APIError) Error() string {
	code := e.Code
	if e.SubCode != "" {
		code = e.SubCode
	}
	msg := e.SubMsg
	if msg == "" {
		msg = e.Msg
	}
	return "gateway answered " + code + ": " + msg
}

// SignatureDiff points at the first difference between the string the gateway
// built to verify our signature and the string we signed.
type SignatureDiff struct {
	Gateway string `json:"gateway"`
	Local   string `json:"local"`
	// Offset is the byte offset of the first difference, -1 when the strings
	// are identical (then the content is right and the key is wrong).
	Offset  int    `json:"offset"`
	Summary string `json:"summary"`
}
