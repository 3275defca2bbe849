package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// tour is the help overlay's first lines: the flow, for someone who has
// never seen the console.
const tour = "Mint a code (m, emulator) or paste one anywhere, press enter: the request is " +
	"on the left or top, the response with its verification badge beside it. " +
	"r refreshes, u fetches user info, c copies, v reveals secrets, h history."

// helpView is the whole key map in titled columns, as many side by side as
// width allows.
func (m *Model) helpView(width int) []string {
	st := &m.styles
	var cols []string
	for _, g := range m.keys.fullHelp() {
		col := st.Section.Render(g.title) + "\n" + m.help.FullHelpView([][]key.Binding{m.offered(g.bindings, false)})
		cols = append(cols, col)
	}
	var rows []string
	for len(cols) > 0 {
		n := len(cols)
		for n > 1 && lipgloss.Width(joinColumns(cols[:n])) > width {
			n--
		}
		rows = append(rows, joinColumns(cols[:n]))
		cols = cols[n:]
	}
	lines := []string{st.Title.Render(tr("aliauth keys"))}
	for _, l := range wrapWords(tr(tour), width) {
		lines = append(lines, st.Dim.Render(l))
	}
	lines = append(lines, "")
	lines = append(lines, strings.Split(strings.Join(rows, "\n\n"), "\n")...)
	return append(lines, "", st.Dim.Render(tr("esc or ? closes · ctrl+c quits")))
}

func joinColumns(cols []string) string {
	spaced := make([]string, 0, 2*len(cols))
	for i, c := range cols {
		if i > 0 {
			spaced = append(spaced, "   ")
		}
		spaced = append(spaced, c)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, spaced...)
}

// helpKey scrolls or closes the help.
func (m *Model) helpKey(msg tea.KeyPressMsg) tea.Cmd {
	return m.scrollPopup(msg, len(m.helpView(m.overlayInner())), m.keys.Help)
}

// newHelp is the footer's help: a two-space separator lets the keys that
// matter most fit in 80 columns.
func newHelp() help.Model {
	h := help.New()
	h.ShortSeparator = "  "
	return h
}
