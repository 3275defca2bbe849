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
	// History records every call; nil when it could not be opened, and then
	// HistoryError says why (the console shows it and keeps working).
	History      *history.Store
	HistoryError error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Clipboard takes copies; nil means the system clipboard, falling back
	// to the terminal (OSC 52) where there is none, as over SSH.
	Clipboard Clipboard
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
	base  context.Context
	stop  context.CancelFunc

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

	// current is the trace on the exchange screen; tokens the latest this
	// session received, which r and u use.
	current *traceView
	tokens  *gateway.Tokens

	call      *inFlight
	callSeq   int
	spinGen   int
	spinFrame int
	clockGen  int
	clockOn   bool

	status statusLine

	hist          historyState
	detail        *traceView
	profileCursor int
	confirmID     int64
	helpOffset    int
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
	m := &Model{
		opts:    opts,
		session: opts.Session,
		now:     opts.Now,
		clip:    opts.Clipboard,
		after:   after,
		keys:    DefaultKeyMap(),
		help:    newHelp(),
		grant:   gateway.GrantAuthorizationCode,

		autoRefresh: opts.Session.AutoRefresh,
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
	m.setStyles(true)
	m.input.Focus()
	m.setInputPlaceholder()
	m.status = m.welcome()
	return m
}

// welcome is the first status line: what to do first, and whether history
// works.
func (m *Model) welcome() statusLine {
	if m.opts.History == nil && m.opts.HistoryError != nil {
		return statusLine{"history is off: " + m.opts.HistoryError.Error(), statusWarn}
	}
	if m.session.MintCode != nil {
		return statusLine{"ctrl+n mints an auth code, enter exchanges it", statusInfo}
	}
	return statusLine{"paste an auth code from my.getAuthCode (or its redirect URL or JSON), then press enter", statusInfo}
}

func (m *Model) setStyles(dark bool) {
	m.styles = NewStyles(dark)
	m.help.Styles = m.styles.Help
	m.input.SetStyles(m.styles.Input)
	m.hist.filter.SetStyles(m.styles.Input)
	for _, v := range []*traceView{m.current, m.detail} {
		if v != nil {
			v.invalidate()
		}
	}
	m.relayout()
}

// Init asks the terminal for its background colour, to pick light or dark
// styles.
func (m *Model) Init() tea.Cmd {
	return tea.RequestBackgroundColor
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.loginUpdate(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.relayout()
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		return m, m.paste(msg.Content)
	case callDoneMsg:
		return m, m.callDone(msg)
	case mintedMsg:
		m.minted(msg)
	case historyPageMsg:
		m.historyPage(msg)
	case historyIndexMsg:
		m.historyIndex(msg)
	case historyTraceMsg:
		return m, m.historyTrace(msg)
	case historyDeletedMsg:
		m.historyDeleted(msg)
	case copiedMsg:
		return m, m.copied(msg)
	case profileOpenedMsg:
		m.profileOpened(msg)
	case doctorMsg:
		m.doctorDone(msg)
	case triageMsg:
		m.triaged(msg)
	case chainMsg:
		m.chainDone(msg)
	case refreshStateMsg:
		return m, m.refreshChecked(msg)
	case spinMsg:
		if msg.gen == m.spinGen && m.call != nil {
			m.spinFrame++
			return m, m.after(spinInterval, spinMsg{m.spinGen})
		}
	case clockMsg:
		if msg.gen != m.clockGen {
			return m, nil
		}
		m.clockOn = false
		return m, tea.Batch(m.ensureClock(), m.autoRefreshDue())
	}
	return m, nil
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
		m.status = statusLine{"cancelling the call and recording it, then quitting…", statusWarn}
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
	case key.Matches(msg, k.EditInput), key.Matches(msg, k.Back):
		m.setFocus(focusInput)
	case key.Matches(msg, k.NextPane):
		m.setFocus((m.focus + 1) % 3)
	case key.Matches(msg, k.PrevPane):
		m.setFocus((m.focus + 2) % 3)
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
	case key.Matches(msg, k.History):
		return m.openHistory()
	case key.Matches(msg, k.Profiles):
		m.openProfiles()
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
		if m.current != nil {
			m.scroll(msg, m.current, m.focus)
		}
	}
	return nil
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
	case key.Matches(msg, k.Back):
		m.screen = screenHistory
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		if m.detailFocus == focusRequest {
			m.detailFocus = focusResponse
		} else {
			m.detailFocus = focusRequest
		}
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
	case key.Matches(msg, k.Delete):
		m.confirmDelete(t.ID)
	case key.Matches(msg, k.History):
		m.screen = screenHistory
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
	m.status = statusLine{text, statusError}
	return nil
}

func (m *Model) toggleReveal() {
	m.reveal = !m.reveal
	for _, v := range []*traceView{m.current, m.detail} {
		if v != nil {
			v.setReveal(m.reveal)
		}
	}
	m.setInputPlaceholder()
	m.relayout()
	if m.reveal {
		m.status = statusLine{"secrets revealed on screen: v masks them again", statusWarn}
	} else {
		m.status = statusLine{"secrets masked on screen", statusInfo}
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
	m.helpOffset = 0
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
			m.status = statusLine{"deleting…", statusInfo}
			return historyDeleteCmd(m.opts.History, m.confirmID)
		case key.Matches(msg, k.No):
			m.overlay = overlayNone
			m.status = statusLine{"kept", statusInfo}
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
}

// tooSmall reports a terminal in which nothing useful fits.
func (m *Model) tooSmall() bool {
	return m.width > 0 && (m.width < minWidth || m.height < minHeight)
}

// Heights of the fixed rows.
const (
	headerHeight = 2
	footerHeight = 1
)

// panesHeight is the height left for the panes on the current screen.
func (m *Model) panesHeight() int {
	h := m.height - headerHeight - m.statusHeight() - footerHeight - len(m.bannerLines()) - len(m.autoRefreshLines())
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
	parts = append(parts, m.statusView(), m.footerView())
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
	reqTitle, respTitle := "REQUEST", "RESPONSE"
	if v.trace.Outcome != "" {
		respTitle += " · " + strings.ToUpper(string(v.trace.Outcome))
	}
	return v.viewPanes(l, f, c, reqTitle, respTitle)
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
			out[1] = fit(m.styles.Banner.Render(" ⚠ "+safetext.Text(warnings[1])+" (+"+formatCount(len(warnings)-2)+" more in the response pane) "), m.width)
			break
		}
		out = append(out, fit(m.styles.Banner.Render(" ⚠ "+safetext.Text(w)+" "), m.width))
	}
	return out
}

func (m *Model) tooSmallView() string {
	msg := "The terminal is " + formatCount(m.width) + "×" + formatCount(m.height) +
		"; aliauth needs at least " + formatCount(minWidth) + "×" + formatCount(minHeight) +
		". Enlarge the window, or press ctrl+c to quit."
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
