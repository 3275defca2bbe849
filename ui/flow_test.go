package ui

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

func TestFirstScreenSaysWhatToDo(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: newStore(t)}, 80, 24)
	h.mustSee("EMULATOR — not Alipay", "profile default", "app "+emulator.DemoAppID, "v2 gateway.do", "RSA2",
		"m mints an auth code", "i type a code", "enter exchange", "? lists every key", "h opens", "history")
	if h.m.focus == focusInput {
		t.Fatal("the console starts in the input, so the keys the screen names would be typed")
	}
}

// The first keys do what the welcome text says: ? opens the help, h the
// history, q quits; nothing is typed into the input.
func TestFirstKeysDoWhatTheScreenSays(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: newStore(t)}, 80, 24)
	h.key("?")
	if h.m.overlay != overlayHelp {
		t.Fatal("? at start did not open the help")
	}
	h.key("esc", "h")
	if h.m.screen != screenHistory {
		t.Fatal("h at start did not open history")
	}
	h.key("esc")
	if h.m.screen != screenMain || h.m.input.Value() != "" {
		t.Fatalf("screen %d, input %q", h.m.screen, h.m.input.Value())
	}
	h.key("x")
	if h.m.input.Value() != "" || !strings.Contains(h.status(), "i types into the auth code input") {
		t.Fatalf("an unbound letter: input %q, status %q", h.m.input.Value(), h.status())
	}
	h.key("q")
	if !h.quit {
		t.Fatal("q at start did not quit")
	}
}

// esc goes back and never into the input: leaving, pressing r, leaving
// and pressing u types nothing and sends no code.
func TestEscNeverEntersTheInput(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: store}, 80, 24)
	h.exchange()
	calls := len(records(t, store))
	h.key("esc", "r", "esc", "u", "esc", "esc")
	if h.m.focus == focusInput {
		t.Fatal("esc moved the focus into the input")
	}
	if v := h.m.input.Value(); v != "" {
		t.Fatalf("letters were typed into the input: %q", v)
	}
	for _, s := range records(t, store)[:len(records(t, store))-calls] {
		if s.Method == gateway.MethodOAuthToken && s.GrantType == gateway.GrantAuthorizationCode {
			t.Fatalf("a command letter was sent as a code: %+v", s)
		}
	}
	if got := h.m.current.trace.Method; got != gateway.MethodUserInfo {
		t.Fatalf("r and u did not run as commands: last call %s", got)
	}
	// i enters the input; esc leaves it, tab moves to the panes.
	h.key("i")
	if h.m.focus != focusInput {
		t.Fatal("i did not enter the input")
	}
	h.typeText("ru")
	h.key("esc")
	if h.m.focus == focusInput || h.m.input.Value() != "ru" {
		t.Fatalf("esc in the input: focus %d, input %q", h.m.focus, h.m.input.Value())
	}
}

func TestMintAndExchangeShowsRequestAndResponse(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol), func(t *testing.T) {
			p := newPeer(t)
			store := newStore(t)
			s := p.session(t, "default", func(pr *gateway.Profile) { pr.Protocol = protocol })
			h := newHarness(t, Options{Session: s, History: store}, 200, 50)

			h.key("ctrl+n")
			code := h.m.input.Value()
			if len(code) < 16 || !strings.Contains(h.status(), "enter exchanges it") {
				t.Fatalf("after ctrl+n the input holds %q, status %q", code, h.status())
			}
			h.key("enter")
			tr := h.m.current.trace
			if tr.Outcome != gateway.OutcomeSuccess {
				t.Fatalf("outcome %s: %s", tr.Outcome, h.status())
			}
			if h.m.input.Value() != "" {
				t.Errorf("the used code stays in the input: %q", h.m.input.Value())
			}
			if h.m.focus != focusResponse {
				t.Errorf("focus %d after the call, want the response", h.m.focus)
			}
			h.mustSee("REQUEST", "RESPONSE · SUCCESS", "✓ SIGNATURE VERIFIED", "TOKENS", "access_token", "expires 2",
				"BODY (", "pretty JSON", "▌", "trace id", "https://open.alipay.com/api/errCheck?traceId=")
			if protocol == gateway.V3 {
				h.mustSee("AUTH STRING", "SIGNED CONTENT", "authorization", "SIGNATURE HEADERS",
					"alipay-signature", "alipay-timestamp", "alipay-nonce", "alipay-sn", "/v3/alipay/system/oauth/token")
			} else {
				h.mustSee("PARAMETERS (sorted, as signed)", "STRING TO SIGN", "SIGNATURE (sign, base64)",
					"China Standard Time", "grant_type=authorization_code")
			}
			// Secrets are masked on screen until revealed.
			h.mustNotSee(tr.Tokens.AccessToken)
			h.mustSee(gateway.Mask(tr.Tokens.AccessToken))

			got := records(t, store)
			if len(got) != 1 || got[0].ID != tr.ID || got[0].Outcome != gateway.OutcomeSuccess {
				t.Fatalf("history holds %+v, want the exchange", got)
			}
		})
	}
}

func TestRefreshAndUserInfoUseTheLatestTokens(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: store}, 120, 40)
	first := h.exchange()

	h.key("r")
	ref := h.m.current.trace
	if ref.GrantType != gateway.GrantRefreshToken || ref.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("r made %s %s: %s", ref.Method, ref.GrantType, h.status())
	}
	if ref.Request.Params["refresh_token"] != first.Tokens.RefreshToken {
		t.Errorf("refreshed with %q, want the exchange's refresh token", ref.Request.Params["refresh_token"])
	}
	if h.m.tokens.RefreshToken == first.Tokens.RefreshToken {
		t.Error("the rotated refresh token was not kept")
	}

	h.key("u")
	info := h.m.current.trace
	if info.Method != gateway.MethodUserInfo || info.Request.Params["auth_token"] != ref.Tokens.AccessToken {
		t.Fatalf("u called %s with %q", info.Method, info.Request.Params["auth_token"])
	}
	h.mustSee("DECODED", "nick_name", "province")

	// r again uses the rotated token, so it succeeds.
	h.key("r")
	if h.m.current.trace.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("second refresh: %s", h.status())
	}
	if n := len(records(t, store)); n != 4 {
		t.Errorf("history holds %d calls, want 4", n)
	}
}

func TestRefreshBeforeAnyExchangeSaysWhatToDo(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.key("esc", "r")
	if !strings.Contains(h.status(), "no refresh token yet") || h.m.call != nil {
		t.Fatalf("status %q", h.status())
	}
	h.key("u")
	if !strings.Contains(h.status(), "no access token yet") {
		t.Fatalf("status %q", h.status())
	}
}

func TestGatewayErrorShowsTheCatalogExplanation(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 40)
	code, err := p.emu.MintCode(emulator.DemoAppID, "auth_user", "")
	if err != nil {
		t.Fatal(err)
	}
	h.send(tea.PasteMsg{Content: code})
	h.key("enter")
	h.send(tea.PasteMsg{Content: code})
	h.key("enter")
	tr := h.m.current.trace
	if tr.Outcome != gateway.OutcomeGatewayError || tr.Error.SubCode != "isv.code-invalid" {
		t.Fatalf("second use of a code: %s %+v", tr.Outcome, tr.Error)
	}
	h.mustSee("ERROR", "isv.code-invalid", "error", "what to do", "single-use")
	if !strings.Contains(h.status(), "isv.code-invalid") {
		t.Errorf("status %q does not name the error", h.status())
	}
}

func TestInvalidSignatureShowsTheDiff(t *testing.T) {
	p := newPeer(t)
	// Signing with a key the gateway does not know: it rejects the request
	// and quotes its own string to sign, identical to ours.
	wrong, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	s := p.session(t, "default", func(pr *gateway.Profile) { pr.PrivateKey = wrong })
	h := newHarness(t, Options{Session: s}, 80, 24)
	h.exchange()
	tr := h.m.current.trace
	if tr.Error == nil || tr.Error.SubCode != "isv.invalid-signature" || tr.Error.SignatureDiff == nil {
		t.Fatalf("want isv.invalid-signature with a diff, got %s %+v", tr.Outcome, tr.Error)
	}
	// The conclusion and the next step sit under the badge, on the first
	// screen, before any gateway text.
	h.mustSee("✓ SIGNATURE VERIFIED", "isv.invalid-signature: the gateway could not verify", "finding", "the strings to sign are identical, so the content is right and the")
	h.mustNotSee("&amp;", "&#")
	h.key("end")
	h.key("pgup", "pgup")
	h.send(tea.WindowSizeMsg{Width: 120, Height: 80})
	h.key("home")
	h.mustSee("Strings to sign compared", "the gateway's", "aliauth's", "验签出错", "(compared")
}

// A response whose signature fails says so, why and what to do right under
// the badge, and its tokens are marked untrusted.
func TestFailedSignatureLeadsWithTheVerdict(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultBadSign})
	tr := h.exchange()
	if tr.Outcome != gateway.OutcomeUntrusted {
		t.Fatalf("outcome %s", tr.Outcome)
	}
	h.mustSee("✗ SIGNATURE FAILED", "why", "does not match", "what to do", "do not use this answer")
	h.key("down", "down", "down", "down", "down", "down")
	h.mustSee("TOKENS · UNTRUSTED")
}

func TestPasteTakesTheCodeOutOfWhatPeoplePaste(t *testing.T) {
	p := newPeer(t)
	cases := []struct {
		name, paste, code, kind string
	}{
		{"bare", "  4b203fe6c11548bcabd8da5bb087a83b\n", "4b203fe6c11548bcabd8da5bb087a83b", "text"},
		{"redirect URL", "https://example.com/cb?state=x&auth_code=abc123DEF&scope=auth_user", "abc123DEF", "redirect URL"},
		{"JSON", "{\n  \"authCode\": \"f00dcafe\",\n  \"authErrorScopes\": {}\n}", "f00dcafe", "JSON"},
		{"nested JSON", `{"res":{"authCode":"deadbeef42"}}`, "deadbeef42", "JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
			h.key("tab") // the paste lands in the input whatever has the focus
			h.send(tea.PasteMsg{Content: c.paste})
			if got := h.m.input.Value(); got != c.code {
				t.Fatalf("input %q, want %q", got, c.code)
			}
			if h.m.focus != focusRequest || !strings.Contains(h.status(), "pasted "+c.kind) {
				t.Fatalf("focus %d, status %q", h.m.focus, h.status())
			}
		})
	}
	t.Run("garbage", func(t *testing.T) {
		h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
		h.send(tea.PasteMsg{Content: "{not json"})
		if h.m.status.kind != statusError || !strings.Contains(h.status(), "no auth code found") {
			t.Fatalf("status %q", h.status())
		}
		h.key("enter")
		if h.m.call != nil || h.m.current != nil {
			t.Fatal("garbage was sent to the gateway")
		}
	})
}

func TestTypedRedirectURLIsExchanged(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	code, _ := p.emu.MintCode(emulator.DemoAppID, "auth_base", "")
	h.key("i")
	h.typeText("https://example.com/cb?auth_code=" + code)
	h.key("enter")
	if tr := h.m.current.trace; tr.Request.Params["code"] != code || tr.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("sent code %q: %s", tr.Request.Params["code"], h.status())
	}
}

func TestGrantSwitchRefreshesFromTheInput(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 120, 30)
	first := h.exchange()
	h.key("g")
	if h.m.grant != gateway.GrantRefreshToken || h.m.input.Value() != first.Tokens.RefreshToken {
		t.Fatalf("grant %s, input %q", h.m.grant, h.m.input.Value())
	}
	h.mustSee("refresh_token", "authorization_code")
	h.mustNotSee(first.Tokens.RefreshToken) // masked in the input too
	h.key("enter")
	tr := h.m.current.trace
	if tr.GrantType != gateway.GrantRefreshToken || tr.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("enter with the refresh grant: %s %s", tr.GrantType, h.status())
	}
	h.key("g")
	if h.m.grant != gateway.GrantAuthorizationCode {
		t.Fatal("g did not switch back")
	}
}

func TestRevealShowsSecretsAndMaskHidesThem(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 200, 60)
	tr := h.exchange()
	h.mustNotSee(tr.Tokens.AccessToken, tr.Tokens.RefreshToken)
	h.key("v")
	h.mustSee(tr.Tokens.AccessToken, tr.Tokens.RefreshToken, "v mask")
	h.key("v")
	h.mustNotSee(tr.Tokens.AccessToken)
}

func TestCancelASlowCall(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: store}, 80, 24)
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultDelay, Delay: time.Minute})
	h.key("ctrl+n")

	// Start the call without waiting for it, as Bubble Tea would.
	_, cmd := h.m.Update(keyMsg("enter"))
	if h.m.call == nil {
		t.Fatal("no call under way")
	}
	h.mustSee("exchanging the auth code", "esc cancels")
	result := make(chan tea.Msg, 1)
	go func() { result <- cmd() }()

	h.key("esc")
	if !h.m.call.cancelling {
		t.Fatal("esc did not cancel")
	}
	var done tea.Msg
	select {
	case done = <-result:
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled call did not return")
	}
	msg, ok := done.(callDoneMsg)
	if !ok {
		t.Fatalf("the call returned %T", done)
	}
	h.send(msg)
	tr := h.m.current.trace
	if tr.Outcome != gateway.OutcomeTransportError || !strings.Contains(tr.TransportError, "cancelled") {
		t.Fatalf("outcome %s: %s", tr.Outcome, tr.TransportError)
	}
	h.mustSee("NO USABLE ANSWER", "cancelled before the gateway answered", "what to do", "get a new one")
	if got := records(t, store); len(got) != 1 || got[0].Outcome != gateway.OutcomeTransportError {
		t.Fatalf("the cancelled call is not in history: %+v", got)
	}
}

func TestOneCallAtATime(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.key("ctrl+n")
	h.m.Update(keyMsg("enter")) // under way, not run
	h.key("tab", "enter")
	if !strings.Contains(h.status(), "already under way") {
		t.Fatalf("status %q", h.status())
	}
}

func TestCopyEveryTarget(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 120, 40)
	tr := h.exchange()
	cases := []struct {
		key, want, says string
	}{
		{"a", tr.Tokens.AccessToken, "copied access token to the clipboard"},
		{"r", tr.Tokens.RefreshToken, "copied refresh token to the clipboard"},
		{"i", tr.Tokens.UserID, "copied user_id"},
		{"o", tr.Tokens.OpenID, "copied open_id"},
		{"s", tr.Request.StringToSign, "copied string to sign"},
		{"b", string(tr.Response.Body), "copied raw response body"},
		{"c", curlCommand(tr), "copied request as curl"},
	}
	for _, c := range cases {
		h.key("c")
		h.mustSee("Copy", "whole trace as JSON")
		h.key(c.key)
		if got := h.clip.last(); got != c.want {
			t.Errorf("c %s copied %q, want %q", c.key, got, c.want)
		}
		if !strings.Contains(h.status(), c.says) {
			t.Errorf("c %s: status %q, want %q", c.key, h.status(), c.says)
		}
	}

	for _, c := range []struct{ key, want string }{
		{"J", "new AlipaySystemOauthTokenRequest()"}, {"N", "alipaySdk.exec('alipay.system.oauth.token'"},
		{"G", "client.SystemOauthToken("}, {"P", "AlipaySystemOauthTokenRequest()"}, {"H", "$aop->execute($request)"},
	} {
		h.key("c", c.key)
		if got := h.clip.last(); !strings.Contains(got, c.want) || !strings.Contains(got, tr.Request.Params["code"]) {
			t.Errorf("c %s copied:\n%s", c.key, got)
		}
	}

	h.key("c", "j")
	var masked gateway.Trace
	if err := json.Unmarshal([]byte(h.clip.last()), &masked); err != nil {
		t.Fatal(err)
	}
	if masked.Tokens.AccessToken != gateway.Mask(tr.Tokens.AccessToken) || strings.Contains(h.clip.last(), tr.Tokens.AccessToken) {
		t.Errorf("the JSON copy is not masked: %s", masked.Tokens.AccessToken)
	}
	h.key("v", "c", "j")
	if !strings.Contains(h.clip.last(), tr.Tokens.AccessToken) {
		t.Error("after v the JSON copy still masks the tokens")
	}
}

func TestCopyFallsBackToOSC52(t *testing.T) {
	p := newPeer(t)
	clip := &fakeClipboard{err: errFromReason("SSH session without a forwarded display")}
	h := newHarness(t, Options{Session: p.session(t, "default"), Clipboard: clip}, 80, 24)
	tr := h.exchange()
	h.key("c", "a")
	if len(h.osc52) != 1 || h.osc52[0] != tr.Tokens.AccessToken {
		t.Fatalf("OSC 52 got %q, want the access token", h.osc52)
	}
	if !strings.Contains(h.status(), "copied access token through the terminal (OSC 52)") {
		t.Errorf("status %q", h.status())
	}
	// The status line stays short; the log says why and what it means.
	h.key("@")
	h.mustSee("through the terminal (OSC 52)", "SSH session without a forwarded", "screen masks")
}

// The status line is one line whatever the message: a long one ends in a
// pointer to the message log, which holds every message whole, with its
// details. A message belongs to its screen and does not linger on others.
func TestStatusLineAndMessageLog(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.session(t, "default", func(pr *gateway.Profile) {
		pr.Gateway = "http://127.0.0.1:1/gateway.do"
	}), History: store}, 60, 15)
	h.exchange()
	lines := strings.Split(h.view(), "\n")
	status := lines[len(lines)-2]
	if !strings.HasSuffix(strings.TrimRight(status, " "), "· @ log") || !strings.HasPrefix(status, "✗ exchange, no answer") {
		t.Fatalf("status line %q", status)
	}
	full := h.status()
	h.key("@")
	if h.m.overlay != overlayLog {
		t.Fatal("L did not open the message log")
	}
	// The log shows the message whole, wrapped in its box.
	var logText strings.Builder
	for h.m.overlayOffset = 0; h.m.overlayOffset < 40; h.m.overlayOffset++ {
		logText.WriteString(h.view())
	}
	for _, word := range strings.Fields(full)[len(strings.Fields(full))-3:] {
		if !strings.Contains(logText.String(), word) {
			t.Errorf("the log lacks %q of %q", word, full)
		}
	}
	h.key("esc")
	if h.m.overlay != overlayNone {
		t.Fatal("esc did not close the log")
	}
	h.key("h")
	h.mustNotSee("exchange, no answer")
	h.key("esc", "esc")
	h.mustNotSee("exchange, no answer")
	if n := len(h.m.log); n < 2 {
		t.Fatalf("the log holds %d messages", n)
	}
}

func errFromReason(s string) error { return systemClipboard{unavailable: s}.WriteAll("x") }

func TestCountdownTicksOnlyWhileCounting(t *testing.T) {
	p := newPeer(t)
	now := time.Now()
	clock := func() time.Time { return now }
	h := newHarness(t, Options{Session: p.session(t, "default"), Now: clock}, 120, 40)
	before := len(h.timers)
	h.exchange()
	tick := lastClock(h.timers[before:])
	if tick == nil {
		t.Fatal("no clock tick scheduled while tokens count down")
	}
	h.mustSee("in 14d 23h 59m")
	now = now.Add(time.Hour)
	h.send(*tick)
	h.mustSee("in 14d 22h 59m")
	if lastClock(h.timers) == tick {
		t.Fatal("the tick did not schedule the next")
	}

	// Once every token has expired, the clock stops.
	now = now.Add(31 * 24 * time.Hour)
	n := len(h.timers)
	h.send(*lastClock(h.timers))
	if lastClock(h.timers[n:]) != nil {
		t.Fatal("the clock keeps ticking with nothing to count")
	}
	h.mustSee("EXPIRED")
}

func lastClock(timers []tea.Msg) *clockMsg {
	for i := len(timers) - 1; i >= 0; i-- {
		if c, ok := timers[i].(clockMsg); ok {
			return &c
		}
	}
	return nil
}

func TestWarningsAreLoud(t *testing.T) {
	p := newPeer(t)
	s := p.session(t, "nokey", func(pr *gateway.Profile) { pr.AlipayPublicKey = nil })
	h := newHarness(t, Options{Session: s}, 80, 24)
	h.mustSee("NO ALIPAY KEY", "⚠ no Alipay public key is configured") // before any call
	h.exchange()
	h.mustSee("⚠ no Alipay public key is configured", "NOT VERIFIED: NO ALIPAY PUBLIC KEY CONFIGURED")
	if h.m.status.kind != statusWarn {
		t.Errorf("status %q is not a warning", h.status())
	}
}

func TestRetiredSandboxIsNamed(t *testing.T) {
	p := newPeer(t)
	s := p.session(t, "old", func(pr *gateway.Profile) {
		pr.Emulator = false
		pr.Gateway = "https://openapi.alipaydev.com/gateway.do"
	})
	h := newHarness(t, Options{Session: s}, 100, 24)
	h.mustSee("SANDBOX", "profile old", "⚠ openapi.alipaydev.com is the retired sandbox host")
	h.key("esc", "m")
	if !strings.Contains(h.status(), "minting codes needs the emulator") {
		t.Fatalf("status %q", h.status())
	}
}

func TestNilTraceShowsTheError(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.send(callDoneMsg{req: callRequest{kind: callUserInfo}, err: context.DeadlineExceeded})
	if h.m.status.kind != statusError || !strings.Contains(h.status(), "user info: context deadline exceeded") {
		t.Fatalf("status %q", h.status())
	}
}

func TestRecordingFailureIsShown(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: store}, 80, 24)
	store.Close()
	h.exchange()
	if h.m.current.trace.Outcome != gateway.OutcomeSuccess {
		t.Fatal("the call failed")
	}
	if h.m.status.kind != statusError || !strings.Contains(h.status(), "NOT recorded in history") {
		t.Fatalf("status %q", h.status())
	}
}

func TestHistoryOffIsSaidAndTheConsoleWorks(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), HistoryError: errFromReason(`history database "/x/history.db" is locked`)}, 80, 24)
	h.mustSee("history off", "history is off", "is locked")
	h.exchange()
	h.key("h")
	h.mustSee("HISTORY", "history is off", "is locked")
}

func TestProfileSwitchWithoutRestart(t *testing.T) {
	p := newPeer(t)
	sessions := map[string]Session{
		"default": p.session(t, "default"),
		"rest":    p.session(t, "rest", v3),
	}
	open := func(name string) (Session, error) { return sessions[name], nil }
	h := newHarness(t, Options{Session: sessions["default"], Profiles: []string{"default", "rest"}, Open: open}, 80, 24)
	h.exchange()
	h.key("p")
	h.mustSee("Profiles", "● default", "rest")
	h.key("down", "enter")
	if h.m.session.Client.Profile().Name != "rest" || h.m.tokens != nil || h.m.current != nil {
		t.Fatalf("profile %s, tokens %v", h.m.session.Client.Profile().Name, h.m.tokens)
	}
	h.mustSee("profile rest", "v3 REST", "switched to profile rest")
	h.exchange()
	if h.m.current.trace.Protocol != gateway.V3 || h.m.current.trace.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("after switching: %s %s", h.m.current.trace.Protocol, h.status())
	}
}

func TestHelpListsTheWholeKeyMap(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 200, 50)
	h.key("i", "?") // typed into the input
	if h.m.overlay != overlayNone || h.m.input.Value() != "?" {
		t.Fatal("? while typing opened the help")
	}
	h.key("f1")
	h.mustSee("aliauth keys", "Exchange", "Results", "History", "Copy (after c)", "General", "replay", "reveal", "profiles", "quit, always")
	h.key("esc", "esc", "?")
	if h.m.overlay != overlayHelp {
		t.Fatal("? outside the input did not open the help")
	}
	h.key("?")
	if h.m.overlay != overlayNone {
		t.Fatal("? did not close the help")
	}
}

func TestHelpScrollsInASmallTerminal(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.key("f1")
	h.mustSee("↓ more")
	h.mustNotSee("whole trace as JSON")
	h.key("pgdown", "pgdown")
	h.mustSee("whole trace as JSON")
}

func TestQuitKeys(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.key("i", "q")
	if h.quit || h.m.input.Value() != "q" {
		t.Fatalf("q in the input quit (or was lost): %q", h.m.input.Value())
	}
	h.key("esc", "q")
	if !h.quit {
		t.Fatal("q outside the input did not quit")
	}
	h2 := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h2.key("ctrl+c")
	if !h2.quit {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestTooSmallSaysSo(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 40, 10)
	h.mustSee("The terminal is 40×10", "at least 60×15")
	h.mustNotSee("REQUEST")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.mustSee("EMULATOR")
}

func TestLayoutSideBySideWhenWideStackedWhenNarrow(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 200, 50)
	h.exchange()
	lines := strings.Split(h.view(), "\n")
	if len(lines) != 50 {
		t.Fatalf("%d lines at 200x50", len(lines))
	}
	if !strings.Contains(lines[3], "REQUEST") || !strings.Contains(lines[3], "RESPONSE") {
		t.Fatalf("panes are not side by side: %q", lines[3])
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	lines = strings.Split(h.view(), "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines at 80x24", len(lines))
	}
	req, resp := -1, -1
	for i, l := range lines {
		if len([]rune(l)) > 80 {
			t.Errorf("line %d is wider than 80: %q", i, l)
		}
		if strings.Contains(l, "REQUEST") {
			req = i
		}
		if strings.Contains(l, "RESPONSE") {
			resp = i
		}
	}
	if req < 0 || resp <= req {
		t.Fatalf("panes are not stacked (request at %d, response at %d)", req, resp)
	}
}

func TestScrollTheFocusedPane(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.exchange()
	h.key("end")
	if h.m.current.resp.offset == 0 {
		t.Fatal("end did not scroll the response")
	}
	h.mustSee(`"sign":`)
	h.key("home", "tab", "pgdown")
	if h.m.focus != focusRequest || h.m.current.req.offset == 0 || h.m.current.resp.offset != 0 {
		t.Fatalf("focus %d, offsets %d/%d", h.m.focus, h.m.current.req.offset, h.m.current.resp.offset)
	}
}

func TestBackgroundColourPicksStyles(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	if cmd := h.m.Init(); cmd == nil {
		t.Fatal("Init does not ask for the background colour")
	}
	dark := h.m.styles.Value.GetForeground()
	h.send(tea.BackgroundColorMsg{Color: whiteColor{}})
	if h.m.styles.Value.GetForeground() == dark {
		t.Fatal("a light background did not switch to light styles")
	}
}

type whiteColor struct{}

func (whiteColor) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestProfileThatFailsToOpenSaysWhy(t *testing.T) {
	p := newPeer(t)
	open := func(name string) (Session, error) {
		return Session{}, errFromReason(`read private key "prod.key": no such file`)
	}
	h := newHarness(t, Options{Session: p.session(t, "default"), Profiles: []string{"prod"}, Open: open}, 80, 24)
	h.key("esc", "p")
	h.mustSee("● default", "prod") // the active profile is offered even when not configured
	h.key("down", "enter")
	if h.m.session.Client.Profile().Name != "default" || !strings.Contains(h.status(), `profile prod: read private key "prod.key"`) {
		t.Fatalf("profile %s, status %q", h.m.session.Client.Profile().Name, h.status())
	}
}

func TestMintAuthBaseCode(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.key("esc", "M")
	if !strings.Contains(h.status(), "auth_base") {
		t.Fatalf("status %q", h.status())
	}
	h.key("enter", "u")
	tr := h.m.current.trace
	if tr.Method != gateway.MethodUserInfo || tr.Outcome != gateway.OutcomeGatewayError {
		t.Fatalf("user info with an auth_base token: %s %s", tr.Method, tr.Outcome)
	}
}

func TestQuitDuringACallRecordsItFirst(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: store}, 80, 24)
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultDelay, Delay: time.Minute})
	h.key("ctrl+n")
	_, cmd := h.m.Update(keyMsg("enter"))
	h.key("ctrl+c")
	if h.quit || !strings.Contains(h.status(), "recording it, then quitting") {
		t.Fatalf("quit at once with a call under way (status %q)", h.status())
	}
	h.run(cmd) // the cancelled call returns, is recorded, and the console quits
	if !h.quit {
		t.Fatal("the console did not quit once the call was recorded")
	}
	if got := records(t, store); len(got) != 1 || got[0].Outcome != gateway.OutcomeTransportError {
		t.Fatalf("history holds %+v", got)
	}
}

// A network failure reads as what happened and what to do, the same advice
// the command line gives, with Go's error text only as the details.
func TestTransportFailureSaysWhatToDo(t *testing.T) {
	p := newPeer(t)
	cases := []struct {
		name  string
		arm   *emulator.Fault
		edit  func(*gateway.Profile)
		kind  gateway.TransportKind
		words string
	}{
		{"html", &emulator.Fault{Kind: emulator.FaultHTML, Status: 502}, nil, gateway.TransportHTML, "something other than the gateway answered"},
		{"reset", &emulator.Fault{Kind: emulator.FaultReset}, nil, gateway.TransportReset, "the connection broke"},
		{"refused", nil, func(pr *gateway.Profile) { pr.Gateway = "http://127.0.0.1:1/gateway.do" }, gateway.TransportRefused, "nothing answers at that address"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var edit []func(*gateway.Profile)
			if c.edit != nil {
				edit = append(edit, c.edit)
			}
			h := newHarness(t, Options{Session: p.session(t, "default", edit...)}, 100, 40)
			if c.arm != nil {
				p.emu.Arm(*c.arm)
			}
			tr := h.exchange()
			if tr.Transport == nil || tr.Transport.Kind != c.kind {
				t.Fatalf("transport failure %+v, want %s", tr.Transport, c.kind)
			}
			h.mustSee("NO USABLE ANSWER", "what to do", c.words, "details")
			if !strings.HasPrefix(h.status(), "✗ exchange, no answer: "+c.kind.Hint()) {
				t.Errorf("status %q does not lead with what happened and what to do", h.status())
			}
		})
	}
}

// Sizes and offsets describe the bytes received: masking shortens the
// tokens on screen, never the counts, and v does not change them.
func TestByteCountsAreOfTheRealBody(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 120, 200)
	tr := h.exchange()
	n := len(tr.Response.Body)
	if got := tr.Response.Headers["content-length"]; got != "" && got != strconv.Itoa(n) {
		t.Fatalf("content-length %s, body %d bytes", got, n)
	}
	v := tr.Verification
	want := []string{"BODY (" + formatCount(n) + " bytes)", "· " + formatCount(n) + " bytes",
		"bytes " + formatCount(v.Start) + "–" + formatCount(v.End) + " of the raw body"}
	h.mustSee(want...)
	if len(h.m.current.body.text) >= n {
		t.Fatal("the masked body is not shorter than the real one, so this test proves nothing")
	}
	h.key("v")
	h.mustSee(want...)
	h.key("b")
	h.mustSee(append(want, "RAW BODY")...)
}

// b switches the body between pretty JSON and the raw bytes; the signed
// content stays marked in both, and both can be searched.
func TestBodyPrettyAndRaw(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 200, 120)
	tr := h.exchange()
	h.mustSee("pretty JSON · b shows the raw bytes", `"alipay_system_oauth_token_response": {`, `"expires_in": 1296000,`)
	h.key("b")
	h.mustSee("RAW BODY", "b shows it as pretty JSON", `{"alipay_system_oauth_token_response":{"access_token":`)
	h.mustNotSee(`"expires_in": 1296000,`)
	raw := h.view()
	h.key("b")
	pretty := h.view()
	for _, v := range []string{raw, pretty} {
		if !strings.Contains(v, "▌") {
			t.Fatal("the signed content is not marked")
		}
	}
	// The pretty body is searchable like any pane.
	h.key("/")
	h.typeText(`"open_id": "` + tr.Tokens.OpenID[:8])
	h.key("enter")
	if len(h.m.search.matches) != 1 {
		t.Fatalf("%d matches of the open_id member in the pretty body", len(h.m.search.matches))
	}
	// A body that is not JSON is shown raw, and b says nothing about JSON.
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultHTML, Status: 502})
	h.key("m", "enter")
	h.mustSee("RAW BODY", "<html")
	h.mustNotSee("pretty JSON")
}

// Keys are offered only where they can work: no minting away from the
// emulator, no user info after an auth_base exchange.
func TestOnlyWhatCanWorkIsOffered(t *testing.T) {
	p := newPeer(t)
	custom := p.session(t, "custom", func(pr *gateway.Profile) { pr.Emulator = false })
	h := newHarness(t, Options{Session: custom}, 200, 50)
	h.mustNotSee("m mint", "ctrl+n", "m mints")
	h.key("?")
	h.mustNotSee("mint")
	h.key("esc", "i")
	h.mustNotSee("ctrl+n")
	h.key("esc", "m")
	if !strings.Contains(h.status(), "minting codes needs the emulator") {
		t.Fatalf("m on a custom gateway: %q", h.status())
	}

	h = newHarness(t, Options{Session: p.session(t, "default")}, 200, 50)
	h.key("M", "enter")
	if tr := h.m.current.trace; tr.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("auth_base exchange: %s", h.status())
	}
	if strings.Contains(h.status(), "u fetches") {
		t.Errorf("after an auth_base exchange the hint offers u: %q", h.status())
	}
	h.mustNotSee("u user info")
	h.mustSee("r refresh")
	h.key("r")
	h.mustNotSee("u user info") // refreshed tokens keep their scope
	h.key("m", "enter")
	if !strings.Contains(h.status(), "u fetches user info") {
		t.Errorf("after an auth_user exchange the hint does not offer u: %q", h.status())
	}
	h.mustSee("u user info")
}

// While a call is under way the previous result is marked stale and
// faded, in words and with the faint attribute that survives NO_COLOR.
func TestPreviousResultIsStaleDuringACall(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.exchange()
	h.mustNotSee("STALE")
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultDelay, Delay: time.Minute})
	_, cmd := h.m.Update(keyMsg("r"))
	if h.m.call == nil {
		t.Fatal("no call under way")
	}
	h.mustSee("REQUEST · STALE", "RESPONSE · SUCCESS · STALE")
	if !regexp.MustCompile(`\x1b\[2[;m]`).MatchString(h.m.View().Content) {
		t.Error("the stale panes are not drawn faint")
	}
	h.key("esc")
	h.run(cmd)
	h.mustNotSee("STALE")
}

// The help box keeps its width while it scrolls, and lists f1 and the keys
// that work while typing.
func TestHelpKeepsItsWidthAndListsTypingKeys(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.key("?")
	var widths []int
	var seen strings.Builder
	for range 40 {
		lines := strings.Split(h.view(), "\n")
		for _, l := range lines {
			if strings.Contains(l, "╭") {
				widths = append(widths, strings.Index(l, "╮")-strings.Index(l, "╭"))
			}
		}
		seen.WriteString(h.view())
		h.key("down")
	}
	for _, w := range widths {
		if w != widths[0] {
			t.Fatalf("the help box changes width while scrolling: %v", widths)
		}
	}
	for _, want := range []string{"While typing a code", "f1", "done typing", "to the panes", "message log"} {
		if !strings.Contains(seen.String(), want) {
			t.Errorf("the help does not list %q", want)
		}
	}
}

// The profile picker marks a profile that cannot be opened and says why;
// its key bar and its own words agree.
func TestProfilePickerMarksBrokenProfiles(t *testing.T) {
	p := newPeer(t)
	check := func(name string) ProfileCheck {
		if name == "prod" {
			return ProfileCheck{About: "v2 · production · app 2021", Problem: `read private key "prod.key": no such file`}
		}
		return ProfileCheck{About: "v2 · the built-in emulator (not Alipay)"}
	}
	h := newHarness(t, Options{Session: p.session(t, "default"), Profiles: []string{"default", "prod"}, Check: check,
		Open: func(string) (Session, error) { return Session{}, errFromReason("no") }}, 80, 24)
	h.key("p")
	h.mustSee("prod  ✗ cannot be opened", `read private key "prod.key"`, "the built-in emulator", "enter switches", "enter switch ")
}

// When the profile asked for cannot be opened, the console runs the demo
// with the problem shown and the picker open.
func TestBrokenStartupProfileOpensThePicker(t *testing.T) {
	p := newPeer(t)
	check := func(name string) ProfileCheck {
		if name == "sandbox" {
			return ProfileCheck{Problem: "no such file"}
		}
		return ProfileCheck{}
	}
	h := newHarness(t, Options{Session: p.session(t, "demo"), Profiles: []string{"demo", "sandbox"}, Check: check,
		OpenError: errFromReason(`profile sandbox: read private key "~/alipay/app.key": no such file`)}, 80, 24)
	h.run(h.m.Init())
	if h.m.overlay != overlayProfiles {
		t.Fatal("the picker is not open")
	}
	h.mustSee("sandbox  ✗ cannot be opened", "profile demo")
	if h.m.status.kind != statusError || !strings.Contains(h.status(), "profile sandbox") || !strings.Contains(h.status(), "running demo meanwhile") {
		t.Fatalf("status %q", h.status())
	}
	h.key("esc")
	h.exchange()
	if h.m.current.trace.Outcome != gateway.OutcomeSuccess {
		t.Fatal("the demo does not work")
	}
}

// / searches the focused pane: every match highlighted, the count in the
// pane's title, n and N moving between them and scrolling to each, esc
// clearing the search.
func TestSearchInsideAPane(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.exchange()
	h.key("/")
	if !h.m.search.typing {
		t.Fatal("/ did not open the search prompt")
	}
	h.typeText("TOKEN_RESPONSE")
	n := len(h.m.search.matches)
	if n < 2 {
		t.Fatalf("%d matches of the node name in the response pane, want it in the verification and the body", n)
	}
	h.key("enter")
	h.mustSee("/TOKEN_RESPONSE 1/"+formatCount(n), "match 1 of "+formatCount(n))
	if !strings.Contains(h.m.View().Content, h.m.styles.MatchCurrent.Render("token_response")) {
		t.Error("the current match is not highlighted")
	}
	first := h.m.current.resp.offset
	h.key("n")
	if h.m.search.current != 1 {
		t.Fatalf("n: current match %d", h.m.search.current)
	}
	h.mustSee("/TOKEN_RESPONSE 2/" + formatCount(n))
	m := h.m.search.matches[1]
	rows := h.m.paneRows(focusResponse)
	if off := h.m.current.resp.offset; m.line < off || m.line >= off+rows {
		t.Fatalf("n did not scroll to the match on line %d (pane at %d, was %d)", m.line, off, first)
	}
	h.key("N")
	if h.m.search.current != 0 {
		t.Fatalf("N: current match %d", h.m.search.current)
	}
	h.key("esc")
	h.mustNotSee("/TOKEN_RESPONSE")
	if h.m.search.query != "" || h.m.focus == focusInput {
		t.Fatal("esc did not clear the search (or entered the input)")
	}
	// A search follows the focus to the other pane.
	h.key("tab", "/")
	h.typeText("grant_type")
	h.key("enter")
	if len(h.m.search.matches) == 0 || h.m.search.target != &h.m.current.req {
		t.Fatal("the request pane was not searched")
	}
	h.key("/")
	h.typeText("no such text")
	h.key("enter")
	if !strings.Contains(h.status(), "no match") {
		t.Fatalf("status %q", h.status())
	}
}

func click(x, y int) tea.MouseClickMsg {
	return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft}
}

func wheel(x, y int, down bool) tea.MouseWheelMsg {
	b := tea.MouseWheelUp
	if down {
		b = tea.MouseWheelDown
	}
	return tea.MouseWheelMsg{X: x, Y: y, Button: b}
}

// rowOf finds the screen row showing text.
func rowOf(t *testing.T, h *harness, text string) int {
	t.Helper()
	for i, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, text) {
			return i
		}
	}
	t.Fatalf("%q is not on screen:\n%s", text, h.view())
	return -1
}

// rowStarting finds the screen row that starts with text.
func rowStarting(t *testing.T, h *harness, text string) int {
	t.Helper()
	for i, l := range strings.Split(h.view(), "\n") {
		if strings.HasPrefix(l, text) {
			return i
		}
	}
	t.Fatalf("no row starts with %q:\n%s", text, h.view())
	return -1
}

// The wheel scrolls the pane under the pointer, a click focuses a pane,
// picks a menu item, and selects then opens a history row.
func TestMouse(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), History: store, Profiles: []string{"default", "rest"},
		Open: func(string) (Session, error) { return p.session(t, "rest", v3), nil }}, 200, 30)
	if h.m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal("the console does not ask for the mouse")
	}
	tr := h.exchange()
	// Side by side: the request pane is on the left, the response on the right.
	y := rowOf(t, h, "REQUEST") + 3
	h.send(wheel(150, y, true))
	if h.m.current.resp.offset != wheelLines || h.m.current.req.offset != 0 {
		t.Fatalf("the wheel over the response scrolled req %d, resp %d", h.m.current.req.offset, h.m.current.resp.offset)
	}
	h.send(wheel(10, y, true))
	if h.m.current.req.offset != wheelLines {
		t.Fatalf("the wheel over the request scrolled it to %d", h.m.current.req.offset)
	}
	h.send(click(10, y))
	if h.m.focus != focusRequest {
		t.Fatalf("a click on the request pane left the focus on %d", h.m.focus)
	}
	h.send(click(10, rowOf(t, h, "› ")))
	if h.m.focus != focusInput {
		t.Fatal("a click on the input did not focus it")
	}
	h.key("esc")

	// A click on a copy menu item copies it; a click outside closes a menu.
	h.key("c")
	h.send(click(100, rowOf(t, h, "request as curl")))
	if h.m.overlay != overlayNone || !strings.HasPrefix(h.clip.last(), "curl ") {
		t.Fatalf("the click copied %q", h.clip.last())
	}
	h.key("c")
	h.send(click(0, 0))
	if h.m.overlay != overlayNone {
		t.Fatal("a click outside the menu did not close it")
	}
	// A click on a profile switches to it.
	h.key("p")
	h.send(click(100, rowOf(t, h, "  rest")))
	if h.m.session.Client.Profile().Name != "rest" {
		t.Fatalf("the click did not switch profiles: %s", h.status())
	}

	// History: a click selects a row, a second click opens it. A newer
	// call puts the cursor on another row first.
	h.exchange()
	h.key("h", "tab")
	if s, _ := h.m.hist.selectedSummary(); s.ID == tr.ID {
		t.Fatal("the cursor starts on the row the test clicks")
	}
	row := rowStarting(t, h, " #"+formatCount(int(tr.ID))+" ")
	h.send(click(20, row))
	if s, _ := h.m.hist.selectedSummary(); s.ID != tr.ID {
		t.Fatalf("the click selected #%d", s.ID)
	}
	h.send(wheel(20, row, false))
	h.send(wheel(20, row, true))
	h.send(click(20, rowStarting(t, h, " #"+formatCount(int(tr.ID))+" ")))
	if h.m.screen != screenDetail || h.m.detail.trace.ID != tr.ID {
		t.Fatalf("the second click did not open #%d", tr.ID)
	}
}

// Stacked panes: the wheel scrolls the one under the pointer there too.
func TestMouseWheelOnStackedPanes(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.exchange()
	h.send(wheel(10, rowOf(t, h, "RESPONSE")+2, true))
	if h.m.current.resp.offset != wheelLines || h.m.current.req.offset != 0 {
		t.Fatalf("req %d, resp %d", h.m.current.req.offset, h.m.current.resp.offset)
	}
	h.send(wheel(10, rowOf(t, h, "REQUEST")+1, true))
	if h.m.current.req.offset != wheelLines {
		t.Fatalf("req %d", h.m.current.req.offset)
	}
}

// In emulator mode f opens the fault menu: each fault the emulator knows,
// armed from the console for as many answers as asked, and disarmed.
func TestFaultMenuArmsTheEmulator(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 60, 15)
	h.key("f")
	if h.m.overlay != overlayFaults {
		t.Fatal("f did not open the fault menu")
	}
	for _, k := range []string{"delay", "status", "html", "truncate", "bad-sign", "no-sign", "reset", "escaped-slash"} {
		found := false
		for _, c := range faultChoices {
			found = found || c.kind == k
		}
		if !found {
			t.Errorf("the menu lacks %s", k)
		}
	}
	h.mustSee("Emulator faults", "bad-sign")
	h.key("+", "b")
	if !strings.Contains(h.status(), "armed: bad-sign for the next 2 answers") {
		t.Fatalf("status %q", h.status())
	}
	for range 2 {
		if tr := h.exchange(); tr.Outcome != gateway.OutcomeUntrusted {
			t.Fatalf("with bad-sign armed the outcome is %s", tr.Outcome)
		}
	}
	if tr := h.exchange(); tr.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("the fault outlived its count: %s", tr.Outcome)
	}
	// A value is picked with the arrows: status 503.
	h.key("f", "up", "up", "up", "right", "enter") // from bad-sign, where the cursor stayed
	if !strings.Contains(h.status(), "armed: status 503 for the next 2 answers") {
		t.Fatalf("status %q", h.status())
	}
	h.key("f", "x")
	if tr := h.exchange(); tr.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("x did not disarm: %s", tr.Outcome)
	}
	// Away from the emulator there is no fault menu.
	custom := newHarness(t, Options{Session: p.session(t, "custom", func(pr *gateway.Profile) { pr.Emulator = false })}, 80, 24)
	custom.key("f")
	if custom.m.overlay != overlayNone || !strings.Contains(custom.status(), "faults are the emulator's") {
		t.Fatalf("f on a custom gateway: %q", custom.status())
	}
	custom.key("?")
	custom.mustNotSee("emulator faults")
}

// o hands the focused pane's content to $PAGER: the body from the response
// pane, the whole trace from the request pane, secrets masked unless
// revealed; the file is removed once the pager exits.
func TestOpenInThePager(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "seen")
	script := filepath.Join(dir, "pager.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncp \"$1\" \""+out+"\"\necho \"$1\" > \""+out+".path\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PAGER", script)
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 80, 24)
	h.m.exec = func(c *exec.Cmd, done tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return done(c.Run()) }
	}
	tr := h.exchange()
	seen := func() string {
		t.Helper()
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		path, _ := os.ReadFile(out + ".path")
		if _, err := os.Stat(strings.TrimSpace(string(path))); !os.IsNotExist(err) {
			t.Errorf("the file for the pager was left behind: %v", err)
		}
		return string(data)
	}
	h.key("o")
	body := seen()
	if !strings.Contains(body, "\n  \"alipay_system_oauth_token_response\": {") || strings.Contains(body, tr.Tokens.AccessToken) ||
		!strings.Contains(body, gateway.Mask(tr.Tokens.AccessToken)) {
		t.Fatalf("the pager got:\n%s", body)
	}
	if !strings.Contains(h.status(), "back from "+script) {
		t.Errorf("status %q", h.status())
	}
	h.key("tab", "v", "o")
	var trace gateway.Trace
	if err := json.Unmarshal([]byte(seen()), &trace); err != nil {
		t.Fatalf("the request pane did not open the trace as JSON: %v", err)
	}
	if trace.Tokens.AccessToken != tr.Tokens.AccessToken {
		t.Error("after v the trace opened still masks the tokens")
	}
	t.Setenv("PAGER", filepath.Join(dir, "no-such-pager"))
	t.Setenv("EDITOR", "")
	h.key("o")
	if h.m.status.kind != statusError || !strings.Contains(h.status(), "set $PAGER or $EDITOR") {
		t.Fatalf("a missing pager: status %q", h.status())
	}
}
