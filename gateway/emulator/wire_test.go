package emulator_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// Every v2 answer is {"<node>":<content>,"sign":"..."}, compact, with the
// sign over the exact bytes of content as written: what an official SDK
// cuts out of the body and verifies.
func TestV2AnswersAreTheSignedNodeAsWritten(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	now := time.Now()
	tokens := exchange(t, e, newClient(t, s, gateway.V2), emulator.ScopeAuthUser)
	used := mint(t, e, emulator.DemoAppID, emulator.ScopeAuthUser)
	callV2(t, s, appKey, v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, now, map[string]string{"grant_type": "authorization_code", "code": used}))

	cases := []struct {
		name     string
		method   string
		business map[string]string
		node     string
		code     string // "" for a token result
		subCode  string
		raw      []string // substrings the content must hold byte for byte
	}{
		{
			name: "exchange", method: gateway.MethodOAuthToken,
			business: map[string]string{"grant_type": "authorization_code", "code": mint(t, e, emulator.DemoAppID, emulator.ScopeAuthUser)},
			node:     "alipay_system_oauth_token_response",
			raw:      []string{`"expires_in":1296000`, `"re_expires_in":2592000`, `"access_token":"authusrB`},
		},
		{
			name: "oauth error comes in error_response", method: gateway.MethodOAuthToken,
			business: map[string]string{"grant_type": "authorization_code", "code": used},
			node:     gateway.ErrorNode, code: "40002", subCode: "isv.code-invalid",
			raw: []string{`"sub_msg":"授权码code无效"`},
		},
		{
			name: "user info escapes / and writes Chinese raw", method: gateway.MethodUserInfo,
			business: map[string]string{"auth_token": tokens.AccessToken},
			node:     "alipay_user_info_share_response", code: "10000",
			raw: []string{`"avatar":"https:\/\/tfs.alipayobjects.com\/images\/`, `"msg":"Success"`, "市"},
		},
		{
			name: "user info token error comes in the method's node", method: gateway.MethodUserInfo,
			business: map[string]string{"auth_token": "authusrBnotatoken"},
			node:     "alipay_user_info_share_response", code: "20001", subCode: "aop.invalid-auth-token",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := callV2(t, s, appKey, v2Params(emulator.DemoAppID, c.method, now, c.business))
			if r.Status != 200 {
				t.Fatalf("HTTP %d", r.Status)
			}
			w := parseWire(t, r.Body)
			if w.Node != c.node {
				t.Fatalf("node %s, want %s:\n%s", w.Node, c.node, r.Body)
			}
			mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2)
			var compact bytes.Buffer
			if err := json.Compact(&compact, w.Content); err != nil || !bytes.Equal(compact.Bytes(), w.Content) {
				t.Errorf("content is not compact JSON: %s", w.Content)
			}
			for i, b := range w.Content {
				if b == '/' && (i == 0 || w.Content[i-1] != '\\') {
					t.Fatalf("a / at %d is not written \\/: %s", i, w.Content)
				}
			}
			if bytes.Contains(w.Content, []byte(`\u`)) {
				t.Errorf("content escapes characters as \\u instead of writing UTF-8: %s", w.Content)
			}
			for _, want := range c.raw {
				if !bytes.Contains(w.Content, []byte(want)) {
					t.Errorf("content lacks %s:\n%s", want, w.Content)
				}
			}
			n := decodeNode(t, w.Content)
			if n.str("code") != c.code || n.str("sub_code") != c.subCode {
				t.Fatalf("code %q sub_code %q, want %q %q", n.str("code"), n.str("sub_code"), c.code, c.subCode)
			}
			if c.subCode != "" && (n.str("msg") == "" || n.str("sub_msg") == "") {
				t.Errorf("an error needs msg and sub_msg: %s", w.Content)
			}
			if c.node == "alipay_system_oauth_token_response" {
				for _, k := range []string{"access_token", "refresh_token", "user_id", "open_id", "auth_start", "expires_in", "re_expires_in"} {
					if _, ok := n[k]; !ok {
						t.Errorf("token result lacks %s: %s", k, w.Content)
					}
				}
				if _, err := gateway.ParseTimestamp(n.str("auth_start")); err != nil {
					t.Errorf("auth_start: %v", err)
				}
			}
			if r.Header.Get("trace_id") == "" {
				t.Errorf("no trace_id header: %v", r.Header)
			}
			if ct := r.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
				t.Errorf("Content-Type %q names no utf-8 charset", ct)
			}
		})
	}
}

// The gateway takes each parameter from the URL query or the form body,
// whichever it is in.
func TestV2ParametersFromQueryOrBody(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	cases := []struct {
		name    string
		inQuery func(string) bool
	}{
		{"system parameters in the query, the rest in the body (the SDKs)", nil},
		{"all in the query", func(string) bool { return true }},
		{"all in the body", func(string) bool { return false }},
		{"sign in the body, the rest split", func(k string) bool { return k != "sign" && gateway.IsSystemParam(k) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			params := signV2(t, appKey, v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, time.Now(), map[string]string{
				"grant_type": "authorization_code", "code": mint(t, e, emulator.DemoAppID, ""),
			}))
			query, form := splitV2(t, params, "utf-8", c.inQuery)
			target := s.Gateway()
			if query != "" {
				target += "?" + query
			}
			w := parseWire(t, post(t, target, "application/x-www-form-urlencoded;charset=utf-8", form).Body)
			if w.Node != "alipay_system_oauth_token_response" {
				t.Fatalf("answer %s: %s", w.Node, w.Content)
			}
			mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2)
		})
	}
}

// Values are signed raw and sent percent-encoded; the gateway decodes them
// and verifies over the raw values. A signature over anything else (the
// encoded form, an unencoded + read as a space) is isv.invalid-signature,
// whose sub_msg quotes the gateway's own string to sign, HTML-escaped.
func TestV2VerifiesOverRawDecodedValues(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	awkward := `{"note":"a&b=c+d e%20f<g>'h'\"i\"/中文"}`
	business := func() map[string]string {
		return map[string]string{"grant_type": "authorization_code", "code": mint(t, e, emulator.DemoAppID, ""), "biz_content": awkward}
	}

	t.Run("signed raw, sent encoded", func(t *testing.T) {
		w := parseWire(t, callV2(t, s, appKey, v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, time.Now(), business())).Body)
		if w.Node != "alipay_system_oauth_token_response" {
			t.Fatalf("%s: %s", w.Node, w.Content)
		}
	})

	t.Run("signed over the encoded values", func(t *testing.T) {
		params := v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, time.Now(), business())
		encoded := map[string]string{}
		for k, v := range params {
			encoded[k] = url.QueryEscape(v)
		}
		signed := signV2(t, appKey, encoded)
		for k := range params {
			signed[k] = params[k] // send the raw values with the wrong signature
		}
		w := parseWire(t, postV2(t, s, signed).Body)
		mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2)
		n := decodeNode(t, w.Content)
		if w.Node != gateway.ErrorNode || n.str("code") != "40002" || n.str("sub_code") != "isv.invalid-signature" {
			t.Fatalf("%s: %s", w.Node, w.Content)
		}
		subMsg := n.str("sub_msg")
		want := gateway.StringToSign(params)
		if strings.Contains(subMsg, want) || !strings.Contains(subMsg, html.EscapeString("&charset=utf-8&")) {
			t.Errorf("sub_msg does not quote the string to sign HTML-escaped: %s", subMsg)
		}
		if strings.ContainsAny(subMsg[strings.Index(subMsg, "app_id="):], `<>"`) {
			t.Errorf("sub_msg has unescaped HTML characters: %s", subMsg)
		}
		// As the real gateway writes it: named entities (&amp; &quot; &lt;
		// &gt;), so what a user sees matches what Alipay shows.
		if !strings.Contains(subMsg, `biz_content={&quot;note&quot;:&quot;a&amp;b=c+d e%20f&lt;g&gt;'h'\&quot;i\&quot;/中文&quot;}`) {
			t.Errorf("sub_msg does not escape biz_content as the gateway does: %s", subMsg)
		}
		got, ok := gateway.GatewayStringToSign(subMsg)
		if !ok || got != want {
			t.Fatalf("the gateway's string to sign, recovered:\n%q\nthe raw string to sign:\n%q", got, want)
		}
		if d := gateway.DiffStringToSign(got, gateway.StringToSign(encoded)); d.Offset < 0 {
			t.Errorf("diff finds no difference: %+v", d)
		}
	})

	t.Run("sign sent in the query without percent-encoding", func(t *testing.T) {
		var params map[string]string
		for range 20 { // a 2048-bit signature in base64 almost always has a +
			params = signV2(t, appKey, v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, time.Now(), business()))
			if strings.Contains(params["sign"], "+") {
				break
			}
		}
		if !strings.Contains(params["sign"], "+") {
			t.Skip("no signature with a + came up")
		}
		sign := params["sign"]
		delete(params, "sign")
		query, form := splitV2(t, params, "utf-8", nil)
		r := post(t, s.Gateway()+"?"+query+"&sign="+sign, "application/x-www-form-urlencoded", form)
		n := decodeNode(t, parseWire(t, r.Body).Content)
		if n.str("sub_code") != "isv.invalid-signature" {
			t.Fatalf("a + read as a space still verified: %s", r.Body)
		}
	})
}

// Each check of the common parameters, in the order the gateway runs them,
// with the real codes; errors are signed except when the app is unknown.
// What the emulator accepts but a stricter gateway might not is named in
// the note header.
func TestV2RequestChecks(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	registerOther(t, e, gateway.RSA2)
	code := func() string { return mint(t, e, emulator.DemoAppID, "") }
	cst := time.FixedZone("CST", 8*60*60)
	cases := []struct {
		name     string
		edit     func(p map[string]string) // before signing
		after    func(p map[string]string) // after signing
		node     string                    // "" means the method's node on success, error_response on error
		code     string                    // "" means success
		subCode  string                    //
		unsigned bool                      //
		signType gateway.SignType          // of the answer; "" is RSA2
		method   string                    // "" is alipay.system.oauth.token
		business func() map[string]string  // nil is an authorization_code grant
		key      func() *rsa.PrivateKey
		note     string // a token the note header must carry
	}{
		{name: "unknown app id is unsigned", edit: func(p map[string]string) { p["app_id"] = "2021009999999999" }, code: "40002", subCode: "isv.invalid-app-id", unsigned: true},
		{name: "unknown app id on user info answers in the method's node", method: gateway.MethodUserInfo, business: func() map[string]string { return map[string]string{"auth_token": "x"} },
			edit: func(p map[string]string) { p["app_id"] = "2021009999999999" }, node: "alipay_user_info_share_response", code: "40002", subCode: "isv.invalid-app-id", unsigned: true},
		{name: "missing app_id", edit: func(p map[string]string) { delete(p, "app_id") }, code: "40001", subCode: "isv.missing-app-id", unsigned: true},
		{name: "missing method", edit: func(p map[string]string) { delete(p, "method") }, code: "40001", subCode: "isv.missing-method", unsigned: true},
		{name: "unknown method answers in its own node", edit: func(p map[string]string) { p["method"] = "alipay.no.such.method" }, node: "alipay_no_such_method_response", code: "40002", subCode: "isv.invalid-method"},
		{name: "format=xml", edit: func(p map[string]string) { p["format"] = "xml" }, code: "40002", subCode: "isv.invalid-format"},
		{name: "format=json in lower case", edit: func(p map[string]string) { p["format"] = "json" }},
		{name: "no format, as the Node SDK sends", edit: func(p map[string]string) { delete(p, "format") }},
		{name: "an extra parameter the Java SDK adds (alipay_sdk), signed", edit: func(p map[string]string) { p["alipay_sdk"] = "alipay-sdk-java-dynamicVersionNo" }},
		{name: "charset=latin1", edit: func(p map[string]string) { p["charset"] = "latin1" }, code: "40002", subCode: "isv.invalid-charset"},
		{name: "charset=UTF-8, as the Java v3 SDK sends", edit: func(p map[string]string) { p["charset"] = "UTF-8" }},
		{name: "charset=UTF8", edit: func(p map[string]string) { p["charset"] = "UTF8" }},
		{name: "charset=utf8", edit: func(p map[string]string) { p["charset"] = "utf8" }},
		{name: "charset=GBK", edit: func(p map[string]string) { p["charset"] = "GBK" }},
		{name: "charset=gbk", edit: func(p map[string]string) { p["charset"] = "gbk" }},
		{name: "charset=gb2312", edit: func(p map[string]string) { p["charset"] = "gb2312" }},
		{name: "missing version", edit: func(p map[string]string) { delete(p, "version") }, code: "40001", subCode: "isv.missing-version"},
		{name: "version 2.0", edit: func(p map[string]string) { p["version"] = "2.0" }, code: "40002", subCode: "isv.invalid-version"},
		{name: "missing sign_type", edit: func(p map[string]string) { delete(p, "sign_type") }, code: "40001", subCode: "isv.missing-signature-type"},
		{name: "sign_type SM3", edit: func(p map[string]string) { p["sign_type"] = "SM3" }, code: "40002", subCode: "isv.invalid-signature-type"},
		{name: "sign_type RSA for an RSA2 app is 40003", edit: func(p map[string]string) { p["sign_type"] = "RSA" }, code: "40003", subCode: "isv.missing-signature-config", signType: gateway.RSA},
		{name: "missing timestamp", edit: func(p map[string]string) { delete(p, "timestamp") }, code: "40001", subCode: "isv.missing-timestamp"},
		{name: "timestamp 20 minutes early is accepted and noted", edit: func(p map[string]string) { p["timestamp"] = gateway.Timestamp(time.Now().Add(-20 * time.Minute)) }, note: "timestamp-skew=-1"},
		{name: "timestamp 20 minutes late is accepted and noted", edit: func(p map[string]string) { p["timestamp"] = gateway.Timestamp(time.Now().Add(20 * time.Minute)) }, note: "timestamp-skew=1"},
		{name: "timestamp in UTC is accepted, eight hours noted", edit: func(p map[string]string) { p["timestamp"] = time.Now().UTC().Format(gateway.TimestampLayout) }, note: "timestamp-skew=-28"},
		{name: "timestamp with one-digit fields is accepted and noted", edit: func(p map[string]string) { p["timestamp"] = time.Now().In(cst).Format("2006-1-2 3:4:5") }, note: "timestamp-unpadded"},
		{name: "timestamp in RFC 3339", edit: func(p map[string]string) { p["timestamp"] = time.Now().Format(time.RFC3339) }, code: "40002", subCode: "isv.invalid-timestamp"},
		{name: "timestamp with a three-digit month", edit: func(p map[string]string) { p["timestamp"] = time.Now().In(cst).Format("2006-0") + "10-01 12:00:00" }, code: "40002", subCode: "isv.invalid-timestamp"},
		{name: "timestamp on February 30", edit: func(p map[string]string) { p["timestamp"] = "2024-02-30 12:00:00" }, code: "40002", subCode: "isv.invalid-timestamp"},
		{name: "timestamp in milliseconds", edit: func(p map[string]string) { p["timestamp"] = strconv.FormatInt(time.Now().UnixMilli(), 10) }, code: "40002", subCode: "isv.invalid-timestamp"},
		{name: "missing sign", after: func(p map[string]string) { delete(p, "sign") }, code: "40001", subCode: "isv.missing-signature"},
		{name: "sign not base64", after: func(p map[string]string) { p["sign"] = "not base64!" }, code: "40002", subCode: "isv.invalid-signature"},
		{name: "a parameter changed after signing", after: func(p map[string]string) { p["timestamp"] = gateway.Timestamp(time.Now().Add(time.Second)) }, code: "40002", subCode: "isv.invalid-signature"},
		{name: "signed with another app's key", key: func() *rsa.PrivateKey { return otherKey }, code: "40002", subCode: "isv.invalid-signature"},
		{name: "missing grant_type", business: func() map[string]string { return map[string]string{"code": code()} }, code: "40001", subCode: "isv.missing-grant-type"},
		{name: "unknown grant_type", business: func() map[string]string { return map[string]string{"grant_type": "password", "code": code()} }, code: "40002", subCode: "isv.grant-type-invalid"},
		{name: "missing code", business: func() map[string]string { return map[string]string{"grant_type": "authorization_code"} }, code: "40001", subCode: "isv.missing-code"},
		{name: "missing refresh_token", business: func() map[string]string { return map[string]string{"grant_type": "refresh_token"} }, code: "40001", subCode: "isv.missing-refresh-token"},
		{name: "unknown refresh_token", business: func() map[string]string {
			return map[string]string{"grant_type": "refresh_token", "refresh_token": "authusrBnope"}
		}, code: "40002", subCode: "isv.refresh-token-invalid"},
		{name: "user info without auth_token", method: gateway.MethodUserInfo, business: func() map[string]string { return nil }, node: "alipay_user_info_share_response", code: "40001", subCode: "isv.missing-auth-token"},
	}
	// The gateway's own checks end their sub_msg with production's diagnosis
	// link; the method's answers do not.
	gatewayLevel := map[string]bool{"isv.invalid-app-id": true, "isv.missing-app-id": true, "isv.missing-method": true, "isv.invalid-method": true,
		"isv.invalid-format": true, "isv.invalid-charset": true, "isv.missing-version": true, "isv.invalid-version": true, "isv.missing-signature-type": true,
		"isv.invalid-signature-type": true, "isv.missing-signature-config": true, "isv.missing-timestamp": true, "isv.invalid-timestamp": true,
		"isv.missing-signature": true, "isv.invalid-signature": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = gateway.MethodOAuthToken
			}
			business := map[string]string{"grant_type": "authorization_code", "code": code()}
			if c.business != nil {
				business = c.business()
			}
			params := v2Params(emulator.DemoAppID, method, time.Now(), business)
			if c.edit != nil {
				c.edit(params)
			}
			key := appKey
			if c.key != nil {
				key = c.key()
			}
			signed := signV2(t, key, params)
			if c.after != nil {
				c.after(signed)
			}
			charset := signed["charset"]
			if charset == "" {
				charset = "utf-8"
			}
			query, form := splitV2(t, signed, charset, nil)
			r := post(t, s.Gateway()+"?"+query, "application/x-www-form-urlencoded", form)
			if r.Status != 200 {
				t.Fatalf("HTTP %d: %s", r.Status, r.Body)
			}
			w := parseWire(t, r.Body)
			content := w.Content
			if strings.EqualFold(charset, "gbk") || strings.EqualFold(charset, "gb2312") {
				if content, _ = simplifiedchinese.GBK.NewDecoder().Bytes(w.Content); !utf8.Valid(content) {
					t.Fatalf("a GBK answer that does not decode: %q", w.Content)
				}
			}
			n := decodeNode(t, content)
			wantNode := c.node
			switch {
			case wantNode != "":
			case c.code == "":
				wantNode = gateway.NodeName(method)
			default:
				wantNode = gateway.ErrorNode
			}
			if w.Node != wantNode || n.str("code") != c.code || n.str("sub_code") != c.subCode {
				t.Fatalf("got %s code %q sub_code %q, want %s %q %q:\n%s", w.Node, n.str("code"), n.str("sub_code"), wantNode, c.code, c.subCode, r.Body)
			}
			if c.code != "" {
				msgs := map[string]string{"40001": "Missing Required Arguments", "40002": "Invalid Arguments", "40003": "Insufficient Conditions"}
				if n.str("msg") != msgs[c.code] || n.str("sub_msg") == "" {
					t.Errorf("msg %q sub_msg %q", n.str("msg"), n.str("sub_msg"))
				}
				suffix := "，解决方案：https://open.alipay.com/api/errCheck?traceId=" + r.Header.Get("trace_id") + "&source=openapi"
				if got := strings.HasSuffix(n.str("sub_msg"), suffix); got != gatewayLevel[c.subCode] {
					t.Errorf("sub_msg %q: ends with the diagnosis link %v, want %v", n.str("sub_msg"), got, gatewayLevel[c.subCode])
				}
			}
			if note := r.Header.Get(gateway.EmulatorNoteHeader); !strings.Contains(note, c.note) || (c.note == "" && note != "") {
				t.Errorf("note header %q, want %q", note, c.note)
			}
			if c.unsigned {
				if w.HasSign {
					t.Fatalf("the gateway cannot sign for an app it does not know, yet the answer carries a sign: %s", r.Body)
				}
				return
			}
			signType := c.signType
			if signType == "" {
				signType = gateway.RSA2
			}
			mustVerify(t, w, e.AlipayPublicKey(), signType)
		})
	}
}

// A GBK request is percent-encoded GBK bytes and signed over them; the
// answer is GBK bytes, signed over those bytes.
func TestV2GBKRoundTrip(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	tokens := exchange(t, e, newClient(t, s, gateway.V2), emulator.ScopeAuthUser)
	gbk := simplifiedchinese.GBK.NewEncoder()
	biz := `{"备注":"中文参数"}`

	t.Run("signed over GBK bytes", func(t *testing.T) {
		params := v2Params(emulator.DemoAppID, gateway.MethodUserInfo, time.Now(), map[string]string{"auth_token": tokens.AccessToken, "biz_content": biz})
		params["charset"] = "GBK"
		signed := signV2(t, appKey, params)
		query, form := splitV2(t, signed, "GBK", nil)
		encodedBiz, _ := gbk.String(biz)
		if !strings.Contains(form, url.QueryEscape(encodedBiz)) || strings.Contains(form, url.QueryEscape(biz)) {
			t.Fatalf("the form does not carry GBK bytes: %s", form)
		}
		r := post(t, s.Gateway()+"?"+query, "application/x-www-form-urlencoded;charset=GBK", form)
		if utf8.Valid(r.Body) {
			t.Fatalf("a GBK answer with Chinese in it is valid UTF-8: %s", r.Body)
		}
		if ct := r.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=gbk") {
			t.Errorf("Content-Type %q", ct)
		}
		w := parseWire(t, r.Body)
		mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2) // over the GBK bytes as written
		decoded, err := simplifiedchinese.GBK.NewDecoder().Bytes(w.Content)
		if err != nil {
			t.Fatal(err)
		}
		n := decodeNode(t, decoded)
		if n.str("code") != "10000" || !strings.HasSuffix(n.str("city"), "市") {
			t.Fatalf("decoded answer %s", decoded)
		}
	})

	t.Run("signed over UTF-8 bytes but sent as GBK", func(t *testing.T) {
		params := v2Params(emulator.DemoAppID, gateway.MethodUserInfo, time.Now(), map[string]string{"auth_token": tokens.AccessToken, "biz_content": biz})
		signed := signV2(t, appKey, params) // charset utf-8 while signing
		signed["charset"] = "GBK"
		params["charset"] = "GBK"
		query, form := splitV2(t, signed, "GBK", nil)
		r := post(t, s.Gateway()+"?"+query, "application/x-www-form-urlencoded;charset=GBK", form)
		w := parseWire(t, r.Body)
		mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2)
		decoded, err := simplifiedchinese.GBK.NewDecoder().Bytes(w.Content)
		if err != nil {
			t.Fatal(err)
		}
		n := decodeNode(t, decoded)
		if n.str("sub_code") != "isv.invalid-signature" {
			t.Fatalf("answer %s", decoded)
		}
		got, ok := gateway.GatewayStringToSign(n.str("sub_msg"))
		if !ok || got != gateway.StringToSign(params) {
			t.Fatalf("the gateway's string to sign %q, want %q", got, gateway.StringToSign(params))
		}
	})
}

// An app registered for RSA (SHA1withRSA) works end to end with the client,
// answers signed with SHA1withRSA.
func TestRSAAppEndToEnd(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	registerOther(t, e, gateway.RSA)
	c := newClient(t, s, gateway.V2, func(p *gateway.Profile) {
		p.AppID, p.PrivateKey, p.SignType = otherAppID, otherKey, gateway.RSA
	})
	ctx := context.Background()
	tr, err := c.Exchange(ctx, mint(t, e, otherAppID, emulator.ScopeAuthUser))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tr.Verification.Status != gateway.Verified || tr.Request.Params["sign_type"] != "RSA" {
		t.Fatalf("verification %s (%s)", tr.Verification.Status, tr.Verification.Detail)
	}
	w := parseWire(t, tr.Response.Body)
	mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA)
	if verifyPKCS1(e.AlipayPublicKey(), gateway.RSA2, w.Content, w.Sign) == nil {
		t.Fatal("an RSA app's answer is signed with SHA256withRSA")
	}
	ref, err := c.Refresh(ctx, tr.Tokens.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	info, err := c.UserInfo(ctx, ref.Tokens.AccessToken)
	if err != nil || info.Verification.Status != gateway.Verified {
		t.Fatalf("user info: %v", err)
	}

	// The same app signing RSA2 is refused: it has no RSA2 key configured.
	rsa2 := newClient(t, s, gateway.V2, func(p *gateway.Profile) { p.AppID, p.PrivateKey = otherAppID, otherKey })
	tr, err = rsa2.Exchange(ctx, mint(t, e, otherAppID, ""))
	if err == nil || tr.Error == nil || tr.Outcome != gateway.OutcomeGatewayError {
		t.Fatalf("RSA2 request for an RSA app: %v", err)
	}
}

// Empty values are left out of the string to sign, by the gateway as by
// the spec: an SDK that signs "notify_url=" is answered
// isv.invalid-signature, with the gateway's string to sign showing why.
func TestV2EmptyValuesAreNotSigned(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	params := func() map[string]string {
		p := v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, time.Now(), map[string]string{"grant_type": "authorization_code", "code": mint(t, e, emulator.DemoAppID, "")})
		p["notify_url"] = ""
		return p
	}

	w := parseWire(t, postV2(t, s, signV2(t, appKey, params())).Body)
	if w.Node != "alipay_system_oauth_token_response" {
		t.Fatalf("an empty parameter left out of the signature: %s", w.Content)
	}

	p := params()
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names)
	pairs := make([]string, len(names))
	for i, k := range names {
		pairs[i] = k + "=" + p[k]
	}
	withEmpty := strings.Join(pairs, "&")
	if !strings.Contains(withEmpty, "&notify_url=&sign_type=") {
		t.Fatalf("string %q", withEmpty)
	}
	sign, err := gateway.Sign(appKey, gateway.RSA2, "utf-8", withEmpty)
	if err != nil {
		t.Fatal(err)
	}
	p["sign"] = sign
	w = parseWire(t, postV2(t, s, p).Body)
	n := decodeNode(t, w.Content)
	got, _ := gateway.GatewayStringToSign(n.str("sub_msg"))
	if n.str("sub_code") != "isv.invalid-signature" || strings.Contains(got, "notify_url") {
		t.Fatalf("an empty parameter signed: %s", w.Content)
	}
}
