// Package ui is aliauth's console: paste an auth code, watch the exchange
// step by step, refresh, fetch user info, browse history and copy any value.
//
// One root Model owns all state; panes are plain structs drawn by pure
// functions of it; the focus decides where keys go; every call, database
// read and clipboard write runs in a tea.Cmd (commands.go).
package ui

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"aliauth/doctor"
	"aliauth/gateway"
	"aliauth/history"
	"aliauth/internal/safetext"
)

// Session is the active profile as the console uses it.
type Session struct {
	// Client calls the gateway; Client.Profile() names the profile, its
	// environment, app id, protocol, sign type, charset and URL.
	Client *gateway.Client
	// MintCode stands in for my.getAuthCode (scope "auth_user" or
	// "auth_base"); nil when not against the emulator.
	MintCode func(ctx context.Context, scope string) (string, error)
	// StoreSecrets false makes history keep token fingerprints only.
	StoreSecrets bool
	// Faults arms the emulator's faults; nil when not against the emulator.
	Faults FaultInjector
	// AutoRefresh starts the console refreshing tokens before they expire.
	AutoRefresh bool
	// Login is what the profile says about authorizations and payloads.
	Login LoginOptions
}

// Options configure the console.
type Options struct {
	Session Session
	// Profiles are the names the console can switch between (may be just
	// the active one); Open builds the session for one of them.
	Profiles []string
	Open     func(name string) (Session, error)
	// Check says what a profile is and whether it opens, without opening
	// it, so the picker can mark the broken ones; nil checks nothing.
	Check func(name string) ProfileCheck
	// OpenError says why the profile asked for could not be opened; the
	// console then runs Session (the built-in demo) and opens the picker
	// with the problem shown.
	OpenError error
	// History records every call; nil when it could not be opened, and then
	// HistoryError says why (the console shows it and keeps working).
	History      *history.Store
	HistoryError error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Clipboard takes copies; nil means the system clipboard, falling back
	// to the terminal (OSC 52) where there is none, as over SSH.
	Clipboard Clipboard
	// Lang is the language the console speaks: a name or locale such as
	// "zh-CN" or "zh_CN.UTF-8" picks Chinese; anything else, or "", English.
	Lang string
	// Doctor audits a profile's whole setup, with the live probe when
	// asked; nil leaves the doctor's screen empty.
	Doctor func(ctx context.Context, profile string, probe bool) (*doctor.Report, error)
}

type screen int

const (
	screenMain screen = iota
	screenHistory
	screenDetail
)

type focus int

const (
	focusInput focus = iota
	focusRequest
	focusResponse
)

type overlay int

const (
	overlayNone overlay = iota
	overlayHelp
	overlayCopy
	overlayProfiles
	overlayConfirmDelete
	overlayLog
	overlayFaults
	overlayDoctor
	overlayIdentity
	overlayLineage
)

type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusWarn
	statusError
)

type statusLine struct {
	text string
	kind statusKind
}

// inFlight is the call under way: one at a time, cancellable.
type inFlight struct {
	seq        int
	req        callRequest
	started    time.Time
	cancel     context.CancelFunc
	cancelling bool
}

// Model is the console's root model.
type Model struct {
	opts    Options
	session Session
	now     func() time.Time
	clip    Clipboard
	// after schedules a timer message; tests replace it to run timers by hand.
	after func(time.Duration, tea.Msg) tea.Cmd
	// exec hands the terminal to another program (the pager); tests
	// replace it to run the program directly.
	exec func(*exec.Cmd, tea.ExecCallback) tea.Cmd
	base context.Context
	stop context.CancelFunc

	width, height int
	styles        Styles
	keys          KeyMap
	help          help.Model

	screen      screen
	focus       focus
	detailFocus focus
	overlay     overlay

	input  textinput.Model
	grant  string
	reveal bool
	// rawBody shows response bodies as raw bytes rather than pretty JSON.
	rawBody bool

	// current is the trace on the exchange screen; tokens the latest this
	// session received, which r and u use.
	current *traceView
	tokens  *gateway.Tokens
	// tokensScope is the scope the latest tokens were granted, when this
	// console minted the code they came from; mintedScopes remembers the
	// scope of each code it minted.
	tokensScope  string
	mintedScopes map[string]string

	call      *inFlight
	callSeq   int
	spinGen   int
	spinFrame int
	clockGen  int
	clockOn   bool

	// status is the status line; log every message it showed, said how
	// many it has shown.
	status statusLine
	log    []logEntry
	said   int

	hist          historyState
	search        searchState
	detail        *traceView
	profileCursor int
	profileChecks map[string]ProfileCheck
	copyCursor    int
	faults        faultMenu
	confirmID     int64
	overlayOffset int
	// quitting is set when the user quit while a call was under way.
	quitting bool

	// The doctor's screen, the lineage, the last code's origin, a refresh
	// of a rotated token waiting for confirmation, and auto-refresh.
	diag              diagnosis
	chain             lineage
	lastCode          codeNote
	confirmedRefresh  string
	autoRefresh       bool
	autoRefreshFailed string
	// login is the authorization, app authorization and payload panels.
	login loginState
}

const (
	spinInterval  = 100 * time.Millisecond
	clockInterval = time.Second
	// minWidth and minHeight are the smallest terminal the console draws in.
	minWidth  = 60
	minHeight = 15
)

// New returns the console's model for Bubble Tea.
func New(opts Options) *Model {
	setLanguage(opts.Lang)
	m := &Model{
		opts:    opts,
		session: opts.Session,
		now:     opts.Now,
		clip:    opts.Clipboard,
		after:   after,
		exec:    tea.ExecProcess,
		keys:    DefaultKeyMap(),
		help:    newHelp(),
		grant:   gateway.GrantAuthorizationCode,

		mintedScopes: map[string]string{},
		autoRefresh:  opts.Session.AutoRefresh,
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.clip == nil {
		m.clip = newSystemClipboard()
	}
	m.base, m.stop = context.WithCancel(context.Background())
	m.input = textinput.New()
	m.input.Prompt = "› "
	m.input.CharLimit = 4096
	m.hist = newHistoryState()
	m.search = newSearch()
	m.setStyles(true)
	// The console starts outside the input, so the first keys do what the
	// screen says they do; a paste lands in the input from anywhere.
	m.focus = focusResponse
	m.setInputPlaceholder()
	m.say(m.welcome())
	if m.opts.History == nil && m.opts.HistoryError != nil {
		m.say(statusLine{tr("history is off: %s", word(m.opts.HistoryError.Error())), statusWarn})
	}
	if m.opts.OpenError != nil {
		// The profile asked for is broken: say why, and offer the others.
		m.say(statusLine{tr("%s; running %s meanwhile: pick a profile, or fix it and pick it again",
			word(m.opts.OpenError.Error()), m.session.Client.Profile().Name), statusError})
		m.openProfiles()
	}
	return m
}

// welcome is the first status line: what to do first.
func (m *Model) welcome() statusLine {
	if m.session.MintCode != nil {
		return statusLine{tr("m mints an auth code, enter exchanges it, ? lists every key"), statusInfo}
	}
	return statusLine{tr("paste an auth code anywhere, enter exchanges it, ? lists every key"), statusInfo}
}

func (m *Model) setStyles(dark bool) {
	m.styles = NewStyles(dark)
	m.help.Styles = m.styles.Help
	m.input.SetStyles(m.styles.Input)
	m.hist.filter.SetStyles(m.styles.Input)
	m.search.input.SetStyles(m.styles.Input)
	for _, v := range []*traceView{m.current, m.detail, m.hist.preview} {
		if v != nil {
			v.invalidate()
		}
	}
	m.relayout()
}

// Init asks the terminal for its background colour, to pick light or dark
// styles; when the profile asked for could not be opened, it opens the
// picker on the problem.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if m.opts.OpenError != nil && m.opts.Check != nil {
		cmds = append(cmds, checkProfilesCmd(m.opts.Check, m.profileNames()))
	}
	// A long history takes a second to index: begin while the user reads
	// the first screen, so history opens complete.
	if store := m.opts.History; store != nil {
		m.hist.loadingIndex = true
		m.hist.indexSeq++
		cmds = append(cmds, historyIndexCmd(m.base, store, m.hist.indexSeq))
	}
	return tea.Batch(cmds...)
}

// Update handles one message. A message on the status line belongs to the
// screen it was said on: changing screens clears it (the log keeps it).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	screen, said := m.screen, m.said
	cmd := m.update(msg)
	if m.screen != screen && m.said == said {
		m.status = statusLine{}
	}
	// A search follows the focused pane and its doc as they change.
	m.refreshSearch()
	if preview := m.ensurePreview(); preview != nil {
		cmd = tea.Batch(cmd, preview)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.loginUpdate(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.relayout()
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		return m.paste(msg.Content)
	case pagerFileMsg:
		return m.pagerFile(msg)
	case pagerDoneMsg:
		return m.pagerDone(msg)
	case tea.MouseWheelMsg:
		m.wheel(msg.Mouse())
	case tea.MouseClickMsg:
		return m.click(msg.Mouse())
	case callDoneMsg:
		return m.callDone(msg)
	case mintedMsg:
		m.minted(msg)
	case historyPageMsg:
		m.historyPage(msg)
	case historyIndexMsg:
		m.historyIndex(msg)
	case historyTraceMsg:
		return m.historyTrace(msg)
	case historyPreviewMsg:
		m.historyPreview(msg)
	case historyDeletedMsg:
		m.historyDeleted(msg)
	case copiedMsg:
		return m.copied(msg)
	case profileOpenedMsg:
		m.profileOpened(msg)
	case profileChecksMsg:
		m.profileChecked(msg)
	case doctorMsg:
		m.doctorDone(msg)
	case triageMsg:
		m.triaged(msg)
	case chainMsg:
		m.chainDone(msg)
	case refreshStateMsg:
		return m.refreshChecked(msg)
	case spinMsg:
		if msg.gen == m.spinGen && m.call != nil {
			m.spinFrame++
			return m.after(spinInterval, spinMsg{m.spinGen})
		}
	case clockMsg:
		if msg.gen != m.clockGen {
			return nil
		}
		m.clockOn = false
		return tea.Batch(m.ensureClock(), m.autoRefreshDue())
	}
	return nil
}

// key routes a key press: ctrl+c always quits; then an open overlay, a call
// to cancel, and the screen with its focus, in that order.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.ForceQuit) {
		return m.quit()
	}
	if m.tooSmall() {
		if key.Matches(msg, k.Quit) {
			return m.quit()
		}
		return nil
	}
	if m.overlay != overlayNone {
		return m.overlayKey(msg)
	}
	if m.search.typing {
		return m.searchKey(msg)
	}
	if m.call != nil && key.Matches(msg, k.Cancel) {
		m.cancelCall()
		return nil
	}
	switch m.screen {
	case screenHistory:
		return m.historyKey(msg)
	case screenDetail:
		return m.detailKey(msg)
	}
	if m.focus == focusInput {
		return m.inputKey(msg)
	}
	return m.mainKey(msg)
}

// quit ends the console. A call under way is cancelled first and the
// console waits the moment it takes to record it, so its trace is not
// lost; a second quit does not wait.
func (m *Model) quit() tea.Cmd {
	if m.call != nil && !m.quitting {
		m.quitting = true
		m.cancelCall()
		m.say(statusLine{tr("cancelling the call and recording it, then quitting…"), statusWarn})
		return nil
	}
	m.stop()
	return tea.Quit
}

// inputKey handles keys while the auth code input has the focus: text goes
// to the input; only keys that cannot be text act.
func (m *Model) inputKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Exchange):
		return m.submit()
	case key.Matches(msg, k.NextPane):
		m.setFocus(focusRequest)
	case key.Matches(msg, k.PrevPane), key.Matches(msg, k.LeaveInput):
		m.setFocus(focusResponse)
	case key.Matches(msg, k.InputGrant):
		m.toggleGrant()
	case key.Matches(msg, k.InputMint):
		return m.mint("auth_user")
	case key.Matches(msg, k.InputHelp):
		m.openHelp()
	default:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return cmd
	}
	return nil
}

// mainKey handles the exchange screen outside the input.
func (m *Model) mainKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.openHelp()
	case key.Matches(msg, k.Exchange):
		return m.submit()
	case key.Matches(msg, k.EditInput):
		m.setFocus(focusInput)
	case key.Matches(msg, k.Back):
		// Outside the input only a search is further back: esc never
		// enters the input, so a command letter is never typed as a code.
		m.clearSearch()
	case key.Matches(msg, k.Search):
		return m.startSearch()
	case key.Matches(msg, k.NextMatch), key.Matches(msg, k.PrevMatch):
		m.nextMatch(key.Matches(msg, k.PrevMatch))
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		m.setFocus(otherPane(m.focus))
	case key.Matches(msg, k.Grant), key.Matches(msg, k.InputGrant):
		m.toggleGrant()
	case key.Matches(msg, k.Mint), key.Matches(msg, k.InputMint):
		return m.mint("auth_user")
	case key.Matches(msg, k.MintBase):
		return m.mint("auth_base")
	case key.Matches(msg, k.Refresh):
		return m.refreshLatest()
	case key.Matches(msg, k.UserInfo):
		return m.userInfoLatest()
	case key.Matches(msg, k.Copy):
		m.openCopy()
	case key.Matches(msg, k.Reveal):
		m.toggleReveal()
	case key.Matches(msg, k.BodyForm):
		m.toggleBodyForm()
	case key.Matches(msg, k.History):
		return m.openHistory()
	case key.Matches(msg, k.Profiles):
		return m.openProfiles()
	case key.Matches(msg, k.Log):
		m.openLog()
	case key.Matches(msg, k.Faults):
		m.openFaults()
	case key.Matches(msg, k.Pager):
		return m.openInPager()
	case key.Matches(msg, k.Doctor):
		return m.openDoctor(false)
	case key.Matches(msg, k.Identity):
		m.openIdentity()
	case key.Matches(msg, k.Lineage):
		return m.openLineage()
	case key.Matches(msg, k.AutoRefresh):
		return m.toggleAutoRefresh()
	case key.Matches(msg, k.Authorize, k.AppAuth, k.Payloads):
		return m.openLogin(msg)
	default:
		if m.current != nil && m.isScrollKey(msg) {
			m.scroll(msg, m.current, m.focus)
		} else if text := msg.Text; text != "" {
			m.say(statusLine{tr("%s is not a key here: i types into the auth code input, ? lists every key", text), statusInfo})
		}
	}
	return nil
}

// otherPane is the pane tab moves to from f.
func otherPane(f focus) focus {
	if f == focusRequest {
		return focusResponse
	}
	return focusRequest
}

// isScrollKey reports whether msg scrolls a pane.
func (m *Model) isScrollKey(msg tea.KeyPressMsg) bool {
	k := m.keys
	return key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom)
}

// detailKey handles a history entry's detail view.
func (m *Model) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	t := m.detail.trace
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.openHelp()
	case key.Matches(msg, k.Back) && m.search.query != "":
		m.clearSearch()
	case key.Matches(msg, k.Back):
		m.screen = screenHistory
	case key.Matches(msg, k.Search):
		return m.startSearch()
	case key.Matches(msg, k.NextMatch), key.Matches(msg, k.PrevMatch):
		m.nextMatch(key.Matches(msg, k.PrevMatch))
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		m.detailFocus = otherPane(m.detailFocus)
	case key.Matches(msg, k.Refresh):
		return m.callFromTrace(t, callRefresh, false)
	case key.Matches(msg, k.UserInfo):
		return m.callFromTrace(t, callUserInfo, false)
	case key.Matches(msg, k.Replay):
		return m.callFromTrace(t, callExchange, true)
	case key.Matches(msg, k.Copy):
		m.openCopy()
	case key.Matches(msg, k.Reveal):
		m.toggleReveal()
	case key.Matches(msg, k.BodyForm):
		m.toggleBodyForm()
	case key.Matches(msg, k.Pager):
		return m.openInPager()
	case key.Matches(msg, k.Delete):
		m.confirmDelete(t.ID)
	case key.Matches(msg, k.History):
		m.screen = screenHistory
	case key.Matches(msg, k.Log):
		m.openLog()
	case key.Matches(msg, k.Doctor):
		return m.openDoctor(false)
	case key.Matches(msg, k.Identity):
		m.openIdentity()
	case key.Matches(msg, k.Lineage):
		return m.openLineage()
	default:
		m.scroll(msg, m.detail, m.detailFocus)
	}
	return nil
}

// scroll moves the focused pane of v for the scrolling keys.
func (m *Model) scroll(msg tea.KeyPressMsg, v *traceView, f focus) {
	p, rows := &v.resp, m.paneRows(f)
	if f == focusRequest {
		p = &v.req
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		p.scrollBy(-1, rows)
	case key.Matches(msg, k.Down):
		p.scrollBy(1, rows)
	case key.Matches(msg, k.PageUp):
		p.scrollBy(-max(1, rows-1), rows)
	case key.Matches(msg, k.PageDown):
		p.scrollBy(max(1, rows-1), rows)
	case key.Matches(msg, k.Top):
		p.scrollTo(0, rows)
	case key.Matches(msg, k.Bottom):
		p.scrollTo(p.doc.lineCount(), rows)
	}
}

func (m *Model) setFocus(f focus) {
	if f == focusInput {
		m.input.Focus()
	} else {
		m.input.Blur()
	}
	m.focus = f
}

func (m *Model) fail(text string) tea.Cmd {
	m.say(statusLine{text, statusError})
	return nil
}

func (m *Model) toggleReveal() {
	m.reveal = !m.reveal
	for _, v := range []*traceView{m.current, m.detail, m.hist.preview} {
		if v != nil {
			v.setReveal(m.reveal)
		}
	}
	m.setInputPlaceholder()
	m.relayout()
	if m.reveal {
		m.say(statusLine{tr("secrets revealed on screen: v masks them again"), statusWarn})
	} else {
		m.say(statusLine{tr("secrets masked on screen"), statusInfo})
	}
}

// toggleBodyForm shows bodies as raw bytes or as pretty JSON.
func (m *Model) toggleBodyForm() {
	m.rawBody = !m.rawBody
	for _, v := range []*traceView{m.current, m.detail, m.hist.preview} {
		if v != nil {
			v.setPretty(!m.rawBody)
		}
	}
	m.relayout()
	if m.rawBody {
		m.say(statusLine{tr("bodies shown as the raw bytes received · b: pretty JSON"), statusInfo})
	} else {
		m.say(statusLine{tr("bodies shown as pretty JSON, the signed content still marked · b: raw bytes"), statusInfo})
	}
}

// ensureClock keeps the countdown ticking once a second while a shown token
// has not expired, and lets it stop otherwise.
func (m *Model) ensureClock() tea.Cmd {
	if m.clockOn || !m.counting() {
		return nil
	}
	m.clockOn = true
	m.clockGen++
	return m.after(clockInterval, clockMsg{m.clockGen})
}

func (m *Model) counting() bool {
	now := m.now()
	return m.current.counting(now) || (m.screen == screenDetail && m.detail.counting(now))
}

func (m *Model) openHelp() {
	m.overlayOffset = 0
	m.overlay = overlayHelp
}

func (m *Model) confirmDelete(id int64) {
	m.confirmID = id
	m.overlay = overlayConfirmDelete
}

func (m *Model) overlayKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch m.overlay {
	case overlayHelp:
		return m.helpKey(msg)
	case overlayCopy:
		return m.copyKey(msg)
	case overlayProfiles:
		return m.profilesKey(msg)
	case overlayLog:
		return m.scrollPopup(msg, len(m.logView(m.overlayInner())), k.Log)
	case overlayFaults:
		return m.faultsKey(msg)
	case overlayDoctor:
		return m.doctorKey(msg)
	case overlayIdentity:
		return m.identityKey(msg)
	case overlayLineage:
		return m.lineageKey(msg)
	case overlayConfirmDelete:
		switch {
		case key.Matches(msg, k.Yes):
			m.overlay = overlayNone
			m.say(statusLine{tr("deleting…"), statusInfo})
			return historyDeleteCmd(m.opts.History, m.confirmID)
		case key.Matches(msg, k.No):
			m.overlay = overlayNone
			m.say(statusLine{tr("kept"), statusInfo})
		}
	}
	return nil
}

// relayout rebuilds what depends on the size of the terminal.
func (m *Model) relayout() {
	if m.width <= 0 {
		return
	}
	m.help.SetWidth(m.width)
	m.layoutInput()
	m.hist.filter.SetWidth(max(10, m.width-12))
	for _, v := range []*traceView{m.current, m.detail} {
		if v == nil {
			continue
		}
		l := layoutPanes(m.width, m.panesHeight(), true)
		v.layout(&m.styles, l.reqWidth, l.respWidth)
	}
	if v := m.hist.preview; v != nil {
		if _, w := m.historyWidths(); w > 0 {
			v.layout(&m.styles, w, w)
		}
	}
}

// drawContext is what drawing a pane's line needs.
func (m *Model) drawContext() *drawContext {
	return &drawContext{now: m.now(), styles: &m.styles, width: m.width}
}

// tooSmall reports a terminal in which nothing useful fits.
func (m *Model) tooSmall() bool {
	return m.width > 0 && (m.width < minWidth || m.height < minHeight)
}

// Heights of the fixed rows.
const (
	headerHeight = 2
	statusHeight = 1
	footerHeight = 1
)

// panesHeight is the height left for the panes on the current screen.
func (m *Model) panesHeight() int {
	h := m.height - headerHeight - statusHeight - footerHeight - len(m.bannerLines()) - len(m.autoRefreshLines())
	switch m.screen {
	case screenDetail:
		h-- // the entry's title
	default:
		h-- // the input
	}
	return max(2, h)
}

// paneRows is how many content lines the pane with focus f shows.
func (m *Model) paneRows(f focus) int {
	focused := m.focus
	if m.screen == screenDetail {
		focused = m.detailFocus
	}
	l := layoutPanes(m.width, m.panesHeight(), focused != focusRequest)
	if f == focusRequest {
		return l.reqHeight - 1
	}
	return l.respHeight - 1
}

// View draws the console.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	// Cell motion reports clicks and the wheel; the terminal still selects
	// text with shift held.
	v.MouseMode = tea.MouseModeCellMotion
	if m.session.Client != nil {
		p := m.session.Client.Profile()
		v.WindowTitle = "aliauth · " + p.Name + " · " + envLabel(p.Environment())
	}
	return v
}

func (m *Model) render() string {
	switch {
	case m.width <= 0:
		return ""
	case m.tooSmall():
		return m.tooSmallView()
	}
	c := &drawContext{now: m.now(), styles: &m.styles, width: m.width}
	parts := []string{m.headerView()}
	parts = append(parts, m.bannerLines()...)
	switch m.screen {
	case screenHistory:
		parts = append(parts, m.historyView())
	case screenDetail:
		parts = append(parts, m.detailTitle(), m.panesView(m.detail, m.detailFocus, c))
	default:
		parts = append(parts, m.inputView())
		parts = append(parts, m.autoRefreshLines()...)
		parts = append(parts, m.panesView(m.current, m.focus, c))
	}
	if m.search.typing {
		parts = append(parts, m.searchView(), m.footerView())
	} else {
		parts = append(parts, m.statusView(), m.footerView())
	}
	base := strings.Join(parts, "\n")
	if m.overlay != overlayNone {
		base = m.withOverlay(base)
	}
	return m.withLoginPanel(base)
}

// panesView draws a trace's panes, or what to do when there is none yet.
func (m *Model) panesView(v *traceView, f focus, c *drawContext) string {
	h := m.panesHeight()
	if v == nil {
		return m.emptyPanes(h)
	}
	l := layoutPanes(m.width, h, f != focusRequest)
	reqTitle, respTitle := tr("REQUEST"), tr("RESPONSE")
	if v.trace.Outcome != "" {
		respTitle += " · " + word(strings.ToUpper(string(v.trace.Outcome)))
	}
	reqTitle += m.searchTitle(&v.req)
	respTitle += m.searchTitle(&v.resp)
	hl := paneHighlights{req: m.highlights(&v.req), resp: m.highlights(&v.resp)}
	if m.call != nil && v == m.current {
		// The result shown is the previous call's: it must not be read
		// as the answer to the call under way.
		dc := *c
		dc.stale = true
		c = &dc
		reqTitle += " · " + tr("STALE")
		respTitle += " · " + tr("STALE (previous call)")
	}
	return v.viewPanes(l, f, c, reqTitle, respTitle, hl)
}

// bannerLines are the shown trace's warnings, loudly, above the panes: a
// retired sandbox host or skipped verification must not be missed. Before
// the first call they are the profile's, which every call will carry.
func (m *Model) bannerLines() []string {
	if m.width <= 0 {
		return nil
	}
	var warnings []string
	switch {
	case m.screen == screenMain && m.current != nil:
		warnings = m.current.trace.Warnings
	case m.screen == screenMain && m.session.Client != nil:
		p := m.session.Client.Profile()
		warnings = p.Warnings()
	case m.screen == screenDetail:
		warnings = m.detail.trace.Warnings
	}
	var out []string
	for i, w := range warnings {
		if i == 2 {
			out[1] = fit(m.styles.Banner.Render(" ⚠ "+safetext.Text(word(warnings[1]))+" "+tr("(+%s more in the response pane)", formatCount(len(warnings)-2))+" "), m.width)
			break
		}
		out = append(out, fit(m.styles.Banner.Render(" ⚠ "+safetext.Text(word(w))+" "), m.width))
	}
	return out
}

func (m *Model) tooSmallView() string {
	msg := tr("The terminal is %s×%s; aliauth needs at least %s×%s. Enlarge the window, or press ctrl+c to quit.",
		formatCount(m.width), formatCount(m.height), formatCount(minWidth), formatCount(minHeight))
	lines := wrapWords(msg, max(10, m.width-2))
	return strings.Join(lines, "\n")
}

// Run starts the console and returns when the user quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	// The renderer measures text beyond Latin with a 2 MB width table that
	// is built on first use, which would be inside the first frame (the
	// header's dash is such text): build it on another core meanwhile.
	go ansi.StringWidthWc("—")
	_, err := tea.NewProgram(New(opts), tea.WithContext(ctx)).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
