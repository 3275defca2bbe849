package ui

import (
	"context"
	"image"
	"image/color"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// loginSession is the peer's session with what the emulator offers for
// logging in: its AES key and payloads, and app_auth_codes.
func (p *peer) loginSession(t testing.TB, login LoginOptions) Session {
	t.Helper()
	s := p.session(t, "default")
	if login.AESKey == nil {
		login.AESKey = func() (gateway.AESKey, error) { return p.emu.AESKey(emulator.DemoAppID) }
	}
	login.PhonePayload = func(_ context.Context, c string) ([]byte, error) {
		return p.emu.PhonePayload(emulator.DemoAppID, "", emulator.PhoneCase(c))
	}
	login.OpenUserInfoPayload = func(_ context.Context, c string) ([]byte, error) {
		return p.emu.OpenUserInfoPayload("", emulator.OpenUserInfoCase(c))
	}
	login.MintAppAuthCode = func(context.Context) (string, error) {
		return p.emu.MintDemoAppAuthCode(emulator.DemoAppID)
	}
	s.Login = login
	return s
}

// startAuthorizing presses a key that starts an authorization and runs the
// commands up to the wait for the redirect, which it returns unrun: the
// test plays the browser first.
func (h *harness) startAuthorizing(keys ...string) tea.Cmd {
	h.t.Helper()
	var wait tea.Cmd
	for i, name := range keys {
		_, cmd := h.m.Update(keyMsg(name))
		if i < len(keys)-1 {
			h.run(cmd)
			continue
		}
		for _, msg := range collect(h.t, cmd) {
			_, next := h.m.Update(msg)
			if next != nil {
				wait = next
			}
		}
	}
	a := h.m.login.authorize
	if a == nil || !a.started || a.err != nil {
		h.t.Fatalf("the authorization did not start: %+v", a)
	}
	return wait
}

// collect runs a command and the batch it may be, and returns the messages.
func collect(t testing.TB, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(t, c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// browse does what a browser does on the emulator's authorization page:
// open it, agree, follow the redirect to the catcher. It returns the
// catcher's page.
func browse(t *testing.T, pageURL string, form url.Values) string {
	t.Helper()
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
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
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// a opens the authorization: the URL of the emulator's page, a forged
// redirect refused and shown, the user's agreement caught, and the code
// exchanged at once on the exchange screen and recorded.
func TestAuthorizePanelCatchesTheCodeAndExchangesIt(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.loginSession(t, LoginOptions{}), History: store}, 80, 24)
	wait := h.startAuthorizing("esc", "a")
	a := h.m.login.authorize
	u, _ := url.Parse(a.url)
	if u.Path != gateway.AuthorizePagePath || u.Query().Get("scope") != gateway.ScopeAuthUser || a.catcher == nil {
		t.Fatalf("authorization %s", a.url)
	}
	// 80x24 cannot hold the emulator URL's code: the URL is shown whole.
	h.mustSee("Authorize app "+emulator.DemoAppID, "auth_user", "enlarge the window", "waiting since", "esc close")
	if !strings.Contains(joinedText(h.view()), a.url) {
		t.Fatalf("the URL is not shown whole:\n%s", h.view())
	}

	resp, err := http.Get(a.redirect + "?auth_code=forged&state=other")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, msg := range collect(t, wait) {
		_, wait = h.m.Update(msg)
	}
	h.mustSee("✗ refused a redirect: the redirect's state does not match")
	if h.m.login.panel != loginAuthorize {
		t.Fatal("a refused redirect closed the panel")
	}

	if page := browse(t, a.url, url.Values{"user_id": {emulator.DemoUsers[2]}}); !strings.Contains(page, "Code received") {
		t.Fatalf("the catcher's page: %s", page)
	}
	h.run(wait)
	if h.m.login.panel != loginNone || h.m.current == nil {
		t.Fatalf("the panel is still open or nothing was exchanged; status %q", h.status())
	}
	tr := h.m.current.trace
	if tr.Outcome != gateway.OutcomeSuccess || tr.Tokens.UserID != emulator.DemoUsers[2] {
		t.Fatalf("%s %+v", tr.Outcome, tr.Tokens)
	}
	if !strings.Contains(h.status(), "redirect from the browser") || len(records(t, store)) != 1 {
		t.Fatalf("status %q, %d recorded", h.status(), len(records(t, store)))
	}
	if h.m.login.authorize != nil {
		t.Error("the authorization is kept after its code was used")
	}
}

// s switches scope, which starts a new authorization; esc closes it and
// its catcher stops listening.
func TestAuthorizePanelScopeAndClose(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.loginSession(t, LoginOptions{})}, 80, 24)
	h.startAuthorizing("esc", "a")
	first := h.m.login.authorize
	h.startAuthorizing("s")
	second := h.m.login.authorize
	if second.scope != gateway.ScopeAuthBase || !strings.Contains(second.url, "scope=auth_base") || second.gen == first.gen {
		t.Fatalf("s: %s", second.url)
	}
	if _, err := http.Get(first.redirect); err == nil {
		t.Error("the first authorization's catcher still listens")
	}
	h.key("esc")
	if h.m.login.panel != loginNone || h.m.login.authorize != nil {
		t.Fatal("esc did not close the authorization")
	}
	if _, err := http.Get(second.redirect); err == nil {
		t.Error("a closed authorization's catcher still listens")
	}
	// A start that finishes after its panel closed is stopped, not shown.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	late := startAuthorizeCmd(ctx, 99, h.m.session, false, gateway.ScopeAuthUser)().(authorizeStartedMsg)
	h.send(late)
	if h.m.login.panel != loginNone {
		t.Fatal("a late start reopened the panel")
	}
}

// The QR code on screen decodes to the URL where the window holds it, to
// the short link where only that fits (a redirect through a tunnel), and
// the URL is shown as text where neither fits.
func TestAuthorizePanelQRCodeFitsTheWindow(t *testing.T) {
	p := newPeer(t)
	cases := []struct {
		name          string
		login         LoginOptions
		width, height int
		want          string // what the code decodes to; "" for none
	}{
		{"200x50 whole URL", LoginOptions{}, 200, 50, "url"},
		{"80x24 short link", LoginOptions{RedirectURI: "https://tunnel.example.com/callback", Listen: "127.0.0.1:0"}, 80, 24, "https://tunnel.example.com/a"},
		{"60x15 none", LoginOptions{RedirectURI: "https://tunnel.example.com/callback", Listen: "127.0.0.1:0"}, 60, 15, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Options{Session: p.loginSession(t, c.login)}, c.width, c.height)
			h.startAuthorizing("esc", "a")
			defer h.key("esc")
			a := h.m.login.authorize
			code := qrOnScreen(h.view())
			switch {
			case c.want == "" && code != "":
				t.Fatalf("a code is drawn at %dx%d:\n%s", c.width, c.height, h.view())
			case c.want == "":
				h.mustSee("enlarge the window", "https://tunnel.example.com/a")
				return
			case code == "":
				t.Fatalf("no code on screen:\n%s", h.view())
			}
			want := c.want
			if want == "url" {
				want = a.url
			}
			if got := decodeScreen(t, code); got != want {
				t.Fatalf("the code decodes to %q, want %q", got, want)
			}
			for _, l := range strings.Split(h.view(), "\n") {
				if n := utf8.RuneCountInString(l); n != c.width {
					t.Fatalf("a line is %d cells wide in a %d-wide window: %q", n, c.width, l)
				}
			}
		})
	}
}

// decodeScreen reads a code drawn for a dark terminal, where the glyphs'
// ink is the code's light modules: it paints the code as a phone sees it,
// light modules light and dark ones dark, on light paper, and reads it as
// a pure barcode. (With a dark margin around it, the reader's finder
// misjudges about one version 8 code in five that zbar reads.)
func decodeScreen(t *testing.T, code string) string {
	t.Helper()
	lines := strings.Split(code, "\n")
	side := utf8.RuneCountInString(lines[0]) // the code is square
	const scale, margin = 4, 8
	img := image.NewGray(image.Rect(0, 0, (side+2*margin)*scale, (side+2*margin)*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	dark := func(col, row int) {
		for dy := range scale {
			for dx := range scale {
				img.SetGray((col+margin)*scale+dx, (row+margin)*scale+dy, color.Gray{})
			}
		}
	}
	for y, line := range lines {
		x := 0
		for _, r := range line {
			top, bottom := r == '█' || r == '▀', r == '█' || r == '▄'
			if !top {
				dark(x, 2*y)
			}
			if !bottom && 2*y+1 < side {
				dark(x, 2*y+1)
			}
			x++
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("the code on screen does not decode: %v\n%s", err, code)
	}
	return res.GetText()
}

// joinedText is a panel's text with its lines joined, so a URL wrapped
// over several lines reads whole.
func joinedText(view string) string {
	var b strings.Builder
	for _, l := range strings.Split(view, "\n") {
		b.WriteString(strings.TrimSpace(strings.Trim(l, "│╭╮╰╯─")))
	}
	return b.String()
}

// qrOnScreen cuts the QR code out of a panel: the lines of block glyphs,
// without the border and the centring.
func qrOnScreen(view string) string {
	var lines []string
	for _, l := range strings.Split(view, "\n") {
		inner := strings.TrimSpace(strings.Trim(l, "│"))
		if inner != "" && strings.Trim(inner, "█▀▄ ") == "" && strings.ContainsAny(inner, "█▀▄") {
			lines = append(lines, inner)
		}
	}
	return strings.Join(lines, "\n")
}

// P opens the payload screen: the emulator's phone payloads, each case
// verified, decrypted and explained; a pasted payload; a typed AES key
// that does not open it; my.getOpenUserInfo's answer. The AES key is never
// on screen.
func TestPayloadScreen(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.loginSession(t, LoginOptions{})}, 80, 24)
	h.key("esc", "P")
	aes, _ := p.emu.AESKey(emulator.DemoAppID)
	h.mustSee("Mini program payloads", "AES key", aes.Fingerprint(), "the emulator's")

	h.key("ctrl+n")
	h.mustSee("✓ PHONE NUMBER DECRYPTED · SIGNATURE VERIFIED", "mobile         13", "verified: SHA256withRSA matches the ciphertext in quotes")
	h.key("ctrl+n")
	h.mustSee("✗ my.getPhoneNumber ANSWERED AN ERROR", "40003 isv.invalid-auth-relations", "what it means")

	unquoted, err := p.emu.PhonePayload(emulator.DemoAppID, "", emulator.PhoneUnquoted)
	if err != nil {
		t.Fatal(err)
	}
	h.send(tea.PasteMsg{Content: string(unquoted)})
	h.mustSee("✗ UNTRUSTED · SIGNED OVER THE UNQUOTED CIPHERTEXT", "do NOT use it", "(pasted)")

	const wrong = "AAAAAAAAAAAAAAAAAAAAAA=="
	h.key("a")
	h.typeText(wrong)
	h.mustNotSee(wrong)
	h.key("enter")
	h.mustSee("✗ NOT DECRYPTED", "does not decrypt with this", "typed here")
	h.mustNotSee(wrong, aes.Reveal())

	h.key("ctrl+o")
	h.mustSee("my.getOpenUserInfo ANSWERED", "nickName", "never take it as proof")
	h.key("ctrl+o")
	h.mustSee("✗ my.getOpenUserInfo ANSWERED AN ERROR", "40003")

	h.send(tea.PasteMsg{Content: "not a payload"})
	h.mustSee("✗ NOT A MINI PROGRAM PAYLOAD")
	h.key("esc")
	if h.m.login.panel != loginNone {
		t.Fatal("esc did not close the payload screen")
	}
}

// Outside the emulator, with no AES key configured, the screen says how
// to give one and takes it typed.
func TestPayloadScreenWithoutAKey(t *testing.T) {
	p := newPeer(t)
	s := p.session(t, "sandbox", func(pr *gateway.Profile) { pr.Emulator = false })
	h := newHarness(t, Options{Session: s}, 80, 24)
	h.key("esc", "P")
	h.mustSee("no AES key is configured", "kept in memory only")
	h.key("ctrl+n")
	if !strings.Contains(h.status(), "only the emulator issues payloads") {
		t.Fatalf("status %q", h.status())
	}
	payload, _ := p.emu.PhonePayload(emulator.DemoAppID, "", emulator.PhoneOK)
	h.send(tea.PasteMsg{Content: string(payload)})
	h.mustSee("✗ NOT DECRYPTED", "no AES key")
	aes, _ := p.emu.AESKey(emulator.DemoAppID)
	h.key("a")
	h.send(tea.PasteMsg{Content: aes.Reveal() + "\n"})
	h.key("enter")
	h.mustSee("✓ PHONE NUMBER DECRYPTED")
	h.mustNotSee(aes.Reveal())
}

// T opens third-party app authorization: a minted app_auth_code exchanged, the calls
// acting for the merchant, the token queried and renewed, and from
// history renewed and replayed.
func TestAppAuthPanel(t *testing.T) {
	p := newPeer(t)
	store := newStore(t)
	h := newHarness(t, Options{Session: p.loginSession(t, LoginOptions{}), History: store}, 120, 40)
	h.key("esc", "T")
	h.mustSee("App authorization", "none yet in this session")
	h.key("m")
	tr := h.m.current.trace
	if tr.Method != gateway.MethodAppAuthToken || tr.Outcome != gateway.OutcomeSuccess || tr.AppAuth == nil {
		t.Fatalf("%s %s: %s", tr.Method, tr.Outcome, h.status())
	}
	token := tr.AppAuth.AppAuthToken

	h.key("T", "t")
	if h.m.session.Client.AppAuthToken != token || !strings.Contains(h.status(), "acting for merchant app") {
		t.Fatalf("t: %q %q", h.m.session.Client.AppAuthToken, h.status())
	}
	h.key("esc", "i", "ctrl+n", "enter")
	if got := h.m.current.trace.Request.Params["app_auth_token"]; got != token {
		t.Fatalf("the exchange did not act for the merchant: %q", got)
	}

	h.key("T", "s")
	q := h.m.current.trace
	if q.Method != gateway.MethodAppAuthQuery || q.AppAuth == nil || q.AppAuth.Status != "valid" {
		t.Fatalf("query: %s %+v", q.Outcome, q.AppAuth)
	}
	h.key("T", "r")
	renewed := h.m.current.trace.AppAuth
	if renewed == nil || renewed.AppAuthToken == token {
		t.Fatalf("renew: %s", h.status())
	}
	h.key("T")
	h.mustSee(gateway.Mask(renewed.AppAuthToken))
	h.key("t")
	if h.m.session.Client.AppAuthToken != "" {
		t.Fatal("t did not stop acting for the merchant")
	}
	h.key("esc")

	// From history: the exchange replayed finds its code spent; the
	// renewal's entry renews again.
	list := records(t, store)
	var exchangeID, renewID int64
	for _, s := range list {
		switch gateway.CallName(s.Method, s.GrantType) {
		case "app auth exchange":
			exchangeID = s.ID
		case "app auth refresh":
			renewID = s.ID
		}
	}
	ex, err := store.Get(context.Background(), exchangeID)
	if err != nil {
		t.Fatal(err)
	}
	req, err := requestFrom(ex, callExchange, true)
	if err != nil || req.kind != callAppAuthExchange || req.arg == "" {
		t.Fatalf("replay of an app auth exchange: %+v %v", req, err)
	}
	rn, err := store.Get(context.Background(), renewID)
	if err != nil {
		t.Fatal(err)
	}
	h.send(historyTraceMsg{id: renewID, view: newTraceView(rn, false)})
	h.m.screen, h.m.detail = screenDetail, newTraceView(rn, false)
	h.key("r")
	if got := h.m.current.trace; got.Outcome != gateway.OutcomeSuccess || got.GrantType != gateway.GrantRefreshToken || got.Method != gateway.MethodAppAuthToken {
		t.Fatalf("renew from history: %s %s", got.Outcome, h.status())
	}
	if _, err := requestFrom(q, callRefresh, false); err == nil {
		t.Error("a query's entry offered a renewal it has no token for")
	}
}

// The landed address of an app authorization, pasted into the input, is
// exchanged with alipay.open.auth.token.app.
func TestPastedAppAuthCodeIsExchanged(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.loginSession(t, LoginOptions{})}, 80, 24)
	code, err := p.emu.MintDemoAppAuthCode(emulator.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	h.send(tea.PasteMsg{Content: "https://isv.example.com/cb?app_id=" + emulator.DemoAppID + "&app_auth_code=" + code + "&state=x"})
	if !strings.Contains(h.status(), "took the app_auth_code") {
		t.Fatalf("status %q", h.status())
	}
	h.key("enter")
	if tr := h.m.current.trace; tr.Method != gateway.MethodAppAuthToken || tr.Outcome != gateway.OutcomeSuccess {
		t.Fatalf("%s %s", tr.Method, h.status())
	}
}
