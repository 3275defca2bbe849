package gateway

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleTrace() *Trace {
	return &Trace{
		Time:     time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC),
		Profile:  "demo",
		Protocol: V2,
		Method:   MethodOAuthToken,
		Outcome:  OutcomeSuccess,
		Request: Request{
			HTTPMethod:   "POST",
			URL:          "https://openapi.alipay.com/gateway.do?app_id=1",
			Params:       map[string]string{"grant_type": "refresh_token", "refresh_token": "authusrBOLDREFRESH0001"},
			StringToSign: "grant_type=refresh_token&refresh_token=authusrBOLDREFRESH0001",
			Body:         "grant_type=refresh_token&refresh_token=authusrBOLDREFRESH0001",
		},
		Response:     &Response{Status: 200, Body: []byte(`{"x":{"access_token":"authusrBACCESS000000001","refresh_token":"authusrBNEWREFRESH00001"}}`), Duration: 12345 * time.Microsecond},
		Verification: &Verification{Status: Verified, SignedContent: `{"access_token":"authusrBACCESS000000001","refresh_token":"authusrBNEWREFRESH00001"}`},
		Result:       json.RawMessage(`{"access_token":"authusrBACCESS000000001","refresh_token":"authusrBNEWREFRESH00001"}`),
		Tokens:       &Tokens{AccessToken: "authusrBACCESS000000001", RefreshToken: "authusrBNEWREFRESH00001"},
	}
}

func TestRedactReplacesEverySecretEverywhereAndLeavesOriginal(t *testing.T) {
	tr := sampleTrace()
	red := tr.Redact(Mask)
	out, err := json.Marshal(red)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"authusrBOLDREFRESH0001", "authusrBACCESS000000001", "authusrBNEWREFRESH00001"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("redacted JSON still holds %s", secret)
		}
	}
	if !strings.Contains(string(out), Mask("authusrBACCESS000000001")) {
		t.Error("the mask is not shown in place of the token")
	}
	if tr.Tokens.AccessToken != "authusrBACCESS000000001" || !strings.Contains(string(tr.Response.Body), "authusrBACCESS") {
		t.Error("Redact changed the original")
	}
	fp := tr.Redact(Fingerprint)
	if fp.Tokens.AccessToken != Fingerprint("authusrBACCESS000000001") || !strings.HasPrefix(fp.Tokens.AccessToken, "sha256:") {
		t.Errorf("fingerprinted token %q", fp.Tokens.AccessToken)
	}
}

func TestMaskKeepsKindPrefixAndTail(t *testing.T) {
	if got := Mask("authusrB0123456789abcdef"); got != "authusrB…cdef" {
		t.Errorf("Mask = %q", got)
	}
	if got := Mask("short"); got != "*****" {
		t.Errorf("short Mask = %q", got)
	}
}

func TestTraceJSONShapeAndRoundTrip(t *testing.T) {
	tr := sampleTrace()
	tr.Response.Body = append([]byte(`{"sub_msg":"`), append([]byte{0xca, 0xda, 0xc8, 0xa8}, []byte(`"}`)...)...) // GBK 授权
	out, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]json.RawMessage
	if err := json.Unmarshal(out, &shape); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"time", "profile", "protocol", "method", "request", "response", "verification", "result"} {
		if _, ok := shape[key]; !ok {
			t.Errorf("trace JSON lacks %q", key)
		}
	}
	var resp map[string]any
	_ = json.Unmarshal(shape["response"], &resp)
	if resp["duration_ms"] != 12.345 || resp["body"] != `{"sub_msg":"授权"}` || resp["body_charset"] != "GBK" {
		t.Errorf("response JSON %v", resp)
	}
	var back Trace
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Response.Body, tr.Response.Body) || back.Response.Duration != tr.Response.Duration {
		t.Errorf("round trip lost the raw body or duration: %q %v", back.Response.Body, back.Response.Duration)
	}
}
