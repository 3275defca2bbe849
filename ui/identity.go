package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// shownTrace is the trace on screen: the history entry in the detail view,
// else the exchange screen's.
func (m *Model) shownTrace() *gateway.Trace {
	switch {
	case m.screen == screenDetail && m.detail != nil:
		return m.detail.trace
	case m.current != nil:
		return m.current.trace
	}
	return nil
}

func (m *Model) openIdentity() {
	m.overlayOffset = 0
	m.overlay = overlayIdentity
}

func (m *Model) identityKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back), key.Matches(msg, m.keys.Identity):
		m.overlay = overlayNone
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	default:
		m.scrollOverlayKey(msg, m.identityView())
	}
	return nil
}

// identityView sets user_id, open_id and union_id side by side, each with
// what it is, and which to key users by.
func (m *Model) identityView() string {
	st := &m.styles
	width := max(30, min(90, m.width-6))
	lines := []string{st.Title.Render(tr("Who the user is"))}
	t := m.shownTrace()
	ids := []gateway.IdentityField(nil)
	if t != nil {
		ids = gateway.Identity(t)
	}
	if len(ids) == 0 {
		lines = append(lines, "", st.Dim.Render(tr("this answer names no user: exchange a code, or fetch user info")), "", st.Dim.Render(tr("esc closes")))
		return strings.Join(lines, "\n")
	}
	w := labelWidth("user_id", "open_id", "union_id")
	for _, id := range ids {
		value := id.Value
		style := st.Value
		if value == "" {
			value, style = tr("(none)"), st.Dim
		}
		lines = append(lines, "", st.Label.Render(id.Name+strings.Repeat(" ", w-len(id.Name)))+"  "+style.Render(safetext.Text(value)))
		if id.Odd != "" {
			lines = append(lines, strings.Repeat(" ", w+2)+st.Warn.Render("! "+word(id.Odd)))
		}
		for _, l := range wrapWords(word(id.Meaning), width-w-2) {
			lines = append(lines, strings.Repeat(" ", w+2)+st.Dim.Render(l))
		}
	}
	key := "open_id"
	if ids[1].Value == "" {
		key = "user_id"
	}
	lines = append(lines, "", st.Bold.Render(tr("Key this app's users by %s.", key)), "", st.Dim.Render(tr("esc closes")))
	return strings.Join(lines, "\n")
}
