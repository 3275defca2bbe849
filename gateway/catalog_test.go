package gateway

import (
	"strings"
	"testing"
)

func TestCatalogExplainsEveryCodeTheSpecNames(t *testing.T) {
	subCodes := []string{
		"isv.code-invalid", "isv.refresh-token-invalid", "isv.refresh-token-time-out",
		"isv.invalid-signature", "isv.invalid-app-id", "isv.invalid-timestamp",
		"isv.missing-signature", "isv.invalid-signature-type", "isv.insufficient-isv-permissions",
		"aop.invalid-auth-token", "aop.auth-token-time-out", "isv.invalid-auth-token",
		"isv.grant-type-invalid", "isv.refreshed-token-invalid", "isv.unmatched-app-id", "isp.unknow-error",
	}
	for _, sc := range subCodes {
		e, ok := Explain("40002", sc)
		if !ok || e.Meaning == "" || e.Hint == "" {
			t.Errorf("%s: explanation %+v, ok %v; want a meaning and a next step", sc, e, ok)
		}
	}
	for _, code := range []string{"20000", "20001", "40001", "40002", "40003", "40004", "40005", "40006"} {
		if e, ok := Explain(code, ""); !ok || e.Meaning == "" {
			t.Errorf("code %s is not explained", code)
		}
	}
	if e, ok := Explain("10000", ""); !ok || e.Meaning != "success" {
		t.Errorf("10000: %+v", e)
	}
}

func TestCatalogSubCodeWinsAndUnknownStaysUnknown(t *testing.T) {
	e, _ := Explain("40002", "isv.code-invalid")
	if !strings.Contains(e.Meaning, "auth code") {
		t.Errorf("isv.code-invalid explained as %q", e.Meaning)
	}
	if _, ok := Explain("99999", "isv.never-heard-of"); ok {
		t.Error("an unknown code was explained")
	}
	// v3 puts the sub_code in code.
	if e, ok := Explain("isv.code-invalid", ""); !ok || e.Hint == "" {
		t.Error("v3 code isv.code-invalid not explained")
	}
}

// v3 writes gateway-level codes without the isv./aop. prefix (a probe of
// openapi.alipay.com: "invalid-app-id"; the Node SDK's tests against the real
// gateway: "invalid-auth-token", "insufficient-isv-permissions"); each is
// explained as its v2 sub_code is.
func TestCatalogExplainsUnprefixedV3Codes(t *testing.T) {
	for code, v2 := range map[string]string{
		"invalid-app-id": "isv.invalid-app-id", "invalid-signature": "isv.invalid-signature",
		"invalid-auth-token": "aop.invalid-auth-token", "auth-token-time-out": "aop.auth-token-time-out",
		"missing-signature-config": "isv.missing-signature-config", "missing-timestamp": "isv.missing-timestamp",
		"invalid-timestamp": "isv.invalid-timestamp", "insufficient-isv-permissions": "isv.insufficient-isv-permissions",
		"app-cert-not-exist": "isv.app-cert-not-exist", "unknow-error": "isp.unknow-error",
	} {
		got, ok := Explain(code, "")
		want, _ := Explain("", v2)
		if !ok || got != want || V2Code(code) != v2 {
			t.Errorf("%s: explained as %+v (v2 name %s), want %s's %+v", code, got, V2Code(code), v2, want)
		}
	}
	if _, ok := Explain("never-heard-of", ""); ok {
		t.Error("an unknown unprefixed code was explained")
	}
	if V2Code("never-heard-of") != "never-heard-of" || V2Code("ACQ.TRADE_NOT_EXIST") != "ACQ.TRADE_NOT_EXIST" {
		t.Error("V2Code changed a code it does not know")
	}
}

// Production ends a gateway-level sub_msg with a diagnosis link; it is not
// part of the quoted string to sign.
func TestSplitSolution(t *testing.T) {
	for _, c := range []struct{ msg, text, link, traceID string }{
		{"无效的AppID参数，解决方案：https://open.alipay.com/api/errCheck?traceId=0b43c935&source=openapi", "无效的AppID参数", "https://open.alipay.com/api/errCheck?traceId=0b43c935&source=openapi", "0b43c935"},
		{"无效的AppID参数,解决方案:https://open.alipay.com/api/errCheck?traceId=abc", "无效的AppID参数", "https://open.alipay.com/api/errCheck?traceId=abc", "abc"},
		{"无效的AppID参数", "无效的AppID参数", "", ""},
		{"x，解决方案：https://open.alipay.com/api/errCheck?traceId=%1b%5b31m", "x", "https://open.alipay.com/api/errCheck?traceId=%1b%5b31m", ""},
	} {
		text, link := SplitSolution(c.msg)
		if text != c.text || link != c.link || traceIDOf(link) != c.traceID {
			t.Errorf("%q: %q %q %q, want %q %q %q", c.msg, text, link, traceIDOf(link), c.text, c.link, c.traceID)
		}
	}
	quoted := "验签出错，网关生成的验签字符串为：a=1&amp;b=2，解决方案：https://open.alipay.com/api/errCheck?traceId=1&source=openapi"
	if got, ok := GatewayStringToSign(quoted); !ok || got != "a=1&b=2" {
		t.Fatalf("string to sign %q", got)
	}
}

func TestGatewayStringToSignIsUnescaped(t *testing.T) {
	subMsg := "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：app_id=1&amp;biz_content={&quot;a&quot;:&quot;&lt;b&gt;&quot;}&amp;charset=utf-8"
	got, ok := GatewayStringToSign(subMsg)
	if !ok || got != `app_id=1&biz_content={"a":"<b>"}&charset=utf-8` {
		t.Fatalf("got %q, %v", got, ok)
	}
	if _, ok := GatewayStringToSign("签名错误"); ok {
		t.Fatal("found a string where there is none")
	}
}

func TestDiffStringToSignPointsAtFirstDifference(t *testing.T) {
	local := "app_id=1&charset=utf-8&code=abc&timestamp=2026-11-24 10:00:00"
	gw := "app_id=1&charset=UTF-8&code=abc&timestamp=2026-11-24 10:00:00"
	d := DiffStringToSign(gw, local)
	if d.Offset != strings.Index(local, "utf") {
		t.Fatalf("offset %d", d.Offset)
	}
	if !strings.Contains(d.Summary, "parameter charset") || !strings.Contains(d.Summary, `"UTF-8`) {
		t.Fatalf("summary %q does not name the parameter and both sides", d.Summary)
	}
	same := DiffStringToSign(local, local)
	if same.Offset != -1 || !strings.Contains(same.Summary, "key is wrong") {
		t.Fatalf("identical strings: %+v", same)
	}
	v3 := "app_id=1,nonce=n,timestamp=1\nPOST\n/v3/alipay/system/oauth/token\n{\"code\":\"a\"}\n"
	for at, where := range map[string]string{"nonce=n": "the auth string, field nonce", "POST": "the HTTP method line", "/v3": "the path and query line", "{": "the body line"} {
		i := strings.Index(v3, at)
		if d := DiffStringToSign(v3[:i]+"X"+v3[i+1:], v3); d.Offset != i || !strings.Contains(d.Summary, "in "+where+":") {
			t.Errorf("a difference at %q: %+v", at, d)
		}
	}
	shorter := DiffStringToSign(local[:10], local)
	if shorter.Offset != 10 || !strings.Contains(shorter.Summary, "end of string") {
		t.Fatalf("prefix: %+v", shorter)
	}
	multibyte := DiffStringToSign("a=支付宝", "a=支付")
	if multibyte.Offset != len("a=支付") {
		t.Fatalf("multibyte offset %d", multibyte.Offset)
	}
	if empty := DiffStringToSign("x", ""); empty.Offset != 0 {
		t.Fatalf("empty local: %+v", empty)
	}
}
