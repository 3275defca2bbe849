package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
)

// grantSwitch draws the grant type as a two-way switch, the active side
// reversed. Narrow terminals get the short names.
func (m *Model) grantSwitch() string {
	st := &m.styles
	code, refresh := gateway.GrantAuthorizationCode, gateway.GrantRefreshToken
	if m.width < 100 {
		code, refresh = tr("code"), tr("refresh")
	}
	on, off := st.GrantOn, st.GrantOff
	if m.grant == gateway.GrantAuthorizationCode {
		return on.Render(" "+code+" ") + off.Render(" "+refresh+" ")
	}
	return off.Render(" "+code+" ") + on.Render(" "+refresh+" ")
}

// inputView is the grant switch and the input for the auth code (or the
// refresh token).
func (m *Model) inputView() string {
	return fit(m.grantSwitch()+" "+m.input.View(), m.width)
}

// layoutInput gives the input the width the switch leaves.
func (m *Model) layoutInput() {
	m.input.SetWidth(max(8, m.width-ansi.StringWidth(m.grantSwitch())-1-ansi.StringWidth(m.input.Prompt)-1))
}

// setInputPlaceholder says what the input takes, and masks a refresh token
// unless secrets are revealed.
func (m *Model) setInputPlaceholder() {
	switch {
	case m.grant == gateway.GrantRefreshToken:
		m.input.Placeholder = tr("refresh token (empty: the latest one); enter refreshes")
		m.input.EchoMode = textinput.EchoPassword
		if m.reveal {
			m.input.EchoMode = textinput.EchoNormal
		}
	case m.session.MintCode != nil:
		m.input.Placeholder = tr("paste a code (URL, JSON) anywhere · i types · m mints")
		m.input.EchoMode = textinput.EchoNormal
	default:
		m.input.Placeholder = tr("paste the authCode (URL, JSON) anywhere · i types")
		m.input.EchoMode = textinput.EchoNormal
	}
	m.layoutInput()
}

// mint asks the emulator for a fresh auth code.
func (m *Model) mint(scope string) tea.Cmd {
	if m.session.MintCode == nil {
		env := m.session.Client.Profile()
		return m.fail(tr("minting codes needs the emulator; profile %s points at %s: get a code from my.getAuthCode in the mini program and paste it", env.Name, envLabel(env.Environment())))
	}
	m.say(statusLine{tr("minting an %s code, as my.getAuthCode would…", scope), statusInfo})
	return mintCmd(m.base, m.session.MintCode, scope)
}

func (m *Model) minted(msg mintedMsg) {
	if msg.err != nil {
		m.say(statusLine{tr("mint a code: %s", word(msg.err.Error())), statusError})
		return
	}
	m.grant = gateway.GrantAuthorizationCode
	m.mintedScopes[msg.code] = msg.scope
	m.input.EchoMode = textinput.EchoNormal
	m.input.SetValue(msg.code)
	m.noteCode(msg.code, "minted by the emulator", "")
	m.input.CursorEnd()
	m.setInputPlaceholder()
	m.say(statusLine{tr("minted an %s code (single-use, expires in minutes): enter exchanges it", msg.scope), statusOK})
}

// paste takes bracketed paste: on the exchange screen it goes to the input
// whatever has the focus, with the auth code taken out of a redirect URL or
// a JSON blob; in the history list it goes to the filter.
func (m *Model) paste(content string) tea.Cmd {
	if m.overlay != overlayNone {
		return nil
	}
	switch m.screen {
	case screenHistory:
		m.hist.filtering = true
		m.hist.filter.Focus()
		m.hist.filter.SetValue(m.hist.filter.Value() + strings.Join(strings.Fields(content), " "))
		return m.filterChanged()
	case screenDetail:
		return m.fail(tr("paste on the exchange screen: esc twice goes back to it"))
	}
	if m.grant == gateway.GrantRefreshToken {
		m.input.SetValue(strings.TrimSpace(content))
		m.say(statusLine{tr("pasted a refresh token: enter refreshes with it"), statusInfo})
		return nil
	}
	if _, ok := appAuthCodeIn(content); ok {
		m.input.SetValue(strings.TrimSpace(content))
		m.say(statusLine{"took the app_auth_code from the pasted address: enter exchanges it (alipay.open.auth.token.app)", statusOK})
		return nil
	}
	code, err := gateway.ParseAuthCode(content)
	if err != nil {
		flat := strings.Join(strings.Fields(content), " ")
		if len(flat) > m.input.CharLimit {
			flat = flat[:m.input.CharLimit]
		}
		m.input.SetValue(flat)
		return m.fail(tr("pasted text: %s", word(err.Error())))
	}
	m.input.SetValue(code)
	m.noteCode(code, "pasted", content)
	m.input.CursorEnd()
	m.say(statusLine{tr("took the auth code from the pasted %s: enter exchanges it", word(pastedKind(content))), statusOK})
	return nil
}

// pastedKind names what was pasted, as ParseAuthCode reads it.
func pastedKind(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "\"'`")
	switch {
	case strings.HasPrefix(s, "{"):
		return "JSON"
	case strings.Contains(s, "://") || strings.Contains(s, "auth_code=") || strings.Contains(s, "authCode="):
		return "redirect URL"
	}
	return "text"
}

// toggleGrant switches between authorization_code and refresh_token. With
// refresh_token an empty input means the latest refresh token.
func (m *Model) toggleGrant() {
	if m.grant == gateway.GrantAuthorizationCode {
		m.grant = gateway.GrantRefreshToken
		if m.input.Value() == "" && m.tokens != nil {
			m.input.SetValue(m.tokens.RefreshToken)
			m.input.CursorEnd()
		}
	} else {
		m.grant = gateway.GrantAuthorizationCode
		if m.tokens != nil && m.input.Value() == m.tokens.RefreshToken {
			m.input.SetValue("")
		}
	}
	m.setInputPlaceholder()
	m.say(statusLine{"grant_type=" + m.grant, statusInfo})
}
