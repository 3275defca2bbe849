package emulator_test

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// postV3Auth sends a v3 token request whose authorization header is built
// by hand: the auth string exactly as given, signed over
// "<auth string>\nPOST\n<path>\n<body>\n", with sign= placed by place
// (nil: at the end, as the SDKs write it).
func postV3Auth(t *testing.T, s *emulator.Server, key *rsa.PrivateKey, authString, body string, place func(auth, sign string) string) *rawResponse {
	t.Helper()
	sign, err := gateway.SignBytes(key, gateway.RSA2, []byte(authString+"\nPOST\n"+gateway.V3PathOAuthToken+"\n"+body+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	header := gateway.V3Scheme + " " + authString + ",sign=" + sign
	if place != nil {
		header = gateway.V3Scheme + " " + place(authString, sign)
	}
	req, err := http.NewRequest(http.MethodPost, s.Endpoint()+gateway.V3PathOAuthToken, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", header)
	return do(t, req)
}

func codeBody(code string) string {
	b, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "code": code})
	return string(b)
}

// The gateway verifies the signature over the auth string exactly as the
// header carries it. A correctly signed request is accepted whatever the
// order of its fields and whatever fields it adds: published clients write
// app_id,timestamp,nonce; Alipay's signing guide adds expired_seconds; the
// Node SDK appends additionalAuthInfo.
func TestV3AuthStringAsSent(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	id := "app_id=" + emulator.DemoAppID
	cases := []struct {
		name  string
		auth  string
		place func(auth, sign string) string
	}{
		{name: "the SDKs' order", auth: id + ",nonce=n1,timestamp=" + now},
		{name: "app_id,timestamp,nonce", auth: id + ",timestamp=" + now + ",nonce=n2"},
		{name: "nonce first", auth: "nonce=n3,timestamp=" + now + "," + id},
		{name: "expired_seconds, as the signing guide's example", auth: id + ",nonce=n4,timestamp=" + now + ",expired_seconds=600"},
		{name: "an extra field the gateway does not know", auth: id + ",nonce=n5,timestamp=" + now + ",scene=debug"},
		{name: "sign in the middle", auth: id + ",nonce=n6,timestamp=" + now,
			place: func(auth, sign string) string {
				first, rest, _ := strings.Cut(auth, ",")
				return first + ",sign=" + sign + "," + rest
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := postV3Auth(t, s, appKey, c.auth, codeBody(mint(t, e, emulator.DemoAppID, "")), c.place)
			if r.Status != 200 {
				t.Fatalf("HTTP %d: %s", r.Status, r.Body)
			}
			if !v3Signed(t, r, e.AlipayPublicKey()) || !strings.Contains(string(r.Body), `"access_token":"authusrB`) {
				t.Fatalf("answer %s", r.Body)
			}
		})
	}

	t.Run("a field changed after signing is refused, the auth string quoted as sent", func(t *testing.T) {
		signedAs := id + ",timestamp=" + now + ",nonce=n7,expired_seconds=600"
		r := postV3Auth(t, s, appKey, signedAs, codeBody("x"), func(auth, sign string) string {
			return strings.Replace(auth, "expired_seconds=600", "expired_seconds=6000", 1) + ",sign=" + sign
		})
		code, message, _ := v3Error(t, r)
		if r.Status != 400 || code != "invalid-signature" || !v3Signed(t, r, e.AlipayPublicKey()) {
			t.Fatalf("HTTP %d %s: %s", r.Status, code, r.Body)
		}
		want := id + ",timestamp=" + now + ",nonce=n7,expired_seconds=6000\\nPOST\\n"
		if !strings.Contains(message, want) {
			t.Fatalf("message %q does not quote the auth string as sent (%q)", message, want)
		}
	})
}

// expired_seconds and a missing nonce are accepted and noted by default, as
// nothing says what the gateway does with them; the strict window honours
// expired_seconds.
func TestV3ExpiredSecondsAndNonce(t *testing.T) {
	signedAt := time.Now().Add(-10 * time.Minute)
	ts := strconv.FormatInt(signedAt.UnixMilli(), 10)
	auth := "app_id=" + emulator.DemoAppID + ",nonce=n,timestamp=" + ts + ",expired_seconds=60"

	lenient := newEmulator(t, emulator.Config{})
	s := serve(t, lenient)
	r := postV3Auth(t, s, appKey, auth, codeBody(mint(t, lenient, emulator.DemoAppID, "")), nil)
	note := r.Header.Get(gateway.EmulatorNoteHeader)
	if r.Status != 200 || !strings.Contains(note, gateway.NoteAuthExpired+"=54") || !strings.Contains(note, gateway.NoteTimestampSkew+"=-6") {
		t.Fatalf("HTTP %d, note %q: %s", r.Status, note, r.Body)
	}

	r = postV3Auth(t, s, appKey, "app_id="+emulator.DemoAppID+",timestamp="+strconv.FormatInt(time.Now().UnixMilli(), 10), codeBody(mint(t, lenient, emulator.DemoAppID, "")), nil)
	if r.Status != 200 || r.Header.Get(gateway.EmulatorNoteHeader) != gateway.NoteNonceMissing {
		t.Fatalf("no nonce: HTTP %d, note %q: %s", r.Status, r.Header.Get(gateway.EmulatorNoteHeader), r.Body)
	}

	strict := newEmulator(t, emulator.Config{TimestampWindow: time.Hour})
	r = postV3Auth(t, serve(t, strict), appKey, auth, codeBody(mint(t, strict, emulator.DemoAppID, "")), nil)
	if code, _, _ := v3Error(t, r); r.Status != 400 || code != "invalid-timestamp" {
		t.Fatalf("strict, expired_seconds run out: HTTP %d %s", r.Status, code)
	}
}

// v3 signs with SHA256withRSA only: an app set up with a legacy RSA key has
// no key to verify with.
func TestV3MissingSignatureConfig(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	registerOther(t, e, gateway.RSA)
	r := postV3Auth(t, s, otherKey, "app_id="+otherAppID+",nonce=n,timestamp="+strconv.FormatInt(time.Now().UnixMilli(), 10), codeBody("x"), nil)
	if code, _, _ := v3Error(t, r); r.Status != 400 || code != "missing-signature-config" || !v3Signed(t, r, e.AlipayPublicKey()) {
		t.Fatalf("HTTP %d %s: %s", r.Status, code, r.Body)
	}
}

// The strict window is opt-in; with it, a timestamp outside it is refused
// on both protocols and one inside is accepted.
func TestStrictTimestampWindow(t *testing.T) {
	e := newEmulator(t, emulator.Config{TimestampWindow: 15 * time.Minute})
	s := serve(t, e)
	for _, c := range []struct {
		off      time.Duration
		accepted bool
	}{{10 * time.Minute, true}, {-10 * time.Minute, true}, {20 * time.Minute, false}, {-8 * time.Hour, false}} {
		at := time.Now().Add(c.off)
		w := parseWire(t, callV2(t, s, appKey, v2Params(emulator.DemoAppID, gateway.MethodOAuthToken, at,
			map[string]string{"grant_type": "authorization_code", "code": mint(t, e, emulator.DemoAppID, "")})).Body)
		if got := decodeNode(t, w.Content).str("sub_code"); (got == "") != c.accepted || (!c.accepted && got != "isv.invalid-timestamp") {
			t.Errorf("v2 %v off: sub_code %q", c.off, got)
		}
		r := postV3Auth(t, s, appKey, "app_id="+emulator.DemoAppID+",nonce=n,timestamp="+strconv.FormatInt(at.UnixMilli(), 10), codeBody(mint(t, e, emulator.DemoAppID, "")), nil)
		if accepted := r.Status == 200; accepted != c.accepted {
			t.Errorf("v3 %v off: HTTP %d %s", c.off, r.Status, r.Body)
		} else if !accepted {
			if code, _, _ := v3Error(t, r); code != "invalid-timestamp" {
				t.Errorf("v3 %v off: code %s", c.off, code)
			}
		}
	}
}
