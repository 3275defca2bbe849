package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// logEntry is a status message as the message log keeps it: when it was
// said, and the details the status line had no room for.
type logEntry struct {
	statusLine
	at     time.Time
	detail string
}

// maxLog bounds the message log; older messages are dropped.
const maxLog = 500

// say puts a message on the status line and in the message log. Progress
// messages ("…") are not logged: their outcome is.
func (m *Model) say(s statusLine) {
	m.sayDetail(s, "")
}

// sayDetail is say with details that only the log shows.
func (m *Model) sayDetail(s statusLine, detail string) {
	m.status = s
	m.said++
	if strings.HasSuffix(s.text, "…") && detail == "" {
		return
	}
	m.log = append(m.log, logEntry{statusLine: s, at: m.now(), detail: detail})
	if len(m.log) > maxLog {
		m.log = m.log[len(m.log)-maxLog:]
	}
}

// openLog shows the message log, at its newest message.
func (m *Model) openLog() {
	m.overlayOffset = len(m.logView(m.overlayInner()))
	m.overlay = overlayLog
}

// logView is the message log, oldest first, each message with its time and
// mark, wrapped to width.
func (m *Model) logView(width int) []string {
	st := &m.styles
	lines := []string{st.Title.Render(tr("Messages")) + st.Dim.Render(" · "+tr("newest last"))}
	if len(m.log) == 0 {
		lines = append(lines, st.Dim.Render(tr("nothing yet")))
	}
	for _, e := range m.log {
		mark, style := "·", st.StatusInfo
		switch e.kind {
		case statusOK:
			mark, style = "✓", st.StatusOK
		case statusWarn:
			mark, style = "!", st.StatusWarn
		case statusError:
			mark, style = "✗", st.StatusError
		}
		// "15:04:05 ✓ " then the message, continued under itself.
		const indent = 11
		pad := strings.Repeat(" ", indent)
		text := strings.TrimPrefix(strings.TrimPrefix(e.text, "✓ "), "✗ ")
		for i, l := range wrapWords(text, width-indent) {
			prefix := pad
			if i == 0 {
				prefix = st.Dim.Render(e.at.Local().Format("15:04:05")+" ") + style.Render(mark) + " "
			}
			lines = append(lines, prefix+style.Render(l))
		}
		if e.detail != "" {
			for _, l := range wrapWords(e.detail, width-indent) {
				lines = append(lines, pad+st.Dim.Render(l))
			}
		}
	}
	return append(lines, "", st.Dim.Render(tr("@ or esc closes")))
}

// scrollPopup scrolls a pop-up of total lines, or closes it with close.
func (m *Model) scrollPopup(msg tea.KeyPressMsg, total int, close ...key.Binding) tea.Cmd {
	k := m.keys
	rows := m.overlayRows()
	maxOffset := max(0, total-rows+1)
	m.overlayOffset = min(m.overlayOffset, maxOffset)
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Back), key.Matches(msg, close...):
		m.overlay = overlayNone
	case key.Matches(msg, k.Up):
		m.overlayOffset = max(0, m.overlayOffset-1)
	case key.Matches(msg, k.Down):
		m.overlayOffset = min(maxOffset, m.overlayOffset+1)
	case key.Matches(msg, k.PageUp):
		m.overlayOffset = max(0, m.overlayOffset-rows)
	case key.Matches(msg, k.PageDown):
		m.overlayOffset = min(maxOffset, m.overlayOffset+rows)
	case key.Matches(msg, k.Top):
		m.overlayOffset = 0
	case key.Matches(msg, k.Bottom):
		m.overlayOffset = maxOffset
	}
	return nil
}
