package ui

import (
	"context"
	"encoding/json"
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
		"ctrl+n mints an auth code", "enter exchange")
	if h.m.focus != focusInput {
		t.Fatalf("focus %d, want the input so a paste or typing lands there", h.m.focus)
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
				"RAW BODY", "▌", "trace id", "https://open.alipay.com/api/errCheck?traceId=")
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
	h.mustSee("ERROR", "isv.code-invalid", "What it means", "What to do", "single-use")
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
	h := newHarness(t, Options{Session: s}, 120, 80)
	h.exchange()
	tr := h.m.current.trace
	if tr.Error == nil || tr.Error.SubCode != "isv.invalid-signature" || tr.Error.SignatureDiff == nil {
		t.Fatalf("want isv.invalid-signature with a diff, got %s %+v", tr.Outcome, tr.Error)
	}
	h.mustSee("Strings to sign compared", "the gateway's", "aliauth's", "identical")
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
			h.key("esc") // the paste lands in the input whatever has the focus
			h.send(tea.PasteMsg{Content: c.paste})
			if got := h.m.input.Value(); got != c.code {
				t.Fatalf("input %q, want %q", got, c.code)
			}
			if h.m.focus != focusInput || !strings.Contains(h.status(), "pasted "+c.kind) {
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
	h.mustSee("NO USABLE ANSWER", "cancelled before the gateway answered", "What to do", "get a new one")
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
		{"a", tr.Tokens.AccessToken, "copied access token (masked on screen) to the system clipboard"},
		{"r", tr.Tokens.RefreshToken, "copied refresh token (masked on screen)"},
		{"i", tr.Tokens.OpenID, "copied open id"},
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
	for _, want := range []string{"via OSC 52", "SSH session without a forwarded display", "masked on screen"} {
		if !strings.Contains(h.status(), want) {
			t.Errorf("status %q does not say %q", h.status(), want)
		}
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
	h.key("?") // typed into the input, which has the focus
	if h.m.overlay != overlayNone {
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
	h.key("q")
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
	h.mustSee("RAW BODY")
	h.key("home", "tab", "tab", "pgdown")
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
// the command line gives, never raw Go error text alone.
func TestTransportFailureSaysWhatToDo(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default")}, 100, 40)
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultHTML, Status: 502})
	tr := h.exchange()
	if tr.Transport == nil || tr.Transport.Kind != gateway.TransportHTML {
		t.Fatalf("transport failure %+v", tr.Transport)
	}
	h.mustSee("NO USABLE ANSWER", "What to do", "something other than the gateway answered")
}
