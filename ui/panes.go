package ui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"aliauth/gateway"
)

// traceView is a trace laid out for the request and response panes. The
// exchange screen and the history detail both use one. Everything costly
// (masking, wrapping) happens when the trace, the reveal switch or the width
// changes, never per frame.
type traceView struct {
	trace *gateway.Trace
	// secrets are the trace's tokens, found once: finding them decodes the
	// result, which for a large answer is not cheap. mask masks them.
	secrets []string
	mask    func(string) string
	// fields are the result's members, decoded once.
	fields []gateway.Field
	reveal bool
	// pretty draws a JSON body indented and coloured, not as raw bytes.
	pretty bool
	// rotatedBy is the later refresh, in history, that rotated this
	// trace's refresh token; nil when none did.
	rotatedBy *rotation
	shown     *gateway.Trace
	body      *bodyText
	// masked and revealed keep both forms once made, so v switches between
	// them at once however large the answer.
	masked, revealed *shownForm

	req, resp         pane
	reqWidth, respWid int
}

func newTraceView(t *gateway.Trace, reveal bool) *traceView {
	v := &traceView{trace: t, secrets: t.Secrets(), fields: decodedFields(t.Result), pretty: true}
	v.mask = masker(v.secrets)
	v.setReveal(reveal)
	// Reading the body's JSON costs too much for a frame when the answer
	// is large, so it is done here, off the UI's loop.
	v.body.json()
	return v
}

// shownForm is the trace as the panes show it, masked or not.
type shownForm struct {
	trace *gateway.Trace
	body  *bodyText
}

// setReveal masks or unmasks the secrets; the docs are rebuilt by the next
// layout.
func (v *traceView) setReveal(reveal bool) {
	form := &v.revealed
	if !reveal {
		form = &v.masked
	}
	if *form == nil {
		if reveal {
			*form = &shownForm{trace: v.trace, body: prepareBody(v.trace, func(s string) string { return s })}
		} else {
			*form = &shownForm{trace: v.trace.Redact(gateway.Mask), body: prepareBody(v.trace, v.mask)}
		}
	}
	v.reveal = reveal
	v.shown, v.body = (*form).trace, (*form).body
	v.reqWidth, v.respWid = 0, 0
}

// layout builds the panes' docs for the given widths, keeping each pane's
// scroll position.
func (v *traceView) layout(st *Styles, reqWidth, respWidth int) {
	if reqWidth != v.reqWidth {
		v.req.setDoc(requestDoc(v.shown, st, reqWidth-paneMargin))
		v.reqWidth = reqWidth
	}
	if respWidth != v.respWid {
		v.resp.setDoc(responseDoc(v, st, respWidth-paneMargin))
		v.respWid = respWidth
	}
}

// setPretty switches the body between pretty JSON and raw bytes.
func (v *traceView) setPretty(pretty bool) {
	if v.pretty != pretty {
		v.pretty = pretty
		v.respWid = 0
	}
}

// invalidate forces the next layout to rebuild, as after a style change.
func (v *traceView) invalidate() {
	v.reqWidth, v.respWid = 0, 0
}

// counting reports whether an expiry countdown is running, which is when
// the clock needs to tick.
func (v *traceView) counting(now time.Time) bool {
	if v == nil || v.trace.Tokens == nil {
		return false
	}
	tk := v.trace.Tokens
	if tk.Permanent {
		return false
	}
	return tk.AccessExpiresAt.After(now) || (v.rotatedBy == nil && tk.RefreshExpiresAt.After(now))
}

// paneLayout is where the two panes go on screen.
type paneLayout struct {
	sideBySide bool
	reqWidth   int
	respWidth  int
	reqHeight  int
	respHeight int
}

// minSideBySide is the width from which the panes sit side by side; below
// it each would be too narrow for a string to sign.
const minSideBySide = 120

// layoutPanes shares width x height between the panes: side by side when
// wide, stacked when narrow, the focused pane taller.
func layoutPanes(width, height int, focusResponse bool) paneLayout {
	if width >= minSideBySide {
		left := (width - 1) / 2
		return paneLayout{sideBySide: true, reqWidth: left, respWidth: width - 1 - left, reqHeight: height, respHeight: height}
	}
	small := max(3, height/3)
	if height-small < 3 {
		small = height / 2
	}
	l := paneLayout{reqWidth: width, respWidth: width}
	if focusResponse {
		l.reqHeight, l.respHeight = small, height-small
	} else {
		l.reqHeight, l.respHeight = height-small, small
	}
	return l
}

// paneHighlights are the ranges to highlight in each pane.
type paneHighlights struct {
	req, resp func(int) []lipgloss.Range
}

// viewPanes draws both panes in the given layout.
func (v *traceView) viewPanes(l paneLayout, focused focus, c *drawContext, reqTitle, respTitle string, hl paneHighlights) string {
	req := v.req.view(reqTitle, l.reqWidth, l.reqHeight, focused == focusRequest, c, hl.req)
	resp := v.resp.view(respTitle, l.respWidth, l.respHeight, focused == focusResponse, c, hl.resp)
	if !l.sideBySide {
		return req + "\n" + resp
	}
	left, right := strings.Split(req, "\n"), strings.Split(resp, "\n")
	sep := c.styles.Separator.Render("│")
	var b strings.Builder
	for i := range max(len(left), len(right)) {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(left) {
			b.WriteString(left[i])
		} else {
			b.WriteString(strings.Repeat(" ", l.reqWidth))
		}
		b.WriteString(sep)
		if i < len(right) {
			b.WriteString(right[i])
		}
	}
	return b.String()
}

// emptyPanes stands where the panes will be before the first call: what to
// do, in order.
func (m *Model) emptyPanes(height int) string {
	st := &m.styles
	steps := []string{
		tr("Nothing exchanged yet."),
		"",
	}
	if m.mints() {
		steps = append(steps, tr("1. m mints an auth code: the emulator stands in for the mini program's my.getAuthCode. Or paste a code anywhere (the bare code, a redirect URL or JSON), or press i to type one."))
	} else {
		steps = append(steps, tr("1. Paste the auth code my.getAuthCode returned in the mini program, anywhere: the bare code, a redirect URL or JSON. Or press i to type it."))
	}
	steps = append(steps,
		tr("2. enter exchanges it: the request (parameters, string to sign, signature) and the response (verification, tokens, raw body) appear here."),
		tr("3. r refreshes, u fetches user info, c copies, v reveals secrets, h opens history, p switches profile, ? lists every key."),
	)
	head := " " + tr("REQUEST") + " · " + tr("RESPONSE") + " "
	lines := []string{fit(st.PaneTitle.Render(head)+st.Dim.Render(strings.Repeat("─", max(0, m.width-ansi.StringWidth(head)))), m.width)}
	for _, s := range steps {
		for i, l := range wrapWords(s, m.width-6) {
			indent := "  "
			if i > 0 {
				indent = "     "
			}
			lines = append(lines, fit(indent+st.Value.Render(l), m.width))
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:height], "\n")
}
