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
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
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

// newNodeSDK starts exchange.mjs for the demo app on s. zone is the TZ it
// runs in; empty leaves the machine's own, as CI runs it.
func newNodeSDK(t *testing.T, s *emulator.Server, cert *emulator.CertPaths, zone string) *nodeSDK {
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
	}}
	if zone != "" {
		n.env = append(n.env, "TZ="+zone)
	}
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

// runDebug runs exchange.mjs for one call in a process of its own with the
// SDK's debug log on (NODE_DEBUG=alipay-sdk), which it writes to stderr,
// response headers included.
func (n *nodeSDK) runDebug(t *testing.T, protocol, call, value string) (sdkResult, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.node, "exchange.mjs", protocol, call, value)
	cmd.Dir = sdkDir
	cmd.Env = append(append(os.Environ(), n.env...), "NODE_DEBUG=alipay-sdk")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node exchange.mjs %s %s: %v\n%s%s", protocol, call, err, out, stderr.String())
	}
	return decodeSDKLine(t, protocol, call, out), stderr.String()
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

// sdkZones are the zones the official Node SDK runs in: the machine's own
// (UTC on CI), China's, which the gateway reads, and one far from both. The
// SDK formats the v2 timestamp in its zone (util.ts sign, YYYYMMDDHHmmss()),
// and the emulator must accept it in every one.
var sdkZones = []string{"", "Asia/Shanghai", "America/Los_Angeles"}

// The official Node SDK accepts the emulator as the gateway: it verifies
// every answer's signature (v2: the node's bytes cut out of the body; v3:
// the signature headers) and returns the tokens and the profile; and it
// rejects what the emulator's faults make untrustworthy.
func TestOfficialNodeSDKAcceptsEmulator(t *testing.T) {
	for _, zone := range sdkZones {
		name := zone
		if name == "" {
			name = "machine zone"
		}
		t.Run(name, func(t *testing.T) {
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
					sdk := newNodeSDK(t, s, cert, zone)
					for _, protocol := range []string{"v2", "v3"} {
						t.Run(protocol, func(t *testing.T) { sdkFlow(t, e, sdk, protocol) })
					}
					if mode == "public key" {
						sdkClockNoted(t, e, sdk, zone)
					}
				})
			}
		})
	}
}

// noteRE finds the emulator's note header in the Node SDK's debug log of a
// v2 answer's headers.
var noteRE = regexp.MustCompile(`"` + gateway.EmulatorNoteHeader + `":"([^"]*)"`)

// sdkClockNoted checks what the emulator made of the SDK's v2 timestamp: in
// China's zone nothing; in any zone whose offset is not UTC+8, a skew note
// of that difference (eight hours behind on a UTC machine), on an answer
// that is still a success.
func sdkClockNoted(t *testing.T, e *emulator.Emulator, sdk *nodeSDK, zone string) {
	t.Helper()
	loc := time.Local
	if zone != "" {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			t.Skipf("zone %s is not installed: %v", zone, err)
		}
	}
	_, offset := time.Now().In(loc).Zone()
	want := int64(offset - 8*60*60)
	r, stderr := sdk.runDebug(t, "v2", "code", mint(t, e, emulator.DemoAppID, ""))
	if !r.OK {
		t.Fatalf("the SDK in zone %q: %+v", zone, r)
	}
	m := noteRE.FindStringSubmatch(stderr)
	switch {
	case want == 0 && m != nil:
		t.Fatalf("the SDK in China's zone drew a note: %s", m[1])
	case want != 0 && m == nil:
		t.Fatalf("the SDK %d hours from China's zone drew no note; its debug log:\n%s", want/3600, stderr)
	case want != 0:
		skew, err := strconv.ParseInt(strings.TrimPrefix(m[1], gateway.NoteTimestampSkew+"="), 10, 64)
		if err != nil || skew < want-5 || skew > want+5 {
			t.Fatalf("note %q, want a skew of %d seconds", m[1], want)
		}
	}
}

func sdkFlow(t *testing.T, e *emulator.Emulator, sdk *nodeSDK, protocol string) {
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
}
