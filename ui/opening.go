package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"aliauth/gateway"
	"aliauth/history"
)

// Opening is what the console draws from before its session and history
// are open, so that its first frame needs neither: reading keys, starting
// the emulator and opening history take a few milliseconds, and bringing
// an older history's schema up to date takes seconds, once. Keys, pastes
// and clicks that arrive meanwhile are held, and acted on in order once
// both are open; ctrl+c quits at once.
type Opening struct {
	// Profile is the active profile as configured, before its keys are read
	// or its emulator started: enough for the header to say where the
	// console points.
	Profile gateway.Profile
	// Session blocks until the session is open and returns it, with why the
	// profile asked for could not be opened (Options.OpenError) when the
	// session is the built-in demo instead. A Session without a Client
	// means not even the demo could be opened: the console quits, and its
	// caller says why.
	Session func() (Session, error)
	// History blocks until history is open and returns it, or why it could
	// not be opened (Options.HistoryError).
	History func() (*history.Store, error)
}

// sessionOpenMsg and historyOpenMsg say the session and history are open.
type sessionOpenMsg struct {
	session Session
	err     error
}

type historyOpenMsg struct {
	store *history.Store
	err   error
}

// openingCmds wait for the session and for history.
func (m *Model) openingCmds() []tea.Cmd {
	o := m.opening
	return []tea.Cmd{
		func() tea.Msg {
			s, err := o.Session()
			return sessionOpenMsg{s, err}
		},
		func() tea.Msg {
			store, err := o.History()
			return historyOpenMsg{store, err}
		},
	}
}

func (m *Model) sessionOpen(msg sessionOpenMsg) tea.Cmd {
	if msg.session.Client == nil {
		m.stop()
		return tea.Quit
	}
	m.sessionPending = false
	m.session, m.opts.Session, m.opts.OpenError = msg.session, msg.session, msg.err
	m.autoRefresh = msg.session.AutoRefresh
	m.setInputPlaceholder()
	m.relayout()
	if m.historyPending && len(m.held) > 0 {
		m.sayHistoryWaits()
	}
	return m.finishOpening()
}

func (m *Model) historyOpen(msg historyOpenMsg) tea.Cmd {
	m.historyPending = false
	m.opts.History, m.opts.HistoryError = msg.store, msg.err
	return m.finishOpening()
}

// finishOpening, once the session and history are both open, says what
// went wrong opening them, starts what the console starts with, and acts
// on the input held meanwhile, in order.
func (m *Model) finishOpening() tea.Cmd {
	if m.sessionPending || m.historyPending {
		return nil
	}
	m.opening = nil
	m.opened()
	cmds := m.startCmds()
	held := m.held
	m.held = nil
	for _, msg := range held {
		_, cmd := m.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// opened says what went wrong opening the session or history.
func (m *Model) opened() {
	if m.opts.History == nil && m.opts.HistoryError != nil {
		m.say(statusLine{tr("history is off: %s", word(m.opts.HistoryError.Error())), statusWarn})
	}
	if m.opts.OpenError != nil {
		// The profile asked for is broken: say why, and offer the others.
		m.say(statusLine{tr("%s; running %s meanwhile: pick a profile, or fix it and pick it again",
			word(m.opts.OpenError.Error()), m.session.Client.Profile().Name), statusError})
		m.openProfiles()
	}
}

// startCmds are what the console starts once its session and history are
// open: the profile picker's checks when the profile asked for is broken,
// and loading the history index. A long history takes a second to index:
// it begins while the user reads the first screen, so history opens
// complete.
func (m *Model) startCmds() []tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.OpenError != nil && m.opts.Check != nil {
		cmds = append(cmds, checkProfilesCmd(m.opts.Check, m.profileNames()))
	}
	if store := m.opts.History; store != nil {
		m.hist.loadingIndex = true
		m.hist.indexSeq++
		cmds = append(cmds, historyIndexCmd(m.base, store, m.hist.indexSeq))
	}
	return cmds
}

// hold keeps what the user does before the session and history are open,
// to act on it once they are, and reports whether msg was such input.
// ctrl+c is not held.
func (m *Model) hold(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.ForceQuit) {
			return false
		}
	case tea.PasteMsg, tea.MouseMsg:
	default:
		return false
	}
	m.held = append(m.held, msg)
	if len(m.held) == 1 && !m.sessionPending {
		m.sayHistoryWaits()
	}
	return true
}

// sayHistoryWaits says why what the user types is not acted on: the
// session is open, history is not (an older one is being brought up to
// date, which takes seconds).
func (m *Model) sayHistoryWaits() {
	m.say(statusLine{tr("history is still opening: what you type waits for it (ctrl+c quits)"), statusInfo})
}

// profile is the active profile: the session's, or, while it opens, as
// configured.
func (m *Model) profile() gateway.Profile {
	if m.sessionPending {
		return m.opening.Profile
	}
	return m.session.Client.Profile()
}

// mints reports whether m mints codes: against the emulator.
func (m *Model) mints() bool {
	if m.sessionPending {
		return m.opening.Profile.Emulator
	}
	return m.session.MintCode != nil
}

// takesFaults reports whether f arms faults: the emulator's.
func (m *Model) takesFaults() bool {
	if m.sessionPending {
		return m.opening.Profile.Emulator
	}
	return m.session.Faults != nil
}
