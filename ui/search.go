package ui

import (
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// searchState is a search inside the focused pane, as in less: / types a
// query, every match is highlighted, n and N move between them.
type searchState struct {
	input  textinput.Model
	typing bool
	// query is the search applied, lowered; empty when none.
	query string
	// target and gen say which pane and which build of its doc the matches
	// were found in; a rebuilt doc (a resize, v) is searched again.
	target  *pane
	gen     int
	matches []match
	current int
}

// match is one occurrence: its line in the doc and its cells in the line.
type match struct {
	line, from, to int
}

func newSearch() searchState {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = tr("search this pane")
	in.CharLimit = 256
	return searchState{input: in}
}

// searchPane is the pane searches apply to: the focused pane of the trace
// shown, or nil when none is.
func (m *Model) searchPane() (*pane, focus) {
	switch {
	case m.screen == screenDetail && m.detail != nil:
		if m.detailFocus == focusRequest {
			return &m.detail.req, focusRequest
		}
		return &m.detail.resp, focusResponse
	case m.screen == screenMain && m.current != nil && m.focus != focusInput:
		if m.focus == focusRequest {
			return &m.current.req, focusRequest
		}
		return &m.current.resp, focusResponse
	}
	return nil, focusResponse
}

// startSearch opens the search prompt.
func (m *Model) startSearch() tea.Cmd {
	if p, _ := m.searchPane(); p == nil {
		return m.fail(tr("nothing to search yet: exchange a code first"))
	}
	s := &m.search
	s.typing = true
	s.input.SetValue("")
	s.input.SetWidth(max(10, m.width-24))
	return s.input.Focus()
}

// searchKey handles keys while the search prompt is open: typing searches
// as it goes, enter keeps the search, esc drops it.
func (m *Model) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.search
	k := m.keys
	switch {
	case key.Matches(msg, k.Exchange):
		s.typing = false
		s.input.Blur()
		m.sayMatches()
		return nil
	case key.Matches(msg, k.Back):
		m.clearSearch()
		return nil
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	m.setQuery(s.input.Value())
	return cmd
}

// clearSearch drops the search and its highlights.
func (m *Model) clearSearch() {
	s := &m.search
	s.typing = false
	s.input.Blur()
	s.query, s.matches, s.target = "", nil, nil
	if strings.HasPrefix(m.status.text, "/") {
		m.status = statusLine{}
	}
}

// setQuery searches the pane for q and shows the first match from the top
// of what is in view.
func (m *Model) setQuery(q string) {
	s := &m.search
	s.query = foldASCII(q)
	s.target = nil
	m.refreshSearch()
	if len(s.matches) == 0 {
		return
	}
	p, _ := m.searchPane()
	s.current = sort.Search(len(s.matches), func(i int) bool { return s.matches[i].line >= p.offset })
	if s.current == len(s.matches) {
		s.current = 0
	}
	m.showMatch()
}

// refreshSearch finds the matches again when the pane or its doc changed.
func (m *Model) refreshSearch() {
	s := &m.search
	p, _ := m.searchPane()
	if s.query == "" || p == nil {
		s.matches = nil
		return
	}
	if s.target == p && s.gen == p.gen {
		return
	}
	s.target, s.gen = p, p.gen
	s.matches = findMatches(&p.doc, s.query, m.drawContext())
	s.current = min(s.current, max(0, len(s.matches)-1))
}

// findMatches lists every occurrence of query (folded) in the doc's lines
// as drawn, in order.
func findMatches(d *doc, query string, c *drawContext) []match {
	var out []match
	for i := range d.lineCount() {
		line := foldASCII(d.plainLine(i, c))
		for at := 0; ; {
			j := strings.Index(line[at:], query)
			if j < 0 {
				break
			}
			from := ansi.StringWidth(line[:at+j])
			out = append(out, match{line: i, from: from, to: from + ansi.StringWidth(query)})
			at += j + max(1, len(query))
		}
	}
	return out
}

// foldASCII lowers ASCII letters only, so offsets into the folded text are
// offsets into the original.
func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// nextMatch moves to the next (or, back, the previous) match.
func (m *Model) nextMatch(back bool) {
	s := &m.search
	m.refreshSearch()
	if len(s.matches) == 0 {
		if s.query != "" {
			m.sayMatches()
		}
		return
	}
	if back {
		s.current = (s.current + len(s.matches) - 1) % len(s.matches)
	} else {
		s.current = (s.current + 1) % len(s.matches)
	}
	m.showMatch()
	m.sayMatches()
}

// showMatch scrolls the pane so the current match is in view.
func (m *Model) showMatch() {
	s := &m.search
	p, f := m.searchPane()
	if p == nil || len(s.matches) == 0 {
		return
	}
	rows := m.paneRows(f)
	line := s.matches[s.current].line
	if line < p.offset || line >= p.offset+rows {
		p.scrollTo(line-rows/3, rows)
	}
}

func (m *Model) sayMatches() {
	s := &m.search
	q := s.input.Value()
	if len(s.matches) == 0 {
		m.say(statusLine{"/" + q + ": " + tr("no match in this pane · esc clears"), statusWarn})
		return
	}
	m.say(statusLine{"/" + q + ": " + tr("match %s of %s · n next · N previous · esc clears", formatCount(s.current+1), formatCount(len(s.matches))), statusInfo})
}

// searchTitle is what the pane title says of the search.
func (m *Model) searchTitle(p *pane) string {
	s := &m.search
	if s.query == "" || s.target != p {
		return ""
	}
	if len(s.matches) == 0 {
		return " · /" + s.input.Value() + " " + tr("no match")
	}
	return " · /" + s.input.Value() + " " + formatCount(s.current+1) + "/" + formatCount(len(s.matches))
}

// highlights are the search's ranges on line i of pane p, for drawing.
func (m *Model) highlights(p *pane) func(i int) []lipgloss.Range {
	s := &m.search
	if s.query == "" || s.target != p || len(s.matches) == 0 {
		return nil
	}
	return func(i int) []lipgloss.Range {
		from := sort.Search(len(s.matches), func(j int) bool { return s.matches[j].line >= i })
		var out []lipgloss.Range
		for j := from; j < len(s.matches) && s.matches[j].line == i; j++ {
			style := m.styles.Match
			if j == s.current {
				style = m.styles.MatchCurrent
			}
			out = append(out, lipgloss.NewRange(s.matches[j].from, s.matches[j].to, style))
		}
		return out
	}
}

// searchView is the search prompt, in place of the status line.
func (m *Model) searchView() string {
	s := &m.search
	count := ""
	if s.query != "" {
		if len(s.matches) == 0 {
			count = m.styles.StatusWarn.Render("  " + tr("no match"))
		} else {
			count = m.styles.Dim.Render("  " + plural(len(s.matches), "match", "matches"))
		}
	}
	return fit(s.input.View()+count, m.width)
}
