package ui

import (
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"aliauth/internal/safetext"
)

// The pretty body: the answer's JSON indented and coloured by token, with
// the signed content still marked. Tokens come from encoding/json's own
// scanner (Decoder.Token), whose InputOffset gives each token's exact
// extent in the text, so every piece drawn keeps its offset into the body
// and the mark stays on the bytes that were signed.

type jsonKind uint8

const (
	jsonPunct jsonKind = iota
	jsonKey
	jsonString
	jsonNumber
	jsonLiteral
)

// jsonToken is a token's extent in the text and what it is.
type jsonToken struct {
	from, to int
	kind     jsonKind
}

// tokenizeJSON splits a JSON text into its tokens, separators included;
// ok is false when the text is not one JSON value.
func tokenizeJSON(text string) (toks []jsonToken, ok bool) {
	if !json.Valid([]byte(text)) {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	// objects says, for each open container, whether it is an object whose
	// next string is a key.
	type frame struct{ object, wantKey bool }
	var stack []frame
	prev := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return toks, true
		}
		if err != nil {
			return nil, false
		}
		end := int(dec.InputOffset())
		// Between tokens there is only whitespace and the separators the
		// decoder passes over.
		start := prev
		for ; start < end; start++ {
			switch text[start] {
			case ':', ',':
				toks = append(toks, jsonToken{start, start + 1, jsonPunct})
				continue
			case ' ', '\t', '\n', '\r':
				continue
			}
			break
		}
		prev = end
		kind := jsonPunct
		value := true
		switch t := tok.(type) {
		case json.Delim:
			value = false
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{', wantKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				value = true
			}
		case string:
			kind = jsonString
			if n := len(stack); n > 0 && stack[n-1].wantKey {
				kind, value = jsonKey, false
				stack[n-1].wantKey = false
			}
		case json.Number:
			kind = jsonNumber
		default:
			kind = jsonLiteral
		}
		if n := len(stack); value && n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
		toks = append(toks, jsonToken{start, end, kind})
	}
}

// jsonLine is one line of the indented form: its depth and its tokens.
type jsonLine struct {
	depth int
	toks  []int32
}

// indentJSON lays tokens out one member per line, as json.Indent does.
func indentJSON(text string, toks []jsonToken) []jsonLine {
	var lines []jsonLine
	cur := jsonLine{}
	depth := 0
	flush := func() {
		if len(cur.toks) > 0 {
			lines = append(lines, cur)
		}
		cur = jsonLine{depth: depth}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		c := text[t.from]
		switch {
		case t.kind == jsonPunct && (c == '{' || c == '['):
			cur.toks = append(cur.toks, int32(i))
			if i+1 < len(toks) && toks[i+1].kind == jsonPunct && (text[toks[i+1].from] == '}' || text[toks[i+1].from] == ']') {
				i++ // an empty container stays on its line
				cur.toks = append(cur.toks, int32(i))
				continue
			}
			depth++
			flush()
		case t.kind == jsonPunct && (c == '}' || c == ']'):
			depth--
			flush()
			cur.toks = append(cur.toks, int32(i))
		case t.kind == jsonPunct && c == ',':
			cur.toks = append(cur.toks, int32(i))
			flush()
		default:
			cur.toks = append(cur.toks, int32(i))
		}
	}
	flush()
	return lines
}

// prettyFrag is part of a token drawn on a line: bytes from..to of the
// text, and whether a space follows (after a colon).
type prettyFrag struct {
	tok      int32
	from, to int
	space    bool
}

// prettyRow is one drawn line of the pretty body.
type prettyRow struct {
	indent int
	frags  []prettyFrag
}

// prettyBlock draws the body as indented, coloured JSON, wrapped to the
// pane without breaking a key: a member too long for a line continues on
// the next, indented, and only a value wider than a whole line is cut.
type prettyBlock struct {
	body *bodyText
	toks []jsonToken
	rows []prettyRow
}

// indentStep is the indent of each nesting level.
const indentStep = 2

func newPrettyBlock(body *bodyText, toks []jsonToken, lines []jsonLine, width int) *prettyBlock {
	b := &prettyBlock{body: body, toks: toks}
	width = max(8, width-gutter)
	text := body.text
	for _, l := range lines {
		indent := min(l.depth*indentStep, width/2)
		row := prettyRow{indent: indent}
		col := indent
		// cont is where a continued member resumes: under the value.
		cont := min(indent+2*indentStep, width/2)
		for _, ti := range l.toks {
			t := toks[ti]
			piece := text[t.from:t.to]
			space := t.kind == jsonPunct && piece == ":"
			w := textWidth(piece)
			if space {
				w++
			}
			if col+w > width && col > indent && t.kind != jsonPunct {
				b.rows = append(b.rows, row)
				row = prettyRow{indent: cont}
				col = cont
			}
			// A token wider than what is left of the line is cut where the
			// line ends; keys are short enough not to be.
			from := t.from
			for from < t.to {
				n, cw := fitBytes(text[from:t.to], width-col)
				if n == 0 && col > cont {
					b.rows = append(b.rows, row)
					row = prettyRow{indent: cont}
					col = cont
					continue
				}
				if n == 0 {
					n, cw = utf8Len(text[from:]), 1
				}
				row.frags = append(row.frags, prettyFrag{tok: ti, from: from, to: from + n, space: space && from+n == t.to})
				col += cw
				from += n
				if from < t.to {
					b.rows = append(b.rows, row)
					row = prettyRow{indent: cont}
					col = cont
				}
			}
			if space {
				col++
			}
		}
		b.rows = append(b.rows, row)
	}
	return b
}

// fitBytes is how many bytes of s fit in width cells, and their width.
func fitBytes(s string, width int) (n, w int) {
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		cw := cells(r)
		if w+cw > width {
			break
		}
		w += cw
		n += size
	}
	return n, w
}

func utf8Len(s string) int {
	_, size := utf8.DecodeRuneInString(s)
	return size
}

// textWidth is the width of text from the network once cleaned.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		w += cells(r)
	}
	return w
}

func (b *prettyBlock) lineCount() int { return len(b.rows) }

func (b *prettyBlock) marked(f prettyFrag) bool {
	return f.from >= b.body.markFrom && f.to <= b.body.markTo && b.body.markTo > b.body.markFrom
}

func (b *prettyBlock) line(i int, c *drawContext) string {
	st := c.styles
	row := b.rows[i]
	var out strings.Builder
	gutterMark := "  "
	for _, f := range row.frags {
		if b.marked(f) {
			gutterMark = st.SignedGutter.Render("▌") + " "
			break
		}
	}
	out.WriteString(gutterMark)
	out.WriteString(strings.Repeat(" ", row.indent))
	for _, f := range row.frags {
		style := jsonStyle(st, b.toks[f.tok].kind)
		if b.marked(f) {
			style = style.Underline(true)
		}
		out.WriteString(style.Render(safetext.Text(b.body.text[f.from:f.to])))
		if f.space {
			out.WriteByte(' ')
		}
	}
	return out.String()
}

func (b *prettyBlock) plainLine(i int) string {
	row := b.rows[i]
	var out strings.Builder
	out.WriteString("  ")
	out.WriteString(strings.Repeat(" ", row.indent))
	for _, f := range row.frags {
		out.WriteString(safetext.Text(b.body.text[f.from:f.to]))
		if f.space {
			out.WriteByte(' ')
		}
	}
	return out.String()
}

func jsonStyle(st *Styles, k jsonKind) lipgloss.Style {
	switch k {
	case jsonKey:
		return st.JSONKey
	case jsonString:
		return st.JSONString
	case jsonNumber:
		return st.JSONNumber
	case jsonLiteral:
		return st.JSONLiteral
	}
	return st.JSONPunct
}
