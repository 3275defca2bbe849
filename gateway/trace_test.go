package gateway

import (
	"encoding/json"
	"html"
	"net/url"
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

// A token sits in a trace in many spellings: percent-encoded in the query
// and form body, JSON-escaped (with \/ as the gateway writes it, or with
// escapes of the gateway's own choosing) in bodies and the result, HTML-
// escaped in a sub_msg quoting the string to sign, echoed in a header.
// Redact replaces each, and the result stays JSON.
func TestRedactFindsEveryFormOfASecret(t *testing.T) {
	const sent, got = "authusrB+sent/tok&en<é>", "authusrBgot/tok&en"
	tr := &Trace{
		Time: time.Now(), Protocol: V2, Method: MethodOAuthToken,
		Request: Request{
			URL:          "https://gw/gateway.do?refresh_token=" + url.QueryEscape(sent),
			Params:       map[string]string{"refresh_token": sent},
			StringToSign: "grant_type=refresh_token&refresh_token=" + sent,
			Body:         "refresh_token=" + url.QueryEscape(sent) + "&path=" + url.PathEscape(sent),
		},
		Response: &Response{Status: 200, Headers: map[string]string{"x-echo": sent + " " + got},
			Body: []byte(`{"x":{"access_token":"authusrB\u0067ot\/tok\u0026en","sub_msg":"refresh_token=` + html.EscapeString(sent) + `"}}`)},
		Result: json.RawMessage(`{"access_token":"authusrB\u0067ot\/tok\u0026en","echo":"` + jsonEscapeHTML(sent) + `"}`),
		Error:  &APIError{SubMsg: "网关生成的验签字符串为：refresh_token=" + html.EscapeString(sent), SignatureDiff: DiffStringToSign("refresh_token="+sent+"&x=1", "refresh_token="+sent+"&x=2")},
	}
	for name, replace := range map[string]func(string) string{"mask": Mask, "fingerprint": Fingerprint} {
		red := tr.Redact(replace)
		out, err := json.Marshal(red)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !json.Valid(red.Result) || len(red.Result) == 0 {
			t.Errorf("%s: result %q is no longer JSON", name, red.Result)
		}
		for _, secret := range []string{sent, got} {
			for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret), html.EscapeString(secret), jsonEscape(secret), jsonEscapeHTML(secret), `authusrB\u0067ot`} {
				if strings.Contains(string(out), form) || strings.Contains(string(red.Response.Body), form) {
					t.Errorf("%s: %q is still there", name, form)
				}
			}
		}
		if d := red.Error.SignatureDiff; d.Offset != strings.Index(d.Local, "&x=")+3 {
			t.Errorf("%s: the difference is not pointed at in the redacted strings: %+v", name, d)
		}
	}
}
