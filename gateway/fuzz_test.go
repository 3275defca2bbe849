package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzParseEnvelope: any input either fails cleanly or yields a node whose
// content is the exact slice of the body it claims, and valid JSON.
func FuzzParseEnvelope(f *testing.F) {
	for _, seed := range []string{
		`{"alipay_system_oauth_token_response":{"access_token":"a"},"sign":"x"}`,
		`{"error_response":{"code":"40002","sub_msg":"\u6388\u6743"},"sign":"a\/b"}`,
		`{"alipay_system_oauth_token_response":{"a":[1,{"b":"}"}]},"alipay_cert_sn":"x","sign":"s"}`,
		`{"alipay_system_oauth_token_response":{},"alipay_system_oauth_token_response":{}}`,
		"{\"error_response\" : { \"a\" : 1 } ,\n \"sign\" : \"\" }",
		`[1,2]`, `{"a":`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := ParseEnvelope(body, MethodOAuthToken)
		if err != nil {
			return
		}
		if !bytes.Equal(body[env.Start:env.End], env.Content) {
			t.Fatalf("span [%d,%d) is not the content", env.Start, env.End)
		}
		// Where encoding/json reads the body, the node's extent must be the one
		// it finds.
		var members map[string]json.RawMessage
		if env.Conflict == "" && json.Unmarshal(body, &members) == nil {
			if raw := members[env.Node]; !bytes.Equal(raw, env.Content) {
				t.Fatalf("extent %q, encoding/json found %q", env.Content, raw)
			}
		}
	})
}

// FuzzTamperedResponse changes one byte of a signed response anywhere and
// checks that a change inside the signed content never passes verification
// in any form.
func FuzzTamperedResponse(f *testing.F) {
	key := alipayKey(f)
	content := `{"access_token":"authusrB1a2b","avatar":"https:\/\/x.y\/z","n":[1,{"k":"v"}],"city":"杭州"}`
	body := signedBody(f, key, tokenNode, content, content)
	start := strings.Index(body, content)
	f.Add(uint16(start+3), byte('X'))
	f.Add(uint16(start+40), byte('/'))
	f.Add(uint16(start), byte(' '))
	f.Add(uint16(len(body)-5), byte('A'))
	f.Fuzz(func(t *testing.T, pos uint16, b byte) {
		i := int(pos) % len(body)
		if body[i] == b {
			return
		}
		tampered := []byte(body)
		tampered[i] = b
		env, err := ParseEnvelope(tampered, MethodOAuthToken)
		if err != nil {
			return
		}
		v := VerifyEnvelope(env, &key.PublicKey, RSA2)
		inside := i >= start && i < start+len(content)
		if inside && v.Status.Passed() {
			t.Fatalf("byte %d changed to %q inside the signed content, yet %s", i, b, v.Status)
		}
		if v.Status == Verified && !bytes.Equal(env.Content, []byte(content)) {
			t.Fatalf("verified content %q differs from what was signed", env.Content)
		}
	})
}

// FuzzTamperedLargeResponse is FuzzTamperedResponse on an answer of about
// 40 KB, whose strings, escapes and brackets fall across every boundary of
// the blocks the extent scan reads: no changed byte of its signed content
// passes in any form.
func FuzzTamperedLargeResponse(f *testing.F) {
	key := alipayKey(f)
	var content strings.Builder
	content.WriteString(`{"access_token":"authusrB1a2b","items":[`)
	for i := 0; content.Len() < 40<<10; i++ {
		if i > 0 {
			content.WriteByte(',')
		}
		fmt.Fprintf(&content, `{"avatar":"https:\/\/tfs.alipayobjects.com\/%d","nick_name":"支付宝小二","note":"say \"hi\\\" {[%s]}","n":[%d,{"k":null}]}`, i, strings.Repeat(`\\`, i%5), i)
	}
	content.WriteString(`],"city":"杭州"}`)
	body := signedBody(f, key, tokenNode, content.String(), content.String())
	start := strings.Index(body, content.String())
	if env, v, err := VerifyResponse([]byte(body), MethodOAuthToken, &key.PublicKey, RSA2); err != nil || v.Status != Verified || env.Start != start || !json.Valid(env.Content) {
		f.Fatalf("the untouched answer does not verify over its node: %v %v", err, v)
	}
	for _, at := range []int{0, 64, 2047, 2048, 20000, len(content.String()) - 1} {
		f.Add(uint32(start+at), byte('"'))
		f.Add(uint32(start+at+1), byte('\\'))
	}
	f.Fuzz(func(t *testing.T, pos uint32, b byte) {
		i := int(pos % uint32(len(body)))
		if body[i] == b {
			return
		}
		tampered := []byte(body)
		tampered[i] = b
		env, err := ParseEnvelope(tampered, MethodOAuthToken)
		if err != nil {
			return
		}
		v := VerifyEnvelope(env, &key.PublicKey, RSA2)
		if i >= start && i < start+content.Len() && v.Status.Passed() {
			t.Fatalf("byte %d changed to %q inside the signed content, yet %s", i, b, v.Status)
		}
		if v.Status == Verified && string(env.Content) != content.String() {
			t.Fatalf("verified content of %d bytes differs from what was signed", len(env.Content))
		}
	})
}

// FuzzSkipNested: on any input, the block scan finds the extent, or the
// error, that a scan one byte at a time finds. shift spaces after the first
// bracket move the input across the boundaries of blocks and batches.
func FuzzSkipNested(f *testing.F) {
	for _, seed := range []string{
		`{"a":"b\"}","c":[1,{"d":"\\"}]}`,
		`["\\\"]",{}]`,
		`{"x":"` + strings.Repeat(`\\`, 40) + `\"}"}`,
		`[\"]"]`, `{"a":[}]}`, `{"a":"`, `[[[`,
		`{"a":"支付宝小二","b":"\u652f"}`,
	} {
		for _, shift := range []uint16{0, 50, 2030} {
			f.Add([]byte(seed), shift)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, shift uint16) {
		data := []byte{'['}
		if len(body) > 0 && (body[0] == '{' || body[0] == '[') {
			data, body = body[:1:1], body[1:]
		}
		data = append(data, bytes.Repeat([]byte{' '}, int(shift)%(3*batchBytes))...)
		checkSkipNested(t, append(data, body...))
	})
}

// FuzzParseAuthCode: whatever is pasted, the extractor either refuses with
// ErrNoAuthCode or returns something shaped like a code.
func FuzzParseAuthCode(f *testing.F) {
	for _, seed := range []string{
		"4b203fe6c11548bcabd8da5bb087a83b",
		`{"authCode":"4b203fe6c11548bcabd8da5bb087a83b","authSuccessScopes":["auth_user"]}`,
		"https://example.com/cb?app_id=1&auth_code=abc&scope=auth_user",
		"auth_code=x#y", `{"a":[{"code":1}]}`, "  'q'  ", "%%%", "{",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, pasted string) {
		code, err := ParseAuthCode(pasted)
		if err != nil {
			if !errors.Is(err, ErrNoAuthCode) {
				t.Fatalf("error %v does not wrap ErrNoAuthCode", err)
			}
			return
		}
		if code == "" || len(code) > 256 || strings.ContainsAny(code, " \t\n\"'&=?#{}") {
			t.Fatalf("ParseAuthCode(%q) = %q, which is not a code", pasted, code)
		}
	})
}

// FuzzParseV3Authorization: a header either fails cleanly or yields an auth
// string that is the header's own bytes less the sign field, so what the
// gateway verifies is what the client signed; writing it back out parses to
// the same.
func FuzzParseV3Authorization(f *testing.F) {
	for _, seed := range []string{
		"ALIPAY-SHA256withRSA app_id=2021,nonce=n,timestamp=1,sign=abc==",
		"ALIPAY-SHA256withRSA app_id=2021,timestamp=1,nonce=n,expired_seconds=600,sign=a+b/c=",
		"alipay-sha256withrsa  sign=x,app_id=1",
		"ALIPAY-SHA256withRSA app_id=1,,sign=x", "ALIPAY-SHA256withRSA ", "Bearer x", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		a, err := ParseV3Authorization(header)
		if err != nil {
			return
		}
		auth := a.String()
		for part := range strings.SplitSeq(auth, ",") {
			if !strings.Contains(header, part) {
				t.Fatalf("auth string %q has %q, which is not in %q", auth, part, header)
			}
		}
		again, err := ParseV3Authorization(a.Header())
		if err != nil || again.String() != auth || again.Sign != a.Sign {
			t.Fatalf("%q: written back as %q, parsed as %q sign %q (%v)", header, a.Header(), again.String(), again.Sign, err)
		}
	})
}

// FuzzRedactAnswer: whatever a gateway answers, finding and masking its
// tokens never fails, the masked trace still serialises with its result
// JSON, and no token found is left in the masked body.
func FuzzRedactAnswer(f *testing.F) {
	for _, seed := range []string{
		`{"alipay_system_oauth_token_response":{"access_token":"authusrB1a2b3c4d5e6f","refresh_token":"authusrBrefresh0001"},"sign":"x"}`,
		`{"x":{"access_token" : "authusrB+a\/b\u0026c<d>"}}`,
		`{"x":{"access_token":"authusrB\u0061bcdefgh","user_id":2088 1}}`,
		`{"x":{"access_token":"authusrBcut`,
		`{"x":{"auth_token":"a\"b\\c","access_token":"1296"},"expires_in":1296}`,
		"{\"x\":{\"refresh_token\":\"tok\x01en\"}}",
		`<html>access_token=abc</html>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		tr := &Trace{Time: time.Unix(0, 0), Protocol: V2, Method: MethodOAuthToken, Response: &Response{Status: 200, Body: body}}
		if json.Valid(body) {
			tr.Result = json.RawMessage(body)
		}
		red := tr.Redact(Mask)
		if _, err := json.Marshal(red); err != nil {
			t.Fatalf("the masked trace does not serialise: %v", err)
		}
		if red.Result != nil && !json.Valid(red.Result) {
			t.Fatalf("the masked result is not JSON: %q", red.Result)
		}
		// Every token member of the masked body holds a mask. (A token's
		// text can still appear elsewhere by chance: a mask's ends next to
		// the same characters can spell a repetitive token again.)
		secrets := tr.Secrets()
		rawTokens(red.Response.Body, func(raw, decoded []byte) {
			if len(decoded) > 12 && slices.Contains(secrets, string(decoded)) {
				t.Fatalf("token %q is still a token member's value in the masked body %q", decoded, red.Response.Body)
			}
		})
	})
}
