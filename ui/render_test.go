package ui

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
)

// loadTrace reads a recorded trace (the --json shape): the console's own
// in testdata/traces, else one shared with the command line's tests.
func loadTrace(t testing.TB, name string) *gateway.Trace {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "traces", name))
	if os.IsNotExist(err) {
		data, err = os.ReadFile(filepath.Join("..", "gateway", "testdata", "traces", name))
	}
	if err != nil {
		t.Fatal(err)
	}
	var tr gateway.Trace
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	return &tr
}

// showing is a console showing a trace, with the clock a minute after it.
func showing(t testing.TB, tr *gateway.Trace, width, height int, edit ...func(*Options)) *harness {
	t.Helper()
	// The session only draws the header: it points at a fixed address so
	// the screens are the same on every run.
	p := &peer{emu: newPeer(t).emu, url: "http://127.0.0.1:47391"}
	now := tr.Time.Add(time.Minute)
	opts := Options{Session: p.session(t, "default"), Now: func() time.Time { return now }}
	for _, f := range edit {
		f(&opts)
	}
	h := newHarness(t, opts, width, height)
	h.send(callDoneMsg{req: callRequest{kind: callExchange, from: "input"}, trace: tr, view: newTraceView(tr, false)})
	return h
}

// screenText is the view without styling and with the emulator's random port
// replaced, for golden files.
func screenText(h *harness) string {
	v := ansi.Strip(h.m.View().Content)
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestNoTraceBreaksTheScreen draws traces with every part missing or odd;
// none may panic or draw past the screen.
func TestNoTraceBreaksTheScreen(t *testing.T) {
	ok := loadTrace(t, "exchange_v2.json")
	gbk := loadTrace(t, "code_invalid_v2.json")
	gbk.Response.Body = []byte("{\"error_response\":{\"code\":\"40004\",\"sub_msg\":\"\xd6\xa7\xb8\xb6\xb1\xa6\"},\"sign\":\"x\"}")
	gbk.Verification.Start = len(`{"error_response":`)
	gbk.Verification.End = bytes.Index(gbk.Response.Body, []byte(`,"sign"`))
	escapes := loadTrace(t, "exchange_v2.json")
	escapes.Response.Body = []byte("{\"x\":\"\x1b[2J\x1b]52;c;aGk=\x07\tEND\"}\r\n")
	escapes.Verification.Start, escapes.Verification.End = 5, 9999 // out of range
	traces := map[string]*gateway.Trace{
		"transport": {Method: gateway.MethodOAuthToken, Outcome: gateway.OutcomeTransportError, TransportError: "dial tcp 127.0.0.1:1: connection refused",
			Request: gateway.Request{HTTPMethod: "POST", URL: "http://127.0.0.1:1/gateway.do"}},
		"dry run": {Method: gateway.MethodOAuthToken, Outcome: gateway.OutcomeDryRun, DryRun: true,
			Request: gateway.Request{HTTPMethod: "POST", URL: "https://openapi.alipay.com/gateway.do", StringToSign: "a=b", Sign: "c2ln"}},
		"html": {Method: gateway.MethodOAuthToken, Outcome: gateway.OutcomeTransportError, TransportError: "the server answered HTTP 502 with an HTML page",
			Response: &gateway.Response{Status: 502, Body: []byte("<html><body><h1>502 Bad Gateway</h1></body></html>")}},
		"empty body":  {Outcome: gateway.OutcomeTransportError, Response: &gateway.Response{Status: 200}},
		"zero":        {},
		"gbk":         gbk,
		"escapes":     escapes,
		"v3 no auth":  {Protocol: gateway.V3, Request: gateway.Request{Headers: map[string]string{"authorization": "garbage"}, StringToSign: "\n\n\n"}},
		"permanent":   {Outcome: gateway.OutcomeSuccess, Tokens: &gateway.Tokens{AccessToken: "short", Permanent: true}},
		"tokens only": {Outcome: gateway.OutcomeSuccess, Tokens: ok.Tokens, Error: &gateway.APIError{SignatureDiff: &gateway.SignatureDiff{Gateway: "a=1", Local: "a=2", Offset: 2}}},
	}
	for name, tr := range traces {
		for _, size := range [][2]int{{80, 24}, {200, 50}, {60, 16}} {
			h := showing(t, tr, size[0], size[1])
			for _, k := range []string{"end", "tab", "end", "v", "c"} {
				h.key(k)
				lines := strings.Split(h.m.View().Content, "\n")
				if len(lines) > size[1] {
					t.Errorf("%s at %dx%d after %s: %d lines", name, size[0], size[1], k, len(lines))
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > size[0] {
						t.Errorf("%s at %dx%d after %s: line %d is %d wide", name, size[0], size[1], k, i, w)
					}
					if strings.Contains(l, "\x1b]52") || strings.Contains(l, "\x1b[2J") {
						t.Fatalf("%s: a control sequence from the body reached the terminal", name)
					}
				}
			}
		}
	}
	h := showing(t, gbk, 120, 40)
	h.key("end")
	h.mustSee("支付宝", "decoded from GBK, verified over")
	b := h.m.current.body
	if marked := b.text[b.markFrom:b.markTo]; marked != `{"code":"40004","sub_msg":"支付宝"}` {
		t.Errorf("marked %q", marked)
	}
}

func TestResizeKeepsEverythingOnScreen(t *testing.T) {
	h := showing(t, loadTrace(t, "exchange_v3.json"), 200, 50)
	for _, size := range [][2]int{{80, 24}, {61, 17}, {300, 80}, {119, 30}, {120, 30}, {30, 8}, {100, 24}} {
		h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(h.m.View().Content, "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: line %d is %d wide", size[0], size[1], i, w)
			}
		}
	}
}

// Every pop-up fits the window it is drawn in, down to 60x15: its box is
// whole (both corners of its top and bottom), no line is wider than the
// screen, and nothing is cut but what scrolls.
func TestPopupsFitTheWindow(t *testing.T) {
	long := "sandbox-profile-with-a-name-far-longer-than-any-popup-could-show-on-one-line"
	for _, size := range [][2]int{{60, 15}, {61, 16}, {80, 24}, {200, 50}} {
		for _, keys := range [][]string{{"?"}, {"?", "end"}, {"c"}, {"p"}} {
			h := showing(t, loadTrace(t, "exchange_v2.json"), size[0], size[1])
			h.m.opts.Profiles = []string{"default", long}
			h.key(keys...)
			if h.m.overlay == overlayNone {
				t.Fatalf("%v opened no pop-up", keys)
			}
			lines := strings.Split(h.view(), "\n")
			if len(lines) > size[1] {
				t.Errorf("%dx%d %v: %d lines", size[0], size[1], keys, len(lines))
			}
			top, bottom := -1, -1
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d %v: line %d is %d wide", size[0], size[1], keys, i, w)
				}
				if strings.Contains(l, "╭") && strings.Contains(l, "╮") {
					top = i
				}
				if strings.Contains(l, "╰") && strings.Contains(l, "╯") {
					bottom = i
				}
			}
			if top < 0 || bottom <= top {
				t.Fatalf("%dx%d %v: the box is not whole:\n%s", size[0], size[1], keys, h.view())
			}
			if keys[0] == "p" && size[0] >= 80 {
				h.mustSee(long[:40])
			}
		}
	}
	// A delete confirmation with a long description wraps inside its box.
	h := showing(t, loadTrace(t, "exchange_v2.json"), 60, 15)
	h.m.confirmDelete(123456789)
	lines := strings.Split(h.view(), "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("confirm: line %d is %d wide", i, w)
		}
	}
	h.mustSee("Delete from history?", "y deletes it for good")
}

// The diagnosis link is one line, never wrapped, and an OSC 8 hyperlink to
// the whole URL even where the pane cuts it; a link the gateway could use
// to smuggle a control sequence is drawn as text only.
func TestDiagnosisLinkIsAHyperlink(t *testing.T) {
	tr := loadTrace(t, "exchange_v2.json")
	url := tr.Response.DiagnosisURL
	for _, width := range []int{60, 80, 200} {
		h := showing(t, tr, width, 120)
		h.key("end", "/")
		h.typeText("diagnosis")
		h.key("enter")
		view := h.m.View().Content
		if !strings.Contains(view, "\x1b]8;;"+url+"\x1b\\") && !strings.Contains(view, "\x1b]8;;"+url+"\a") {
			t.Errorf("%d wide: no OSC 8 link to %s", width, url)
		}
		lines := strings.Split(h.view(), "\n")
		for i, l := range lines {
			if strings.Contains(l, "diagnosis") && i+1 < len(lines) && strings.Contains(lines[i+1], "source=sdk") && !strings.Contains(l, "source=sdk") {
				t.Errorf("%d wide: the link is wrapped:\n%s\n%s", width, l, lines[i+1])
			}
		}
	}
	evil := loadTrace(t, "exchange_v2.json")
	evil.Response.DiagnosisURL = "https://open.alipay.com/x\x1b]52;c;aGk=\x07"
	h := showing(t, evil, 200, 120)
	h.key("end")
	if strings.Contains(h.m.View().Content, "\x1b]52") || strings.Contains(h.m.View().Content, "\x1b]8;;https://open.alipay.com/x\x1b]") {
		t.Fatal("a control sequence in the link reached the terminal")
	}
}

// hostile is text a gateway controls that a terminal would obey: a
// clipboard write and a window title (OSC), a screen clear, a carriage
// return, a bidirectional override, an 8-bit CSI.
const hostile = "\x1b]52;c;SGFja2Vk\x07\x1b]0;PWNED\x07\x1b[2J\r\u202e\u009b31m"

// ownHyperlink is an OSC 8 hyperlink the console draws itself: a link to a
// URL of printable characters, or the end of one.
var ownHyperlink = regexp.MustCompile("\x1b\\]8;[^;\x00-\x1f\x7f]*;(https?://[\x21-\x7e]+)?(\x1b\\\\|\x07)")

// terminalControl finds what would reach the terminal as a control
// sequence of the gateway's in a rendered view: OSC, BEL, a screen clear,
// CR, an override, C1. The view's own styling (SGR) and its own
// hyperlinks to printable URLs are allowed.
func terminalControl(view string) string {
	view = ownHyperlink.ReplaceAllString(view, "")
	for _, bad := range []string{"\x1b]", "\x07", "\x1b[2J", "\r", "\u202e", "\u009b"} {
		if strings.Contains(view, bad) {
			return bad
		}
	}
	return ""
}

// TestGatewayTextCannotControlTheTerminal draws a trace whose every
// gateway-controlled string carries control sequences, result member names
// and header names included, in every pane and scroll position.
func TestGatewayTextCannotControlTheTerminal(t *testing.T) {
	tr := loadTrace(t, "code_invalid_v2.json")
	tr.Error.SubMsg = "bad " + hostile
	tr.Error.Msg = hostile
	tr.Error.SubCode = "isv." + hostile
	tr.Warnings = append(tr.Warnings, hostile)
	tr.Response.Headers["x-evil"+hostile] = hostile
	tr.Response.Headers["trace_id"] = hostile
	tr.Response.TraceID = hostile
	tr.Response.Body = []byte(`{"error_response":{"code":"40002","sub_msg":"` + hostile + `"},"sign":"x"}`)
	ok := loadTrace(t, "exchange_v2.json")
	ok.Result = json.RawMessage(`{"nick_name":"\u001b]52;c;SGFja2Vk\u0007","\u001b]0;PWNED\u0007":"x","avatar":"\u001b[2J"}`)
	ok.Tokens.AccessToken = "authusrB\x1b]0;PWNED\x07" + strings.Repeat("a", 30)
	ok.Tokens.UserID = hostile
	ok.Verification.Detail = hostile
	for name, tr := range map[string]*gateway.Trace{"error": tr, "success": ok} {
		h := showing(t, tr, 120, 40)
		for _, k := range []string{"", "end", "tab", "end", "tab", "end", "v", "home", "end"} {
			if k != "" {
				h.key(k)
			}
			if bad := terminalControl(h.m.View().Content); bad != "" {
				t.Fatalf("%s after %q: %q from the gateway reached the terminal", name, k, bad)
			}
		}
	}
}
