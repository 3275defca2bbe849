package ui

import (
	"errors"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"aliauth/gateway"
	"aliauth/history"
)

// historyState is the history browser. The first screenful comes straight
// from the database so the list opens at once; meanwhile the whole history
// loads into a history.Index in the background, which then answers each
// keystroke of the filter in about a millisecond.
type historyState struct {
	filter    textinput.Model
	filtering bool

	index        *history.Index
	indexSeq     int
	loadingIndex bool
	// matches are the index positions the filter selects, when filtered;
	// an empty filter lists every entry. Each keystroke's answer is written
	// over the last one's, so typing allocates nothing once it has grown.
	matches  []int32
	filtered bool
	// recorded are entries this console added while the index was loading,
	// which the loaded index may lack.
	recorded []history.Summary

	page    []history.Summary
	pageSeq int

	total    int
	selected int
	offset   int
	err      error
}

func newHistoryState() historyState {
	f := textinput.New()
	f.Prompt = "filter › "
	f.Placeholder = "type: user id, sub_code, outcome, profile, method, trace id…"
	return historyState{filter: f, total: -1}
}

// rows is the length of the list as it is filtered now.
func (h *historyState) rows() int {
	switch {
	case h.index == nil:
		return len(h.page)
	case !h.filtered:
		return h.index.Len()
	}
	return len(h.matches)
}

// at is the summary on row i.
func (h *historyState) at(i int) history.Summary {
	switch {
	case h.index == nil:
		return h.page[i]
	case !h.filtered:
		return h.index.At(i)
	}
	return h.index.At(int(h.matches[i]))
}

func (h *historyState) selectedSummary() (history.Summary, bool) {
	if h.selected < 0 || h.selected >= h.rows() {
		return history.Summary{}, false
	}
	return h.at(h.selected), true
}

// summary finds an entry by id in what is loaded.
func (h *historyState) summary(id int64) (history.Summary, bool) {
	if h.index != nil {
		if pos, ok := h.index.Position(id); ok {
			return h.index.At(pos), true
		}
		return history.Summary{}, false
	}
	for _, s := range h.page {
		if s.ID == id {
			return s, true
		}
	}
	return history.Summary{}, false
}

// refilter applies the filter to the index.
func (h *historyState) refilter() {
	text := strings.TrimSpace(h.filter.Value())
	h.filtered = text != ""
	if h.filtered {
		h.matches = h.index.Filter(h.matches, text)
	}
}

// added puts an entry this console just recorded into the list.
func (h *historyState) added(s history.Summary) {
	if h.loadingIndex {
		h.recorded = append(h.recorded, s)
	}
	if h.index == nil {
		return
	}
	h.index.Add(s)
	h.total = h.index.Len()
	h.refilter()
}

// openHistory shows the history list: the first screenful from the
// database at once, the whole index in the background.
func (m *Model) openHistory() tea.Cmd {
	m.screen = screenHistory
	m.hist.filtering = true
	m.hist.filter.Focus()
	store := m.opts.History
	if store == nil {
		return nil
	}
	var cmds []tea.Cmd
	if !m.hist.loadingIndex {
		m.hist.loadingIndex = true
		m.hist.indexSeq++
		m.hist.recorded = nil
		cmds = append(cmds, historyIndexCmd(m.base, store, m.hist.indexSeq))
	}
	if m.hist.index == nil {
		cmds = append(cmds, m.historyFirstPage(true))
	} else {
		m.hist.refilter()
	}
	return tea.Batch(cmds...)
}

// historyFirstPage asks the database for one screenful matching the filter.
func (m *Model) historyFirstPage(count bool) tea.Cmd {
	m.hist.pageSeq++
	return historyPageCmd(m.opts.History, m.hist.pageSeq, strings.TrimSpace(m.hist.filter.Value()), max(50, m.height), count)
}

func (m *Model) historyPage(msg historyPageMsg) {
	if msg.seq != m.hist.pageSeq || m.hist.index != nil {
		return // a later keystroke or the index answered already
	}
	if msg.err != nil {
		m.hist.err = msg.err
		return
	}
	m.hist.err = nil
	m.hist.page = msg.rows
	if msg.total >= 0 {
		m.hist.total = msg.total
	}
	m.clampSelection()
}

func (m *Model) historyIndex(msg historyIndexMsg) {
	if msg.seq != m.hist.indexSeq {
		return
	}
	m.hist.loadingIndex = false
	if msg.err != nil {
		m.hist.err = msg.err
		return
	}
	var keep int64
	if s, ok := m.hist.selectedSummary(); ok {
		keep = s.ID
	}
	x := msg.index
	for _, s := range m.hist.recorded {
		if _, ok := x.Position(s.ID); !ok {
			x.Add(s)
		}
	}
	m.hist.recorded = nil
	m.hist.index = x
	m.hist.page = nil
	m.hist.err = nil
	m.hist.total = x.Len()
	m.hist.refilter()
	m.hist.selected = 0
	if keep != 0 {
		for i := range min(m.hist.rows(), 1000) {
			if m.hist.at(i).ID == keep {
				m.hist.selected = i
				break
			}
		}
	}
	m.clampSelection()
}

// filterChanged answers a keystroke in the filter: from the index when it
// is loaded, else with a query for the first screenful.
func (m *Model) filterChanged() tea.Cmd {
	m.hist.selected, m.hist.offset = 0, 0
	if m.hist.index != nil {
		m.hist.refilter()
		return nil
	}
	if m.opts.History == nil {
		return nil
	}
	return m.historyFirstPage(false)
}

// listRows is how many rows of the list fit.
func (m *Model) listRows() int {
	return max(1, m.height-headerHeight-m.statusHeight()-footerHeight-2)
}

func (m *Model) clampSelection() {
	h := &m.hist
	n := h.rows()
	h.selected = min(max(0, h.selected), max(0, n-1))
	rows := m.listRows()
	if h.selected < h.offset {
		h.offset = h.selected
	}
	if h.selected >= h.offset+rows {
		h.offset = h.selected - rows + 1
	}
	h.offset = min(max(0, h.offset), max(0, n-rows))
}

// historyKey handles the history list: typing filters, arrows select,
// enter opens; outside the filter, letters act on the selected entry.
func (m *Model) historyKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	h := &m.hist
	rows := m.listRows()
	move := func(delta int) {
		h.selected += delta
		m.clampSelection()
	}
	switch msg.String() {
	case "up":
		move(-1)
		return nil
	case "down":
		move(1)
		return nil
	case "pgup":
		move(-rows)
		return nil
	case "pgdown":
		move(rows)
		return nil
	}
	if h.filtering {
		switch {
		case key.Matches(msg, k.Open):
			return m.openSelected()
		case key.Matches(msg, k.ListActions):
			h.filtering = false
			h.filter.Blur()
		case key.Matches(msg, k.Back):
			if h.filter.Value() != "" {
				h.filter.SetValue("")
				return m.filterChanged()
			}
			m.screen = screenMain
		case key.Matches(msg, k.InputHelp):
			m.openHelp()
		default:
			before := h.filter.Value()
			var cmd tea.Cmd
			h.filter, cmd = h.filter.Update(msg)
			if h.filter.Value() != before {
				return tea.Batch(cmd, m.filterChanged())
			}
			return cmd
		}
		return nil
	}
	sel, ok := h.selectedSummary()
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.openHelp()
	case key.Matches(msg, k.Filter), key.Matches(msg, k.ListActions):
		h.filtering = true
		h.filter.Focus()
	case key.Matches(msg, k.Back), key.Matches(msg, k.History):
		m.screen = screenMain
	case key.Matches(msg, k.Up):
		move(-1)
	case key.Matches(msg, k.Down):
		move(1)
	case key.Matches(msg, k.PageDown):
		move(rows)
	case key.Matches(msg, k.PageUp):
		move(-rows)
	case key.Matches(msg, k.Top):
		move(-h.rows())
	case key.Matches(msg, k.Bottom):
		move(h.rows())
	case !ok:
		if key.Matches(msg, k.Open, k.Refresh, k.UserInfo, k.Replay, k.Delete) {
			return m.fail("no history entry is selected")
		}
	case key.Matches(msg, k.Open):
		return m.openSelected()
	case key.Matches(msg, k.Refresh):
		return m.historyCall(sel, callRefresh, false)
	case key.Matches(msg, k.UserInfo):
		return m.historyCall(sel, callUserInfo, false)
	case key.Matches(msg, k.Replay):
		return m.historyCall(sel, callExchange, true)
	case key.Matches(msg, k.Delete):
		m.confirmDelete(sel.ID)
	}
	return nil
}

// historyCall starts a call from a listed entry, refusing at once what its
// summary already says cannot work.
func (m *Model) historyCall(s history.Summary, kind callKind, replay bool) tea.Cmd {
	if !s.HasSecrets {
		return m.fail("history #" + formatCount(int(s.ID)) + " kept only fingerprints of its tokens (secrets are not stored), so it cannot be used for a call")
	}
	if !replay && kind == callRefresh && s.Method == gateway.MethodUserInfo {
		return m.fail("history #" + formatCount(int(s.ID)) + " is a user info call: it carries no refresh token; refresh from a token exchange")
	}
	return m.startHistoryCall(s.ID, kind, replay)
}

func (m *Model) openSelected() tea.Cmd {
	s, ok := m.hist.selectedSummary()
	if !ok {
		return m.fail("no history entry is selected")
	}
	m.status = statusLine{"reading history #" + formatCount(int(s.ID)) + "…", statusInfo}
	return historyGetCmd(m.opts.History, s.ID, m.reveal)
}

func (m *Model) historyTrace(msg historyTraceMsg) tea.Cmd {
	if msg.err != nil {
		return m.fail(msg.err.Error())
	}
	m.detail = msg.view
	if m.detail.reveal != m.reveal {
		m.detail.setReveal(m.reveal)
	}
	m.screen = screenDetail
	m.detailFocus = focusResponse
	m.relayout()
	m.status = statusLine{"history #" + formatCount(int(msg.id)) + ": " + entryHint(msg.view.trace), statusInfo}
	return m.ensureClock()
}

func (m *Model) historyDeleted(msg historyDeletedMsg) {
	if msg.err != nil {
		if errors.Is(msg.err, history.ErrNotFound) {
			m.status = statusLine{"history #" + formatCount(int(msg.id)) + " was already deleted", statusWarn}
		} else {
			m.status = statusLine{"delete: " + msg.err.Error(), statusError}
			return
		}
	} else {
		m.status = statusLine{"deleted history #" + formatCount(int(msg.id)), statusOK}
	}
	h := &m.hist
	if h.index != nil {
		if h.index.Remove(msg.id) {
			h.total = h.index.Len()
		}
		h.refilter()
	} else {
		h.page = slices.DeleteFunc(h.page, func(s history.Summary) bool { return s.ID == msg.id })
		if h.total > 0 {
			h.total--
		}
	}
	if m.screen == screenDetail && m.detail != nil && m.detail.trace.ID == msg.id {
		m.screen = screenHistory
		m.detail = nil
	}
	m.clampSelection()
}

// entryHint says which calls a history entry can make.
func entryHint(t *gateway.Trace) string {
	var can []string
	if _, err := requestFrom(t, callRefresh, false); err == nil {
		can = append(can, "r refreshes with its refresh token")
	}
	if _, err := requestFrom(t, callUserInfo, false); err == nil {
		can = append(can, "u fetches user info with its access token")
	}
	if _, err := requestFrom(t, callExchange, true); err == nil {
		can = append(can, "x replays it")
	}
	if len(can) == 0 {
		return "its tokens were not stored, so no call can be made from it"
	}
	return strings.Join(can, ", ")
}

// historyView is the list: a title with counts, the filter, and the rows
// in view.
func (m *Model) historyView() string {
	st := &m.styles
	h := &m.hist
	rows := m.listRows()
	title := st.Section.Render("HISTORY")
	switch {
	case m.opts.History == nil:
		title += st.Warn.Render(" history is off")
	case h.total >= 0:
		title += st.Dim.Render(" " + plural(h.total, "exchange", "exchanges"))
		if strings.TrimSpace(h.filter.Value()) != "" {
			if h.index != nil {
				title += st.Value.Render(" · " + plural(h.rows(), "match", "matches"))
			} else {
				title += st.Value.Render(" · first " + plural(h.rows(), "match", "matches"))
			}
		}
	}
	if h.loadingIndex {
		title += st.Dim.Render(" · indexing…")
	}
	lines := []string{fit(title, m.width), fit(h.filter.View(), m.width)}

	switch {
	case m.opts.History == nil:
		msg := "history could not be opened"
		if m.opts.HistoryError != nil {
			msg = m.opts.HistoryError.Error()
		}
		for _, l := range wrapWords(msg, m.width-2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	case h.err != nil:
		for _, l := range wrapWords(h.err.Error(), m.width-2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	case h.rows() == 0 && h.total < 0:
		lines = append(lines, st.Dim.Render(" loading…"))
	case h.rows() == 0 && strings.TrimSpace(h.filter.Value()) != "":
		lines = append(lines, st.Dim.Render(" nothing matches; esc clears the filter"))
	case h.rows() == 0:
		lines = append(lines, st.Dim.Render(" no exchanges yet: every call the console makes is recorded here"))
	}
	for i := h.offset; i < h.rows() && len(lines) < rows+2; i++ {
		lines = append(lines, m.historyRow(h.at(i), i == h.selected))
	}
	if h.index == nil && h.loadingIndex && h.rows() > 0 && len(lines) < rows+2 && h.offset+rows > h.rows() {
		lines = append(lines, st.Dim.Render(" (the rest appears when indexing finishes)"))
	}
	for len(lines) < rows+2 {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// historyRow is one entry in a line: id, local time, outcome, call, user,
// and what went wrong or how long it took.
func (m *Model) historyRow(s history.Summary, selected bool) string {
	st := &m.styles
	mark, outcome := "·", string(s.Outcome)
	outStyle := st.Dim
	switch s.Outcome {
	case gateway.OutcomeSuccess:
		mark, outcome, outStyle = "✓", "ok", st.OK
	case gateway.OutcomeGatewayError:
		mark, outcome, outStyle = "✗", "error", st.Error
	case gateway.OutcomeTransportError:
		mark, outcome, outStyle = "✗", "transport", st.Error
	case gateway.OutcomeUntrusted:
		mark, outcome, outStyle = "✗", "untrusted", st.Error
	case gateway.OutcomeDryRun:
		outcome = "dry run"
	}
	detail := s.SubCode
	if detail == "" && s.Code != "" && s.Code != "10000" {
		detail = s.Code
	}
	if s.Message != "" && s.Outcome != gateway.OutcomeSuccess {
		detail = strings.TrimSpace(detail + " " + s.Message)
	}
	if detail == "" {
		detail = string(s.VerifyStatus)
		if s.DurationMS > 0 {
			detail += " · " + formatDuration(time.Duration(s.DurationMS*float64(time.Millisecond)))
		}
	}
	type column struct {
		text  string
		width int
		style lipgloss.Style
	}
	cols := []column{
		{"#" + formatCount(int(s.ID)), 9, st.Dim},
		{s.Time.Local().Format("01-02 15:04:05"), 15, st.Value},
		{mark + " " + outcome, 12, outStyle},
		{gateway.CallName(s.Method, s.GrantType) + " " + string(s.Protocol), 14, st.Value},
	}
	// Narrow terminals have no room for a user column: the user leads the
	// detail instead, where what went wrong takes its place on errors.
	if m.width >= 100 {
		user := s.User
		if user == "" {
			user = "—"
		}
		cols = append(cols, column{user, 20, st.Value})
	} else if s.User != "" {
		detail = s.User + " · " + detail
	}
	if m.width >= 120 {
		cols = append(cols, column{s.Profile, 14, st.Dim})
	}
	var plain, styled strings.Builder
	plain.WriteString(" ")
	styled.WriteString(" ")
	used := 1
	for _, col := range cols {
		text := fit(clean(col.text), col.width-1) + " "
		plain.WriteString(text)
		styled.WriteString(col.style.Render(text))
		used += col.width
	}
	rest := fit(clean(detail), max(0, m.width-used))
	plain.WriteString(rest)
	styled.WriteString(st.Dim.Render(rest))
	if selected {
		return st.RowSelected.Render(fit(plain.String(), m.width))
	}
	return fit(styled.String(), m.width)
}
