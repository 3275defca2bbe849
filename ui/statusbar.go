package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
)

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// statusView is one line: the call under way with a spinner and how long it
// has taken, or the last thing that happened.
func (m *Model) statusView() string {
	st := &m.styles
	if c := m.call; c != nil {
		p := m.session.Client.Profile()
		text := spinnerFrames[m.spinFrame%len(spinnerFrames)] + " " + c.req.kind.progressive() +
			fmt.Sprintf(" · %.1fs", m.now().Sub(c.started).Seconds())
		if c.cancelling {
			text += " · cancelling…"
		} else {
			text += " · esc cancels"
		}
		text += " · " + p.URL()
		return fit(st.Warn.Render(clean(text)), m.width)
	}
	style := st.StatusInfo
	switch m.status.kind {
	case statusOK:
		style = st.StatusOK
	case statusWarn:
		style = st.StatusWarn
	case statusError:
		style = st.StatusError
	}
	lines := m.statusText()
	for i, l := range lines {
		lines[i] = fit(style.Render(l), m.width)
	}
	return strings.Join(lines, "\n")
}

// statusText is the status wrapped to at most two lines, so what was copied
// how, or why a call failed, is read in full at 80 columns.
func (m *Model) statusText() []string {
	if m.call != nil || m.width <= 0 {
		return []string{""}
	}
	lines := wrapWords(m.status.text, m.width)
	if len(lines) > 2 {
		lines = []string{lines[0], ansi.Truncate(strings.Join(lines[1:], " "), m.width, "…")}
	}
	return lines
}

// statusHeight is how many lines the status takes.
func (m *Model) statusHeight() int {
	return len(m.statusText())
}

// footerView is the short help for where the focus is.
func (m *Model) footerView() string {
	return fit(m.help.ShortHelpView(m.footerKeys()), m.width)
}

func (m *Model) footerKeys() []key.Binding {
	k := m.keys
	if m.reveal {
		k.Reveal.SetHelp("v", "mask")
	}
	switch {
	case m.overlay == overlayCopy:
		return []key.Binding{k.CopyAccess, k.CopyRefresh, k.CopySubject, k.CopyStringToSign, k.CopyResponse, k.CopyCurl, k.CopyJSON, k.Back}
	case m.overlay == overlayProfiles:
		return []key.Binding{k.Select, k.Open, k.Back}
	case m.overlay == overlayConfirmDelete:
		return []key.Binding{k.Yes, k.No}
	case m.overlay == overlayHelp:
		return []key.Binding{k.Scroll, k.Back, k.ForceQuit}
	case m.overlay == overlayDoctor:
		return []key.Binding{k.DoctorProbe, k.Scroll, k.Back}
	case m.overlay == overlayIdentity, m.overlay == overlayLineage:
		return []key.Binding{k.Scroll, k.Back}
	case m.call != nil:
		return k.busyHelp()
	case m.screen == screenHistory && m.hist.filtering:
		return k.filterHelp()
	case m.screen == screenHistory:
		return k.listHelp()
	case m.screen == screenDetail:
		return k.detailHelp()
	case m.focus == focusInput:
		return k.typingHelp()
	}
	return k.resultsHelp()
}
