package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aliauth/gateway/emulator"
)

// sdkDir holds the official Node SDK, pinned by package-lock.json.
var sdkDir = filepath.Join("testdata", "sdk-node")

// sdkResult is one line exchange.mjs prints.
type sdkResult struct {
	OK     bool           `json:"ok"`
	SDK    string         `json:"sdk"`
	Result map[string]any `json:"result"`
	Error  struct {
		Name    string `json:"name"`
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
	} `json:"error"`
	ErrorResponse         map[string]any `json:"error_response"`
	ErrorResponseVerified bool           `json:"error_response_verified"`
	ErrorResponseDetail   string         `json:"error_response_detail"`
}

func (r sdkResult) str(k string) string {
	s, _ := r.Result[k].(string)
	return s
}

// nodeSDK is exchange.mjs running against a server for the demo app,
// taking calls on stdin and answering each with a line on stdout.
type nodeSDK struct {
	node   string
	env    []string
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *bytes.Buffer
}

func newNodeSDK(t *testing.T, s *emulator.Server, cert *emulator.CertPaths) *nodeSDK {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: the official Node SDK cannot be run; install Node.js 18 or later")
	}
	if _, err := os.Stat(filepath.Join(sdkDir, "node_modules", "alipay-sdk", "package.json")); err != nil {
		t.Skipf("the official Node SDK is not installed; run: (cd gateway/emulator/%s && npm ci)", filepath.ToSlash(sdkDir))
	}
	ready, err := s.Ready(emulator.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	n := &nodeSDK{node: node, env: []string{
		"ALIAUTH_GATEWAY=" + ready.Gateway,
		"ALIAUTH_ENDPOINT=" + ready.Endpoint,
		"ALIAUTH_APP_ID=" + ready.AppID,
		"ALIAUTH_APP_PRIVATE_KEY=" + ready.AppPrivateKey,
		"ALIAUTH_ALIPAY_PUBLIC_KEY=" + ready.AlipayPublicKey,
		// The SDK formats the v2 timestamp in the machine's zone; the gateway
		// reads China Standard Time.
		"TZ=Asia/Shanghai",
	}}
	if cert != nil {
		n.env = append(n.env, "ALIAUTH_APP_CERT="+cert.AppCert, "ALIAUTH_ALIPAY_CERT="+cert.AlipayCert, "ALIAUTH_ALIPAY_ROOT_CERT="+cert.AlipayRootCert)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := exec.CommandContext(ctx, node, "exchange.mjs")
	cmd.Dir = sdkDir
	cmd.Env = append(os.Environ(), n.env...)
	n.stderr = &bytes.Buffer{}
	cmd.Stderr = n.stderr
	if n.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	n.stdout = bufio.NewReader(stdout)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.stdin.Close()
		_ = cmd.Wait()
		cancel()
	})
	return n
}

// run makes one call through the running SDK.
func (n *nodeSDK) run(t *testing.T, protocol, call, value string) sdkResult {
	t.Helper()
	if _, err := fmt.Fprintf(n.stdin, "%s %s %s\n", protocol, call, value); err != nil {
		t.Fatalf("exchange.mjs: %v\n%s", err, n.stderr)
	}
	line, err := n.stdout.ReadBytes('\n')
	if err != nil {
		t.Fatalf("exchange.mjs %s %s: %v\n%s", protocol, call, err, n.stderr)
	}
	return decodeSDKLine(t, protocol, call, line)
}

// runOnce runs exchange.mjs for one call in a process of its own, with
// extra environment.
func (n *nodeSDK) runOnce(t *testing.T, protocol, call, value string, extraEnv ...string) sdkResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.node, "exchange.mjs", protocol, call, value)
	cmd.Dir = sdkDir
	cmd.Env = append(append(os.Environ(), n.env...), extraEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node exchange.mjs %s %s: %v\n%s%s", protocol, call, err, out, stderr.String())
	}
	return decodeSDKLine(t, protocol, call, out)
}

func decodeSDKLine(t *testing.T, protocol, call string, line []byte) sdkResult {
	t.Helper()
	var r sdkResult
	if err := json.Unmarshal(line, &r); err != nil {
		t.Fatalf("exchange.mjs printed %q: %v", line, err)
	}
	t.Logf("%s %s: %s", protocol, call, bytes.TrimSpace(line))
	return r
}

// The official Node SDK accepts the emulator as the gateway: it verifies
// every answer's signature (v2: the node's bytes cut out of the body; v3:
// the signature headers) and returns the tokens and the profile; and it
// rejects what the emulator's faults make untrustworthy.
func TestOfficialNodeSDKAcceptsEmulator(t *testing.T) {
	for _, mode := range []string{"public key", "certificate"} {
		t.Run(mode, func(t *testing.T) {
			cfg := emulator.Config{}
			if mode == "certificate" {
				cfg = emulator.Config{CertMode: true, Dir: certDir(t)}
			}
			e := newEmulator(t, cfg)
			s := serve(t, e)
			var cert *emulator.CertPaths
			if paths, ok := e.CertPaths(emulator.DemoAppID); ok {
				cert = &paths
			}
			sdk := newNodeSDK(t, s, cert)
			for _, protocol := range []string{"v2", "v3"} {
				t.Run(protocol, func(t *testing.T) { sdkFlow(t, e, sdk, protocol, mode == "public key") })
			}
		})
	}
}

func sdkFlow(t *testing.T, e *emulator.Emulator, sdk *nodeSDK, protocol string, checkClock bool) {
	code := mint(t, e, emulator.DemoAppID, emulator.ScopeAuthUser)
	got := sdk.run(t, protocol, "code", code)
	if !got.OK || !strings.HasPrefix(got.str("access_token"), "authusrB") || got.str("refresh_token") == "" || got.str("user_id") == "" || got.str("open_id") == "" {
		t.Fatalf("the SDK did not return verified tokens: %+v", got)
	}
	if protocol == "v2" && got.str("traceId") == "" {
		t.Errorf("the SDK found no trace_id header: %+v", got.Result)
	}

	refreshed := sdk.run(t, protocol, "refresh", got.str("refresh_token"))
	if !refreshed.OK || refreshed.str("refresh_token") == "" || refreshed.str("refresh_token") == got.str("refresh_token") {
		t.Fatalf("refresh through the SDK: %+v", refreshed)
	}

	info := sdk.run(t, protocol, "userinfo", refreshed.str("access_token"))
	if !info.OK || info.str("nick_name") == "" || !strings.HasPrefix(info.str("avatar"), "https://") {
		t.Fatalf("user info through the SDK: %+v", info)
	}

	// A gateway error. v2: exec with validateSign throws on any answer in
	// error_response, as it would on the real gateway's (it cuts the signed
	// content at "<method>_response"); the SDK's verifier pointed at
	// error_response accepts the emulator's. v3: it throws with the code and
	// the HTTP status.
	again := sdk.run(t, protocol, "code", code)
	switch protocol {
	case "v2":
		if again.OK || again.ErrorResponse["sub_code"] != "isv.code-invalid" || again.ErrorResponse["code"] != "40002" {
			t.Fatalf("a used code through the SDK: %+v", again)
		}
		if !again.ErrorResponseVerified {
			t.Fatalf("the SDK's verifier rejects the signed error_response: %s", again.ErrorResponseDetail)
		}
	case "v3":
		if again.OK || again.Error.Code != "isv.code-invalid" || again.Error.Status != 400 {
			t.Fatalf("a used code through the SDK: %+v", again)
		}
	}

	// Untrustworthy answers are rejected.
	for _, kind := range []emulator.FaultKind{emulator.FaultBadSign, emulator.FaultNoSign} {
		e.Arm(emulator.Fault{Kind: kind})
		r := sdk.run(t, protocol, "code", mint(t, e, emulator.DemoAppID, ""))
		if r.OK {
			t.Fatalf("the SDK accepted an answer with fault %s: %+v", kind, r)
		}
		if kind == emulator.FaultBadSign && !strings.Contains(r.Error.Message+r.Error.Code, "验签失败") && r.Error.Code != "response-signature-verify-error" {
			t.Errorf("bad-sign rejected for another reason: %+v", r.Error)
		}
	}

	if protocol == "v2" {
		// The SDK has no fallback for content signed with / and sent with \/
		// (the Java SDK's); say what it does with it.
		e.Arm(emulator.Fault{Kind: emulator.FaultEscapedSlash})
		if r := sdk.run(t, protocol, "userinfo", refreshed.str("access_token")); r.OK {
			t.Log("the Node SDK accepts escaped-slash")
		} else {
			t.Log("the Node SDK rejects escaped-slash: it verifies the bytes as sent only")
		}
	}

	if protocol == "v2" && checkClock {
		// The SDK formats the timestamp in the machine's zone: on a machine in
		// UTC it is eight hours off, and the gateway says so.
		r := sdk.runOnce(t, protocol, "code", mint(t, e, emulator.DemoAppID, ""), "TZ=UTC")
		if r.ErrorResponse["sub_code"] != "isv.invalid-timestamp" || !r.ErrorResponseVerified {
			t.Fatalf("the SDK on a UTC clock: %+v", r)
		}
	}
}
