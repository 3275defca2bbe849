package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"aliauth/gateway"
)

// The login surface beyond pasting a code: a panel that shows the
// authorization page as a QR code and catches the redirect (authorize.go),
// the third-party app authorization panel (appauth.go), and the mini
// program payload screen (payload.go). Each is a full-window panel over the
// console, owned by loginState; the root model hands it messages through
// loginUpdate and draws it with withLoginPanel.

// LoginOptions are what the active profile says about logging in.
type LoginOptions struct {
	// RedirectURI is the app's 授权回调地址: the redirect of an
	// authorization started here. Empty means the catcher's own loopback
	// address.
	RedirectURI string
	// Listen is where the redirect catcher listens: what a tunnel to
	// RedirectURI forwards to. Empty means as gateway.CatcherAddr decides.
	Listen string
	// AESKey loads the key that decrypts my.getPhoneNumber's payloads; nil
	// when none is configured (the payload screen then asks for it).
	AESKey func() (gateway.AESKey, error)
	// PhonePayload, OpenUserInfoPayload and MintAppAuthCode stand in for
	// the mini program and for a merchant agreeing; nil outside the
	// emulator.
	PhonePayload        func(ctx context.Context, phoneCase string) ([]byte, error)
	OpenUserInfoPayload func(ctx context.Context, userInfoCase string) ([]byte, error)
	MintAppAuthCode     func(ctx context.Context) (string, error)
}

// loginPanel is which login panel is open.
type loginPanel int

const (
	loginNone loginPanel = iota
	loginAuthorize
	loginAppAuth
	loginPayload
)

// loginState is the login panels' state.
type loginState struct {
	panel loginPanel
	// gen numbers the authorizations started, so the messages of one that
	// was closed or replaced are dropped.
	gen       int
	authorize *authorizeState
	payload   *payloadState
	// appAuth is the latest app authorization this session received, with
	// the app it was received for.
	appAuth      *gateway.AppAuth
	appAuthForID string
}

// loginMsg marks the messages the login panels handle.
type loginMsg interface{ forLogin() }

// loginUpdate takes the messages meant for the login panels, and keys and
// pastes while one is open. ok is false for everything else, which the
// root model handles as usual.
func (m *Model) loginUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case loginMsg:
		return m.loginMessage(msg), true
	case callDoneMsg:
		m.noteAppAuth(msg)
		return nil, false
	case tea.KeyPressMsg:
		if m.login.panel == loginNone || m.tooSmall() || key.Matches(msg, m.keys.ForceQuit) {
			return nil, false
		}
		switch m.login.panel {
		case loginAuthorize:
			return m.authorizeKey(msg), true
		case loginAppAuth:
			return m.appAuthKey(msg), true
		case loginPayload:
			return m.payloadKey(msg), true
		}
	case tea.PasteMsg:
		if m.login.panel == loginPayload {
			return m.payloadPaste(msg.Content), true
		}
	}
	return nil, false
}

func (m *Model) loginMessage(msg loginMsg) tea.Cmd {
	switch msg := msg.(type) {
	case authorizeStartedMsg:
		return m.authorizeStarted(msg)
	case landingMsg:
		return m.landed(msg)
	case aesKeyMsg:
		m.aesKeyLoaded(msg)
	case payloadMsg:
		return m.payloadMinted(msg)
	case payloadOpenedMsg:
		m.payloadOpened(msg)
	case appAuthCodeMsg:
		return m.appAuthCodeMinted(msg)
	}
	return nil
}

// openLogin opens the panel a key asks for, from the exchange screen.
func (m *Model) openLogin(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Authorize):
		return m.openAuthorize(false)
	case key.Matches(msg, k.AppAuth):
		m.login.panel = loginAppAuth
	case key.Matches(msg, k.Payloads):
		return m.openPayload()
	}
	return nil
}

// closeLogin closes the open panel, stopping a catcher that is waiting.
func (m *Model) closeLogin() tea.Cmd {
	m.login.panel = loginNone
	return m.stopAuthorize()
}

// loginSay puts a message on the status line.
func (m *Model) loginSay(text string, kind statusKind) {
	m.say(statusLine{text, kind})
}

// withLoginPanel draws the open panel in place of the screen: it takes
// the whole window, so a QR code gets every line there is.
func (m *Model) withLoginPanel(base string) string {
	if m.login.panel == loginNone {
		return base
	}
	w, h := m.panelInner()
	var lines []string
	switch m.login.panel {
	case loginAuthorize:
		lines = m.authorizeView(w, h)
	case loginAppAuth:
		lines = m.appAuthView(w, h)
	case loginPayload:
		lines = m.payloadView(w, h)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return m.styles.Overlay.Render(strings.Join(lines, "\n"))
}

// panelInner is the size inside a panel's border and padding.
func (m *Model) panelInner() (width, height int) {
	return max(10, m.width-4), max(3, m.height-2)
}

// panelTitle is a panel's first line: what it is, and against what.
func (m *Model) panelTitle(title string) string {
	st := &m.styles
	p := m.session.Client.Profile()
	env := envLabel(p.Environment())
	return st.Title.Render(title) + "  " + st.Dim.Render(env)
}

// hintLine is a panel's last line: its keys, as the footer shows keys.
func (m *Model) hintLine(bindings ...key.Binding) string {
	return m.help.ShortHelpView(bindings)
}

// labelled lays out one labelled value, wrapped under its label.
func (m *Model) labelled(width int, label, value string, style lipgloss.Style) []string {
	const labelWidth = 15
	st := &m.styles
	var out []string
	for i, l := range wrapWords(value, max(10, width-labelWidth)) {
		head := strings.Repeat(" ", labelWidth)
		if i == 0 {
			head = st.Label.Render(fit(label, labelWidth-1)) + " "
		}
		out = append(out, head+style.Render(l))
	}
	return out
}

// panelLines stacks a panel: top, then the middle, then the bottom lines
// on the panel's last lines. A middle too tall loses its blank lines
// first, then its end.
func panelLines(top, middle, bottom []string, height int) []string {
	room := max(0, height-len(top)-len(bottom))
	for i := len(middle) - 1; i >= 0 && len(middle) > room; i-- {
		if strings.TrimSpace(middle[i]) == "" {
			middle = append(middle[:i:i], middle[i+1:]...)
		}
	}
	if len(middle) > room {
		middle = middle[:room]
	}
	out := append(append([]string{}, top...), middle...)
	for len(out) < height-len(bottom) {
		out = append(out, "")
	}
	return append(out, bottom...)
}
