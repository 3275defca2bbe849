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
var tour = []string{
	"Mint a code (ctrl+n, emulator) or paste one, press enter: the request is",
	"on the left or top, the response with its verification badge beside it.",
	"r refreshes, u fetches user info, c copies, v reveals secrets, h history.",
}

// helpView is the whole key map in titled columns, as many side by side as
// the width allows.
func (m *Model) helpView() string {
	st := &m.styles
	var cols []string
	for _, g := range m.keys.fullHelp() {
		col := st.Section.Render(g.title) + "\n" + m.help.FullHelpView([][]key.Binding{g.bindings})
		cols = append(cols, col)
	}
	maxWidth := m.width - 6
	var rows []string
	for len(cols) > 0 {
		n := len(cols)
		for n > 1 && lipgloss.Width(joinColumns(cols[:n])) > maxWidth {
			n--
		}
		rows = append(rows, joinColumns(cols[:n]))
		cols = cols[n:]
	}
	body := strings.Join(rows, "\n\n")
	head := st.Title.Render("aliauth keys") + "\n" + st.Dim.Render(strings.Join(tour, "\n"))
	return head + "\n\n" + body + "\n\n" + st.Dim.Render("esc or ? closes · ctrl+c quits")
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

// overlayRows is how many lines of an overlay fit inside its border.
func (m *Model) overlayRows() int {
	return max(3, m.height-2)
}

// scrollOverlay shows the window of a tall overlay that fits, from the
// help scroll position, with a line saying there is more.
func (m *Model) scrollOverlay(content string) string {
	lines := strings.Split(content, "\n")
	rows := m.overlayRows()
	if len(lines) <= rows {
		return content
	}
	offset := min(m.helpOffset, len(lines)-rows+1)
	window := lines[offset : offset+rows-1]
	more := "↑↓ scroll"
	if offset+rows-1 < len(lines) {
		more = "↓ more · " + more
	}
	return strings.Join(append(window, m.styles.Dim.Render(more)), "\n")
}

// helpKey scrolls or closes the help.
func (m *Model) helpKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	total := strings.Count(m.helpView(), "\n") + 1
	maxOffset := max(0, total-m.overlayRows()+1)
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help), key.Matches(msg, k.Back):
		m.overlay = overlayNone
	case key.Matches(msg, k.Up):
		m.helpOffset = max(0, m.helpOffset-1)
	case key.Matches(msg, k.Down):
		m.helpOffset = min(maxOffset, m.helpOffset+1)
	case key.Matches(msg, k.PageUp):
		m.helpOffset = max(0, m.helpOffset-m.overlayRows())
	case key.Matches(msg, k.PageDown):
		m.helpOffset = min(maxOffset, m.helpOffset+m.overlayRows())
	}
	return nil
}

// newHelp is the footer's help: a two-space separator lets the keys that
// matter most fit in 80 columns.
func newHelp() help.Model {
	h := help.New()
	h.ShortSeparator = "  "
	return h
}

// withOverlay draws the open overlay in a box over the screen.
func (m *Model) withOverlay(base string) string {
	var content string
	switch m.overlay {
	case overlayHelp:
		content = m.helpView()
	case overlayCopy:
		content = m.copyMenuView()
	case overlayProfiles:
		content = m.profilesView()
	case overlayConfirmDelete:
		content = m.confirmView()
	case overlayDoctor:
		content = m.doctorView()
	case overlayIdentity:
		content = m.identityView()
	case overlayLineage:
		content = m.lineageView()
	}
	content = m.scrollOverlay(content)
	box := m.styles.Overlay.Render(content)
	// A box wider than the screen is cut, not wrapped.
	lines := strings.Split(box, "\n")
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > m.width {
			lines[i] = fit(l, m.width)
		}
	}
	box = strings.Join(lines, "\n")
	w, h := lipgloss.Size(box)
	x, y := max(0, (m.width-w)/2), max(0, (m.height-h)/2)
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(base),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	).Render()
}
