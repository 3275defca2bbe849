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
	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
	"aliauth/history"
	"aliauth/internal/safetext"
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

	total int
	// selected is the row the cursor is on, selectedID the entry there: when
	// the list changes (new calls, a deletion, the index arriving) the
	// cursor follows the entry, not the row.
	selected   int
	selectedID int64
	offset     int
	err        error

	// preview is the selected entry as the wide history view shows it
	// beside the list; previewing is the id being read for it.
	preview    *traceView
	previewing int64
}

func newHistoryState() historyState {
	f := textinput.New()
	f.Prompt = tr("filter") + " › "
	f.Placeholder = tr("type: user id, sub_code, outcome, profile, method, trace id…")
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

// rowOf finds the row an entry is on, as the list is filtered now.
func (h *historyState) rowOf(id int64) (int, bool) {
	if h.index == nil {
		i := slices.IndexFunc(h.page, func(s history.Summary) bool { return s.ID == id })
		return i, i >= 0
	}
	pos, ok := h.index.Position(id)
	if !ok || !h.filtered {
		return pos, ok
	}
	i, found := slices.BinarySearch(h.matches, int32(pos))
	return i, found
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

// keepSelection puts the cursor back on the entry it was on, wherever the
// list has moved it; an entry no longer listed leaves the cursor on its row.
func (m *Model) keepSelection() {
	h := &m.hist
	if i, ok := h.rowOf(h.selectedID); ok && h.selectedID != 0 {
		h.selected = i
	}
	m.clampSelection()
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
		m.keepSelection()
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
	m.keepSelection()
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
	m.keepSelection()
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
	return max(1, m.height-headerHeight-statusHeight-footerHeight-3)
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
	h.selectedID = 0
	if n > 0 {
		h.selectedID = h.at(h.selected).ID
	}
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
	case key.Matches(msg, k.Log):
		m.openLog()
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
			return m.fail(tr("no history entry is selected"))
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
		return m.fail(tr("history #%s kept only fingerprints of its tokens (secrets are not stored), so it cannot be used for a call", formatCount(int(s.ID))))
	}
	if !replay && kind == callRefresh && s.Method == gateway.MethodUserInfo {
		return m.fail(tr("history #%s is a user info call: it carries no refresh token; refresh from a token exchange", formatCount(int(s.ID))))
	}
	return m.startHistoryCall(s.ID, kind, replay)
}

func (m *Model) openSelected() tea.Cmd {
	s, ok := m.hist.selectedSummary()
	if !ok {
		return m.fail(tr("no history entry is selected"))
	}
	m.say(statusLine{tr("reading history #%s…", formatCount(int(s.ID))), statusInfo})
	return historyGetCmd(m.opts.History, s.ID, m.reveal)
}

func (m *Model) historyTrace(msg historyTraceMsg) tea.Cmd {
	if msg.err != nil {
		return m.fail(word(msg.err.Error()))
	}
	m.detail = msg.view
	if m.detail.reveal != m.reveal {
		m.detail.setReveal(m.reveal)
	}
	m.detail.setPretty(!m.rawBody)
	m.screen = screenDetail
	m.detailFocus = focusResponse
	m.relayout()
	m.say(statusLine{tr("history #%s", formatCount(int(msg.id))) + ": " + entryHint(msg.view), statusInfo})
	return m.ensureClock()
}

func (m *Model) historyDeleted(msg historyDeletedMsg) {
	if msg.err != nil {
		if errors.Is(msg.err, history.ErrNotFound) {
			m.say(statusLine{tr("history #%s was already deleted", formatCount(int(msg.id))), statusWarn})
		} else {
			m.say(statusLine{tr("delete: %s", word(msg.err.Error())), statusError})
			return
		}
	} else {
		m.say(statusLine{tr("deleted history #%s", formatCount(int(msg.id))), statusOK})
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
	m.keepSelection()
}

// entryHint says which calls a history entry can make.
func entryHint(v *traceView) string {
	t := v.trace
	var can []string
	if r := v.rotatedBy; r != nil {
		can = append(can, tr("its refresh token was rotated by #%s (refresh from that one)", formatCount(int(r.id))))
	} else if _, err := requestFrom(t, callRefresh, false); err == nil {
		can = append(can, tr("r refreshes with its refresh token"))
	}
	if _, err := requestFrom(t, callUserInfo, false); err == nil && (t.Tokens == nil || !authBaseOnly(t.Tokens, "")) {
		can = append(can, tr("u fetches user info with its access token"))
	}
	if _, err := requestFrom(t, callExchange, true); err == nil {
		can = append(can, tr("x replays it"))
	}
	if len(can) == 0 {
		return tr("its tokens were not stored, so no call can be made from it")
	}
	return strings.Join(can, ", ")
}

// minPreviewWidth is the width from which the history list has the
// selected entry's preview beside it; listWidth is the widest the list
// then takes, enough for a whole open id and a detail.
const (
	minPreviewWidth = 160
	maxListWidth    = 128
)

// historyWidths shares the width between the list and the preview; the
// preview is 0 wide when there is no room for it.
func (m *Model) historyWidths() (list, preview int) {
	if m.width < minPreviewWidth || m.opts.History == nil {
		return m.width, 0
	}
	list = min(maxListWidth, m.width-60)
	return list, m.width - list - 1
}

// historyView is the list, with the selected entry's preview beside it
// when the terminal is wide.
func (m *Model) historyView() string {
	listW, previewW := m.historyWidths()
	list := m.historyList(listW)
	if previewW == 0 {
		return list
	}
	left := strings.Split(list, "\n")
	right := strings.Split(m.previewView(previewW, len(left)), "\n")
	sep := m.styles.Separator.Render("│")
	for i := range left {
		r := ""
		if i < len(right) {
			r = right[i]
		}
		left[i] = fit(left[i], listW) + sep + r
	}
	return strings.Join(left, "\n")
}

// previewView is the selected entry's response pane, height lines high.
func (m *Model) previewView(width, height int) string {
	h := &m.hist
	st := &m.styles
	v := h.preview
	if v == nil || h.selectedID == 0 || v.trace.ID != h.selectedID {
		head := " " + tr("PREVIEW") + " "
		lines := []string{fit(st.PaneTitle.Render(head)+st.Dim.Render(strings.Repeat("─", max(0, width-ansi.StringWidth(head)))), width)}
		if h.selectedID != 0 {
			lines = append(lines, fit(st.Dim.Render(" "+tr("reading #%s…", formatCount(int(h.selectedID)))), width))
		}
		for len(lines) < height {
			lines = append(lines, strings.Repeat(" ", width))
		}
		return strings.Join(lines, "\n")
	}
	title := tr("PREVIEW #%s", formatCount(int(v.trace.ID))) + " · " + strings.ToUpper(word(v.trace.CallName())) + " · " + word(strings.ToUpper(string(v.trace.Outcome)))
	c := &drawContext{now: m.now(), styles: st, width: width}
	return v.resp.view(title, width, height, false, c, nil)
}

// ensurePreview reads the selected entry for the preview when the wide
// history view shows one and it is not the entry read last.
func (m *Model) ensurePreview() tea.Cmd {
	h := &m.hist
	if m.screen != screenHistory || h.selectedID == 0 || h.previewing == h.selectedID {
		return nil
	}
	if _, w := m.historyWidths(); w == 0 {
		return nil
	}
	if h.preview != nil && h.preview.trace.ID == h.selectedID {
		return nil
	}
	h.previewing = h.selectedID
	return historyPreviewCmd(m.opts.History, h.selectedID, m.reveal)
}

// historyPreview keeps the entry read for the preview, if it is still the
// one selected.
func (m *Model) historyPreview(msg historyPreviewMsg) {
	h := &m.hist
	if msg.id == h.previewing {
		h.previewing = 0
	}
	if msg.err != nil || msg.id != h.selectedID {
		return
	}
	msg.view.setPretty(!m.rawBody)
	h.preview = msg.view
	m.relayout()
}

// historyList is the list: a title with counts, the filter, the column
// headers and the rows in view, width wide.
func (m *Model) historyList(width int) string {
	st := &m.styles
	h := &m.hist
	rows := m.listRows()
	title := st.Section.Render(tr("HISTORY"))
	switch {
	case m.opts.History == nil:
		title += st.Warn.Render(" " + tr("history is off"))
	case h.total >= 0:
		title += st.Dim.Render(" " + plural(h.total, "exchange", "exchanges"))
		if strings.TrimSpace(h.filter.Value()) != "" {
			if h.index != nil {
				title += st.Value.Render(" · " + plural(h.rows(), "match", "matches"))
			} else {
				title += st.Value.Render(" · " + tr("first %s", plural(h.rows(), "match", "matches")))
			}
		}
	}
	if h.loadingIndex {
		title += st.Dim.Render(" · " + tr("indexing…"))
	}
	var visible []history.Summary
	for i := h.offset; i < h.rows() && len(visible) < rows; i++ {
		visible = append(visible, h.at(i))
	}
	cols := m.historyColumns(width, visible)
	lines := []string{fit(title, width), fit(h.filter.View(), width), m.historyHeader(cols, width)}

	switch {
	case m.opts.History == nil:
		msg := tr("history could not be opened")
		if m.opts.HistoryError != nil {
			msg = word(m.opts.HistoryError.Error())
		}
		for _, l := range wrapWords(msg, width-2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	case h.err != nil:
		for _, l := range wrapWords(word(h.err.Error()), width-2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	case h.rows() == 0 && h.total < 0:
		lines = append(lines, st.Dim.Render(" "+tr("loading…")))
	case h.rows() == 0 && strings.TrimSpace(h.filter.Value()) != "":
		lines = append(lines, st.Dim.Render(" "+tr("nothing matches; esc clears the filter")))
	case h.rows() == 0:
		lines = append(lines, st.Dim.Render(" "+tr("no exchanges yet: every call the console makes is recorded here")))
	}
	for i, s := range visible {
		lines = append(lines, m.historyRow(s, cols, width, h.offset+i == h.selected))
	}
	if h.index == nil && h.loadingIndex && h.rows() > 0 && len(lines) < rows+3 && h.offset+rows > h.rows() {
		lines = append(lines, st.Dim.Render(" "+tr("(the rest appears when indexing finishes)")))
	}
	for len(lines) < rows+3 {
		lines = append(lines, "")
	}
	return strings.Join(lines[:rows+3], "\n")
}

// histColumn is a column of the history list: its header and width (the
// last column, the detail, takes what is left).
type histColumn struct {
	name  string
	width int
}

// Columns of the history list.
const (
	colID = iota
	colTime
	colOutcome
	colCall
	colProfile
	colUser
)

// historyColumns sizes the list's columns for width: every column always,
// the profile from 80 columns, the user in its own column from 100, as
// wide as the ids in view (an open id is 46 characters) when there is room.
func (m *Model) historyColumns(width int, rows []history.Summary) []histColumn {
	idW, profileW, userW := len("#"), textWidth(tr("profile")), textWidth(tr("user"))
	for _, s := range rows {
		idW = max(idW, len("#"+formatCount(int(s.ID))))
		profileW = max(profileW, textWidth(safetext.Text(s.Profile)))
		userW = max(userW, textWidth(safetext.Text(s.User)))
	}
	zone := m.now().Local().Format("MST")
	timeName := tr("time (%s)", zone)
	cols := []histColumn{
		{"#", idW + 1},
		{timeName, max(15, textWidth(timeName)+1)},
		{tr("outcome"), max(12, textWidth(tr("outcome"))+1)},
		{tr("call"), max(14, textWidth(tr("call"))+1)},
	}
	used := 1
	for _, c := range cols {
		used += c.width
	}
	if width >= 80 {
		w := min(profileW, 16) + 1
		cols = append(cols, histColumn{tr("profile"), w})
		used += w
	} else {
		cols = append(cols, histColumn{"", 0})
	}
	if width >= 100 {
		// The user takes what it needs, leaving the detail at least 24.
		w := min(userW+1, max(textWidth(tr("user"))+1, width-used-24))
		cols = append(cols, histColumn{tr("user"), w})
	}
	return cols
}

// historyHeader names the columns.
func (m *Model) historyHeader(cols []histColumn, width int) string {
	var b strings.Builder
	b.WriteString(" ")
	for _, c := range cols {
		if c.width > 0 {
			b.WriteString(fit(c.name, c.width))
		}
	}
	detail := tr("detail")
	if len(cols) <= colUser {
		detail = tr("user · detail")
	}
	b.WriteString(detail)
	return m.styles.Label.Render(fit(b.String(), width))
}

// historyRow is one entry in a line under the columns: id, local time,
// outcome, call, profile, user, and what went wrong or how long it took.
func (m *Model) historyRow(s history.Summary, cols []histColumn, width int, selected bool) string {
	st := &m.styles
	mark, outcome := "·", string(s.Outcome)
	outStyle := st.Dim
	switch s.Outcome {
	case gateway.OutcomeSuccess:
		mark, outcome, outStyle = "✓", tr("ok"), st.OK
	case gateway.OutcomeGatewayError:
		mark, outcome, outStyle = "✗", tr("error"), st.Error
	case gateway.OutcomeTransportError:
		mark, outcome, outStyle = "✗", tr("no answer"), st.Error
	case gateway.OutcomeUntrusted:
		mark, outcome, outStyle = "✗", tr("untrusted"), st.Error
	case gateway.OutcomeDryRun:
		outcome = tr("dry run")
	}
	detail := s.SubCode
	if detail == "" && s.Code != "" && s.Code != "10000" {
		detail = s.Code
	}
	if s.Message != "" && s.Outcome != gateway.OutcomeSuccess {
		detail = strings.TrimSpace(detail + " " + s.Message)
	}
	if detail == "" {
		detail = word(string(s.VerifyStatus))
		if s.DurationMS > 0 {
			detail += " · " + formatDuration(time.Duration(s.DurationMS*float64(time.Millisecond)))
		}
	}
	user := s.User
	if user == "" {
		user = "—"
	}
	texts := []string{
		"#" + formatCount(int(s.ID)),
		s.Time.Local().Format("01-02 15:04:05"),
		mark + " " + outcome,
		word(gateway.CallName(s.Method, s.GrantType)) + " " + string(s.Protocol),
		s.Profile,
		user,
	}
	styles := []lipgloss.Style{st.Dim, st.Value, outStyle, st.Value, st.Dim, st.Value}
	if len(cols) <= colUser && s.User != "" {
		// No room for a user column: the user leads the detail.
		detail = s.User + " · " + detail
	}
	var plain, styled strings.Builder
	plain.WriteString(" ")
	styled.WriteString(" ")
	used := 1
	for i, c := range cols {
		if c.width == 0 {
			continue
		}
		text := fit(safetext.Text(texts[i]), c.width-1) + " "
		plain.WriteString(text)
		styled.WriteString(styles[i].Render(text))
		used += c.width
	}
	rest := fit(safetext.Text(detail), max(0, width-used))
	plain.WriteString(rest)
	styled.WriteString(st.Dim.Render(rest))
	row := fit(styled.String(), width)
	if selected {
		row = st.RowSelected.Render(fit(plain.String(), width))
	}
	return lipgloss.StyleRanges(row, filterRanges(plain.String(), m.hist.filter.Value(), st.Match)...)
}

// filterRanges are where the filter's words appear in a row, as the list
// highlights them: cells of the row, in order, overlaps merged.
func filterRanges(row, filter string, style lipgloss.Style) []lipgloss.Range {
	terms := strings.Fields(foldASCII(filter))
	if len(terms) == 0 {
		return nil
	}
	folded := foldASCII(row)
	type span struct{ from, to int }
	var spans []span
	for _, term := range terms {
		for at := 0; ; {
			j := strings.Index(folded[at:], term)
			if j < 0 {
				break
			}
			from := textWidth(folded[:at+j])
			spans = append(spans, span{from, from + textWidth(term)})
			at += j + len(term)
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var out []lipgloss.Range
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.from <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, sp.to)
			continue
		}
		out = append(out, lipgloss.NewRange(sp.from, sp.to, style))
	}
	return out
}
