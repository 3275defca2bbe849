package gateway

import "strings"

// explain fills an error's meaning and hint from the catalog, then sharpens
// them with what the trace knows: the method called, the string to sign the
// gateway quoted (or did not), and whether certificate SNs were sent.
func explain(t *Trace, e *APIError) {
	if x, ok := Explain(e.Code, e.SubCode); ok {
		e.Meaning, e.Hint = x.Meaning, x.Hint
	}
	code := V2Code(e.SubCode)
	if code == "" {
		code = V2Code(e.Code)
	}
	switch {
	case code == "isv.invalid-signature":
		explainSignature(t, e)
	case t.Method == MethodUserInfo && (code == "aop.invalid-auth-token" || code == "isv.invalid-auth-token" || code == "isv.invalid-auth-relations"):
		// An auth_base token cannot read the profile; the gateway answers
		// that with the same invalid-token code as a mistyped token, so the
		// scope is the first thing to check (opendocs.alipay.com/support/01rg6k:
		// tokens of different scopes kept under one key overwrite each other).
		e.Meaning = "this access token may not read the user's profile. Most often it was granted with scope auth_base, which gives the user id only; otherwise it is mistyped, expired, replaced by a refresh, or from another app"
		e.Hint = "call my.getAuthCode with scopes: 'auth_user' for the profile, exchange that code, and use its access_token; keep auth_base and auth_user tokens apart. If the scope was auth_user, use the access_token of the latest exchange or refresh, for this app"
	}
	if t.Response != nil && t.Response.TraceID == "" {
		traceIDFromError(t.Response, e)
	}
}

// explainSignature compares the gateway's string to sign with ours, or,
// when the gateway quoted none, says what its words point at.
func explainSignature(t *Trace, e *APIError) {
	msg := e.SubMsg
	if msg == "" {
		msg = e.Msg // v3 carries its words in message
	}
	if theirs, ok := GatewayStringToSign(msg); ok {
		if t.Protocol == V3 {
			theirs = unescapeLines(theirs)
		}
		d := DiffStringToSign(theirs, t.Request.StringToSign)
		if d.Offset < 0 {
			d.Summary = identicalSummary(sentAppCertSN(t))
		}
		e.SignatureDiff = d
		return
	}
	switch text, _ := SplitSolution(msg); {
	case strings.Contains(text, "charset") && strings.Contains(text, "URL"):
		// "验签出错，请确认charset参数放在了URL查询字符串中且各参数值使用charset参数指示的
		// 字符集编码", quoted in public issues (easy-swoole/pay#24).
		e.Meaning = "the gateway could not verify the signature and suspects the charset: it reads charset from the URL query string only, and decodes every value with it"
		e.Hint = "put charset (with the other system parameters) in the URL query, not the form body, and percent-encode each value's bytes in that charset; aliauth sends it so, so check what a proxy or framework in between rewrote"
	case strings.Contains(text, "sign_type"):
		// "sign值与sign_type参数指定的签名类型不一致".
		e.Meaning = "the signature was not made with the algorithm sign_type names: RSA2 is SHA256withRSA, RSA is SHA1withRSA"
		e.Hint = "sign with the algorithm that matches sign_type (RSA2 unless the app was set up with legacy RSA keys), or send the sign_type the signature was made with"
	default:
		e.Hint = "the gateway quoted no string to sign, so there is nothing to compare: check that the private key matches the app public key in the console (aliauth keys check), that charset is in the URL query, and that sign_type matches the signing algorithm"
	}
}

// identicalSummary explains identical strings to sign: the content is
// right, so the key the gateway checked with is not this private key's.
// Before concluding the pair is wrong, it names certificate mode, whose key
// the gateway takes from the app certificate.
func identicalSummary(certSent bool) string {
	if certSent {
		return "the strings to sign are identical, so the content is right and the key is wrong: the app certificate whose SN was sent (app_cert_sn) does not certify this private key's public key; sign with the private key the certificate was made for, or upload a certificate for this key in the console (check with: aliauth keys check)"
	}
	return "the strings to sign are identical, so the content is right and the key the gateway checked with does not match this private key. This request sent no app_cert_sn: if the app is set to certificate mode (公钥证书) in the console (开发设置 → 接口加签方式), download appCertPublicKey_<app id>.crt, alipayCertPublicKey_RSA2.crt and alipayRootCert.crt there and configure them as the app certificate, the Alipay certificate and the Alipay root certificate. If it uses a plain public key (公钥), the key is wrong: the app public key in the console does not match this private key (check with: aliauth keys check)"
}

// sentAppCertSN reports whether the request carried an app certificate SN.
func sentAppCertSN(t *Trace) bool {
	if t.Protocol == V3 {
		a, err := ParseV3Authorization(t.Request.Headers["authorization"])
		return err == nil && a.AppCertSN != ""
	}
	return t.Request.Params["app_cert_sn"] != ""
}

// traceIDFromError takes the trace id from the diagnosis link in the
// error's words or links, for an answer whose headers carry none.
func traceIDFromError(resp *Response, e *APIError) {
	links := []string{}
	for _, msg := range []string{e.SubMsg, e.Msg} {
		if _, link := SplitSolution(msg); link != "" {
			links = append(links, link)
		}
	}
	for _, l := range e.Links {
		links = append(links, l.Link)
	}
	for _, link := range links {
		if id := traceIDOf(link); id != "" && strings.HasPrefix(link, errCheckURL) {
			resp.TraceID = id
			resp.DiagnosisURL = DiagnosisURL(id)
			return
		}
	}
}
