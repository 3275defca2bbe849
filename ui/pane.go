package ui

import (
	"sort"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"aliauth/internal/safetext"
)

// A doc is what a pane scrolls through: a list of blocks, each able to draw
// any one of its lines on demand. Static text is styled and wrapped once
// when the trace or the width changes; the raw body is drawn line by line
// from offsets computed once, so a frame costs the visible lines only,
// however large the body; countdowns are drawn from the clock each frame.
type doc struct {
	blocks []block
	ends   []int // ends[i] is the number of lines in blocks[:i+1]
}

type block interface {
	lineCount() int
	line(i int, c *drawContext) string
}

// drawContext is what a line may depend on when it is drawn.
type drawContext struct {
	now    time.Time
	styles *Styles
	width  int
	// stale draws the doc faded: a newer call is under way.
	stale bool
}

func (d *doc) add(b block) {
	if b.lineCount() == 0 {
		return
	}
	d.blocks = append(d.blocks, b)
	d.ends = append(d.ends, d.lineCount()+b.lineCount())
}

func (d *doc) lineCount() int {
	if len(d.ends) == 0 {
		return 0
	}
	return d.ends[len(d.ends)-1]
}

func (d *doc) line(i int, c *drawContext) string {
	b, j, ok := d.locate(i)
	if !ok {
		return ""
	}
	return b.line(j, c)
}

// locate finds the block that holds line i, and the line's number in it.
func (d *doc) locate(i int) (b block, j int, ok bool) {
	k := sort.SearchInts(d.ends, i+1)
	if k >= len(d.blocks) {
		return nil, 0, false
	}
	start := 0
	if k > 0 {
		start = d.ends[k-1]
	}
	return d.blocks[k], i - start, true
}

// plainLiner is a block that can give a line's text without styling
// cheaply, for searching.
type plainLiner interface {
	plainLine(i int) string
}

// plainLine is line i as drawn, without styling: what a search looks in.
func (d *doc) plainLine(i int, c *drawContext) string {
	b, j, ok := d.locate(i)
	if !ok {
		return ""
	}
	if pl, ok := b.(plainLiner); ok {
		return pl.plainLine(j)
	}
	return ansi.Strip(b.line(j, c))
}

// textBlock is lines styled and wrapped in advance.
type textBlock []string

func (b textBlock) lineCount() int                    { return len(b) }
func (b textBlock) line(i int, _ *drawContext) string { return b[i] }

// pane is a scrollable view of a doc.
type pane struct {
	doc    doc
	offset int
	// gen counts the docs the pane has had, so a search knows when to look
	// again.
	gen int
}

// setDoc replaces the pane's doc.
func (p *pane) setDoc(d doc) {
	p.doc = d
	p.gen++
}

// maxOffset is the furthest the pane scrolls with rows lines of content.
func (p *pane) maxOffset(rows int) int {
	return max(0, p.doc.lineCount()-rows)
}

func (p *pane) scrollBy(delta, rows int) {
	p.offset = min(max(0, p.offset+delta), p.maxOffset(rows))
}

func (p *pane) scrollTo(offset, rows int) {
	p.offset = min(max(0, offset), p.maxOffset(rows))
}

// paneMargin is the blank column left of a pane's content, so text never
// touches the separator of the pane beside it.
const paneMargin = 1

// view draws the pane's title bar and the visible window of its doc,
// exactly width cells wide and height lines high; hl, when not nil, gives
// the ranges of a line to highlight.
func (p *pane) view(title string, width, height int, focused bool, c *drawContext, hl func(int) []lipgloss.Range) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	rows := height - 1
	total := p.doc.lineCount()
	offset := min(p.offset, p.maxOffset(rows))
	titleStyle := c.styles.PaneTitle
	if focused {
		titleStyle = c.styles.PaneTitleFocused
	}
	pos := ""
	if total > rows {
		pos = tr("%s–%s of %s", formatCount(offset+1), formatCount(min(total, offset+rows)), formatCount(total))
		if offset+rows < total {
			pos += " ↓"
		}
	}
	head := " " + title + " "
	gap := width - ansi.StringWidth(head) - ansi.StringWidth(pos) - 1
	if gap < 1 {
		pos, gap = "", max(0, width-ansi.StringWidth(head))
	}
	lines := make([]string, 0, height)
	lines = append(lines, fit(titleStyle.Render(head)+c.styles.Dim.Render(strings.Repeat("─", gap)+pos+" "), width))
	dc := *c
	dc.width = width - paneMargin
	for i := range rows {
		line := ""
		if offset+i < total {
			line = p.doc.line(offset+i, &dc)
			if c.stale {
				line = c.styles.Stale.Render(ansi.Strip(line))
			}
			if hl != nil {
				line = lipgloss.StyleRanges(line, hl(offset+i)...)
			}
		}
		lines = append(lines, fit(" "+line, width))
	}
	return strings.Join(lines, "\n")
}

// builder assembles a doc from sections of styled text.
type builder struct {
	st    *Styles
	width int
	d     doc
	cur   textBlock
}

func newBuilder(st *Styles, width int) *builder {
	return &builder{st: st, width: max(1, width)}
}

func (b *builder) flush() {
	if len(b.cur) > 0 {
		b.d.add(b.cur)
		b.cur = nil
	}
}

func (b *builder) lines() int { return b.d.lineCount() + len(b.cur) }

// section starts a titled part, with a blank line before it.
func (b *builder) section(title string) {
	if b.lines() > 0 {
		b.cur = append(b.cur, "")
	}
	b.cur = append(b.cur, b.st.Section.Render(title))
}

// raw adds lines already styled and no wider than the pane.
func (b *builder) raw(lines ...string) {
	b.cur = append(b.cur, lines...)
}

// prose adds word-wrapped text, indented.
func (b *builder) prose(style lipgloss.Style, s string, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, l := range wrapWords(s, b.width-indent) {
		b.cur = append(b.cur, pad+style.Render(l))
	}
}

// hard adds hard-wrapped text, indented.
func (b *builder) hard(style lipgloss.Style, s string, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, l := range wrapHard(s, b.width-indent) {
		b.cur = append(b.cur, pad+style.Render(l))
	}
}

// kv adds a label and a value, the value hard-wrapped in its own column.
func (b *builder) kv(label string, labelWidth int, style lipgloss.Style, value string) {
	b.column(label, labelWidth, style, value, wrapHard, b.hard)
}

// kvWords is kv for prose values, wrapped at spaces.
func (b *builder) kvWords(label string, labelWidth int, style lipgloss.Style, value string) {
	b.column(label, labelWidth, style, value, wrapWords, b.prose)
}

// column lays a label and its value out in two columns, wrapping the value
// with wrap; too narrow for two, the value goes under its label, by under.
func (b *builder) column(label string, labelWidth int, style lipgloss.Style, value string,
	wrap func(string, int) []string, under func(lipgloss.Style, string, int)) {
	// Labels can come from the gateway too: result member names, headers.
	label = safetext.Line(label)
	col := labelWidth + 3
	if b.width-col < 16 {
		b.cur = append(b.cur, "  "+b.st.Label.Render(label))
		under(style, value, 4)
		return
	}
	for i, l := range wrap(value, b.width-col) {
		head := strings.Repeat(" ", col)
		if i == 0 {
			head = "  " + b.st.Label.Render(label) + strings.Repeat(" ", max(0, labelWidth-ansi.StringWidth(label))+1)
		}
		b.cur = append(b.cur, head+style.Render(l))
	}
}

// link adds a URL on one line, never wrapped: as an OSC 8 hyperlink, so a
// click opens it whole even when the pane shows it cut.
func (b *builder) link(label string, labelWidth int, url string) {
	head := "  " + b.st.Label.Render(label) + strings.Repeat(" ", max(0, labelWidth-ansi.StringWidth(label)+1))
	if label == "" {
		head = strings.Repeat(" ", labelWidth+2)
	}
	avail := b.width - ansi.StringWidth(head)
	if avail < 16 {
		b.cur = append(b.cur, head)
		head, avail = "    ", b.width-4
	}
	style := b.st.Link
	if linkable(url) {
		style = style.Hyperlink(url)
	}
	b.cur = append(b.cur, head+style.Render(ansi.Truncate(safetext.Text(url), max(1, avail), "…")))
}

// linkable reports a URL that can go into an OSC 8 sequence as it is:
// printable ASCII with a web scheme, nothing that could end the sequence.
func linkable(url string) bool {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return false
	}
	for i := 0; i < len(url); i++ {
		if url[i] <= ' ' || url[i] >= 0x7f {
			return false
		}
	}
	return true
}

func (b *builder) block(bl block) {
	b.flush()
	b.d.add(bl)
}

func (b *builder) done() doc {
	b.flush()
	return b.d
}
