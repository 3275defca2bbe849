package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// authorizeState is an authorization started from the console: the page's
// URL as a QR code, and the redirect catcher waiting for the code.
type authorizeState struct {
	gen     int
	appAuth bool
	scope   string
	// ctx ends when the authorization is closed: the wait for the
	// redirect ends with it.
	ctx    context.Context
	cancel context.CancelFunc
	// Set once started.
	started  bool
	err      error
	url      string
	redirect string
	short    string
	catcher  *gateway.Catcher
	since    time.Time
	qr       *QRCode
	qrShort  *QRCode
	// refused are the redirects the catcher turned away, latest last.
	refused []gateway.Landing
}

// maxRefusedShown is how many refused redirects the panel lists.
const maxRefusedShown = 3

// openAuthorize starts an authorization: a user's (publicAppAuthorize.htm)
// or, with appAuth, a merchant's for this third-party app
// (appToAppAuth.htm).
func (m *Model) openAuthorize(appAuth bool) tea.Cmd {
	scope := gateway.ScopeAuthUser
	if a := m.login.authorize; a != nil && !appAuth && !a.appAuth {
		scope = a.scope
	}
	return m.restartAuthorize(appAuth, scope)
}

// restartAuthorize stops the authorization under way, if any, and starts
// another.
func (m *Model) restartAuthorize(appAuth bool, scope string) tea.Cmd {
	stop := m.stopAuthorize()
	m.login.gen++
	ctx, cancel := context.WithCancel(m.base)
	m.login.authorize = &authorizeState{gen: m.login.gen, appAuth: appAuth, scope: scope, ctx: ctx, cancel: cancel}
	m.login.panel = loginAuthorize
	return tea.Batch(stop, startAuthorizeCmd(ctx, m.login.gen, m.session, appAuth, scope))
}

// stopAuthorize ends the authorization under way: its wait is cancelled
// and its catcher closed, off the UI's loop.
func (m *Model) stopAuthorize() tea.Cmd {
	a := m.login.authorize
	if a == nil {
		return nil
	}
	m.login.authorize = nil
	a.cancel()
	return closeCatcherCmd(a.catcher)
}

// authorizeStartedMsg is an authorization ready: its URL, QR codes and
// catcher, or why it could not start.
type authorizeStartedMsg struct {
	gen      int
	err      error
	url      string
	redirect string
	short    string
	catcher  *gateway.Catcher
	qr       *QRCode
	qrShort  *QRCode
	at       time.Time
}

func (authorizeStartedMsg) forLogin() {}

// landingMsg is a redirect that reached the catcher.
type landingMsg struct {
	gen     int
	landing gateway.Landing
}

func (landingMsg) forLogin() {}

// startAuthorizeCmd builds the authorization URL and starts the catcher:
// on the redirect URI's own address when it is this machine's, on the
// listen address when a tunnel forwards to it (with a short link for the
// QR code), or not at all when the redirect goes elsewhere.
func startAuthorizeCmd(ctx context.Context, gen int, s Session, appAuth bool, scope string) tea.Cmd {
	return func() tea.Msg {
		msg := authorizeStartedMsg{gen: gen, at: time.Now()}
		msg.err = startAuthorize(&msg, s, appAuth, scope)
		if ctx.Err() != nil && msg.catcher != nil {
			_ = msg.catcher.Close()
			msg.catcher = nil
		}
		return msg
	}
}

func startAuthorize(msg *authorizeStartedMsg, s Session, appAuth bool, scope string) error {
	p := s.Client.Profile()
	page, err := p.AuthorizePage()
	if appAuth {
		page, err = p.AppToAppPage()
	}
	if err != nil {
		return err
	}
	state := gateway.NewState()
	msg.redirect = s.Login.RedirectURI
	addr := gateway.CatcherAddr(msg.redirect, s.Login.Listen)
	if msg.redirect == "" {
		if msg.catcher, err = gateway.ListenCatcher(gateway.CatcherConfig{Addr: addr, State: state}); err != nil {
			return err
		}
		msg.redirect = msg.catcher.RedirectURI()
	}
	if appAuth {
		msg.url, _, err = gateway.AppToAppAuthorize{Page: page, AppID: p.AppID, RedirectURI: msg.redirect, State: state}.URL()
	} else {
		msg.url, _, err = gateway.Authorize{Page: page, AppID: p.AppID, Scope: scope, RedirectURI: msg.redirect, State: state}.URL()
	}
	if err == nil && msg.catcher == nil && addr != "" {
		cfg := gateway.CatcherConfig{Addr: addr, RedirectURI: msg.redirect, State: state}
		if !gateway.IsLoopbackURL(msg.redirect) {
			cfg.StartURL = msg.url
		}
		msg.catcher, err = gateway.ListenCatcher(cfg)
	}
	if err != nil {
		if msg.catcher != nil {
			_ = msg.catcher.Close()
			msg.catcher = nil
		}
		return err
	}
	if msg.qr, err = NewQRCode(msg.url); err != nil {
		return err
	}
	if msg.catcher != nil {
		if msg.short = msg.catcher.ShortLink(); msg.short != "" {
			msg.qrShort, _ = NewQRCode(msg.short)
		}
	}
	return nil
}

// awaitLandingCmd waits for the next redirect, until the authorization is
// closed.
func awaitLandingCmd(ctx context.Context, gen int, c *gateway.Catcher) tea.Cmd {
	return func() tea.Msg {
		select {
		case l := <-c.Landings():
			return landingMsg{gen: gen, landing: l}
		case <-ctx.Done():
			return nil
		}
	}
}

func closeCatcherCmd(c *gateway.Catcher) tea.Cmd {
	if c == nil {
		return nil
	}
	return func() tea.Msg {
		_ = c.Close()
		return nil
	}
}

// authorizeStarted shows the authorization and starts waiting for its
// redirect; one that was closed meanwhile is stopped.
func (m *Model) authorizeStarted(msg authorizeStartedMsg) tea.Cmd {
	a := m.login.authorize
	if a == nil || a.gen != msg.gen {
		return closeCatcherCmd(msg.catcher)
	}
	a.started, a.err = true, msg.err
	a.url, a.redirect, a.short, a.catcher = msg.url, msg.redirect, msg.short, msg.catcher
	a.qr, a.qrShort, a.since = msg.qr, msg.qrShort, msg.at
	if msg.err != nil || msg.catcher == nil {
		return nil
	}
	return awaitLandingCmd(a.ctx, a.gen, a.catcher)
}

// landed takes a redirect: a refused one is listed and the wait goes on;
// the code is exchanged at once, on the exchange screen.
func (m *Model) landed(msg landingMsg) tea.Cmd {
	a := m.login.authorize
	if a == nil || a.gen != msg.gen {
		return nil
	}
	l := msg.landing
	if l.Err != nil {
		a.refused = append(a.refused, l)
		if len(a.refused) > maxRefusedShown {
			a.refused = a.refused[1:]
		}
		return awaitLandingCmd(a.ctx, a.gen, a.catcher)
	}
	kind := callExchange
	if l.Kind == gateway.KindAppAuthCode {
		kind = callAppAuthExchange
	}
	closing := m.closeLogin()
	what := "✓ " + tr("the %s arrived from the browser", l.Kind)
	if l.Scope != "" {
		what += " " + tr("(scope %s)", l.Scope)
	}
	m.loginSay(what+": "+tr("exchanging it"), statusOK)
	return tea.Batch(closing, m.startCall(callRequest{kind: kind, arg: l.Code, from: tr("redirect from the browser")}))
}

func (m *Model) authorizeKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	a := m.login.authorize
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Authorize):
		m.loginSay(tr("authorization closed: its catcher no longer listens"), statusInfo)
		return m.closeLogin()
	case key.Matches(msg, k.AuthorizeScope) && a != nil && !a.appAuth:
		scope := gateway.ScopeAuthBase
		if a.scope == gateway.ScopeAuthBase {
			scope = gateway.ScopeAuthUser
		}
		return m.restartAuthorize(false, scope)
	case key.Matches(msg, k.Copy) && a != nil && a.url != "":
		return copyCmd(m.clip, copyItem{text: a.url, what: tr("the authorization URL")})
	case key.Matches(msg, k.Quit):
		return m.quit()
	}
	return nil
}

// authorizeView is the authorization panel: the QR code as large as the
// window allows (of the short link when the whole URL does not fit), the
// URL as a link, where the redirect goes, and what arrived.
func (m *Model) authorizeView(width, height int) []string {
	st := &m.styles
	a := m.login.authorize
	p := m.session.Client.Profile()
	title := tr("Authorize app %s", p.AppID)
	if a != nil && a.appAuth {
		title = tr("App authorization · a merchant authorizes %s", p.AppID)
	} else if a != nil {
		title += " · " + a.scope
	}
	top := []string{m.panelTitle(safetext.Text(title))}
	k := m.keys
	var hints []key.Binding
	if a != nil && a.url != "" {
		hints = append(hints, withDesc(k.Copy, "copy URL"))
	}
	if a != nil && !a.appAuth {
		hints = append(hints, k.AuthorizeScope)
	}
	bottom := []string{m.hintLine(append(hints, withDesc(k.Back, "close"))...)}
	switch {
	case a == nil || !a.started:
		return panelLines(top, []string{st.Dim.Render(tr("starting the redirect catcher…"))}, bottom, height)
	case a.err != nil:
		var lines []string
		for _, l := range wrapWords(tr("Cannot start: %s", word(a.err.Error())), width) {
			lines = append(lines, st.Error.Render(l))
		}
		return panelLines(top, lines, bottom, height)
	}

	status := m.authorizeStatus(width)
	link := st.Value.Hyperlink(a.url)
	room := height - len(top) - len(status) - len(bottom)
	// The code fits with one line for the link under it.
	if text, ok := a.qr.Fit(width, room-1, !st.Dark); ok {
		mid := centre(strings.Split(text, "\n"), width)
		mid = append(mid, link.Render(fit(tr("open %s", a.url), width)))
		return panelLines(top, append(mid, status...), bottom, height)
	}
	var mid []string
	if a.qrShort != nil {
		if text, ok := a.qrShort.Fit(width, room-2, !st.Dark); ok {
			mid = centre(strings.Split(text, "\n"), width)
			mid = append(mid, st.Dim.Render(fit(tr("the code opens the short link %s, which leads to the page", a.short), width)),
				link.Render(fit(tr("open %s", a.url), width)))
			return panelLines(top, append(mid, status...), bottom, height)
		}
	}
	cols, lines := a.qr.Dimensions(1)
	note := tr("The QR code needs %s×%s cells: enlarge the window, or open the link:", formatCount(cols), formatCount(lines))
	if a.short != "" {
		note = tr("The QR code needs %s×%s cells: enlarge the window, or open the short link %s, or the link:", formatCount(cols), formatCount(lines), a.short)
	}
	for _, l := range wrapWords(note, width) {
		mid = append(mid, st.Warn.Render(l))
	}
	urlRoom := max(1, room-len(mid))
	wrapped := wrapHard(a.url, width)
	if len(wrapped) > urlRoom {
		wrapped = append(wrapped[:urlRoom-1], fit(wrapped[urlRoom-1], width-1)+"…")
	}
	for _, l := range wrapped {
		mid = append(mid, link.Render(l))
	}
	return panelLines(top, append(mid, status...), bottom, height)
}

// authorizeStatus says where the redirect goes and what arrived.
func (m *Model) authorizeStatus(width int) []string {
	st := &m.styles
	a := m.login.authorize
	var out []string
	if a.catcher == nil {
		for _, l := range wrapWords(tr("The redirect goes to %s, which this machine does not serve: set listen (the address your tunnel forwards to) in the profile, or agree and paste the address the browser lands on into the input (esc, then i).", a.redirect), width) {
			out = append(out, st.Warn.Render(l))
		}
		return out
	}
	for _, l := range a.refused {
		out = append(out, st.Error.Render(fit("✗ "+tr("refused a redirect: %s", safetext.Text(firstSentence(word(l.Err.Error())))), width)))
	}
	wait := tr("waiting since %s for the redirect to %s", a.since.Format("15:04:05"), a.redirect)
	if !gateway.IsLoopbackURL(a.redirect) {
		wait += " " + tr("(caught on %s, where the tunnel forwards)", a.catcher.Addr())
	}
	out = append(out, st.Dim.Render(fit(wait+"…", width)))
	return out
}

// firstSentence is an error's first clause, for one line.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, "(:;（：；"); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// centre pads lines to stand in the middle of width.
func centre(lines []string, width int) []string {
	w := 0
	for _, l := range lines {
		w = max(w, len([]rune(l)))
	}
	pad := strings.Repeat(" ", max(0, (width-w)/2))
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = pad + l
	}
	return out
}
