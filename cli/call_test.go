package cli

import (
	"bufio"
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

const (
	testAppKey    = "../gateway/testdata/app_private_key.pem"
	testAlipayKey = "../gateway/testdata/alipay_private_key.pem"
)

func loadTestKey(t testing.TB, path string) *rsa.PrivateKey {
	t.Helper()
	k, _, err := keys.LoadPrivateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// standalone runs an emulator on loopback with the test keys and returns the
// flags that point the command line at it.
func standalone(t testing.TB) (*emulator.Server, []string) {
	t.Helper()
	emu, err := emulator.New(emulator.Config{AlipayKey: loadTestKey(t, testAlipayKey), DemoAppKey: loadTestKey(t, testAppKey)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulator.Listen(emu, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	pub := filepath.Join(t.TempDir(), "alipay_public_key.txt")
	if err := os.WriteFile(pub, []byte(keys.EncodePublicBase64(emu.AlipayPublicKey())), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, []string{"--gateway", srv.Gateway(), "--endpoint", srv.Endpoint(), "--app-id", emulator.DemoAppID,
		"--private-key", testAppKey, "--alipay-public-key", pub}
}

func mint(t testing.TB, srv *emulator.Server, scope string) string {
	t.Helper()
	code, err := srv.MintCode(emulator.DemoAppID, scope, "")
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestDemoExchangeWorksOnAFreshMachine(t *testing.T) {
	isolate(t)
	code, _, status := run(t, "", "emulator", "code")
	if status != 0 || len(strings.TrimSpace(code)) != 32 {
		t.Fatalf("emulator code: %q, exit %d", code, status)
	}
	out, errOut, status := run(t, "", "exchange", strings.TrimSpace(code))
	if status != 0 {
		t.Fatalf("exit %d\n%s%s", status, out, errOut)
	}
	mustContain(t, "output", out, "✓ success · signature verified", "emulator (not Alipay)", "access_token", "expires", "recorded as history #1", "--reveal")
	if strings.Index(out, "success") > strings.Index(out, "access_token") {
		t.Error("the outcome does not come first")
	}
	if strings.Contains(out, "authusrB") && !strings.Contains(out, "authusrB…") {
		t.Error("a token is shown unmasked")
	}

	out, _, status = run(t, "", "exchange", strings.TrimSpace(code))
	if status != ExitGateway {
		t.Fatalf("reused code exits %d", status)
	}
	mustContain(t, "output", out, "isv.code-invalid", "what it means", "what to do", "single-use")
}

func TestJSONMasksTokensUnlessRevealed(t *testing.T) {
	isolate(t)
	srv, flags := standalone(t)
	out, _, status := run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--json"}, flags...)...)
	if status != 0 {
		t.Fatalf("exit %d: %s", status, out)
	}
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatalf("--json is not one trace: %v\n%s", err, out)
	}
	if !strings.Contains(tr.Tokens.AccessToken, "…") || strings.Contains(out, `"access_token":"authusrB`) {
		t.Fatalf("token not masked: %s", tr.Tokens.AccessToken)
	}
	var shape map[string]any
	_ = json.Unmarshal([]byte(out), &shape)
	for _, k := range []string{"id", "time", "profile", "protocol", "method", "request", "response", "verification", "result"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("--json lacks %q", k)
		}
	}
	out, _, _ = run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--json", "--reveal"}, flags...)...)
	if err := json.Unmarshal([]byte(out), &tr); err != nil || strings.Contains(tr.Tokens.AccessToken, "…") {
		t.Fatalf("--reveal still masks: %v %s", err, tr.Tokens.AccessToken)
	}
}

func TestRefreshAndUserInfoCommands(t *testing.T) {
	isolate(t)
	srv, flags := standalone(t)
	out, _, _ := run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--json", "--reveal"}, flags...)...)
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatal(err)
	}
	out, _, status := run(t, "", append([]string{"refresh", tr.Tokens.RefreshToken}, flags...)...)
	if status != 0 {
		t.Fatalf("refresh exit %d\n%s", status, out)
	}
	mustContain(t, "refresh", out, "✓ success", "refresh_token")
	out, _, status = run(t, "", append([]string{"userinfo", tr.Tokens.AccessToken}, flags...)...)
	if status != 0 {
		t.Fatalf("userinfo exit %d\n%s", status, out)
	}
	mustContain(t, "userinfo", out, "nick_name", "avatar", "https://tfs.alipayobjects.com")
	if strings.Contains(out, "tokens masked") {
		t.Errorf("user info shows no token, yet says tokens were masked:\n%s", out)
	}
	out, _, status = run(t, "", append([]string{"refresh", tr.Tokens.RefreshToken}, flags...)...)
	if status != ExitGateway {
		t.Fatalf("rotated refresh token exits %d", status)
	}
	mustContain(t, "old refresh", out, "isv.refresh-token-invalid", "most recent")
}

// Every fault the emulator injects reaches the user as the right exit
// status and a message that says what happened.
func TestFaultsGiveTheRightExitStatusAndMessage(t *testing.T) {
	isolate(t)
	cases := []struct {
		fault  emulator.Fault
		scope  string
		status int
		want   []string
		flags  []string
	}{
		{emulator.Fault{Kind: emulator.FaultDelay, Delay: 3e9}, "auth_user", ExitTransport, []string{"no answer", "timeout", "--timeout"}, []string{"--timeout", "200ms"}},
		{emulator.Fault{Kind: emulator.FaultStatus, Status: 503}, "auth_user", ExitTransport, []string{"HTTP 503"}, nil},
		{emulator.Fault{Kind: emulator.FaultHTML, Status: 502}, "auth_user", ExitTransport, []string{"HTML page", "check the gateway URL", "--gateway"}, nil},
		{emulator.Fault{Kind: emulator.FaultTruncate}, "auth_user", ExitTransport, []string{"truncated"}, nil},
		{emulator.Fault{Kind: emulator.FaultReset}, "auth_user", ExitTransport, []string{"no answer"}, nil},
		{emulator.Fault{Kind: emulator.FaultBadSign}, "auth_user", ExitUntrusted, []string{"SIGNATURE FAILED", "do not use this answer"}, nil},
		{emulator.Fault{Kind: emulator.FaultNoSign}, "auth_user", ExitUntrusted, []string{"UNSIGNED"}, nil},
	}
	for _, c := range cases {
		t.Run(string(c.fault.Kind), func(t *testing.T) {
			srv, flags := standalone(t)
			srv.Arm(c.fault)
			args := append(append([]string{"exchange", mint(t, srv, c.scope)}, flags...), c.flags...)
			out, errOut, status := run(t, "", args...)
			if status != c.status {
				t.Fatalf("exit %d, want %d\n%s%s", status, c.status, out, errOut)
			}
			mustContain(t, "output", out, c.want...)
			mustContain(t, "output", out, "recorded as history")
		})
	}
}

func TestUnsignedErrorExits1AndEscapedSlashVerifies(t *testing.T) {
	isolate(t)
	srv, flags := standalone(t)
	args := append([]string{"exchange", "abc"}, flags...)
	for i, a := range args {
		if a == "--app-id" {
			args[i+1] = "2021999999999999"
		}
	}
	out, _, status := run(t, "", args...)
	if status != ExitGateway {
		t.Fatalf("unknown app exits %d\n%s", status, out)
	}
	mustContain(t, "output", out, "isv.invalid-app-id", "UNSIGNED")

	out, _, _ = run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--json", "--reveal"}, flags...)...)
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatal(err)
	}
	srv.Arm(emulator.Fault{Kind: emulator.FaultEscapedSlash})
	out, _, status = run(t, "", append([]string{"userinfo", tr.Tokens.AccessToken}, flags...)...)
	if status != 0 {
		t.Fatalf("escaped-slash exits %d\n%s", status, out)
	}
	mustContain(t, "output", out, `verified once \/ is read as /`)
}

func TestConfigurationErrorsExit2WithAMessage(t *testing.T) {
	dir := isolate(t)
	pubOnly := filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(pubOnly, keys.EncodePublicPEM(&loadTestKey(t, testAppKey).PublicKey), 0o644); err != nil {
		t.Fatal(err)
	}
	appPub := filepath.Join(dir, "app_pub.txt")
	if err := os.WriteFile(appPub, []byte(keys.EncodePublicBase64(&loadTestKey(t, testAppKey).PublicKey)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"exchange", "abc", "--gateway", "openapi.alipay.com/gateway.do", "--app-id", "1", "--private-key", testAppKey}, []string{"no scheme", "https://openapi.alipay.com/gateway.do"}},
		{[]string{"exchange", "abc", "--app-id", "1", "--private-key", filepath.Join(dir, "missing.pem")}, []string{"missing.pem"}},
		{[]string{"exchange", "abc", "--app-id", "1", "--private-key", pubOnly}, []string{"public key", "private key"}},
		{[]string{"exchange", "abc", "--app-id", "1", "--private-key", testAppKey, "--alipay-public-key", appPub}, []string{"app's own public key", "支付宝公钥"}},
		{[]string{"exchange", "{\"authCode\":", "--app-id", "1"}, []string{"auth code", "JSON"}},
		{[]string{"exchange", "abc", "--private-key", testAppKey}, []string{"no app id", "--app-id"}},
		{[]string{"exchange", "abc", "--app-id", "1", "--private-key", testAppKey, "--charset", "latin1"}, []string{"utf-8 or GBK"}},
		{[]string{"exchange", "abc", "--app-id", "1", "--private-key", testAppKey, "--timestamp", "yesterday"}, []string{"--timestamp", "yyyy-MM-dd HH:mm:ss"}},
		{[]string{"exchange", "abc", "--profile", "nope"}, []string{`profile "nope" is not defined`, "aliauth profiles"}},
	}
	for _, c := range cases {
		out, errOut, status := run(t, "", c.args...)
		if status != ExitUsage {
			t.Errorf("%v exits %d, want 2\n%s%s", c.args, status, out, errOut)
			continue
		}
		mustContain(t, "stderr of "+strings.Join(c.args, " "), errOut, c.want...)
	}
}

func TestConnectionRefusedExits3(t *testing.T) {
	isolate(t)
	out, _, status := run(t, "", "exchange", "abc", "--gateway", "http://127.0.0.1:1/gateway.do", "--app-id", "1", "--private-key", testAppKey)
	if status != ExitTransport {
		t.Fatalf("exit %d\n%s", status, out)
	}
	mustContain(t, "output", out, "✗ no answer", "connection refused", "what to do")
}

func TestDryRunWithPinnedTimestampReproducesTheOpenSSLVector(t *testing.T) {
	isolate(t)
	out, errOut, status := run(t, "", "exchange", "4b203fe6c11548bcabd8da5bb087a83b", "--dry-run", "--timestamp", "2026-11-24 23:19:10",
		"--app-id", "2021000000000001", "--private-key", testAppKey, "--json")
	if status != 0 {
		t.Fatalf("exit %d %s", status, errOut)
	}
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tr.Request.Sign, "cuK8s/Pp0ON92KNegY8V1T7GlD5xSkGA9ohc3zjrC0EyRcCu02mAGYgls8LCMht5") || tr.Response != nil {
		t.Fatalf("dry run sign %s, response %v", tr.Request.Sign, tr.Response)
	}
	human, _, _ := run(t, "", "exchange", "4b203fe6c11548bcabd8da5bb087a83b", "--dry-run", "--timestamp", "2026-11-24 23:19:10",
		"--app-id", "2021000000000001", "--private-key", testAppKey)
	mustContain(t, "dry run", human, "dry run", "string to sign", "timestamp=2026-11-24 23:19:10", "pinned")
}

func TestVerifyCommand(t *testing.T) {
	dir := isolate(t)
	srv, flags := standalone(t)
	trace, _, _ := run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--json", "--reveal"}, flags...)...)
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(trace), &tr); err != nil {
		t.Fatal(err)
	}
	keyFlag := flags[len(flags)-2:]
	body := string(tr.Response.Body)

	out, _, status := run(t, body, append([]string{"verify", "-"}, keyFlag...)...)
	if status != 0 {
		t.Fatalf("raw body exits %d\n%s", status, out)
	}
	mustContain(t, "verify", out, "✓ verified", "alipay_system_oauth_token_response")

	out, _, status = run(t, trace, append([]string{"verify", "--json"}, keyFlag...)...)
	if status != 0 || !strings.Contains(out, `"status": "verified"`) {
		t.Fatalf("trace JSON input exits %d\n%s", status, out)
	}
	var shape struct {
		Request      *json.RawMessage      `json:"request"`
		Method       string                `json:"method"`
		Verification *gateway.Verification `json:"verification"`
		Tokens       *gateway.Tokens       `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(out), &shape); err != nil {
		t.Fatalf("verify --json is not a trace: %v\n%s", err, out)
	}
	if shape.Request != nil || shape.Method != gateway.MethodOAuthToken || shape.Verification == nil || shape.Tokens == nil {
		t.Fatalf("verify --json: request %v, method %q, verification %v, tokens %v", shape.Request, shape.Method, shape.Verification, shape.Tokens)
	}
	if !strings.Contains(shape.Tokens.AccessToken, "…") {
		t.Errorf("verify --json shows the access token without --reveal: %s", shape.Tokens.AccessToken)
	}

	tampered := strings.Replace(body, `"user_id":"2088`, `"user_id":"2089`, 1)
	file := filepath.Join(dir, "tampered.json")
	if err := os.WriteFile(file, []byte(tampered), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, status = run(t, "", append([]string{"verify", file}, keyFlag...)...)
	if status != ExitUntrusted {
		t.Fatalf("tampered body exits %d\n%s", status, out)
	}
	mustContain(t, "tampered", out, "✗ failed")

	pretty := strings.ReplaceAll(body, `","`, "\",\n  \"")
	out, _, status = run(t, pretty, append([]string{"verify"}, keyFlag...)...)
	if status != 0 {
		t.Fatalf("reformatted body exits %d\n%s", status, out)
	}
	mustContain(t, "reformatted", out, "verified-normalized", "not the raw body")

	_, errOut, status := run(t, "<html>502</html>", append([]string{"verify"}, keyFlag...)...)
	if status != ExitUsage {
		t.Fatalf("HTML exits %d", status)
	}
	mustContain(t, "HTML", errOut, "standard input is not a gateway response", "exactly as received")

	unsigned := `{"alipay_system_oauth_token_response":{"access_token":"x"}}`
	out, _, status = run(t, unsigned, append([]string{"verify"}, keyFlag...)...)
	if status != ExitUntrusted || !strings.Contains(out, "unsigned") {
		t.Fatalf("unsigned exits %d\n%s", status, out)
	}
}

func TestKeysCommands(t *testing.T) {
	dir := isolate(t)
	out, errOut, status := run(t, "", "keys", "gen", "--dir", dir)
	if status != 0 {
		t.Fatalf("keys gen exit %d: %s", status, errOut)
	}
	mustContain(t, "keys gen", out, "app_private_key.txt", "app_public_key.txt", "开发设置")
	priv, _ := os.ReadFile(filepath.Join(dir, "app_private_key.txt"))
	if strings.Contains(out, strings.TrimSpace(string(priv))[:40]) {
		t.Fatal("keys gen printed the private key")
	}
	if info, _ := os.Stat(filepath.Join(dir, "app_private_key.txt")); info.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %o", info.Mode().Perm())
	}
	_, errOut, status = run(t, "", "keys", "gen", "--dir", dir)
	if status != ExitUsage || !strings.Contains(errOut, "app_private_key") {
		t.Fatalf("overwrite: exit %d %s", status, errOut)
	}
	out, _, status = run(t, "", "keys", "check", filepath.Join(dir, "app_private_key.txt"), filepath.Join(dir, "app_public_key.txt"))
	if status != 0 || !strings.Contains(out, "✓ match") {
		t.Fatalf("check pair: exit %d %s", status, out)
	}
	out, _, status = run(t, "", "keys", "check", testAppKey, filepath.Join(dir, "app_public_key.txt"))
	if status != 1 || !strings.Contains(out, "✗ no match") {
		t.Fatalf("check mismatch: exit %d %s", status, out)
	}
	out, _, status = run(t, "", "keys", "inspect", "../../shared/testdata/alipay-certs/alipayRootCert.crt")
	if status != 0 {
		t.Fatalf("inspect root: exit %d", status)
	}
	mustContain(t, "inspect root", out, "alipay_root_cert_sn 687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6", "skipped")
	out, _, _ = run(t, "", "keys", "inspect", "../../shared/testdata/alipay-certs/appPublicCert.crt")
	mustContain(t, "inspect app cert", out, "app_cert_sn    f5476a255774929671073404f7af2b90", "subject", "issuer", "valid")
	if strings.Contains(out, "root") {
		t.Errorf("an app certificate is described with a root SN:\n%s", out)
	}
	out, _, _ = run(t, "", "keys", "inspect", "../../shared/testdata/alipay-certs/alipayPublicCert.crt")
	mustContain(t, "inspect Alipay cert", out, "alipay_cert_sn b09baa7d1d5b198c713b230c5a6ec8e7")
	out, _, _ = run(t, "", "keys", "inspect", filepath.Join(dir, "app_private_key.txt"))
	mustContain(t, "inspect private", out, "private key", "PKCS#8", "2048")
	if strings.Contains(out, strings.TrimSpace(string(priv))[:40]) {
		t.Fatal("inspect printed the private key")
	}
}

func TestStandaloneEmulatorPrintsItsReadyLineAndServes(t *testing.T) {
	dir := isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--dir", filepath.Join(dir, "emu")}, Streams{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var ready emulator.ReadyLine
	if err := json.Unmarshal([]byte(line), &ready); err != nil {
		t.Fatalf("ready line %q: %v", line, err)
	}
	for name, v := range map[string]string{"gateway": ready.Gateway, "endpoint": ready.Endpoint, "app_id": ready.AppID,
		"app_private_key": ready.AppPrivateKey, "app_public_key": ready.AppPublicKey, "alipay_public_key": ready.AlipayPublicKey, "authcode_url": ready.AuthCodeURL} {
		if v == "" {
			t.Errorf("ready line lacks %s", name)
		}
	}
	if !strings.HasPrefix(ready.Gateway, "http://127.0.0.1:") {
		t.Errorf("gateway %s is not on loopback", ready.Gateway)
	}
	resp, err := http.PostForm(ready.AuthCodeURL, url.Values{"scope": {"auth_user"}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	code, err := gateway.ParseAuthCode(string(raw))
	if err != nil {
		t.Fatalf("authcode answer %s: %v", raw, err)
	}
	out, _, status := run(t, "", "exchange", code, "--gateway", ready.Gateway, "--app-id", ready.AppID,
		"--private-key", ready.AppPrivateKey, "--alipay-public-key", ready.AlipayPublicKey)
	if status != 0 {
		t.Fatalf("exchange against the standalone emulator: %d\n%s", status, out)
	}
	cancel()
	if status := <-done; status != 0 {
		t.Fatalf("emulator exits %d after interrupt", status)
	}
}
