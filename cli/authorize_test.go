package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"aliauth/config"
	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/ui"
)

// syncBuffer is a stream a test reads while a command still writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// started is a command running in the background, as a user leaves
// aliauth authorize waiting while they agree in the browser.
type started struct {
	stdout, stderr *syncBuffer
	done           chan int
}

func start(t *testing.T, stdin string, args ...string) *started {
	t.Helper()
	s := &started{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		s.done <- Main(ctx, args, Streams{Stdin: strings.NewReader(stdin), Stdout: s.stdout, Stderr: s.stderr})
	}()
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

// waitFor waits until the command's standard error matches re, and returns
// the first submatch.
func (s *started) waitFor(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(s.stderr.String()); m != nil {
			return m[1]
		}
		select {
		case status := <-s.done:
			s.done <- status
			t.Fatalf("the command ended (exit %d) before showing %s:\n%s%s", status, re, s.stderr, s.stdout)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("the command did not show %s:\n%s", re, s.stderr)
	return ""
}

func (s *started) wait(t *testing.T) int {
	t.Helper()
	select {
	case status := <-s.done:
		s.done <- status
		return status
	case <-time.After(30 * time.Second):
		t.Fatalf("the command did not end:\n%s%s", s.stderr, s.stdout)
	}
	return -1
}

var openLine = regexp.MustCompile(`(?m)^  open +(http://\S+)$`)

// agree does in a browser's stead what a user does on the emulator's
// authorization page: open it, then agree (the form is posted, and the
// redirect followed to the catcher). It returns the catcher's page.
func agree(t *testing.T, pageURL string, form url.Values) string {
	t.Helper()
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `id="agree"`) {
		t.Fatalf("the authorization page: %d\n%s", resp.StatusCode, page)
	}
	u, _ := url.Parse(pageURL)
	for k, v := range u.Query() {
		form[k] = v
	}
	form.Set("decision", "agree")
	resp, err = http.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	landed, _ := io.ReadAll(resp.Body)
	return string(landed)
}

var (
	ports       = regexp.MustCompile(`127\.0\.0\.1(:|%3A)\d+`)
	landedCodes = regexp.MustCompile(`auth_code=[^&\s]+`)
)

// steady replaces what changes from run to run (ports, codes) in what a
// command printed.
func steady(s string) string {
	s = ports.ReplaceAllString(s, "127.0.0.1${1}PORT")
	return landedCodes.ReplaceAllString(s, "auth_code=CODE")
}

// The whole H5 flow against the built-in emulator, offline: the URL, a
// forged redirect refused, the user agreeing, the code caught and exchanged
// at once, recorded, and the outcome as the exit status.
func TestAuthorizeCatchesTheCodeAndExchangesIt(t *testing.T) {
	isolate(t)
	cmd := start(t, "", "authorize", "--state", "s0meState", "--scope", "auth_base")
	pageURL := cmd.waitFor(t, openLine)
	u, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != gateway.AuthorizePagePath || q.Get("app_id") != emulator.DemoAppID || q.Get("scope") != "auth_base" || q.Get("state") != "s0meState" {
		t.Fatalf("authorization URL %s", pageURL)
	}
	redirect := q.Get("redirect_uri")

	// A redirect with another state is not this authorization's answer.
	resp, err := http.Get(redirect + "?auth_code=forged&state=other")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cmd.waitFor(t, regexp.MustCompile(`(refused) +the redirect's state does not match`))

	landed := agree(t, pageURL, url.Values{"user_id": {emulator.DemoUsers[1]}})
	if !strings.Contains(landed, "Code received") {
		t.Fatalf("the catcher's page: %s", landed)
	}
	if status := cmd.wait(t); status != ExitOK {
		t.Fatalf("exit %d\n%s%s", status, cmd.stderr, cmd.stdout)
	}
	out := cmd.stdout.String()
	mustContain(t, "stdout", out, "✓ success · signature verified", "user_id        "+emulator.DemoUsers[1], "recorded as history #1")
	mustContain(t, "stderr", cmd.stderr.String(), "received", "the auth_code arrived · scope auth_base · source alipay_wallet")
	if strings.Contains(out, "open ") || strings.Contains(cmd.stderr.String(), "✓ success") {
		t.Error("the presentation and the exchange share a stream: standard error is for the first, standard output for the second")
	}
	list, _, _ := run(t, "", "history", "list")
	mustContain(t, "history", list, "exchange")

	// What the user saw, ports aside: where to go, and what happened.
	golden.RequireEqual(t, steady(cmd.stderr.String()))
}

// --app runs the third-party app authorization: appToAppAuth.htm, a
// merchant's app_auth_code, alipay.open.auth.token.app.
func TestAuthorizeAppAuthorization(t *testing.T) {
	isolate(t)
	cmd := start(t, "", "authorize", "--app", "--json")
	pageURL := cmd.waitFor(t, openLine)
	if !strings.Contains(pageURL, gateway.AppToAppPagePath) || strings.Contains(pageURL, "scope=") {
		t.Fatalf("app authorization URL %s", pageURL)
	}
	agree(t, pageURL, url.Values{"merchant": {emulator.DemoAppID}})
	if status := cmd.wait(t); status != ExitOK {
		t.Fatalf("exit %d\n%s%s", status, cmd.stderr, cmd.stdout)
	}
	tr := decodeTrace(t, cmd.stdout.String())
	if tr.Method != gateway.MethodAppAuthToken || tr.AppAuth == nil || tr.AppAuth.AuthAppID != emulator.DemoAppID || !strings.Contains(tr.AppAuth.AppAuthToken, "…") {
		t.Fatalf("--json trace of the app authorization: %+v", tr.AppAuth)
	}
	mustContain(t, "stderr", cmd.stderr.String(), "Authorize third-party app", "the app_auth_code arrived")
	if _, _, status := run(t, "", "authorize", "--app", "--scope", "auth_base"); status != ExitUsage {
		t.Errorf("--app with --scope exits %d", status)
	}
}

// With a redirect this machine does not serve and no catcher, the landed
// address is pasted; one with the wrong state is refused, the right one
// exchanged.
func TestAuthorizePasteFallback(t *testing.T) {
	isolate(t)
	code, _, _ := run(t, "", "emulator", "code")
	code = strings.TrimSpace(code)
	landed := "https://cb.example.com/callback?app_id=" + emulator.DemoAppID + "&source=alipay_wallet&scope=auth_user&auth_code=" + code + "&state="
	stdin := "\n" + landed + "elsewhere\nhttps://cb.example.com/callback?state=pasteState\n" + landed + "pasteState\n"
	out, errOut, status := run(t, stdin, "authorize", "--redirect-uri", "https://cb.example.com/callback", "--state", "pasteState")
	if status != ExitOK {
		t.Fatalf("exit %d\n%s%s", status, errOut, out)
	}
	mustContain(t, "stderr", errOut, "(paste the address it lands on)", "Paste the address the browser landed on",
		"refused        the redirect's state does not match", "refused        the redirect carries no auth_code", "received")
	if strings.Contains(errOut, code) {
		t.Error("the pasted code is echoed unmasked")
	}
	mustContain(t, "stdout", out, "✓ success")

	_, errOut, status = run(t, landed+"nope\n", "authorize", "--redirect-uri", "https://cb.example.com/callback")
	if status != ExitUsage || !strings.Contains(errOut, "no landed address on standard input") || !strings.Contains(errOut, "aliauth exchange") {
		t.Fatalf("input ended without a good landing: exit %d\n%s", status, errOut)
	}
}

// The 授权回调地址 in the profile is the default redirect, and any other
// redirect must be on its domain; a catcher behind a tunnel serves a short
// link that fits where the whole URL does not.
func TestAuthorizeRedirectChecks(t *testing.T) {
	dir := isolate(t)
	cfg := writeConfig(t, dir, `
[profiles.tunnel]
emulator = true
redirect_uri = "https://cb.example.com/alipay/callback"
`)
	_, errOut, status := run(t, "", "authorize", "--config", cfg, "--profile", "tunnel", "--redirect-uri", "https://elsewhere.example.org/cb")
	if status != ExitUsage {
		t.Fatalf("a redirect on another domain exits %d\n%s", status, errOut)
	}
	mustContain(t, "stderr", errOut, "elsewhere.example.org", "cb.example.com", "tunnel", "redirect_uri in profile tunnel")

	cmd := start(t, "", "authorize", "--config", cfg, "--profile", "tunnel", "--listen", "127.0.0.1:0", "--wait", "300ms")
	cmd.waitFor(t, regexp.MustCompile(`redirect_uri +(https://cb\.example\.com/alipay/callback) +\(caught on 127\.0\.0\.1:\d+\)`))
	if status := cmd.wait(t); status != ExitTransport {
		t.Fatalf("no redirect in time exits %d", status)
	}
	mustContain(t, "stderr", cmd.stderr.String(), "QR code        of the short link https://cb.example.com/a", "no redirect arrived within 300ms", "--wait")

	_, errOut, status = run(t, "", "authorize", "--gateway", "https://gw.example.com/gateway.do", "--app-id", "2021000000000009", "--private-key", testAppKey)
	if status != ExitUsage || !strings.Contains(errOut, "no authorization page is known") {
		t.Fatalf("a gateway aliauth knows no page for: exit %d\n%s", status, errOut)
	}
}

// The QR code falls back from the whole URL to the short link, then to
// none; what is drawn is the code of what the note says.
func TestFitQR(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	prof := gateway.Profile{Name: "sandbox", Gateway: gateway.SandboxGateway, AppID: "9021000000000000"}
	z, err := planAuthorization(&config.Profile{Listen: "127.0.0.1:0"}, prof, "https://tunnel.example.com/callback", false)
	if err != nil {
		t.Fatal(err)
	}
	z.scope = gateway.ScopeAuthUser
	if err := z.start(); err != nil {
		t.Fatal(err)
	}
	defer z.close()
	draw := func(text string) string {
		q, err := ui.NewQRCode(text)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := q.Fit(200, 60, false)
		return out
	}
	if text, note := fitQR(z, 200, 60, false); note != "" || text != draw(z.url) {
		t.Errorf("a large terminal shows the whole URL's code; note %q", note)
	}
	short, _ := ui.NewQRCode("https://tunnel.example.com/a")
	text, note := fitQR(z, 80, 22, false)
	want, _ := short.Fit(80, 22, false)
	if text == "" || text != want || !strings.Contains(note, "short link https://tunnel.example.com/a") {
		t.Errorf("80x24 shows %q\n%s", note, text)
	}
	if text, note := fitQR(z, 30, 10, false); text != "" || !strings.Contains(note, "not shown") || !strings.Contains(note, "30x10") {
		t.Errorf("a tiny terminal: %q\n%s", note, text)
	}
}

// An OSC 8 link carries the URL; anything that could end the sequence
// early leaves plain text.
func TestHyperlink(t *testing.T) {
	if got := hyperlink("https://a.example/x?y=1", "link"); got != "\x1b]8;;https://a.example/x?y=1\x1b\\link\x1b]8;;\x1b\\" {
		t.Errorf("%q", got)
	}
	for _, bad := range []string{"https://a.example/\x1b]0;pwned\x07", "https://a.example/ x", "https://a.example/\u009b2J"} {
		if got := hyperlink(bad, "link"); got != "link" {
			t.Errorf("hyperlink(%q) = %q", bad, got)
		}
	}
}

func decodeTrace(t *testing.T, out string) *gateway.Trace {
	t.Helper()
	var tr gateway.Trace
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatalf("not one trace: %v\n%s", err, out)
	}
	return &tr
}
