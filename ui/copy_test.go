package ui

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"aliauth/gateway"
)

func TestSystemClipboardChoice(t *testing.T) {
	cases := []struct {
		name   string
		goos   string
		env    map[string]string
		noTool bool
		want   string // a phrase of the reason; empty: use the system clipboard
	}{
		{"linux desktop", "linux", map[string]string{"DISPLAY": ":0"}, false, ""},
		{"wayland", "linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, false, ""},
		{"no tool", "linux", map[string]string{"DISPLAY": ":0"}, true, "no clipboard program"},
		{"ssh", "linux", map[string]string{"SSH_CONNECTION": "1.2.3.4 22 5.6.7.8 22"}, false, "SSH session without a forwarded display"},
		{"ssh with X forwarding", "linux", map[string]string{"SSH_TTY": "/dev/pts/1", "DISPLAY": "localhost:10.0"}, false, ""},
		{"headless", "linux", nil, false, "no display"},
		{"termux", "linux", map[string]string{"TERMUX_VERSION": "0.118"}, false, ""},
		{"wsl", "linux", map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}, false, ""},
		{"mac", "darwin", nil, false, ""},
		{"ssh into a mac", "darwin", map[string]string{"SSH_TTY": "/dev/ttys001"}, false, "remote machine's"},
		{"windows", "windows", nil, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := systemClipboardProblem(c.goos, func(k string) string { return c.env[k] }, c.noTool)
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Fatalf("reason %q, want one saying %q", got, c.want)
			}
		})
	}
}

func TestSystemClipboardRefusesAtOnceWhenUnreachable(t *testing.T) {
	wrote := false
	c := systemClipboard{unavailable: "no display", write: func(string) error { wrote = true; return nil }}
	if err := c.WriteAll("x"); err == nil || wrote {
		t.Fatalf("err %v, wrote %v", err, wrote)
	}
	c = systemClipboard{write: func(string) error { return errors.New("xclip: cannot open display") }}
	if err := c.WriteAll("x"); err == nil || !strings.Contains(err.Error(), "xclip") {
		t.Fatalf("a failing tool's error was lost: %v", err)
	}
}

func TestShellQuote(t *testing.T) {
	cases := map[string]string{
		"plain":                       "plain",
		"https://a.b/c?x=1&y=2":       "'https://a.b/c?x=1&y=2'",
		"it's":                        `'it'\''s'`,
		"":                            "''",
		"content-type: a/b":           "'content-type: a/b'",
		`{"grant_type":"x","code":1}`: `'{"grant_type":"x","code":1}'`,
	}
	for in, want := range cases {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestCurlReplaysTheRequest runs the copied curl command against the
// emulator: it must reach the gateway with a signature that verifies (the
// code is spent by then, so the answer is isv.code-invalid, not
// isv.invalid-signature).
func TestCurlReplaysTheRequest(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	p := newPeer(t)
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol), func(t *testing.T) {
			h := newHarness(t, Options{Session: p.session(t, "default", func(pr *gateway.Profile) { pr.Protocol = protocol })}, 80, 24)
			tr := h.exchange()
			script := filepath.Join(t.TempDir(), "curl.sh")
			if err := os.WriteFile(script, []byte(curlCommand(tr)+" -sS\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("sh", script).CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if !strings.Contains(string(out), "isv.code-invalid") {
				t.Fatalf("the replayed request got %s", out)
			}
		})
	}
}

func TestCurlHasEveryPartOfTheRequest(t *testing.T) {
	tr := &gateway.Trace{Protocol: gateway.V3, Request: gateway.Request{
		HTTPMethod: "POST",
		URL:        "https://openapi.alipay.com/v3/alipay/system/oauth/token",
		Headers:    map[string]string{"authorization": "ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=1,sign=a/b+c=", "content-type": "application/json; charset=utf-8"},
		Body:       `{"code":"it's","grant_type":"authorization_code"}`,
	}}
	want := `curl -X POST https://openapi.alipay.com/v3/alipay/system/oauth/token \
  -H 'authorization: ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=1,sign=a/b+c=' \
  -H 'content-type: application/json; charset=utf-8' \
  --data-raw '{"code":"it'\''s","grant_type":"authorization_code"}'`
	if got := curlCommand(tr); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCopyWithNothingToCopy(t *testing.T) {
	for _, kind := range []copyKind{copyAccess, copyRefresh, copyUserID, copyOpenID, copyUnionID, copyStringToSign, copyResponse, copyCurl, copyJSON, copyCode} {
		if _, err := buildCopy(kind, nil, nil, nil, false); err == nil {
			t.Errorf("copy %d from nothing did not fail", kind)
		}
	}
	transport := &gateway.Trace{Outcome: gateway.OutcomeTransportError, TransportError: "refused"}
	if _, err := buildCopy(copyResponse, transport, nil, nil, false); err == nil || !strings.Contains(err.Error(), "no response") {
		t.Errorf("copying the body of a call without a response: %v", err)
	}
}

func TestPastedKind(t *testing.T) {
	cases := map[string]string{
		"abc":                         "text",
		` {"authCode":"x"} `:          "JSON",
		"myapp://cb?auth_code=1":      "redirect URL",
		"'https://x/?authCode=1'":     "redirect URL",
		"\"4b203fe6c11548bcabd8da5\"": "text",
	}
	for in, want := range cases {
		if got := pastedKind(in); got != want {
			t.Errorf("pastedKind(%q) = %s, want %s", in, got, want)
		}
	}
}
