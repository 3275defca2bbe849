package cli

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"aliauth/gateway"
	"aliauth/keys"
)

// hostile is what a gateway the user does not control can put in any string
// of its answer: a clipboard write and a window title (OSC 52, OSC 0), a
// screen clear, a carriage return, a bidirectional override and an 8-bit CSI.
const hostile = "\x1b]52;c;SGFja2Vk\x07\x1b]0;PWNED\x07\x1b[2J\r\u202e\u009b31m"

// hostileHeader is what reaches a header value through Go's HTTP client,
// which refuses C0 controls there but passes other bytes: a raw 8-bit CSI
// and an override.
const hostileHeader = "\x9b2J\u202eevil"

// answer is what the hostile gateway sends, byte for byte.
type answer struct {
	status  int
	headers []string // "Name: value", written as they are
	body    []byte
}

// hostileGateway serves answers written straight to the connection, so
// nothing between it and aliauth cleans them (Go's own server would).
func hostileGateway(t testing.TB, reply func(r *http.Request) answer) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := reply(r)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", a.status, http.StatusText(a.status))
		for _, h := range a.headers {
			buf.WriteString(h + "\r\n")
		}
		fmt.Fprintf(buf, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(a.body))
		buf.Write(a.body)
		buf.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// hostileKeys are the flags of an app whose responses are signed with the
// test Alipay key, and that key.
func hostileKeys(t testing.TB, url string) ([]string, *rsa.PrivateKey) {
	t.Helper()
	alipay := loadTestKey(t, testAlipayKey)
	pub := filepath.Join(t.TempDir(), "alipay_public_key.txt")
	if err := os.WriteFile(pub, []byte(keys.EncodePublicBase64(&alipay.PublicKey)), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"--gateway", url + "/gateway.do", "--endpoint", url, "--app-id", "2021000000000001",
		"--private-key", testAppKey, "--alipay-public-key", pub}, alipay
}

// signedV2 is a v2 body with the node holding fields, signed over the
// node's bytes when key is not nil.
func signedV2(t testing.TB, node string, fields any, key *rsa.PrivateKey) []byte {
	t.Helper()
	content, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"` + node + `":` + string(content)
	if key != nil {
		sign, err := gateway.SignBytes(key, gateway.RSA2, content)
		if err != nil {
			t.Fatal(err)
		}
		body += `,"sign":"` + sign + `"`
	}
	return []byte(body + "}")
}

var hostileHeaders = []string{"Content-Type: application/json;charset=utf-8", "Trace_id: " + hostileHeader, "X-Evil: " + hostileHeader}

// hostileTokens is a token answer with the gateway's words in every field.
func hostileTokens() map[string]any {
	return map[string]any{
		"user_id": "2088" + hostile, "open_id": hostile, "union_id": hostile,
		"access_token": "authusrB\x1b]0;PWNED\x07" + strings.Repeat("a", 32), "refresh_token": hostile + strings.Repeat("b", 32), // the mask keeps its first bytes
		"expires_in": 1296000, "re_expires_in": 2592000, "auth_start": hostile, "nick\x1b]0;PWNED\x07": hostile,
	}
}

// terminalControl returns the first character of out that a terminal would
// act on rather than show, with where it is; "" when there is none.
func terminalControl(out string) string {
	for i, r := range out {
		bad := r == utf8.RuneError && !strings.HasPrefix(out[i:], "\ufffd") ||
			r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
		if bad {
			from := max(0, i-40)
			return fmt.Sprintf("%q at byte %d, in %q", out[i:i+max(1, utf8.RuneLen(r))], i, out[from:min(len(out), i+20)])
		}
	}
	return ""
}

// TestNoGatewayTextReachesTheTerminalRaw runs every command that prints
// what a gateway (or a pasted answer, a certificate, a stored trace)
// controls against a hostile one, and requires each control character to
// arrive as a visible stand-in on stdout and stderr alike.
func TestNoGatewayTextReachesTheTerminalRaw(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_HISTORY", filepath.Join(dir, "h.db"))
	var reply func(r *http.Request) answer
	url := hostileGateway(t, func(r *http.Request) answer { return reply(r) })
	flags, alipay := hostileKeys(t, url)
	v2 := func(node string, fields any, key *rsa.PrivateKey) func(*http.Request) answer {
		return func(*http.Request) answer {
			return answer{status: 200, headers: hostileHeaders, body: signedV2(t, node, fields, key)}
		}
	}
	tokenNode := gateway.NodeName(gateway.MethodOAuthToken)
	invalidSignature := map[string]any{"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature",
		"sub_msg": "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：app_id=1&amp;x=" + hostile}
	v3Error := func(*http.Request) answer {
		body, _ := json.Marshal(map[string]any{"code": "isv.code-invalid", "message": hostile,
			"links": []map[string]string{{"description": hostile, "link": "https://x/" + hostile}}})
		return answer{status: 400, headers: hostileHeaders, body: body}
	}
	cases := []struct {
		name  string
		reply func(*http.Request) answer
		args  []string
	}{
		{"exchange success", v2(tokenNode, hostileTokens(), alipay), []string{"exchange", "code"}},
		{"exchange success -v", v2(tokenNode, hostileTokens(), alipay), []string{"exchange", "code", "-v"}},
		{"exchange success --reveal", v2(tokenNode, hostileTokens(), alipay), []string{"exchange", "code", "--reveal"}},
		{"exchange unsigned error", v2(gateway.ErrorNode, map[string]any{"code": "40002" + hostile, "msg": hostile, "sub_code": "isv." + hostile, "sub_msg": hostile}, nil), []string{"exchange", "code", "-v"}},
		{"exchange invalid signature", v2(gateway.ErrorNode, invalidSignature, alipay), []string{"exchange", "code"}},
		{"exchange failed signature", v2(tokenNode, hostileTokens(), loadTestKey(t, testAppKey)), []string{"exchange", "code", "-v"}},
		{"exchange HTML page", func(*http.Request) answer {
			return answer{status: 502, headers: hostileHeaders, body: []byte("<html>" + hostile + "</html>")}
		}, []string{"exchange", "code", "-v"}},
		{"exchange body not JSON", func(*http.Request) answer {
			return answer{status: 200, headers: hostileHeaders, body: []byte(hostile)}
		}, []string{"exchange", "code", "-v"}},
		{"refresh", v2(tokenNode, hostileTokens(), alipay), []string{"refresh", "authusrB" + hostile, "-v"}},
		{"userinfo", v2(gateway.NodeName(gateway.MethodUserInfo), map[string]any{"code": "10000", "msg": "Success", "user_id": hostile,
			"nick_name": hostile, "avatar": "https://x/" + hostile, "province": hostile, "city": hostile}, alipay), []string{"userinfo", "authusrB" + hostile, "-v"}},
		{"exchange v3 error", v3Error, []string{"exchange", "code", "--protocol", "v3", "-v"}},
		{"appauth exchange", v2(gateway.NodeName(gateway.MethodAppAuthToken), map[string]any{"code": "10000", "msg": "Success",
			"app_auth_token": "202612BB" + hostile, "app_refresh_token": "202612BB" + hostile, "auth_app_id": hostile, "user_id": hostile}, alipay),
			[]string{"appauth", "exchange", "code", "-v"}},
		{"appauth query", v2(gateway.NodeName(gateway.MethodAppAuthQuery), map[string]any{"code": "10000", "msg": "Success",
			"auth_app_id": hostile, "user_id": hostile, "status": hostile, "auth_methods": []string{hostile}}, alipay),
			[]string{"appauth", "query", "202612BBtoken", "-v"}},
	}
	for _, c := range cases {
		reply = c.reply
		out, errOut, status := run(t, "", append(c.args, flags...)...)
		if bad := terminalControl(out + errOut); bad != "" {
			t.Errorf("%s (exit %d): %s", c.name, status, bad)
		}
	}

	// What was recorded replays as safely.
	out, errOut, _ := run(t, "", "history", "list")
	if bad := terminalControl(out + errOut); bad != "" {
		t.Errorf("history list: %s", bad)
	}
	for id := 1; id <= len(cases); id++ {
		out, errOut, _ := run(t, "", "history", "show", strconv.Itoa(id))
		if bad := terminalControl(out + errOut); bad != "" {
			t.Errorf("history show %d: %s", id, bad)
		}
	}

	// verify prints the signed content and the decoded answer.
	body := signedV2(t, tokenNode, hostileTokens(), alipay)
	out, errOut, status := run(t, string(body), "verify", "--alipay-public-key", flags[len(flags)-1])
	if status != ExitOK {
		t.Fatalf("verify of a signed hostile answer exits %d: %s", status, errOut)
	}
	if bad := terminalControl(out + errOut); bad != "" {
		t.Errorf("verify: %s", bad)
	}

	// A certificate is text from elsewhere too.
	out, errOut, _ = run(t, "", "keys", "inspect", hostileCertificate(t, dir))
	if bad := terminalControl(out + errOut); bad != "" {
		t.Errorf("keys inspect: %s", bad)
	}

	// And so is a config file.
	config := filepath.Join(dir, "hostile.toml")
	toml := "[profiles.\"x\\u001b]0;PWNED\\u0007\"]\ngateway = \"https://x/\\u001b[2J\"\napp_id = \"\\u009b31m\"\n"
	if err := os.WriteFile(config, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, _ = run(t, "", "profiles", "--config", config)
	if bad := terminalControl(out + errOut); bad != "" {
		t.Errorf("profiles: %s", bad)
	}
}

// hostileCertificate writes a self-signed certificate whose subject and
// issuer carry control sequences.
func hostileCertificate(t testing.TB, dir string) string {
	t.Helper()
	key := loadTestKey(t, testAlipayKey)
	name := pkix.Name{CommonName: "Alipay" + hostile, Organization: []string{hostile}}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: name, Issuer: name,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "hostile.crt")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestJSONAndExportKeepHostileTextExact: --json and exports are for
// programs, so they carry the gateway's text exactly, escaped as JSON.
func TestJSONAndExportKeepHostileTextExact(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_HISTORY", filepath.Join(dir, "h.db"))
	var body []byte
	url := hostileGateway(t, func(*http.Request) answer { return answer{status: 200, headers: hostileHeaders, body: body} })
	flags, alipay := hostileKeys(t, url)
	body = signedV2(t, gateway.NodeName(gateway.MethodOAuthToken), hostileTokens(), alipay)
	out, _, status := run(t, "", append([]string{"exchange", "code", "--json", "--reveal"}, flags...)...)
	if status != ExitOK {
		t.Fatalf("exit %d\n%s", status, out)
	}
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatalf("--json is not JSON: %v\n%s", err, out)
	}
	// JSON strings are UTF-8: the header's raw 0x9b byte is the one thing
	// encoding/json must replace.
	header := strings.ToValidUTF8(hostileHeader, "\ufffd")
	if tr.Tokens.OpenID != hostile || tr.Tokens.UserID != "2088"+hostile || string(tr.Response.Body) != string(body) || tr.Response.Headers["x-evil"] != header {
		t.Errorf("--json changed the gateway's text: open_id %q, body %q, header %q", tr.Tokens.OpenID, tr.Response.Body, tr.Response.Headers["x-evil"])
	}
	export, _, _ := run(t, "", "history", "export", "--reveal")
	sc := bufio.NewScanner(strings.NewReader(export))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var got gateway.Trace
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if string(got.Response.Body) != string(body) || got.Tokens.OpenID != hostile {
			t.Errorf("export changed the gateway's bytes: %q", got.Response.Body)
		}
	}
}

// TestMalformedAnswerIsRecordedAndNeverASuccess: a node that is not JSON,
// even a signed one, is no answer (exit 3, saying where it breaks); it is
// recorded with its raw bytes, --json still prints a trace, and the token
// it carries is masked though nothing could decode it.
func TestMalformedAnswerIsRecordedAndNeverASuccess(t *testing.T) {
	dir := isolate(t)
	t.Setenv("ALIAUTH_HISTORY", filepath.Join(dir, "h.db"))
	const token = "authusrB0123456789abcdef0123456789abcdef"
	var body []byte
	url := hostileGateway(t, func(*http.Request) answer { return answer{status: 200, headers: hostileHeaders, body: body} })
	flags, alipay := hostileKeys(t, url)
	content := `{"access_token":"` + token + `","user_id":2088 1}`
	sign, err := gateway.SignBytes(alipay, gateway.RSA2, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{
		`{"alipay_system_oauth_token_response":` + content + `,"sign":"` + sign + `"}`,
		`{"error_response":{"code":"40002" "msg":"Invalid Arguments"}}`,
		"{\"error_response\":{\"code\":\"40002\",\"msg\":\"a\x01b\"}}",
	} {
		body = []byte(b)
		out, errOut, status := run(t, "", append([]string{"exchange", "code", "-v"}, flags...)...)
		if status != ExitTransport {
			t.Errorf("%s: exit %d, want %d\n%s%s", b, status, ExitTransport, out, errOut)
		}
		mustContain(t, "output", out, "the gateway answered malformed JSON at byte", "recorded as history #")
		if strings.Contains(out, token) {
			t.Errorf("the access token of an undecodable answer is shown unmasked:\n%s", out)
		}
		out, errOut, status = run(t, "", append([]string{"exchange", "code", "--json"}, flags...)...)
		var tr gateway.Trace
		if err := json.Unmarshal([]byte(out), &tr); err != nil || status != ExitTransport {
			t.Fatalf("--json of a malformed answer: exit %d, %v\n%s%s", status, err, out, errOut)
		}
		if tr.Outcome != gateway.OutcomeTransportError || string(tr.Response.Body) == "" || strings.Contains(out, token) {
			t.Errorf("--json: outcome %s, body %q", tr.Outcome, tr.Response.Body)
		}
	}
	out, _, _ := run(t, "", "history", "list")
	if n := strings.Count(out, "transport-error"); n != 6 {
		t.Errorf("%d of 6 malformed answers recorded:\n%s", n, out)
	}
}
