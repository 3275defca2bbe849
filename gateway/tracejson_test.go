package gateway

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// encodings are the two ways a trace is written: by json.Marshal (history,
// --json) and by an Encoder without HTML-safe escapes (history export),
// less its newline.
func encodings(t testing.TB, tr *Trace) [2][]byte {
	t.Helper()
	marshalled, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tr); err != nil {
		t.Fatal(err)
	}
	return [2][]byte{marshalled, bytes.TrimSuffix(plain.Bytes(), []byte("\n"))}
}

// checkEncodeJSON encodes tr's JSON with EncodeJSON, as it is and redacted
// by replace, both ways, and checks each against encoding the decoded trace
// (redacted by Redact). It reports whether EncodeJSON took the trace as it
// is, and redacted.
func checkEncodeJSON(t testing.TB, tr *Trace, replace func(string) string) (asIs, redacted bool) {
	t.Helper()
	js, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var decoded Trace
	if err := json.Unmarshal(js, &decoded); err != nil {
		t.Fatal(err)
	}
	took := [2]bool{true, true}
	for k, redact := range []func(string) string{nil, replace} {
		want := encodings(t, &decoded)
		if redact != nil {
			want = encodings(t, decoded.Redact(redact))
		}
		for i, escapeHTML := range []bool{true, false} {
			got, ok := EncodeJSON([]byte("before"), js, escapeHTML, redact)
			if !ok {
				if string(got) != "before" {
					t.Fatalf("EncodeJSON declined but changed its buffer: %q", got)
				}
				took[k] = false
				continue
			}
			got, found := bytes.CutPrefix(got, []byte("before"))
			if !found {
				t.Fatalf("EncodeJSON did not append: %q", got)
			}
			if !bytes.Equal(got, want[i]) {
				t.Fatalf("EncodeJSON (HTML-safe %v, redacting %v) differs from encoding the decoded trace:\n got %s\nwant %s", escapeHTML, redact != nil, got, want[i])
			}
		}
	}
	return took[0], took[1]
}

// traces a history holds: exchanges, refreshes, user info, app
// authorizations, failures.
func redactJSONTraces() map[string]*Trace {
	out := map[string]*Trace{}
	out["refresh"] = sampleTrace()
	user := sampleTrace()
	user.Method = "alipay.user.info.share"
	user.Request.Params = map[string]string{"auth_token": "authusrBACCESS000000001", "method": "alipay.user.info.share"}
	user.Request.Body = "auth_token=authusrBACCESS000000001"
	user.Response.Body = []byte(`{"alipay_user_info_share_response":{"code":"10000","nick_name":"测试 <b>&</b>"}}`)
	user.Result = json.RawMessage(`{"code":"10000","nick_name":"测试 \u003cb\u003e\u0026\u003c/b\u003e"}`)
	user.Tokens = nil
	user.Verification.SignedContent = `{"code":"10000"}`
	out["userinfo"] = user
	failed := sampleTrace()
	failed.Outcome = OutcomeGatewayError
	failed.Response.Body = []byte(`{"error_response":{"code":"40002","sub_code":"isv.refresh-token-invalid","sub_msg":"刷新令牌authusrBOLDREFRESH0001无效"}}`)
	failed.Result, failed.Tokens, failed.Verification = nil, nil, nil
	failed.Error = &APIError{Code: "40002", SubCode: "isv.refresh-token-invalid", SubMsg: "刷新令牌authusrBOLDREFRESH0001无效", Hint: "get a new code"}
	failed.Warnings = []string{"the refresh token authusrBOLDREFRESH0001 was sent twice", "a <b> & c"}
	out["failed"] = failed
	broken := sampleTrace()
	broken.Response = nil
	broken.Verification, broken.Result, broken.Tokens = nil, nil, nil
	broken.TransportError = `Post "https://openapi.alipay.com/gateway.do?refresh_token=authusrBOLDREFRESH0001": EOF`
	out["transport"] = broken
	app := sampleTrace()
	app.Method = MethodAppAuthToken
	app.Tokens = nil
	app.Request.Params = map[string]string{"biz_content": `{"grant_type":"refresh_token","refresh_token":"202612BBrefresh0123456789ab"}`}
	app.Response.Body = []byte(`{"alipay_open_auth_token_app_response":{"code":"10000","tokens":[{"app_auth_token":"202612BB0123456789abcdef0123456789ab","app_refresh_token":"202612BBfedcba9876543210fedcba98765"}]}}`)
	app.Result = json.RawMessage(`{"code":"10000"}`)
	app.Verification.SignedContent = ""
	app.AppAuth = &AppAuth{Tokens: []AppAuth{{AuthAppID: "2021000000000009", AppAuthToken: "202612BB0123456789abcdef0123456789ab", AppRefreshToken: "202612BBfedcba9876543210fedcba98765", AuthMethods: []string{"a"}}}}
	out["appauth"] = app
	fingerprinted := sampleTrace().Redact(Fingerprint)
	out["fingerprinted"] = fingerprinted
	inSyntax := sampleTrace()
	inSyntax.Tokens.AccessToken = "1296000"
	inSyntax.Result = json.RawMessage(`{"expires_in":1296000,"x":"<&>"}`)
	out["token in the result's syntax"] = inSyntax
	return out
}

func TestEncodeJSONIsEncodingAndRedact(t *testing.T) {
	for name, tr := range redactJSONTraces() {
		for _, replace := range []func(string) string{Mask, Fingerprint} {
			if asIs, redacted := checkEncodeJSON(t, tr, replace); !asIs || !redacted {
				t.Errorf("%s: EncodeJSON declined a trace history holds (as it is: %v, redacted: %v)", name, asIs, redacted)
			}
		}
	}
}

// Whatever json.Marshal writes in a trace, EncodeJSON writes as encoding
// the decoded trace does: HTML-safe escapes, a body kept as GBK with its
// bytes, text that was not UTF-8 (written \ufffd, read back as U+FFFD), in
// the response and elsewhere.
func TestEncodeJSONAsItIs(t *testing.T) {
	tr := sampleTrace()
	tr.Response.Body = append([]byte(`{"x":{"sub_msg":"`), 0xca, 0xda, 0xc8, 0xa8, '"', '}', '}') // GBK 授权
	tr.Response.Headers = map[string]string{"x-bad": "a\xffb <&> \u2028", "x-ok": "fine"}
	tr.Warnings = []string{"bad \xfe byte", "<b>&amp;</b>", "\ufffd itself"}
	tr.Error = &APIError{Code: "40002", SubMsg: "\x01 control \t tab \\ back \" quote"}
	tr.Result = json.RawMessage(`{"a":"\u003cb\u003e","b":"\ufffd","c":"\u0041\/\\"}`)
	if asIs, _ := checkEncodeJSON(t, tr, Mask); !asIs {
		t.Error("EncodeJSON declined the trace as it is")
	}
}

// EncodeJSON gives back what it cannot be sure of: a token escaping
// changes, a token in a member Redact leaves alone, a signature diff
// Redact makes again, a body kept as bytes, text json.Marshal does not
// write. Whatever it declines, Redact does.
func TestEncodeJSONDeclines(t *testing.T) {
	cases := map[string]func(tr *Trace){
		"a token escaping changes": func(tr *Trace) { tr.Tokens.AccessToken = "authusrB<acc>ess&token" },
		"a token where Redact leaves it": func(tr *Trace) {
			tr.Verification.Detail = "checked over authusrBACCESS000000001"
		},
		"a signature diff": func(tr *Trace) {
			tr.Error = &APIError{Code: "40002", SignatureDiff: DiffStringToSign("a=authusrBOLDREFRESH0001&x=1", "a=authusrBOLDREFRESH0001&x=2")}
		},
		"a body that is not UTF-8": func(tr *Trace) {
			tr.Response.Body = append([]byte(`{"x":{"access_token":"authusrBACCESS000000001","sub_msg":"`), 0xca, 0xda, '"', '}', '}')
		},
		"a token spelled with escapes": func(tr *Trace) {
			tr.Response.Body = []byte(`{"x":{"access_token":"authusrB\u0041CCESS000000001"}}`)
		},
	}
	for name, change := range cases {
		tr := sampleTrace()
		change(tr)
		if _, redacted := checkEncodeJSON(t, tr, Mask); redacted {
			t.Errorf("%s: EncodeJSON redacted the trace", name)
		}
	}
	for _, js := range []string{``, `{}x`, `{"time":"2026-01-01T00:00:00Z","time":"2026-01-01T00:00:00Z"}`, `{"protocol":"v2","time":"2026-01-01T00:00:00Z"}`,
		`{"time":"2026-01-01T00:00:00Z","tokens":{"Access_Token":"authusrBACCESS000000001"}}`, `{"time":"2026-01-01T00:00:00Z","dry_run":"yes"}`,
		`{"time":"2026-01-01T00:00:00Z","request":{"http_method":"POST","url":"","params":{"b":"1","a":"2"},"string_to_sign":"","sign":""}}`} {
		if got, ok := EncodeJSON(nil, []byte(js), true, nil); ok {
			t.Errorf("EncodeJSON took %s: %s", js, got)
		}
	}
}

// fill sets every string a value holds, through pointers, maps, lists and
// structs, to s; a map gets one key, a list one element.
func fill(v reflect.Value, s string, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Pointer:
		if depth > 3 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), s, depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, s, depth+1)
		m.SetMapIndex(reflect.ValueOf("k"), e)
		v.Set(m)
	case reflect.Slice:
		if depth > 3 {
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte(`"` + s + `"`))
			return
		}
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, s, depth+1)
		v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), e))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), s, depth+1)
			}
		}
	}
}

// redactedMembers names exactly the members Redact rewrites: with a token
// in every string a trace can hold, each string Redact changes is one the
// table names, and each one it names Redact changes.
func TestRedactedMembersAreWhatRedactRewrites(t *testing.T) {
	const token = "authusrBprobe0123456789"
	var tr Trace
	fill(reflect.ValueOf(&tr).Elem(), token, 0)
	tr.Error.SignatureDiff = nil // made again rather than rewritten; see TestEncodeJSONDeclines
	tr.Response.Body = []byte(token)
	before, err := json.Marshal(&tr)
	if err != nil {
		t.Fatal(err)
	}
	after, err := json.Marshal(tr.Redact(Mask))
	if err != nil {
		t.Fatal(err)
	}
	var b, a traceJSON
	if !b.read(before) || !a.read(after) || len(a.leaves) != len(b.leaves) {
		t.Fatalf("the probe trace is not read alike before and after:\n%s\n%s", before, after)
	}
	for i, l := range b.leaves {
		changed := string(before[l.start:l.end]) != string(after[a.leaves[i].start:a.leaves[i].end])
		if changed != l.redacted {
			t.Errorf("Redact changed=%v, the table names=%v: %s", changed, l.redacted, before[max(0, l.start-40):l.end])
		}
	}
	// Every string but the times holds the token once, and the result (JSON,
	// not a string) does.
	read := 0
	for _, l := range b.leaves {
		if strings.Contains(string(before[l.start:l.end]), token) {
			read++
		}
	}
	if n := strings.Count(string(before), token) - 1; read != n {
		t.Errorf("the probe's JSON has %d strings with the token, %d were read", n, read)
	}
}

// FuzzEncodeJSON puts arbitrary text where a gateway and a user put text,
// arbitrary tokens where tokens go, and tokens inside text, in members
// Redact rewrites and in members it leaves alone, and checks EncodeJSON
// against encoding the decoded trace and its Redact.
func FuzzEncodeJSON(f *testing.F) {
	f.Add("a <b> & c", "0123456789abcdef", "authusrBrefresh0123", "sub_msg")
	f.Add("\\n\"", "nabcdefgh", "\u2028 \x01", "access_token")
	f.Add("", "sha256:0123", "…", "")
	f.Add("x\\u0041", "1296000", "\ufffd", "expires_in")
	f.Add("\n", "nop", "authusrB0123456789", "x")
	f.Fuzz(func(t *testing.T, text, token, other, key string) {
		tr := sampleTrace()
		tr.Request.Params = map[string]string{"grant_type": "refresh_token", "refresh_token": other, key: text}
		tr.Request.URL = "https://x/?a=" + text + "&t=" + token
		tr.Request.StringToSign = "refresh_token=" + other + "&x=" + text + token
		tr.Tokens.AccessToken = "authusrB" + token
		tr.Tokens.RefreshToken = other
		tr.Warnings = []string{text, other + token}
		tr.TransportError = text + token
		tr.Response.Body = []byte(`{"x":{"access_token":"authusrB` + token + `","` + key + `":"` + text + `"}}`)
		tr.Response.Headers = map[string]string{"x-" + key: other}
		tr.Verification.SignedContent = text + other
		tr.Error = &APIError{Code: "40002", SubMsg: text + other, Hint: text}
		if body := []byte(`{"access_token":"` + other + `","` + key + `":` + text + `}`); json.Valid(body) {
			tr.Result = body
		}
		checkEncodeJSON(t, tr, Mask)
	})
}
