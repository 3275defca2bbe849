package ui

import (
	"context"
	"encoding/json"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// Third-party app authorization (应用授权) in the console: a merchant
// authorizes this app on appToAppAuth.htm, the app_auth_code is traded for
// an app_auth_token (alipay.open.auth.token.app), which is renewed,
// queried, and put on later calls so they act for the merchant.

// appAuthCall runs one of the app authorization calls.
func appAuthCall(ctx context.Context, c *gateway.Client, req callRequest) (*gateway.Trace, error) {
	switch req.kind {
	case callAppAuthRefresh:
		return c.AppAuthRefresh(ctx, req.arg)
	case callAppAuthQuery:
		return c.AppAuthQuery(ctx, req.arg)
	}
	return c.AppAuthExchange(ctx, req.arg)
}

// appAuthRequest derives an app authorization call from a recorded one:
// the same call again (replay), a renewal with the app_refresh_token it
// received (refresh), or a query of its app_auth_token (info).
func appAuthRequest(t *gateway.Trace, kind callKind, replay bool) (callRequest, error) {
	from := tr("history #%s", formatCount(int(t.ID)))
	if replay {
		var biz struct {
			Code         string `json:"code"`
			RefreshToken string `json:"refresh_token"`
			AppAuthToken string `json:"app_auth_token"`
		}
		_ = json.Unmarshal([]byte(t.Request.Params["biz_content"]), &biz)
		if t.Request.Params["biz_content"] == "" && t.Request.Body != "" {
			_ = json.Unmarshal([]byte(t.Request.Body), &biz) // v3 sends it as the body
		}
		req := callRequest{kind: callAppAuthExchange, arg: biz.Code, from: tr("replay of %s", from)}
		switch {
		case t.Method == gateway.MethodAppAuthQuery:
			req.kind, req.arg = callAppAuthQuery, biz.AppAuthToken
		case t.GrantType == gateway.GrantRefreshToken:
			req.kind, req.arg = callAppAuthRefresh, biz.RefreshToken
		}
		return req, usable(req, tr("the %s call", word(req.kind.String())))
	}
	req := callRequest{kind: callAppAuthRefresh, from: from}
	if kind == callUserInfo {
		req.kind = callAppAuthQuery
	}
	if a := t.AppAuth; a != nil {
		req.arg = a.AppRefreshToken
		if req.kind == callAppAuthQuery {
			req.arg = a.AppAuthToken
		}
	}
	return req, usable(req, from)
}

// isAppAuthMethod reports whether a recorded call is an app authorization
// call.
func isAppAuthMethod(method string) bool {
	return method == gateway.MethodAppAuthToken || method == gateway.MethodAppAuthQuery
}

// appAuthCodeIn finds the app_auth_code in pasted text: the address a
// merchant's browser landed on.
func appAuthCodeIn(pasted string) (string, bool) {
	if !strings.Contains(pasted, "app_auth_code=") {
		return "", false
	}
	l, err := gateway.ParseLanding(strings.TrimSpace(pasted))
	if err != nil || l.Kind != gateway.KindAppAuthCode {
		return "", false
	}
	return l.Code, true
}

// noteAppAuth keeps the latest app_auth_token this session received.
func (m *Model) noteAppAuth(msg callDoneMsg) {
	t := msg.trace
	if t == nil || t.Outcome != gateway.OutcomeSuccess || t.AppAuth == nil || t.AppAuth.AppAuthToken == "" {
		return
	}
	m.login.appAuth, m.login.appAuthForID = t.AppAuth, t.AppID
}

// latestAppAuth is the app authorization of the active profile's app, if
// this session received one.
func (m *Model) latestAppAuth() *gateway.AppAuth {
	if m.login.appAuth == nil || m.login.appAuthForID != m.session.Client.Profile().AppID {
		return nil
	}
	return m.login.appAuth
}

// appAuthCodeMsg is an app_auth_code the emulator minted, as if a merchant
// had agreed.
type appAuthCodeMsg struct {
	code string
	err  error
}

func (appAuthCodeMsg) forLogin() {}

func mintAppAuthCmd(ctx context.Context, mint func(context.Context) (string, error)) tea.Cmd {
	return func() tea.Msg {
		code, err := mint(ctx)
		return appAuthCodeMsg{code: code, err: err}
	}
}

func (m *Model) appAuthCodeMinted(msg appAuthCodeMsg) tea.Cmd {
	if msg.err != nil {
		return m.fail("app_auth_code: " + word(msg.err.Error()))
	}
	return m.startCall(callRequest{kind: callAppAuthExchange, arg: msg.code, from: tr("the emulator")})
}

func (m *Model) appAuthKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	latest := m.latestAppAuth()
	// Each action but closing starts something shown on the exchange
	// screen, so the panel closes first.
	act := func(cmd func() tea.Cmd) tea.Cmd {
		m.login.panel = loginNone
		return cmd()
	}
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.AppAuth):
		m.login.panel = loginNone
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.AppAuthStart):
		return m.openAuthorize(true)
	case key.Matches(msg, k.AppAuthMint):
		mint := m.session.Login.MintAppAuthCode
		if mint == nil {
			return m.fail(tr("only the emulator mints app_auth_codes: a to authorize on Alipay's page"))
		}
		return act(func() tea.Cmd { return mintAppAuthCmd(m.base, mint) })
	case key.Matches(msg, k.AppAuthRenew):
		if latest == nil || latest.AppRefreshToken == "" {
			return m.fail(tr("no app_refresh_token yet: authorize (a) first, or renew from a history entry (h, then r)"))
		}
		return act(func() tea.Cmd {
			return m.startCall(callRequest{kind: callAppAuthRefresh, arg: latest.AppRefreshToken, from: tr("latest app authorization")})
		})
	case key.Matches(msg, k.AppAuthQuery):
		token := m.session.Client.AppAuthToken
		if latest != nil {
			token = latest.AppAuthToken
		}
		if token == "" {
			return m.fail(tr("no app_auth_token yet: authorize (a) first"))
		}
		return act(func() tea.Cmd {
			return m.startCall(callRequest{kind: callAppAuthQuery, arg: token, from: tr("latest app authorization")})
		})
	case key.Matches(msg, k.AppAuthActAs):
		return m.toggleActingForMerchant(latest)
	}
	return nil
}

// toggleActingForMerchant puts the latest app_auth_token on every later
// call, or takes it off. The client is copied, not changed, since a call
// under way may be using it.
func (m *Model) toggleActingForMerchant(latest *gateway.AppAuth) tea.Cmd {
	c := *m.session.Client
	switch {
	case c.AppAuthToken != "":
		c.AppAuthToken = ""
		m.loginSay(tr("calls act for this app again: no app_auth_token is sent"), statusInfo)
	case latest == nil:
		return m.fail(tr("no app_auth_token yet: authorize (a) first"))
	default:
		c.AppAuthToken = latest.AppAuthToken
		m.loginSay(tr("every call now carries app_auth_token, acting for merchant app %s (t stops)", safetext.Text(latest.AuthAppID)), statusWarn)
	}
	m.session.Client = &c
	return nil
}

// appAuthView is the app authorization panel.
func (m *Model) appAuthView(width, height int) []string {
	st := &m.styles
	p := m.session.Client.Profile()
	top := []string{m.panelTitle(tr("App authorization · third-party app %s", safetext.Text(p.AppID)))}
	lines := []string{""}
	latest := m.latestAppAuth()
	token := tr("none yet in this session")
	if latest != nil {
		token = latest.AppAuthToken
		if !m.reveal {
			token = gateway.Mask(token)
		}
		token += " " + tr("for merchant app %s", latest.AuthAppID)
	}
	lines = append(lines, m.labelled(width, "app_auth_token", token, st.Value)...)
	acting := tr("no: calls act for this app")
	if t := m.session.Client.AppAuthToken; t != "" {
		shown := t
		if !m.reveal {
			shown = gateway.Mask(t)
		}
		acting = tr("yes: every call carries app_auth_token %s", shown)
	}
	lines = append(lines, m.labelled(width, tr("acting for"), acting, st.Value)...)
	lines = append(lines, "")
	k := m.keys
	entry := func(b key.Binding, what string, on bool) {
		style := st.Value
		if !on {
			style = st.Dim
		}
		for i, l := range wrapWords(word(what), width-4) {
			head := "    "
			if i == 0 {
				head = st.Prompt.Render(fit(b.Help().Key, 3)) + " "
			}
			lines = append(lines, head+style.Render(l))
		}
	}
	entry(k.AppAuthStart, "authorize on appToAppAuth.htm: QR code, code caught and exchanged", true)
	if m.session.Login.MintAppAuthCode != nil {
		entry(k.AppAuthMint, "mint an app_auth_code (emulator) and exchange it", true)
	}
	entry(k.AppAuthRenew, "renew the token with its app_refresh_token", latest != nil)
	entry(k.AppAuthQuery, "query the token: merchant app, validity, methods", latest != nil || m.session.Client.AppAuthToken != "")
	entry(k.AppAuthActAs, "act for the merchant on later calls: on or off", latest != nil || m.session.Client.AppAuthToken != "")
	lines = append(lines, "")
	for _, l := range wrapWords(tr("A landed address with app_auth_code= pasted into the input is exchanged the same way. History entries of these calls renew (r), query (u) and replay (x)."), width) {
		lines = append(lines, st.Dim.Render(l))
	}
	return panelLines(top, lines, []string{m.hintLine(withDesc(k.Back, "close"))}, height)
}
