package ui

import (
	"strings"
	"unicode/utf8"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// bodyText is a response body prepared for display once per trace: decoded
// from GBK when it is not UTF-8, secrets masked unless revealed, and the
// signed content located by byte offsets into the text shown.
type bodyText struct {
	text string
	// markFrom and markTo bound the signed content in text; markTo <=
	// markFrom when nothing is marked.
	markFrom, markTo int
	// note says what the mark means, or why there is none.
	note string
	// The body's JSON tokens and indented lines, found the first time the
	// pretty form is drawn; isJSON is false for a body that is not JSON.
	parsed        bool
	isJSON        bool
	toks          []jsonToken
	indentedLines []jsonLine
}

// json is the body's JSON tokens and indented lines; ok is false when the
// body is not a JSON value (an HTML page, a truncated answer).
func (b *bodyText) json() (toks []jsonToken, lines []jsonLine, ok bool) {
	if !b.parsed {
		b.parsed = true
		if b.toks, b.isJSON = tokenizeJSON(b.text); b.isJSON {
			b.indentedLines = indentJSON(b.text, b.toks)
		}
	}
	return b.toks, b.indentedLines, b.isJSON
}

// prepareBody computes the body as shown, with mask applied to it (the
// identity when secrets are revealed). The verification's offsets index
// the raw bytes; masking shortens tokens and GBK decoding changes lengths,
// so the body is transformed in three pieces (before, inside and after the
// signed content) and the offsets are the lengths of the pieces.
func prepareBody(t *gateway.Trace, mask func(string) string) *bodyText {
	if t.Response == nil {
		return &bodyText{}
	}
	raw := t.Response.Body
	from, to := 0, 0
	v := t.Verification
	if v != nil && v.End > v.Start && v.End <= len(raw) && v.Start >= 0 {
		from, to = v.Start, v.End
	}
	show := func(b []byte) string {
		if utf8.Valid(b) {
			return string(b)
		}
		return (&gateway.Response{Body: b}).BodyText()
	}
	if to == 0 {
		b := &bodyText{text: mask(show(raw))}
		if v != nil {
			b.note = tr("no signed content located")
		}
		if !utf8.Valid(raw) {
			b.note = strings.TrimPrefix(b.note+"; "+tr("decoded from GBK"), "; ")
		}
		return b
	}
	before, inside, afterwards := mask(show(raw[:from])), mask(show(raw[from:to])), mask(show(raw[to:]))
	b := &bodyText{
		text:     before + inside + afterwards,
		markFrom: len(before),
		markTo:   len(before) + len(inside),
		// The offsets are of the raw bytes, whatever masking or decoding
		// did to the text shown.
		note: tr("▌ marks the signed content, bytes %s–%s of the raw body", formatCount(from), formatCount(to)),
	}
	switch {
	case v.Status == gateway.Unsigned:
		b.note = tr("▌ marks the node a signature would cover (bytes %s–%s); there is none", formatCount(from), formatCount(to))
	case t.Protocol == gateway.V3:
		b.note = tr("▌ the whole body is signed, after alipay-timestamp and alipay-nonce")
	}
	if !utf8.Valid(raw) {
		b.note += "; " + tr("decoded from GBK, verified over the raw bytes")
	}
	return b
}

// masker replaces secrets with gateway.Mask of them, as Trace.Redact does,
// for text Redact does not cover.
func masker(secrets []string) func(string) string {
	if len(secrets) == 0 {
		return func(s string) string { return s }
	}
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, gateway.Mask(s))
	}
	return strings.NewReplacer(pairs...).Replace
}

// bodyBlock draws the body, wrapped to the pane, a line at a time.
type bodyBlock struct {
	body *bodyText
	// starts are the byte offsets where each line starts, then len(text).
	starts []int
}

const gutter = 2

func newBodyBlock(body *bodyText, width int) *bodyBlock {
	return &bodyBlock{body: body, starts: wrapOffsets(body.text, width-gutter)}
}

func (b *bodyBlock) lineCount() int { return len(b.starts) - 1 }

func (b *bodyBlock) plainLine(i int) string {
	return "  " + safetext.Text(strings.TrimSuffix(b.body.text[b.starts[i]:b.starts[i+1]], "\n"))
}

func (b *bodyBlock) line(i int, c *drawContext) string {
	st := c.styles
	text := b.body.text
	from, to := b.starts[i], b.starts[i+1]
	if to > from && text[to-1] == '\n' {
		to--
	}
	markFrom, markTo := max(from, b.body.markFrom), min(to, b.body.markTo)
	if markFrom >= markTo {
		return "  " + st.Value.Render(safetext.Text(text[from:to]))
	}
	return st.SignedGutter.Render("▌") + " " +
		st.Value.Render(safetext.Text(text[from:markFrom])) +
		st.Signed.Render(safetext.Text(text[markFrom:markTo])) +
		st.Value.Render(safetext.Text(text[markTo:to]))
}
