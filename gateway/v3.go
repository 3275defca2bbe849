package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func (c *Client) buildV3(ctx context.Context, t *Trace, r request) (*http.Request, error) {
	p := &c.profile
	now := c.now()
	pathQuery, body := V3PathOAuthToken, ""
	if r.v3Path != "" {
		pathQuery, body = r.v3Path, r.v3Body
	} else if r.method == MethodUserInfo {
		pathQuery = V3PathUserInfo + "?auth_token=" + url.QueryEscape(r.business["auth_token"])
	} else {
		b, err := json.Marshal(r.business)
		if err != nil {
			return nil, err
		}
		body = string(b)
	}
	auth := V3Auth{
		AppID:     p.AppID,
		AppCertSN: p.AppCertSN,
		Nonce:     newRequestID(),
		Timestamp: strconv.FormatInt(now.UnixMilli(), 10),
	}
	toSign := V3SignContent(auth.String(), http.MethodPost, pathQuery, body, r.appAuthToken)
	sign, err := SignBytes(p.PrivateKey, RSA2, []byte(toSign))
	if err != nil {
		return nil, err
	}
	auth.Sign = sign
	headers := map[string]string{
		"authorization": auth.Header(),
		"content-type":  "application/json; charset=utf-8",
		"accept":        "application/json",
		// The official Node SDK sends one with every call (alipay.ts curl).
		"alipay-request-id": newRequestID(),
	}
	if p.CertMode() {
		headers["alipay-root-cert-sn"] = p.AlipayRootCertSN
	}
	if r.appAuthToken != "" {
		headers["alipay-app-auth-token"] = r.appAuthToken
	}
	target := strings.TrimRight(p.Endpoint, "/") + pathQuery
	params := map[string]string{}
	for k, v := range r.business {
		params[k] = v
	}
	t.Request = Request{
		HTTPMethod:   http.MethodPost,
		URL:          target,
		Params:       params,
		Clock:        fmt.Sprintf("timestamp %s ms since the epoch (%s)", auth.Timestamp, Timestamp(now)+" China Standard Time"),
		StringToSign: toSign,
		Sign:         sign,
		Headers:      headers,
		Body:         body,
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build the request to %s: %w", target, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

// readV3 verifies the response headers' signature over the raw body and
// decodes the body. An error status with no signature headers is an
// unsigned error, not a failed one.
func (c *Client) readV3(t *Trace) error {
	p := &c.profile
	resp := t.Response
	if _, err := scanObject(resp.Body); err != nil {
		return notJSON(resp, err)
	}
	if err := malformedAnswer(0, resp.Body); err != nil {
		return err
	}
	ts, nonce, sig := resp.Headers["alipay-timestamp"], resp.Headers["alipay-nonce"], resp.Headers["alipay-signature"]
	content := V3ResponseContent(ts, nonce, resp.Body)
	v := &Verification{
		End:           len(resp.Body),
		Sign:          sig,
		CertSN:        resp.Headers["alipay-sn"],
		SignedContent: displayText(content),
		Key:           c.keyDescription(),
	}
	switch {
	case sig == "":
		v.Status = Unsigned
		v.Detail = "the response carries no alipay-signature header, so nothing vouches for it"
	case p.AlipayPublicKey == nil:
		v.Status = Skipped
		v.Detail = "no Alipay public key is configured, so the response was NOT verified; configure the Alipay public key (or the Alipay certificate in certificate mode)"
	case VerifyBytes(p.AlipayPublicKey, RSA2, content, sig) == nil:
		v.Status = Verified
		v.Detail = fmt.Sprintf("SHA256withRSA matches alipay-timestamp, alipay-nonce and the raw body (%d bytes)", len(resp.Body))
	default:
		v.Status = VerifyFailed
		v.Detail = "SHA256withRSA does not match alipay-timestamp, alipay-nonce and the raw body with the configured Alipay public key: either the answer was altered, or the key is not the Alipay public key (支付宝公钥) of this app and environment"
		if body, from, to, ok := transcoded(resp.Body); ok {
			if again := V3ResponseContent(ts, nonce, body); VerifyBytes(p.AlipayPublicKey, RSA2, again, sig) == nil {
				v.Status = VerifiedNormalized
				v.SignedContent = displayText(again)
				v.Detail = charsetDetail("SHA256withRSA", "the body", from, to)
			}
		}
	}
	t.Verification = v
	decodeNode(t, resp.Body, resp.Status >= 400)
	if p.CertMode() && v.Status != Unsigned {
		checkCertSN(t, p.AlipayCertSN, "the alipay-sn header")
	}
	t.settle()
	return nil
}
