package emulator_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

func postForm(t *testing.T, target string, form url.Values) *rawResponse {
	t.Helper()
	return post(t, target, "application/x-www-form-urlencoded", form.Encode())
}

// POST /emulator/authcode stands in for my.getAuthCode: its answer is what
// a mini program logs, and what a user pastes.
func TestAuthCodeEndpoint(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	registerOther(t, e, gateway.RSA2)
	demo := newClient(t, s, gateway.V2)
	other := newClient(t, s, gateway.V2, func(p *gateway.Profile) { p.AppID, p.PrivateKey = otherAppID, otherKey })
	cases := []struct {
		name   string
		form   url.Values
		client *gateway.Client
		prefix string // of the access token
		userID string
		err    string // in the 400 answer
	}{
		{name: "default scope is auth_user for the only registered app", form: url.Values{}, client: other, prefix: "authusrB"},
		{name: "auth_base", form: url.Values{"scope": {"auth_base"}, "app_id": {emulator.DemoAppID}}, client: demo, prefix: "authbseB"},
		{name: "a given user", form: url.Values{"scope": {"auth_user"}, "app_id": {emulator.DemoAppID}, "user_id": {"2088000000000042"}}, client: demo, prefix: "authusrB", userID: "2088000000000042"},
		{name: "a bad scope", form: url.Values{"scope": {"auth_everything"}}, err: "auth_user or auth_base"},
		{name: "an unknown app", form: url.Values{"app_id": {"2021009999999999"}}, err: "2021009999999999"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := postForm(t, s.AuthCodeURL(), c.form)
			if c.err != "" {
				var m map[string]string
				if r.Status != 400 || json.Unmarshal(r.Body, &m) != nil || !strings.Contains(m["error"], c.err) {
					t.Fatalf("HTTP %d %s, want 400 saying %q", r.Status, r.Body, c.err)
				}
				return
			}
			if r.Status != 200 {
				t.Fatalf("HTTP %d %s", r.Status, r.Body)
			}
			var got struct {
				AuthCode          string            `json:"authCode"`
				AuthErrorScopes   map[string]string `json:"authErrorScopes"`
				AuthSuccessScopes []string          `json:"authSuccessScopes"`
			}
			if err := json.Unmarshal(r.Body, &got); err != nil || got.AuthCode == "" || got.AuthErrorScopes == nil || len(got.AuthSuccessScopes) != 1 {
				t.Fatalf("not my.getAuthCode's shape: %s", r.Body)
			}
			code, err := gateway.ParseAuthCode(string(r.Body))
			if err != nil || code != got.AuthCode {
				t.Fatalf("ParseAuthCode of the answer: %q %v", code, err)
			}
			tr, err := c.client.Exchange(context.Background(), code)
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if !strings.HasPrefix(tr.Tokens.AccessToken, c.prefix) || (c.userID != "" && tr.Tokens.UserID != c.userID) {
				t.Fatalf("tokens %+v", tr.Tokens)
			}
		})
	}
	if r := do(t, mustRequest(t, http.MethodGet, s.AuthCodeURL())); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET %s: HTTP %d", s.AuthCodeURL(), r.Status)
	}
}

func mustRequest(t *testing.T, method, target string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestParseFault(t *testing.T) {
	cases := []struct {
		kind, value, count string
		want               emulator.Fault
		err                string
	}{
		{kind: "delay", value: "250ms", want: emulator.Fault{Kind: emulator.FaultDelay, Delay: 250 * time.Millisecond, Count: 1}},
		{kind: "delay", want: emulator.Fault{Kind: emulator.FaultDelay, Delay: 2 * time.Second, Count: 1}},
		{kind: "status", value: "503", count: "3", want: emulator.Fault{Kind: emulator.FaultStatus, Status: 503, Count: 3}},
		{kind: "status", want: emulator.Fault{Kind: emulator.FaultStatus, Status: 502, Count: 1}},
		{kind: "html", want: emulator.Fault{Kind: emulator.FaultHTML, Status: 502, Count: 1}},
		{kind: "truncate", want: emulator.Fault{Kind: emulator.FaultTruncate, Count: 1}},
		{kind: "bad-sign", count: "2", want: emulator.Fault{Kind: emulator.FaultBadSign, Count: 2}},
		{kind: "no-sign", want: emulator.Fault{Kind: emulator.FaultNoSign, Count: 1}},
		{kind: "reset", want: emulator.Fault{Kind: emulator.FaultReset, Count: 1}},
		{kind: "escaped-slash", want: emulator.Fault{Kind: emulator.FaultEscapedSlash, Count: 1}},
		{kind: "explode", err: "use one of delay, status, html"},
		{kind: "", err: "not known"},
		{kind: "delay", value: "soon", err: "like 2s"},
		{kind: "delay", value: "-1s", err: "like 2s"},
		{kind: "status", value: "5O2", err: "like 502"},
		{kind: "status", value: "700", err: "like 502"},
		{kind: "reset", count: "0", err: "positive whole number"},
		{kind: "reset", count: "two", err: "positive whole number"},
	}
	for _, c := range cases {
		got, err := emulator.ParseFault(c.kind, c.value, c.count)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseFault(%q, %q, %q) error %v, want it to say %q", c.kind, c.value, c.count, err, c.err)
			}
		case err != nil || got != c.want:
			t.Errorf("ParseFault(%q, %q, %q) = %+v, %v; want %+v", c.kind, c.value, c.count, got, err, c.want)
		}
	}
}

// POST /emulator/fault arms a fault for the next count answers; bad input
// is a 400 that says what to send.
func TestFaultEndpoint(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s := serve(t, e)
	c := newClient(t, s, gateway.V2)
	for _, bad := range []url.Values{
		{"kind": {"explode"}},
		{"kind": {"delay"}, "value": {"soon"}},
		{"kind": {"status"}, "value": {"99"}},
		{"kind": {"bad-sign"}, "count": {"-1"}},
		{},
	} {
		r := postForm(t, s.URL+"/emulator/fault", bad)
		var m map[string]string
		if r.Status != 400 || json.Unmarshal(r.Body, &m) != nil || m["error"] == "" {
			t.Errorf("%v: HTTP %d %s, want 400 with an error message", bad, r.Status, r.Body)
		}
	}
	// Nothing was armed by the bad requests.
	exchange(t, e, c, "")

	r := postForm(t, s.URL+"/emulator/fault", url.Values{"kind": {"status"}, "value": {"503"}, "count": {"2"}})
	var armed struct {
		Armed  string `json:"armed"`
		Status int    `json:"status"`
		Count  int    `json:"count"`
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &armed) != nil || armed.Armed != "status" || armed.Status != 503 || armed.Count != 2 {
		t.Fatalf("arming: HTTP %d %s", r.Status, r.Body)
	}
	for i := range 2 {
		tr, _ := c.Exchange(context.Background(), mint(t, e, emulator.DemoAppID, ""))
		if tr.Response == nil || tr.Response.Status != 503 {
			t.Fatalf("answer %d under status=503 count=2: %+v", i+1, tr.Response)
		}
	}
	exchange(t, e, c, "") // the third is normal
}

// Ready is the standalone emulator's one JSON line: all a client needs.
func TestReadyLine(t *testing.T) {
	e := newEmulator(t, emulator.Config{})
	s, err := emulator.Listen(e, "") // loopback by default
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	host, _, err := net.SplitHostPort(strings.TrimPrefix(s.URL, "http://"))
	if err != nil || !net.ParseIP(host).IsLoopback() {
		t.Fatalf("the default address %s is not loopback", s.URL)
	}
	ready, err := s.Ready(emulator.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	line, err := json.Marshal(ready)
	if err != nil || bytes.ContainsAny(line, "\n\r") {
		t.Fatalf("ready line %s %v", line, err)
	}
	var m map[string]string
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatalf("ready line holds more than strings: %s", line)
	}
	for _, k := range []string{"gateway", "endpoint", "app_id", "app_private_key", "app_public_key", "alipay_public_key", "authcode_url"} {
		if m[k] == "" {
			t.Errorf("ready line lacks %s: %s", k, line)
		}
	}
	if m["gateway"] != s.URL+"/gateway.do" || m["endpoint"] != s.URL || m["authcode_url"] != s.URL+"/emulator/authcode" || m["app_id"] != emulator.DemoAppID {
		t.Errorf("addresses in %s", line)
	}
	der, err := base64.StdEncoding.DecodeString(m["app_private_key"])
	if err != nil {
		t.Fatalf("app_private_key is not bare base64: %v", err)
	}
	if _, err := x509.ParsePKCS8PrivateKey(der); err != nil {
		t.Fatalf("app_private_key is not PKCS#8: %v", err)
	}
	priv, format, err := keys.ParsePrivateKey([]byte(m["app_private_key"]))
	if err != nil {
		t.Fatalf("keys.ParsePrivateKey(app_private_key): %v", err)
	}
	pub, _, err := keys.ParsePublicKey([]byte(m["app_public_key"]))
	if err != nil || !keys.Match(priv, pub) {
		t.Fatalf("app_private_key (%s) and app_public_key do not match: %v", format, err)
	}
	alipay, _, err := keys.ParsePublicKey([]byte(m["alipay_public_key"]))
	if err != nil || !alipay.Equal(e.AlipayPublicKey()) || keys.Match(priv, alipay) {
		t.Fatalf("alipay_public_key: %v", err)
	}

	// What the line holds is enough for a client to run the whole flow.
	c, err := gateway.NewClient(gateway.Profile{Protocol: gateway.V2, Gateway: m["gateway"], AppID: m["app_id"], PrivateKey: priv, AlipayPublicKey: alipay})
	if err != nil {
		t.Fatal(err)
	}
	r := postForm(t, m["authcode_url"], url.Values{"scope": {"auth_user"}})
	code, err := gateway.ParseAuthCode(string(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := c.Exchange(context.Background(), code); err != nil || tr.Verification.Status != gateway.Verified {
		t.Fatalf("exchange with the ready line's settings: %v", err)
	}

	// And for the mini program's phone number: the AES key decrypts what
	// phone_url issues.
	aes, err := gateway.ParseAESKey(m["aes_key"])
	if err != nil {
		t.Fatalf("aes_key: %v", err)
	}
	if m["authorize_url"] != s.URL+gateway.AuthorizePagePath || m["openuserinfo_url"] != s.URL+"/emulator/openuserinfo" {
		t.Errorf("addresses in %s", line)
	}
	phone := postForm(t, m["phone_url"], url.Values{})
	if r, err := gateway.OpenPhone(phone.Body, gateway.MiniKeys{AlipayPublicKey: alipay, AESKey: aes}); err != nil || r.Mobile == "" {
		t.Fatalf("the ready line's aes_key does not open phone_url's payload: %v", err)
	}

	// A user's own app: its public key only, never a private key.
	registerOther(t, e, gateway.RSA2)
	mine, err := s.Ready(otherAppID)
	if err != nil {
		t.Fatal(err)
	}
	line, _ = json.Marshal(mine)
	if bytes.Contains(line, []byte("app_private_key")) || mine.AppPublicKey != keys.EncodePublicBase64(&otherKey.PublicKey) {
		t.Fatalf("ready line for a registered app: %s", line)
	}
	if _, err := s.Ready("2021009999999999"); err == nil {
		t.Fatal("Ready for an unknown app")
	}
}

// Close may be called twice (a deferred Close and a signal handler both
// closing): the second returns at once with the first's result.
func TestServerCloseTwice(t *testing.T) {
	s, err := emulator.Listen(newEmulator(t, emulator.Config{Dir: t.TempDir()}), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("second Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a second Close hangs")
	}
}
