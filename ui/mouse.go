package ui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The mouse: the wheel scrolls what is under the pointer, a click focuses
// a pane, picks a menu item or selects a history row (a second click on
// the selected row opens it). Geometry comes from the same layout the
// view draws with.

// wheelLines is how far one notch of the wheel scrolls.
const wheelLines = 3

func (m *Model) wheel(ev tea.Mouse) {
	delta := wheelLines
	switch ev.Button {
	case tea.MouseWheelUp:
		delta = -wheelLines
	case tea.MouseWheelDown:
	default:
		return
	}
	switch {
	case m.tooSmall(), m.login.panel != loginNone:
	case m.overlay == overlayHelp || m.overlay == overlayLog:
		m.overlayOffset = max(0, m.overlayOffset+delta)
	case m.overlay == overlayCopy:
		m.copyCursor = min(max(0, m.copyCursor+sign(delta)), len(m.copyEntries())-1)
	case m.overlay == overlayProfiles:
		m.profileCursor = min(max(0, m.profileCursor+sign(delta)), len(m.profileNames())-1)
	case m.overlay == overlayFaults:
		m.faults.cursor = min(max(0, m.faults.cursor+sign(delta)), faultRows()-1)
	case m.overlay != overlayNone:
	case m.screen == screenHistory:
		if listW, _ := m.historyWidths(); ev.X > listW && m.hist.preview != nil {
			m.hist.preview.resp.scrollBy(delta, m.listRows())
			return
		}
		m.hist.selected += sign(delta)
		m.clampSelection()
	default:
		if v, f, ok := m.paneAt(ev.X, ev.Y); ok {
			p := &v.resp
			if f == focusRequest {
				p = &v.req
			}
			p.scrollBy(delta, m.paneRows(f))
		}
	}
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

func (m *Model) click(ev tea.Mouse) tea.Cmd {
	if ev.Button != tea.MouseLeft || m.tooSmall() || m.login.panel != loginNone {
		return nil
	}
	if m.overlay != overlayNone {
		return m.clickOverlay(ev)
	}
	switch m.screen {
	case screenHistory:
		return m.clickHistory(ev)
	case screenMain:
		if ev.Y == m.inputRow() {
			m.setFocus(focusInput)
			return nil
		}
	}
	if v, f, ok := m.paneAt(ev.X, ev.Y); ok {
		if v == m.detail && m.screen == screenDetail {
			m.detailFocus = f
		} else {
			m.setFocus(f)
		}
	}
	return nil
}

// clickOverlay picks the item clicked in a menu; a click outside the box
// closes it.
func (m *Model) clickOverlay(ev tea.Mouse) tea.Cmd {
	o := m.layoutOverlay()
	row := ev.Y - o.y - 1
	w, h := lipgloss.Size(o.box)
	if ev.X < o.x || ev.X >= o.x+w || ev.Y < o.y || ev.Y >= o.y+h {
		m.overlay = overlayNone
		return nil
	}
	if row < 0 || row >= len(o.items) || o.items[row] < 0 {
		return nil
	}
	item := o.items[row]
	switch m.overlay {
	case overlayCopy:
		m.copyCursor = item
		return m.copyEntry(m.copyEntries()[item])
	case overlayProfiles:
		m.profileCursor = item
		return m.switchProfile(m.profileNames()[item])
	case overlayFaults:
		m.faults.cursor = item
		return m.armFault(item)
	}
	return nil
}

// clickHistory selects the row clicked; clicking the selected row opens it.
func (m *Model) clickHistory(ev tea.Mouse) tea.Cmd {
	h := &m.hist
	i := h.offset + ev.Y - m.historyRowsTop()
	if listW, _ := m.historyWidths(); ev.X >= listW {
		return nil
	}
	if ev.Y < m.historyRowsTop() || i < h.offset || i >= h.rows() || i >= h.offset+m.listRows() {
		return nil
	}
	if i == h.selected {
		return m.openSelected()
	}
	h.selected = i
	m.clampSelection()
	return nil
}

// historyRowsTop is the screen row of the history list's first row: under
// the header, the title, the filter and the column headers.
func (m *Model) historyRowsTop() int {
	return headerHeight + 3
}

// inputRow is the screen row of the auth code input.
func (m *Model) inputRow() int {
	return headerHeight + len(m.bannerLines())
}

// paneAt finds the pane of the trace shown at screen cell x, y.
func (m *Model) paneAt(x, y int) (*traceView, focus, bool) {
	v, f := m.current, m.focus
	if m.screen == screenDetail {
		v, f = m.detail, m.detailFocus
	}
	if v == nil {
		return nil, 0, false
	}
	top := m.inputRow() + 1
	if m.screen == screenMain {
		top += len(m.autoRefreshLines())
	}
	l := layoutPanes(m.width, m.panesHeight(), f != focusRequest)
	y -= top
	switch {
	case y < 0 || y >= m.panesHeight():
		return nil, 0, false
	case l.sideBySide && x < l.reqWidth:
		return v, focusRequest, true
	case l.sideBySide:
		return v, focusResponse, true
	case y < l.reqHeight:
		return v, focusRequest, true
	}
	return v, focusResponse, true
}
