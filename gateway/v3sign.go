package gateway

import (
	"fmt"
	"strconv"
	"strings"
)

// V3Scheme opens the v3 authorization header.
const V3Scheme = "ALIPAY-SHA256withRSA"

// V3Auth is the content of a v3 authorization header.
type V3Auth struct {
	AppID     string
	AppCertSN string
	Nonce     string
	// Timestamp is milliseconds since the epoch, as sent.
	Timestamp string
	// ExpiredSeconds is how long the signature is meant to stay valid. The
	// example in Alipay's v3 signing guide (opendocs.alipay.com/open-v3/054q58)
	// carries it; the official SDKs do not send it.
	ExpiredSeconds string
	// Extra are the other fields, key=value as sent: the official Node SDK
	// appends its additionalAuthInfo to the auth string (alipay.ts, 4.14.0).
	Extra []string
	Sign  string
	// sent is the auth string exactly as a parsed header carried it; parsed
	// says there was a header, even one whose auth string is empty.
	sent   string
	parsed bool
}

// String is the auth string that is signed. For a parsed header it is the
// header's fields other than sign, exactly as sent, in the order sent: the
// gateway verifies what the client signed, and clients order the fields
// differently (the official SDKs write app_id, app_cert_sn, nonce,
// timestamp; published examples write app_id, timestamp, nonce). For an auth
// being built it is app_id, app_cert_sn in certificate mode, nonce,
// timestamp, then expired_seconds and the extra fields.
func (a V3Auth) String() string {
	if a.parsed {
		return a.sent
	}
	var b strings.Builder
	b.WriteString("app_id=" + a.AppID)
	if a.AppCertSN != "" {
		b.WriteString(",app_cert_sn=" + a.AppCertSN)
	}
	b.WriteString(",nonce=" + a.Nonce + ",timestamp=" + a.Timestamp)
	if a.ExpiredSeconds != "" {
		b.WriteString(",expired_seconds=" + a.ExpiredSeconds)
	}
	for _, f := range a.Extra {
		b.WriteString("," + f)
	}
	return b.String()
}

// Header is the authorization header value: the scheme, the auth string and
// the signature.
func (a V3Auth) Header() string {
	if auth := a.String(); auth != "" {
		return V3Scheme + " " + auth + ",sign=" + a.Sign
	}
	return V3Scheme + " sign=" + a.Sign
}

// ParseV3Authorization takes an authorization header apart the way the
// gateway does, keeping the auth string exactly as sent. It fails only when
// the header is not the v3 scheme followed by key=value fields; which fields
// are required is the caller's to check, since each missing one has its own
// answer.
func ParseV3Authorization(header string) (V3Auth, error) {
	var a V3Auth
	scheme, rest, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, V3Scheme) {
		return a, fmt.Errorf("the authorization header does not start with %q", V3Scheme+" ")
	}
	var signed []string
	for part := range strings.SplitSeq(strings.TrimLeft(rest, " "), ",") {
		// The signature is base64, whose padding is '='; Cut keeps it whole.
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return a, fmt.Errorf("the authorization header has %q, which is not key=value", part)
		}
		switch strings.TrimSpace(k) {
		case "sign":
			a.Sign = v
			continue
		case "app_id":
			a.AppID = v
		case "app_cert_sn":
			a.AppCertSN = v
		case "nonce":
			a.Nonce = v
		case "timestamp":
			a.Timestamp = v
		case "expired_seconds":
			a.ExpiredSeconds = v
		default:
			a.Extra = append(a.Extra, part)
		}
		signed = append(signed, part)
	}
	a.sent, a.parsed = strings.Join(signed, ","), true
	return a, nil
}

// TimestampMillis reads Timestamp; ok is false when it is not a whole number
// of milliseconds.
func (a V3Auth) TimestampMillis() (ms int64, ok bool) {
	ms, err := strconv.ParseInt(a.Timestamp, 10, 64)
	return ms, err == nil
}

// V3SignContent is what a v3 request signs: the auth string, the HTTP
// method, the path with its query, the body, each followed by a newline, and
// the app_auth_token line when one is sent.
func V3SignContent(authString, httpMethod, pathQuery, body, appAuthToken string) string {
	s := authString + "\n" + httpMethod + "\n" + pathQuery + "\n" + body + "\n"
	if appAuthToken != "" {
		s += appAuthToken + "\n"
	}
	return s
}

// V3ResponseContent is what a v3 response signs: the alipay-timestamp and
// alipay-nonce headers and the raw body, each followed by a newline.
func V3ResponseContent(timestamp, nonce string, body []byte) []byte {
	out := make([]byte, 0, len(timestamp)+len(nonce)+len(body)+3)
	out = append(out, timestamp...)
	out = append(out, '\n')
	out = append(out, nonce...)
	out = append(out, '\n')
	out = append(out, body...)
	return append(out, '\n')
}

// Paths of the v3 methods.
const (
	V3PathOAuthToken = "/v3/alipay/system/oauth/token"
	V3PathUserInfo   = "/v3/alipay/user/info/share"
)
