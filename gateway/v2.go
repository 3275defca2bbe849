package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// systemParams travel in the URL query; everything else goes in the form
// body, as the official SDKs send them.
var systemParams = map[string]bool{
	"app_id": true, "method": true, "format": true, "charset": true, "sign_type": true,
	"sign": true, "timestamp": true, "version": true, "notify_url": true, "return_url": true,
	"auth_token": true, "app_auth_token": true, "app_cert_sn": true, "alipay_root_cert_sn": true,
}

// IsSystemParam reports whether a v2 parameter belongs in the URL query
// rather than the form body.
func IsSystemParam(name string) bool { return systemParams[name] }

func (c *Client) buildV2(ctx context.Context, t *Trace, r request) (*http.Request, error) {
	p := &c.profile
	now := c.now()
	ts := Timestamp(now)
	clock := fmt.Sprintf("%s China Standard Time (UTC+8); this machine's clock reads %s", ts, now.Format("2006-01-02 15:04:05 MST"))
	if c.Timestamp != "" {
		pinned, err := ParseTimestamp(c.Timestamp)
		if err != nil {
			return nil, fmt.Errorf("pinned timestamp: %w, in China Standard Time (UTC+8)", err)
		}
		ts = Timestamp(pinned)
		clock = ts + " China Standard Time (UTC+8), pinned"
		if skew := pinned.Sub(now).Round(time.Second); skew.Abs() > SkewWarning {
			t.Warnings = append(t.Warnings, fmt.Sprintf("the pinned timestamp %s is %s this machine's clock in China Standard Time; Alipay documents no window and the emulator accepts it, but if the gateway answers isv.invalid-timestamp, this is why", ts, aheadOrBehind(skew)))
			t.skewWarned = true
		}
	}
	params := map[string]string{
		"app_id":    p.AppID,
		"method":    r.method,
		"format":    "JSON",
		"charset":   p.Charset,
		"sign_type": string(p.SignType),
		"timestamp": ts,
		"version":   "1.0",
	}
	if p.CertMode() {
		params["app_cert_sn"] = p.AppCertSN
		params["alipay_root_cert_sn"] = p.AlipayRootCertSN
	}
	for k, v := range r.business {
		params[k] = v
	}
	toSign := StringToSign(params)
	sign, err := Sign(p.PrivateKey, p.SignType, p.Charset, toSign)
	if err != nil {
		return nil, err
	}
	query, form, err := encodeV2(params, sign, p.Charset)
	if err != nil {
		return nil, err
	}
	target := p.Gateway
	if strings.Contains(target, "?") {
		target += "&" + query
	} else {
		target += "?" + query
	}
	contentType := "application/x-www-form-urlencoded;charset=" + p.Charset
	t.Request = Request{
		HTTPMethod:   http.MethodPost,
		URL:          target,
		Params:       params,
		Clock:        clock,
		StringToSign: toSign,
		Sign:         sign,
		Headers:      map[string]string{"content-type": contentType},
		Body:         form,
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form))
	if err != nil {
		return nil, fmt.Errorf("build the request to %s: %w", target, err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// encodeV2 splits the signed parameters into the URL query (system
// parameters) and the form body (the rest), percent-encoding each value's
// bytes in the request charset.
func encodeV2(params map[string]string, sign, charset string) (query, form string, err error) {
	names := make([]string, 0, len(params)+1)
	for k, v := range params {
		if v != "" {
			names = append(names, k)
		}
	}
	names = append(names, "sign")
	sort.Strings(names)
	var q, f strings.Builder
	for _, k := range names {
		v := params[k]
		if k == "sign" {
			v = sign
		}
		raw, err := encodeCharset(v, charset)
		if err != nil {
			return "", "", fmt.Errorf("parameter %s: %w", k, err)
		}
		b := &f
		if systemParams[k] {
			b = &q
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(string(raw)))
	}
	return q.String(), f.String(), nil
}

// readV2 takes the raw answer apart, verifies it and decodes it.
func (c *Client) readV2(t *Trace) error {
	p := &c.profile
	env, v, err := VerifyResponse(t.Response.Body, t.Method, p.AlipayPublicKey, p.SignType)
	if err != nil {
		return notJSON(t.Response, err)
	}
	if err := malformedAnswer(env.Start, env.Content); err != nil {
		return err
	}
	v.Key = c.keyDescription()
	t.Verification = v
	decodeNode(t, env.Content, env.Node == ErrorNode)
	if p.CertMode() {
		checkCertSN(t, p.AlipayCertSN, "alipay_cert_sn")
	}
	t.settle()
	return nil
}

// checkCertSN compares the certificate SN an answer names with the
// configured Alipay certificate's, as the official Java SDK does
// (AbstractAlipayClient.checkResponseCertSign): a success that names none
// is refused there, and an SN it does not know makes it download that
// certificate with alipay.open.app.alipaycert.download and check it against
// the root before trusting it. aliauth does not fetch; it says what happened
// and how.
func checkCertSN(t *Trace, want, field string) {
	v := t.Verification
	switch {
	case v.CertSN == "" && t.Error == nil:
		msg := fmt.Sprintf("the answer names no Alipay certificate (%s is missing) though this profile is in certificate mode; the official Java SDK refuses such a success (cert check fail: ALIPAY_CERT_SN is Empty!)", field)
		v.Detail += "; " + msg
		t.Warnings = append(t.Warnings, msg)
	case v.CertSN == "":
		v.Detail += fmt.Sprintf("; the error names no certificate (%s is missing), which the official Java SDK accepts for errors", field)
	case v.CertSN != want:
		sn := shownSN(v.CertSN)
		msg := fmt.Sprintf("the answer names the Alipay certificate with SN %s (%s), but the configured alipayCertPublicKey_RSA2.crt has SN %s: Alipay has rotated its certificate. Get the new one with alipay.open.app.alipaycert.download and biz_content {\"alipay_cert_sn\":\"%s\"} (the official Java SDK does this by itself), or download it from the console (开发设置 → 接口加签方式); before trusting it, check that it chains to your alipayRootCert.crt (aliauth keys inspect shows its issuer and SN)", sn, field, want, sn)
		v.Detail += "; " + msg
		t.Warnings = append(t.Warnings, msg)
	}
}

// shownSN is a certificate SN fit for the screen: Alipay's are hex (joined
// with _ for roots); anything else is quoted with its control bytes escaped.
func shownSN(sn string) string {
	for _, c := range sn {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == '_') {
			return strconv.Quote(sn)
		}
	}
	return sn
}

// keyDescription names the key responses are verified with.
func (c *Client) keyDescription() string {
	return describeKey(c.profile.AlipayPublicKey, c.profile.AlipayKeySource)
}
