package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badInput is one thing a user gets wrong, and what aliauth must say.
type badInput struct {
	name   string
	env    map[string]string
	stdin  string
	args   []string
	status int
	// says are what the output (stdout and stderr) must hold: the input
	// named, and the fix; never are what it must not.
	says, never []string
	// after checks what the command left behind.
	after func(t *testing.T)
}

// TestBadInputsGetAMessageNamingTheInputAndTheFix runs each bad input the
// command line used to answer with Go's own words (or a wrong one).
func TestBadInputsGetAMessageNamingTheInputAndTheFix(t *testing.T) {
	dir := isolate(t)
	key := []string{"--app-id", "2021000000000001", "--private-key", testAppKey}
	fresh := filepath.Join(dir, "new", "dir", "h.db")

	weak := filepath.Join(dir, "weak.pem")
	k1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k1024)
	os.WriteFile(weak, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)

	// A recorded call, exported masked and revealed, and an export with a
	// line that is JSON but not a trace aliauth can store.
	srv, flags := standalone(t)
	src := filepath.Join(dir, "src.db")
	run(t, "", append([]string{"exchange", mint(t, srv, "auth_user"), "--history", src}, flags...)...)
	masked, _, _ := run(t, "", "history", "export", "--history", src)
	revealed, _, _ := run(t, "", "history", "export", "--reveal", "--history", src)
	var tr map[string]any
	json.Unmarshal([]byte(revealed), &tr)
	body := tr["response"].(map[string]any)["body"].(string)
	exportFile := filepath.Join(dir, "calls.jsonl")
	os.WriteFile(exportFile, []byte(revealed), 0o600)
	bomFile := filepath.Join(dir, "bom.jsonl")
	os.WriteFile(bomFile, []byte("\ufeff"+revealed), 0o600)
	noTime := filepath.Join(dir, "notime.jsonl")
	os.WriteFile(noTime, []byte(revealed+`{"method":"alipay.system.oauth.token","outcome":"success"}`+"\n"), 0o600)
	twice := filepath.Join(dir, "twice.db")
	keyFlag := flags[len(flags)-2:]

	readOnlyDB := filepath.Join(dir, "ro", "h.db")
	os.MkdirAll(filepath.Dir(readOnlyDB), 0o700)
	run(t, "", "history", "import", exportFile, "--history", readOnlyDB)

	cases := []badInput{
		{name: "gateway without a host", args: append([]string{"exchange", "x", "--gateway", "http://"}, key...), status: ExitUsage,
			says: []string{`"http://" has no host`, "https://openapi.alipay.com/gateway.do"}, never: []string{"https://http://"}},
		{name: "gateway with spaces around it", args: append([]string{"exchange", "x", "--dry-run", "-v", "--gateway", "  https://openapi.alipay.com/gateway.do \t"}, key...), status: ExitOK,
			says: []string{"POST https://openapi.alipay.com/gateway.do?"}},
		{name: "port out of range", args: append([]string{"exchange", "x", "--gateway", "http://127.0.0.1:99999/gateway.do"}, key...), status: ExitUsage,
			says: []string{"port 99999", "1 to 65535"}},
		{name: "timeout zero", args: append([]string{"exchange", "x", "--timeout", "0", "--gateway", "http://127.0.0.1:1/gateway.do"}, key...), status: ExitUsage,
			says: []string{"--timeout 0s", "30s"}},
		{name: "timeout negative", args: append([]string{"exchange", "x", "--timeout", "-5s", "--gateway", "http://127.0.0.1:1/gateway.do"}, key...), status: ExitUsage,
			says: []string{"--timeout -5s", "30s"}},
		{name: "read-only history", args: []string{"history", "prune", "--keep", "1", "--history", readOnlyDB}, status: ExitUsage,
			says: []string{readOnlyDB, "read-only", "--history FILE"}},
		{name: "import line that is no trace", args: []string{"history", "import", noTime, "--history", filepath.Join(dir, "notime.db")}, status: ExitUsage,
			says: []string{noTime, "line 2", "no time"}},
		{name: "verify with a byte order mark", stdin: "\ufeff" + body, args: append([]string{"verify"}, keyFlag...), status: ExitOK,
			says: []string{"byte order mark", "✓ verified"}},
		{name: "import with a byte order mark", args: []string{"history", "import", bomFile, "--history", filepath.Join(dir, "bom.db")}, status: ExitOK,
			says: []string{"byte order mark", "imported 1 call"}},
		{name: "sign type variable", env: map[string]string{"ALIAUTH_SIGN_TYPE": "foo"}, args: append([]string{"exchange", "x", "--gateway", "http://127.0.0.1:1/gateway.do"}, key...), status: ExitUsage,
			says: []string{`ALIAUTH_SIGN_TYPE="foo"`, "RSA2"}},
		{name: "sign type flag", args: append([]string{"exchange", "x", "--sign-type", "rsa3", "--gateway", "http://127.0.0.1:1/gateway.do"}, key...), status: ExitUsage,
			says: []string{`--sign-type "rsa3"`, "RSA2"}},
		{name: "emulator given a private key", args: []string{"emulator", "--app-public-key", testAppKey, "--dir", filepath.Join(dir, "emu")}, status: ExitUsage,
			says: []string{"--app-public-key", testAppKey, "private key", "app public key", "app_public_key.txt"}, never: []string{"支付宝公钥"}},
		{name: "1024-bit key with RSA2", args: []string{"exchange", "x", "--dry-run", "--app-id", "1", "--private-key", weak, "--gateway", "http://127.0.0.1:1/gateway.do"}, status: ExitOK,
			says: []string{"1024 bits", "2048"}},
		{name: "read-only command on a new path", args: []string{"history", "list", "--history", fresh}, status: ExitOK,
			says: []string{fresh, "does not exist"}, after: func(t *testing.T) {
				if _, err := os.Stat(filepath.Dir(fresh)); !os.IsNotExist(err) {
					t.Errorf("history list created %s", filepath.Dir(fresh))
				}
			}},
		{name: "import of the same file twice", args: []string{"history", "import", exportFile, "--history", twice}, status: ExitOK,
			says: []string{"imported 0 calls", "skipped 1", "already"}, after: func(t *testing.T) {
				out, _, _ := run(t, "", "history", "list", "--history", twice)
				if n := strings.Count(strings.TrimSpace(out), "\n"); n != 1 {
					t.Errorf("%d calls after importing one call twice:\n%s", n, out)
				}
			}},
		{name: "verify a masked trace", stdin: masked, args: append([]string{"verify"}, keyFlag...), status: ExitUsage,
			says: []string{"masked", "--reveal"}, never: []string{"altered"}},
	}
	run(t, "", "history", "import", exportFile, "--history", twice)
	readOnly(t, filepath.Dir(readOnlyDB), readOnlyDB)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			out, errOut, status := run(t, c.stdin, c.args...)
			if status != c.status {
				t.Errorf("exit %d, want %d\n%s%s", status, c.status, out, errOut)
			}
			mustContain(t, "output", out+errOut, c.says...)
			for _, n := range c.never {
				if strings.Contains(out+errOut, n) {
					t.Errorf("output says %q:\n%s%s", n, out, errOut)
				}
			}
			if c.after != nil {
				c.after(t)
			}
		})
	}
}
