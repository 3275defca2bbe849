package ui

import (
	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
)

// grantSwitch draws the grant type as a two-way switch, the active side
// reversed. Narrow terminals get the short names.
func (m *Model) grantSwitch() string {
	st := &m.styles
	code, refresh := gateway.GrantAuthorizationCode, gateway.GrantRefreshToken
	if m.width < 100 {
		code, refresh = "code", "refresh"
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
		m.input.Placeholder = "refresh token (empty: the latest one); enter refreshes"
		m.input.EchoMode = textinput.EchoPassword
		if m.reveal {
			m.input.EchoMode = textinput.EchoNormal
		}
	case m.session.MintCode != nil:
		m.input.Placeholder = "paste an auth code, redirect URL or JSON · ctrl+n mints one"
		m.input.EchoMode = textinput.EchoNormal
	default:
		m.input.Placeholder = "paste the authCode from my.getAuthCode, a redirect URL or JSON"
		m.input.EchoMode = textinput.EchoNormal
	}
	m.layoutInput()
}
