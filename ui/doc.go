package ui

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
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
	k := sort.SearchInts(d.ends, i+1)
	if k >= len(d.blocks) {
		return ""
	}
	start := 0
	if k > 0 {
		start = d.ends[k-1]
	}
	return d.blocks[k].line(i-start, c)
}

// textBlock is lines styled and wrapped in advance.
type textBlock []string

func (b textBlock) lineCount() int                 { return len(b) }
func (b textBlock) line(i int, _ *drawContext) string { return b[i] }

// pane is a scrollable view of a doc.
type pane struct {
	doc    doc
	offset int
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
// exactly width cells wide and height lines high.
func (p *pane) view(title string, width, height int, focused bool, c *drawContext) string {
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
		pos = formatCount(offset+1) + "–" + formatCount(min(total, offset+rows)) + " of " + formatCount(total)
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
		}
		lines = append(lines, fit(" "+line, width))
	}
	return strings.Join(lines, "\n")
}

// fit truncates or pads a styled line to exactly width cells, so panes line
// up side by side whatever their content.
func fit(s string, width int) string {
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// clean makes text from the network safe to draw: control characters, which
// could move the cursor or change the terminal, become a visible dot, and a
// tab a space. It keeps line breaks.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 0x20 && b != '\n') || b == 0x7f || b == 0xc2 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			b.WriteByte('\n')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteRune('·')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cells is how many terminal cells r takes once cleaned.
func cells(r rune) int {
	if r < 0x300 {
		return 1
	}
	return ansi.StringWidth(string(r))
}

// wrapOffsets splits text into lines of at most width cells, breaking at
// newlines and wherever a line is full, and returns the byte offset where
// each line starts followed by len(text). It is one pass over the text: a
// megabyte of compact JSON takes a few milliseconds, done once per trace
// and width.
func wrapOffsets(text string, width int) []int {
	width = max(1, width)
	starts := make([]int, 1, len(text)/width+2)
	col := 0
	for i := 0; i < len(text); {
		b := text[i]
		if b == '\n' {
			i++
			starts = append(starts, i)
			col = 0
			continue
		}
		size, w := 1, 1
		if b >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			w = cells(r)
		}
		if col+w > width && col > 0 {
			starts = append(starts, i)
			col = 0
		}
		col += w
		i += size
	}
	if starts[len(starts)-1] == len(text) && len(starts) > 1 {
		return starts
	}
	return append(starts, len(text))
}

// wrapHard splits plain text into lines of at most width cells, breaking
// anywhere: for tokens, signatures and strings to sign, where every
// character counts and no word boundary is meaningful.
func wrapHard(s string, width int) []string {
	s = clean(s)
	starts := wrapOffsets(s, width)
	out := make([]string, 0, len(starts)-1)
	for i := 0; i+1 < len(starts); i++ {
		out = append(out, strings.TrimSuffix(s[starts[i]:starts[i+1]], "\n"))
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// wrapWords splits prose into lines of at most width cells at spaces,
// breaking words only when one is longer than a line.
func wrapWords(s string, width int) []string {
	return strings.Split(ansi.Wrap(clean(s), max(1, width), ""), "\n")
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
	col := labelWidth + 3
	if b.width-col < 16 {
		// Too narrow for two columns: the value goes under its label.
		b.cur = append(b.cur, "  "+b.st.Label.Render(label))
		b.hard(style, value, 4)
		return
	}
	for i, l := range wrapHard(value, b.width-col) {
		head := strings.Repeat(" ", col)
		if i == 0 {
			head = "  " + b.st.Label.Render(label) + strings.Repeat(" ", labelWidth-ansi.StringWidth(label)+1)
		}
		b.cur = append(b.cur, head+style.Render(l))
	}
}

// kvWords is kv for prose values, wrapped at spaces.
func (b *builder) kvWords(label string, labelWidth int, style lipgloss.Style, value string) {
	col := labelWidth + 3
	if b.width-col < 16 {
		b.cur = append(b.cur, "  "+b.st.Label.Render(label))
		b.prose(style, value, 4)
		return
	}
	for i, l := range wrapWords(value, b.width-col) {
		head := strings.Repeat(" ", col)
		if i == 0 {
			head = "  " + b.st.Label.Render(label) + strings.Repeat(" ", labelWidth-ansi.StringWidth(label)+1)
		}
		b.cur = append(b.cur, head+style.Render(l))
	}
}

func (b *builder) block(bl block) {
	b.flush()
	b.d.add(bl)
}

func (b *builder) done() doc {
	b.flush()
	return b.d
}

// labelWidth is the width of the widest label, for aligning a column.
func labelWidth(labels ...string) int {
	w := 0
	for _, l := range labels {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}
