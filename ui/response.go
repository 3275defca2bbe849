package ui

import (
	"encoding/json"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"aliauth/gateway"
	"aliauth/internal/safetext"
)

// v3SignatureHeaders are the response headers v3 signs with, in the order
// they are read.
var v3SignatureHeaders = []string{"alipay-signature", "alipay-timestamp", "alipay-nonce", "alipay-sn"}

// responseDoc is the response pane: what came back, whether it verified and
// with which key, what it means, and the raw body with the signed content
// marked.
func responseDoc(v *traceView, st *Styles, width int) doc {
	b := newBuilder(st, width)
	t, body := v.shown, v.body
	resp := t.Response
	// Sizes are of the bytes received, never of the body as shown, whose
	// masked tokens are shorter.
	size := 0
	if v.trace.Response != nil {
		size = len(v.trace.Response.Body)
	}

	switch {
	case resp != nil:
		line := st.Bold.Render("HTTP "+strconv.Itoa(resp.Status)) + " " + st.Value.Render(http.StatusText(resp.Status)) +
			st.Dim.Render(" · "+formatDuration(resp.Duration)+" · "+exactBytes(size))
		b.raw(line)
	case t.DryRun:
		b.raw(st.Bold.Render(tr("not sent")) + st.Dim.Render(" "+tr("(dry run)")))
	default:
		b.raw(st.Error.Render(tr("no response")))
	}
	b.raw(badge(t, st) + " " + st.Dim.Render(tr("outcome: %s", word(t.Outcome.Phrase()))))
	verdict(b, v.trace, st)
	for _, w := range t.Warnings {
		b.prose(st.Warn, "⚠ "+word(w), 0)
	}

	if e := t.Error; e != nil {
		errorSection(b, e, st)
	}
	if tk := t.Tokens; tk != nil {
		tokenSection(b, tk, t.Outcome == gateway.OutcomeUntrusted, v.rotatedBy, st)
	}
	if t.Error == nil {
		decodedSection(b, v, st)
	}

	if v := t.Verification; v != nil {
		b.section(tr("VERIFICATION"))
		labels := []string{tr("status"), tr("node"), tr("key"), tr("cert sn"), tr("signature")}
		w := labelWidth(labels...)
		b.kv(labels[0], w, st.Value, word(string(v.Status)))
		if v.Node != "" {
			b.kv(labels[1], w, st.Value, v.Node)
		}
		if v.Key != "" {
			b.kvWords(labels[2], w, st.Value, word(v.Key))
		}
		if v.CertSN != "" {
			b.kv(labels[3], w, st.Value, v.CertSN)
		}
		if v.Sign != "" {
			b.kv(labels[4], w, st.Dim, v.Sign)
		}
		if v.Detail != "" {
			b.prose(st.Value, word(v.Detail), 2)
		}
	}

	if resp != nil {
		if t.Protocol == gateway.V3 {
			b.section(tr("SIGNATURE HEADERS"))
			w := labelWidth(v3SignatureHeaders...)
			for _, name := range v3SignatureHeaders {
				value := resp.Headers[name]
				if value == "" {
					value = tr("(absent)")
				}
				b.kv(name, w, st.Value, value)
			}
		}
		if resp.TraceID != "" {
			b.section(tr("TRACE"))
			w := labelWidth(tr("trace id"), tr("diagnosis"))
			b.kv(tr("trace id"), w, st.Value, resp.TraceID)
			b.link(tr("diagnosis"), w, resp.DiagnosisURL)
		}
		other := map[string]string{}
		for k, v := range resp.Headers {
			if !slices.Contains(v3SignatureHeaders, k) || t.Protocol != gateway.V3 {
				other[k] = v
			}
		}
		if len(other) > 0 {
			b.section(tr("HEADERS"))
			headers(b, other, nil)
		}
		toks, lines, isJSON := body.json()
		switch {
		case isJSON && v.pretty:
			b.section(tr("BODY (%s) · pretty JSON · b shows the raw bytes", exactBytes(size)))
		case isJSON:
			b.section(tr("RAW BODY (%s) · b shows it as pretty JSON", exactBytes(size)))
		default:
			b.section(tr("RAW BODY (%s)", exactBytes(size)))
		}
		if body.note != "" {
			b.prose(st.Dim, body.note, 0)
		}
		switch {
		case size == 0:
			b.raw(st.Dim.Render("  " + tr("(empty)")))
		case isJSON && v.pretty:
			b.block(newPrettyBlock(body, toks, lines, b.width))
		default:
			b.block(newBodyBlock(body, b.width))
		}
	}
	return b.done()
}

// badge is the verification result at a glance, in the words every
// renderer uses. Each reads without colour.
func badge(t *gateway.Trace, st *Styles) string {
	v := t.Verification
	if v == nil {
		switch {
		case t.DryRun:
			return st.BadgeWarn.Render(tr("DRY RUN: NOT SENT"))
		case t.TransportError != "":
			return st.BadgeFail.Render("✗ " + tr("NO USABLE ANSWER"))
		}
		return st.BadgeWarn.Render("? " + tr("NOT CHECKED"))
	}
	style := st.BadgeWarn
	switch v.Status.Mark() {
	case "✓":
		style = st.BadgeOK
	case "✗":
		style = st.BadgeFail
	}
	return style.Render(v.Status.Mark() + " " + strings.ToUpper(word(v.Status.Verdict())))
}

// verdict is what the badge means, directly under it: the one-line reason
// and the next step, so the conclusion is read before any detail.
func verdict(b *builder, t *gateway.Trace, st *Styles) {
	todo, details, finding, why, errLabel := tr("what to do"), tr("details"), tr("finding"), tr("why"), tr("error")
	w := labelWidth(todo, details, finding, why, errLabel)
	e := t.Error
	switch {
	case t.TransportError != "":
		// The hint says what happened in plain words, then what to do; Go's
		// own words are details.
		b.kvWords(todo, w, st.Bold, word(t.TransportHint()))
		b.kvWords(details, w, st.Dim, word(t.TransportError))
		return
	case e != nil && t.Outcome != gateway.OutcomeUntrusted:
		code := e.SubCode
		if code == "" {
			code = e.Code
		}
		meaning, hint := explanation(e)
		if meaning == "" {
			meaning = tr("not in aliauth's catalog; the gateway's own words are below")
		}
		b.kvWords(errLabel, w, st.Error, code+": "+meaning)
		if d := e.SignatureDiff; d != nil {
			b.kvWords(finding, w, st.Bold, word(d.Summary))
		}
		if hint != "" {
			b.kvWords(todo, w, st.Bold, hint)
		}
		return
	}
	v := t.Verification
	if v == nil || v.Status == gateway.Verified || v.Status == gateway.VerifiedUnescaped {
		return
	}
	style := st.Warn
	if t.Outcome == gateway.OutcomeUntrusted {
		style = st.Error
	}
	reason := word(v.Detail)
	if v.Status == gateway.VerifyFailed {
		// The reason fits a line; the possible causes follow in the
		// verification section.
		if i := strings.IndexAny(reason, ":："); i > 0 {
			reason = reason[:i]
		}
	}
	if reason != "" {
		b.kvWords(why, w, style, reason)
	}
	if h := v.Status.Hint(); h != "" {
		b.kvWords(todo, w, st.Bold, word(h))
	}
}

func errorSection(b *builder, e *gateway.APIError, st *Styles) {
	b.section(tr("ERROR"))
	w := labelWidth("code", "sub_code")
	b.kv("code", w, st.Error, strings.TrimSpace(e.Code+" "+e.Msg))
	if e.SubCode != "" || e.SubMsg != "" {
		b.kvWords("sub_code", w, st.Error, strings.TrimSpace(e.SubCode+" "+gatewayWords(e)))
	}
	if e.Meaning == "" {
		b.prose(st.Dim, tr("aliauth's catalog does not know this code; it is shown as the gateway sent it"), 2)
	}
	for _, l := range e.Links {
		if l.Description != "" {
			b.prose(st.Value, "→ "+l.Description, 2)
		}
		b.link("", 2, l.Link)
	}
	if d := e.SignatureDiff; d != nil {
		// The finding under the badge says what the comparison shows.
		b.raw(st.Bold.Render("  " + tr("Strings to sign compared")))
		b.raw(st.Label.Render("    " + tr("the gateway's")))
		b.raw(markedLines(d.Gateway, d.Offset, b.width-6, 6, st)...)
		b.raw(st.Label.Render("    " + tr("aliauth's")))
		b.raw(markedLines(d.Local, d.Offset, b.width-6, 6, st)...)
	}
}

// markedLines hard-wraps s and marks the character at offset, the first
// difference between two strings to sign.
func markedLines(s string, offset, width, indent int, st *Styles) []string {
	pad := strings.Repeat(" ", indent)
	cleaned := safetext.Text(s)
	if cleaned != s {
		offset = -1 // the offsets no longer line up; show the text unmarked
	}
	starts := wrapOffsets(cleaned, width)
	var out []string
	for i := 0; i+1 < len(starts); i++ {
		from, to := starts[i], starts[i+1]
		line := strings.TrimSuffix(cleaned[from:to], "\n")
		if offset >= from && offset < from+len(line) {
			_, size := utf8.DecodeRuneInString(line[offset-from:])
			at := offset - from
			out = append(out, pad+st.Value.Render(line[:at])+st.DiffMark.Render(line[at:at+size])+st.Value.Render(line[at+size:]))
			continue
		}
		out = append(out, pad+st.Value.Render(line))
	}
	if offset >= len(cleaned) && offset >= 0 {
		out = append(out, pad+st.DiffMark.Render(tr("(ends here)")))
	}
	return out
}

// gatewayWords is the sub_msg as a person reads it: HTML entities
// unescaped, and without the string to sign an isv.invalid-signature
// quotes, which the comparison below shows whole.
func gatewayWords(e *gateway.APIError) string {
	msg := html.UnescapeString(e.SubMsg)
	if d := e.SignatureDiff; d != nil && d.Gateway != "" {
		if i := strings.LastIndex(msg, d.Gateway); i > 0 {
			msg = msg[:i] + " " + tr("(compared below)")
		}
	}
	return msg
}

func tokenSection(b *builder, tk *gateway.Tokens, untrusted bool, rotated *rotation, st *Styles) {
	if untrusted {
		b.section(tr("TOKENS · UNTRUSTED: the signature does not vouch for them"))
	} else {
		b.section(tr("TOKENS"))
	}
	labels := []string{"user_id", "open_id", "union_id", "access_token", "refresh_token", "auth_start"}
	w := labelWidth(labels...)
	if tk.UserID != "" {
		b.kv("user_id", w, st.Value, tk.UserID)
	}
	if tk.OpenID != "" {
		b.kv("open_id", w, st.Value, tk.OpenID)
	}
	if tk.UnionID != "" {
		b.kv("union_id", w, st.Value, tk.UnionID)
	}
	rows := []expiryRow{
		{label: "access_token", value: tk.AccessToken, expiry: tk.AccessExpiry()},
		{label: "refresh_token", value: tk.RefreshToken, expiry: tk.RefreshExpiry()},
	}
	if rotated != nil {
		by := tr("history #%s", formatCount(int(rotated.id))) + " (" + formatTime(rotated.time) + ")"
		rows[0].note = tr("a refresh replaced it: %s", by)
		rows[1].superseded = tr("SUPERSEDED: rotated by the refresh %s; it no longer works", by)
	}
	var blk expiryBlock
	for _, r := range rows {
		if r.value == "" {
			continue
		}
		r.lines = kvLines(st, r.label, w, st.Secret, r.value, b.width)
		blk.rows = append(blk.rows, r)
	}
	b.block(&blk)
	if tk.AuthStart != "" {
		b.kv("auth_start", w, st.Value, tk.AuthStart+" "+tr("(China Standard Time)"))
	}
}

// kvLines is builder.kv for a block that is not built by a builder.
func kvLines(st *Styles, label string, labelW int, style lipgloss.Style, value string, width int) []string {
	sub := newBuilder(st, width)
	sub.kv(label, labelW, style, value)
	return sub.cur
}

// expiryBlock shows tokens with their absolute expiry and a countdown drawn
// from the clock at every frame.
type expiryBlock struct {
	rows []expiryRow
}

type expiryRow struct {
	label  string
	value  string
	expiry gateway.Expiry
	lines  []string
	// superseded says why the token no longer works, in place of its
	// countdown; note adds to the countdown.
	superseded string
	note       string
}

func (b *expiryBlock) lineCount() int {
	n := 0
	for _, r := range b.rows {
		n += len(r.lines) + 1
		if r.note != "" {
			n++
		}
	}
	return n
}

func (b *expiryBlock) line(i int, c *drawContext) string {
	for _, r := range b.rows {
		if i < len(r.lines) {
			return r.lines[i]
		}
		i -= len(r.lines)
		if i == 0 {
			return "      " + r.expiryLine(c)
		}
		i--
		if r.note != "" {
			if i == 0 {
				return "      " + c.styles.Dim.Render(r.note)
			}
			i--
		}
	}
	return ""
}

func (r expiryRow) expiryLine(c *drawContext) string {
	st := c.styles
	e := r.expiry
	switch {
	case r.superseded != "":
		return st.Warn.Render(r.superseded)
	case e.Permanent:
		return st.OK.Render(tr("permanent (auth_token_type) · never expires"))
	case !e.Known():
		return st.Dim.Render(word(e.When()))
	}
	left := e.Left(c.now)
	style := st.OK
	switch {
	case left <= 0:
		style = st.Error
	case left < 10*time.Minute:
		style = st.Warn
	}
	return st.Dim.Render(tr("expires %s", gateway.LocalTime(e.At))+" · ") + style.Render(countdown(e, c.now))
}

// countdown is Expiry.Countdown in the console's language: the time left,
// or how long ago the token expired.
func countdown(e gateway.Expiry, now time.Time) string {
	c := e.Countdown(now)
	if rest, ok := strings.CutPrefix(c, "in "); ok {
		return tr("in %s", rest)
	}
	if rest, ok := strings.CutPrefix(c, "EXPIRED "); ok {
		return tr("EXPIRED %s ago", strings.TrimSuffix(rest, " ago"))
	}
	return c
}

// decodedSection lists the result's fields in the order the gateway wrote
// them: the user's profile for user info, the rest of a token answer.
func decodedSection(b *builder, v *traceView, st *Styles) {
	var keep []gateway.Field
	for _, f := range v.fields {
		// The token section shows these.
		if v.trace.Tokens == nil || !gateway.IsTokenField(f.Name) {
			if !v.reveal {
				f.Value = v.mask(f.Value)
			}
			keep = append(keep, f)
		}
	}
	if len(keep) == 0 {
		return
	}
	b.section(tr("DECODED"))
	names := make([]string, len(keep))
	for i, f := range keep {
		names[i] = f.Name
	}
	w := labelWidth(names...)
	for _, f := range keep {
		b.kv(f.Name, w, valueStyle(st, f.Name), f.Value)
	}
}

// maxDecodedValue bounds a decoded field on screen; the raw body below
// holds it whole.
const maxDecodedValue = 1024

// shorten cuts s to at most n bytes, on a character boundary, saying how
// long it was.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… " + tr("(%s in all; the raw body has it whole)", formatBytes(len(s)))
}

// decodedFields are the result's members in order, each cut to
// maxDecodedValue.
func decodedFields(raw json.RawMessage) []gateway.Field {
	fields := gateway.ResultFields(raw)
	for i := range fields {
		fields[i].Value = shorten(fields[i].Value, maxDecodedValue)
	}
	return fields
}
