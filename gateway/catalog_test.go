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
	for _, code := range []string{"20000", "20001", "40001", "40002", "40004", "40006"} {
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
