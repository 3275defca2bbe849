package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
)

// profileNames are the profiles the picker offers: Options.Profiles, and
// the active one first when it is not among them (the built-in emulator).
func (m *Model) profileNames() []string {
	active := m.session.Client.Profile().Name
	if slices.Contains(m.opts.Profiles, active) {
		return m.opts.Profiles
	}
	return append([]string{active}, m.opts.Profiles...)
}

// openProfiles shows the profile picker, on the active profile.
func (m *Model) openProfiles() {
	m.profileCursor = slices.Index(m.profileNames(), m.session.Client.Profile().Name)
	m.overlay = overlayProfiles
}

func (m *Model) profilesKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.profileCursor = max(0, m.profileCursor-1)
	case key.Matches(msg, k.Down):
		m.profileCursor = min(len(m.profileNames())-1, m.profileCursor+1)
	case key.Matches(msg, k.Back), key.Matches(msg, k.Profiles):
		m.overlay = overlayNone
	case key.Matches(msg, k.Open):
		name := m.profileNames()[m.profileCursor]
		m.overlay = overlayNone
		if name == m.session.Client.Profile().Name {
			return nil
		}
		if m.call != nil {
			return m.fail("a call is under way; cancel it (esc) before switching profiles")
		}
		m.status = statusLine{"opening profile " + name + "…", statusInfo}
		return openProfileCmd(m.opts.Open, name)
	}
	return nil
}

// profileOpened switches to another profile. Tokens of the old one belong
// to another app, so they are dropped with the trace that showed them.
func (m *Model) profileOpened(msg profileOpenedMsg) {
	if msg.err != nil {
		m.status = statusLine{"profile " + msg.name + ": " + msg.err.Error(), statusError}
		return
	}
	m.session = msg.session
	m.tokens = nil
	m.current = nil
	m.autoRefresh, m.diag = msg.session.AutoRefresh, diagnosis{}
	m.input.SetValue("")
	m.grant = gateway.GrantAuthorizationCode
	m.setInputPlaceholder()
	m.screen = screenMain
	p := msg.session.Client.Profile()
	m.status = statusLine{"switched to profile " + p.Name + " (" + envLabel(p.Environment()) + ", app " + p.AppID + ")", statusOK}
}

// profilesView is the profile picker.
func (m *Model) profilesView() string {
	st := &m.styles
	lines := []string{st.Title.Render("Profiles")}
	active := m.session.Client.Profile().Name
	names := m.profileNames()
	for i, name := range names {
		mark := "  "
		if name == active {
			mark = "● "
		}
		line := mark + clean(name)
		if i == m.profileCursor {
			line = st.RowSelected.Render(line)
		}
		lines = append(lines, line)
	}
	if len(names) <= 1 {
		lines = append(lines, "", st.Dim.Render("Only one profile: add more to the config file (aliauth profiles init)."))
	}
	lines = append(lines, "", st.Dim.Render("enter switches without restarting · esc closes"))
	return strings.Join(lines, "\n")
}
