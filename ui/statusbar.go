package ui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"

	"aliauth/internal/safetext"
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
			text += " · " + tr("cancelling…")
		} else {
			text += " · " + tr("esc cancels")
		}
		text += " · " + p.URL()
		return fit(st.Warn.Render(safetext.Text(text)), m.width)
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
	// One line: a message too long for it ends in a pointer to the log,
	// which holds it whole.
	text := safetext.Text(m.status.text)
	if ansi.StringWidth(text) > m.width {
		more := " · " + tr("@ log")
		return fit(style.Render(ansi.Truncate(text, max(0, m.width-ansi.StringWidth(more)), "…"))+st.Dim.Render(more), m.width)
	}
	return fit(style.Render(text), m.width)
}

// footerView is the short help for where the focus is.
func (m *Model) footerView() string {
	return fit(m.help.ShortHelpView(m.footerKeys()), m.width)
}

func (m *Model) footerKeys() []key.Binding {
	return m.offered(m.screenKeys(), true)
}

func (m *Model) screenKeys() []key.Binding {
	k := m.keys
	if m.reveal {
		k.Reveal.SetHelp("v", tr("mask"))
	}
	switch {
	case m.overlay == overlayCopy:
		return []key.Binding{k.Select, withDesc(k.Open, "copy"), withDesc(k.Back, "close")}
	case m.overlay == overlayProfiles:
		return []key.Binding{k.Select, withDesc(k.Open, "switch"), withDesc(k.Back, "close")}
	case m.overlay == overlayFaults:
		return []key.Binding{k.Select, withDesc(k.Open, "arm"), withDesc(k.Back, "close")}
	case m.overlay == overlayConfirmDelete:
		return []key.Binding{k.Yes, k.No}
	case m.overlay == overlayHelp, m.overlay == overlayLog:
		return []key.Binding{k.Scroll, withDesc(k.Back, "close"), k.ForceQuit}
	case m.overlay == overlayDoctor:
		return []key.Binding{k.DoctorProbe, k.Scroll, withDesc(k.Back, "close")}
	case m.overlay == overlayIdentity, m.overlay == overlayLineage:
		return []key.Binding{k.Scroll, withDesc(k.Back, "close")}
	case m.search.typing:
		return []key.Binding{withDesc(k.Exchange, "keep"), withDesc(k.Back, "clear"), k.ForceQuit}
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
	case m.current == nil:
		return k.startHelp()
	}
	return k.resultsHelp()
}

// offered drops the keys that cannot work: minting without the emulator,
// and in the footer (now) user info with tokens that only carry auth_base.
func (m *Model) offered(bindings []key.Binding, now bool) []key.Binding {
	k := m.keys
	out := bindings[:0:0]
	for _, b := range bindings {
		switch b.Help().Key {
		case k.Mint.Help().Key, k.InputMint.Help().Key, k.MintBase.Help().Key:
			if !m.mints() {
				continue
			}
		case k.Faults.Help().Key:
			if !m.takesFaults() {
				continue
			}
		case k.UserInfo.Help().Key:
			if now && m.screen == screenMain && m.tokens != nil && !m.offersUserInfo() {
				continue
			}
		}
		out = append(out, b)
	}
	return out
}
