package gateway

import (
	"bytes"
	"crypto/rsa"
	"strings"
	"testing"
)

// signedBody builds a v2 body whose sign covers signed (normally equal to
// content, the bytes written).
func signedBody(t testing.TB, key *rsa.PrivateKey, node, content, signed string) string {
	t.Helper()
	sign, err := SignBytes(key, RSA2, []byte(signed))
	if err != nil {
		t.Fatal(err)
	}
	return `{"` + node + `":` + content + `,"sign":"` + strings.ReplaceAll(sign, "/", `\/`) + `"}`
}

const tokenNode = "alipay_system_oauth_token_response"

func verifyBody(t testing.TB, body string, key *rsa.PublicKey) (*Envelope, *Verification) {
	t.Helper()
	env, v, err := VerifyResponse([]byte(body), MethodOAuthToken, key, RSA2)
	if err != nil {
		t.Fatalf("VerifyResponse: %v\n%s", err, body)
	}
	return env, v
}

func TestVerifyOverRawBytes(t *testing.T) {
	key := alipayKey(t)
	cases := map[string]string{
		"escaped slashes":    `{"avatar":"https:\/\/tfs.alipayobjects.com\/images\/partner\/T1x","user_id":"2088"}`,
		"unicode escapes":    `{"nick_name":"\u652f\u4ed8\u5b9d","city":"杭州"}`,
		"nested objects":     `{"a":{"b":[1,{"c":"}"}],"d":null},"e":[true,false,-1.5e3]}`,
		"sign inside value":  `{"note":"\"sign\":\"AAAA\"","sign":"not the real one","x":"}"}`,
		"braces in strings":  `{"x":"{{{[[[","y":"\\\"}"}`,
		"empty object":       `{}`,
		"whitespace in node": `{ "a" : 1 , "b" : [ 1 , 2 ] }`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			body := signedBody(t, key, tokenNode, content, content)
			env, v := verifyBody(t, body, &key.PublicKey)
			if string(env.Content) != content {
				t.Fatalf("extracted %q, want %q", env.Content, content)
			}
			if v.Status != Verified {
				t.Fatalf("status %s (%s), want verified", v.Status, v.Detail)
			}
			if body[v.Start:v.End] != content {
				t.Fatalf("span [%d,%d) marks %q", v.Start, v.End, body[v.Start:v.End])
			}
		})
	}
}

func TestVerifyBothNodeKinds(t *testing.T) {
	key := alipayKey(t)
	content := `{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.code-invalid","sub_msg":"授权码code无效"}`
	env, v := verifyBody(t, signedBody(t, key, ErrorNode, content, content), &key.PublicKey)
	if env.Node != ErrorNode || v.Status != Verified {
		t.Fatalf("node %s status %s", env.Node, v.Status)
	}
	body := signedBody(t, key, "alipay_user_info_share_response", `{"code":"10000"}`, `{"code":"10000"}`)
	env, err := ParseEnvelope([]byte(body), MethodUserInfo)
	if err != nil || env.Node != "alipay_user_info_share_response" {
		t.Fatalf("user info node: %v %v", env, err)
	}
}

func TestVerifyUnescapedFallback(t *testing.T) {
	key := alipayKey(t)
	sent := `{"avatar":"https:\/\/a.b\/c"}`
	signed := `{"avatar":"https://a.b/c"}`
	_, v := verifyBody(t, signedBody(t, key, tokenNode, sent, signed), &key.PublicKey)
	if v.Status != VerifiedUnescaped {
		t.Fatalf("status %s, want verified-unescaped", v.Status)
	}
	if v.SignedContent != signed {
		t.Fatalf("signed content %q", v.SignedContent)
	}
}

func TestVerifyNormalizedWhenBodyWasReformatted(t *testing.T) {
	key := alipayKey(t)
	content := `{"access_token":"authusrB1","expires_in":1296000,"nested":{"a":[1,2]}}`
	body := signedBody(t, key, tokenNode, content, content)
	pretty := strings.NewReplacer(`{"`, "{\n  \"", `,"`, ",\n  \"", `":`, `": `, `}`, "\n}").Replace(body)
	_, v := verifyBody(t, pretty, &key.PublicKey)
	if v.Status != VerifiedNormalized {
		t.Fatalf("status %s (%s), want verified-normalized", v.Status, v.Detail)
	}
	if !strings.Contains(v.Detail, "not the raw body") {
		t.Fatalf("detail does not say the body is not raw: %s", v.Detail)
	}
}

func TestVerifyFailsWhenNodeAppearsTwice(t *testing.T) {
	key := alipayKey(t)
	content := `{"access_token":"authusrB1"}`
	body := signedBody(t, key, tokenNode, content, content)
	twice := strings.Replace(body, `,"sign"`, `,"`+tokenNode+`":{"access_token":"evil"},"sign"`, 1)
	_, v := verifyBody(t, twice, &key.PublicKey)
	if v.Status != VerifyFailed || !strings.Contains(v.Detail, "twice") {
		t.Fatalf("status %s detail %q, want failed naming the duplicate", v.Status, v.Detail)
	}
	both := strings.Replace(body, `,"sign"`, `,"error_response":{"code":"40002"},"sign"`, 1)
	_, v = verifyBody(t, both, &key.PublicKey)
	if v.Status != VerifyFailed {
		t.Fatalf("both nodes: status %s, want failed", v.Status)
	}
}

func TestVerifyUnsignedAndSkipped(t *testing.T) {
	key := alipayKey(t)
	_, v := verifyBody(t, `{"`+tokenNode+`":{"access_token":"x"}}`, &key.PublicKey)
	if v.Status != Unsigned {
		t.Fatalf("no sign: status %s", v.Status)
	}
	body := signedBody(t, key, tokenNode, `{"a":1}`, `{"a":1}`)
	_, v = verifyBody(t, body, nil)
	if v.Status != Skipped || !strings.Contains(v.Detail, "NOT verified") {
		t.Fatalf("no key: status %s detail %q", v.Status, v.Detail)
	}
	if v.Status.Passed() {
		t.Fatal("skipped counts as passed")
	}
}

func TestVerifyFailsWithTheAppKey(t *testing.T) {
	key := alipayKey(t)
	body := signedBody(t, key, tokenNode, `{"a":1}`, `{"a":1}`)
	_, v := verifyBody(t, body, &appKey(t).PublicKey)
	if v.Status != VerifyFailed || !strings.Contains(v.Detail, "支付宝公钥") {
		t.Fatalf("status %s detail %q", v.Status, v.Detail)
	}
}

// Every single-byte change inside the signed content must fail, whatever
// the byte: no fallback may turn a tampered body into a pass.
func TestTamperedByteInSignedContentNeverVerifies(t *testing.T) {
	key := alipayKey(t)
	content := `{"access_token":"authusrB1a2b","avatar":"https:\/\/x.y\/z","n":[1,{"k":"v"}],"city":"杭州"}`
	body := signedBody(t, key, tokenNode, content, content)
	start := strings.Index(body, content)
	replacements := []byte{' ', '\n', '/', '\\', '"', 'x', '0', '}', 0xe6}
	for i := start; i < start+len(content); i++ {
		for _, r := range replacements {
			if body[i] == r {
				continue
			}
			b := []byte(body)
			b[i] = r
			env, err := ParseEnvelope(b, MethodOAuthToken)
			if err != nil {
				continue
			}
			if v := VerifyEnvelope(env, &key.PublicKey, RSA2); v.Status.Passed() {
				t.Fatalf("byte %d changed to %q still %s", i, r, v.Status)
			}
		}
	}
}

func TestParseEnvelopeRefusesWhatIsNotTheGatewaysJSON(t *testing.T) {
	cases := map[string]string{
		"":                                     "empty",
		"<html><body>502</body></html>":        "expected '{'",
		`{"` + tokenNode + `":{"a":1`:          "truncated",
		`{"` + tokenNode + `":{"a":1}} x`:      "after the object",
		`{"other_response":{}}`:                "neither",
		`{"` + tokenNode + `":"string"}`:       "not a JSON object",
		`{"sign":"\q","` + tokenNode + `":{}}`: "bad escape",
		`{"x":01,"` + tokenNode + `":{}}`:      "expected ','",
		`{"` + tokenNode + `":{"a":[1}}`:       "mismatched bracket",
		`{"` + tokenNode + `":{"a":"}`:         "truncated",
		`{"` + tokenNode + `":{"a":{}`:         "truncated",
		`{"` + tokenNode + `":{},"sign":1}`:    "sign member is not a string",
	}
	for body, want := range cases {
		_, err := ParseEnvelope([]byte(body), MethodOAuthToken)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseEnvelope(%q) error = %v, want it to mention %q", body, err, want)
		}
	}
}

func TestParseEnvelopeSurvivesDeepNesting(t *testing.T) {
	deep := `{"` + tokenNode + `":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	if _, err := ParseEnvelope([]byte(deep), MethodOAuthToken); err == nil || !strings.Contains(err.Error(), "too deep") {
		t.Fatalf("error = %v, want nesting too deep", err)
	}
}

func TestVerifyGBKBodyOverRawBytes(t *testing.T) {
	key := alipayKey(t)
	utf := `{"code":"40002","sub_msg":"授权码code无效"}`
	gbk, err := encodeCharset(utf, CharsetGBK)
	if err != nil {
		t.Fatal(err)
	}
	body := signedBody(t, key, ErrorNode, string(gbk), string(gbk))
	env, v := verifyBody(t, body, &key.PublicKey)
	if v.Status != Verified {
		t.Fatalf("GBK body: %s", v.Status)
	}
	if !bytes.Equal(env.Content, gbk) {
		t.Fatal("content is not the raw GBK bytes")
	}
	if v.SignedContent != utf {
		t.Fatalf("displayed %q, want it decoded from GBK", v.SignedContent)
	}
}
