package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/history"
	"aliauth/internal/safetext"
)

// lineage is the token lineage screen: the auth code, the exchange, each
// refresh that rotated the refresh token, and which holds the live one.
type lineage struct {
	of      int64
	chain   *history.Chain
	err     error
	running bool
}

// chainMsg is the lineage of an exchange.
type chainMsg struct {
	of    int64
	chain *history.Chain
	err   error
}

func chainCmd(store *history.Store, id int64) tea.Cmd {
	return func() tea.Msg {
		c, err := store.Chain(context.Background(), id)
		return chainMsg{of: id, chain: c, err: err}
	}
}

// openLineage shows the lineage of the trace on screen.
func (m *Model) openLineage() tea.Cmd {
	t := m.shownTrace()
	switch {
	case m.opts.History == nil:
		return m.fail(tr("history is off, and the lineage is read from it"))
	case t == nil || t.ID == 0:
		return m.fail(tr("no recorded exchange on screen: make a call, or open one from history (h)"))
	}
	m.overlayOffset = 0
	m.overlay = overlayLineage
	m.chain = lineage{of: t.ID, running: true}
	return chainCmd(m.opts.History, t.ID)
}

func (m *Model) chainDone(msg chainMsg) {
	if msg.of != m.chain.of {
		return
	}
	m.chain = lineage{of: msg.of, chain: msg.chain, err: msg.err}
}

func (m *Model) lineageKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back), key.Matches(msg, m.keys.Lineage):
		m.overlay = overlayNone
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	default:
		m.scrollOverlayKey(msg, m.lineageView())
	}
	return nil
}

// lineageView draws the chain as a tree: each call under the one whose
// token it spent, superseded and stale ones marked, the live one named.
func (m *Model) lineageView() string {
	st := &m.styles
	lines := []string{st.Title.Render(tr("Token lineage of #%s", formatCount(int(m.chain.of))))}
	switch {
	case m.chain.running:
		lines = append(lines, "", st.Dim.Render(tr("reading history…")))
	case m.chain.err != nil:
		lines = append(lines, "", st.Error.Render(safetext.Text(word(m.chain.err.Error()))))
	case m.chain.chain != nil:
		if c := m.chain.chain.Code; c != "" {
			lines = append(lines, st.Dim.Render(tr("from auth code %s", safetext.Text(c))))
		}
		lines = append(lines, "")
		for _, e := range m.chain.chain.Entries {
			lines = append(lines, m.chainLine(e))
		}
	}
	lines = append(lines, "", st.Dim.Render(tr("↑↓ scroll · esc closes")))
	return strings.Join(lines, "\n")
}

func (m *Model) chainLine(e history.ChainEntry) string {
	st := &m.styles
	indent := strings.Repeat("   ", e.Depth)
	if e.Depth > 0 {
		indent += "└ "
	}
	outcome := st.OK
	if e.Outcome != gateway.OutcomeSuccess {
		outcome = st.Error
	}
	id := "#" + formatCount(int(e.ID))
	if e.ID == m.chain.of {
		id = "▶ " + id
	}
	line := indent + st.Bold.Render(id) + " " + st.Dim.Render(formatTime(e.Time)) + " " +
		st.Value.Render(word(gateway.CallName(e.Method, e.GrantType))) + " " + outcome.Render(e.Outcome.Mark()+" "+word(e.Outcome.Phrase()))
	if e.SubCode != "" {
		line += " " + st.Error.Render(safetext.Text(e.SubCode))
	}
	var notes []string
	switch {
	case e.Stale && e.GrantType == gateway.GrantAuthorizationCode:
		notes = append(notes, st.Warn.Render(tr("code already exchanged")))
	case e.Stale:
		notes = append(notes, st.Warn.Render(tr("sent a rotated refresh token")))
	}
	if e.SupersededBy > 0 {
		notes = append(notes, st.Dim.Render(tr("superseded by #%s", formatCount(int(e.SupersededBy)))))
	}
	if e.Live {
		notes = append(notes, st.OK.Render(tr("live refresh token")))
	}
	if len(notes) > 0 {
		line += " · " + strings.Join(notes, " · ")
	}
	return line
}

// refreshStateMsg is where the refresh token a call is about to send stands
// in history.
type refreshStateMsg struct {
	req   callRequest
	state history.RefreshState
	err   error
}

// startRefresh starts a call, but a refresh only once history has said its
// token was not rotated already: a rotated one is dead, and the console
// says which entry holds the live one and waits for the key again.
func (m *Model) startRefresh(req callRequest) tea.Cmd {
	store := m.opts.History
	if req.kind != callRefresh || store == nil || m.confirmedRefresh == req.arg {
		m.confirmedRefresh = ""
		return m.startCall(req)
	}
	return func() tea.Msg {
		st, err := store.RefreshState(context.Background(), req.arg)
		return refreshStateMsg{req: req, state: st, err: err}
	}
}

func (m *Model) refreshChecked(msg refreshStateMsg) tea.Cmd {
	st := msg.state
	if msg.err != nil || st.RotatedBy == nil {
		return m.startCall(msg.req)
	}
	m.confirmedRefresh = msg.req.arg
	text := "⚠ " + tr("this refresh token was rotated by #%s at %s: it is dead", formatCount(int(st.RotatedBy.ID)), formatTime(st.RotatedBy.Time))
	if st.Live != nil {
		text += tr("; the live one is in #%s (h opens history)", formatCount(int(st.Live.ID)))
	}
	m.say(statusLine{text + " · " + tr("the same key again sends it anyway"), statusWarn})
	return nil
}
