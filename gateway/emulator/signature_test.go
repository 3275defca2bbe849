package emulator_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"html"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// A failed v2 signature is answered as the gateway words it: usually with
// its own string to sign, HTML-escaped and followed by production's
// diagnosis link; with the cause instead when the signature was made with
// the other algorithm than sign_type names, or when charset did not come in
// the URL query.
func TestInvalidSignatureNamesItsCause(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	params := func() map[string]string {
		return v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, time.Now(), map[string]string{
			"grant_type": "authorization_code", "code": mint(t, e, emulator.DemoAppID, ""), "biz_content": `{"note":"a&b"}`,
		})
	}
	answer := func(r *rawResponse) (subMsg string) {
		t.Helper()
		w := parseWire(t, r.Body)
		mustVerify(t, w, e.AlipayPublicKey(), gateway.RSA2)
		n := decodeNode(t, w.Content)
		if n.str("sub_code") != "isv.invalid-signature" {
			t.Fatalf("answer %s", w.Content)
		}
		return n.str("sub_msg")
	}
	suffix := func(r *rawResponse) string {
		return "，解决方案：https://open.alipay.com/api/errCheck?traceId=" + r.Header.Get("trace_id") + "&source=openapi"
	}

	t.Run("wrong key: the gateway's string to sign, escaped, then the link", func(t *testing.T) {
		p := params()
		r := callV2(t, s, otherKey, p)
		msg := answer(r)
		quoted, ok := strings.CutSuffix(msg, suffix(r))
		if !ok {
			t.Fatalf("sub_msg %q does not end with the diagnosis link", msg)
		}
		_, quoted, _ = strings.Cut(quoted, "网关生成的验签字符串为：")
		if !strings.Contains(quoted, "&amp;") || !strings.Contains(quoted, "&quot;") || html.UnescapeString(quoted) != gateway.StringToSign(p) {
			t.Fatalf("quoted %q, want the escaped %q", quoted, gateway.StringToSign(p))
		}
	})

	t.Run("signed with SHA1 under sign_type RSA2", func(t *testing.T) {
		p := params()
		sum := sha1.Sum([]byte(gateway.StringToSign(p)))
		sig, err := rsa.SignPKCS1v15(rand.Reader, appKey, crypto.SHA1, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		p["sign"] = base64.StdEncoding.EncodeToString(sig)
		r := postV2(t, s, p)
		if msg := answer(r); msg != "sign值与sign_type参数指定的签名类型不一致"+suffix(r) {
			t.Fatalf("sub_msg %q", msg)
		}
	})

	t.Run("charset in the body, not the URL query", func(t *testing.T) {
		signed := signV2(t, otherKey, params())
		query, form := splitV2(t, signed, "utf-8", func(k string) bool { return gateway.IsSystemParam(k) && k != "charset" })
		r := post(t, s.Gateway()+"?"+query, "application/x-www-form-urlencoded", form)
		if msg := answer(r); !strings.HasPrefix(msg, "验签出错，请确认charset参数放在了URL查询字符串中") || strings.Contains(msg, "验签字符串为") {
			t.Fatalf("sub_msg %q", msg)
		}
	})

	t.Run("charset in the body is fine when the signature is", func(t *testing.T) {
		signed := signV2(t, appKey, params())
		query, form := splitV2(t, signed, "utf-8", func(k string) bool { return gateway.IsSystemParam(k) && k != "charset" })
		w := parseWire(t, post(t, s.Gateway()+"?"+query, "application/x-www-form-urlencoded", form).Body)
		if w.Node != "alipay_system_oauth_token_response" {
			t.Fatalf("answer %s", w.Content)
		}
	})
}
