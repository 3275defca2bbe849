package gateway

import (
	"errors"
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
	Sign      string
}

// String is the auth string that is signed: app_id, app_cert_sn in
// certificate mode, nonce and timestamp, in that order.
func (a V3Auth) String() string {
	var b strings.Builder
	b.WriteString("app_id=" + a.AppID)
	if a.AppCertSN != "" {
		b.WriteString(",app_cert_sn=" + a.AppCertSN)
	}
	b.WriteString(",nonce=" + a.Nonce + ",timestamp=" + a.Timestamp)
	return b.String()
}

// Header is the authorization header value: the scheme, the auth string and
// the signature.
func (a V3Auth) Header() string {
	return V3Scheme + " " + a.String() + ",sign=" + a.Sign
}

// ParseV3Authorization reads an authorization header the way the gateway
// does.
func ParseV3Authorization(header string) (V3Auth, error) {
	var a V3Auth
	rest, ok := strings.CutPrefix(strings.TrimSpace(header), V3Scheme+" ")
	if !ok {
		return a, fmt.Errorf("the authorization header does not start with %q", V3Scheme+" ")
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return a, fmt.Errorf("the authorization header has %q, which is not key=value", part)
		}
		switch k {
		case "app_id":
			a.AppID = v
		case "app_cert_sn":
			a.AppCertSN = v
		case "nonce":
			a.Nonce = v
		case "timestamp":
			a.Timestamp = v
		case "sign":
			// The signature is base64, whose padding is '='; it runs to the end.
			_, a.Sign, _ = strings.Cut(part, "=")
		}
	}
	if a.AppID == "" || a.Nonce == "" || a.Timestamp == "" || a.Sign == "" {
		return a, errors.New("the authorization header needs app_id, nonce, timestamp and sign")
	}
	if _, err := strconv.ParseInt(a.Timestamp, 10, 64); err != nil {
		return a, fmt.Errorf("the authorization timestamp %q is not milliseconds since the epoch", a.Timestamp)
	}
	return a, nil
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
