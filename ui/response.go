package ui

import (
	"encoding/json"
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

	switch {
	case resp != nil:
		line := st.Bold.Render("HTTP "+strconv.Itoa(resp.Status)) + " " + st.Value.Render(http.StatusText(resp.Status)) +
			st.Dim.Render(" · "+formatDuration(resp.Duration)+" · "+formatBytes(len(resp.Body)))
		b.raw(line)
	case t.DryRun:
		b.raw(st.Bold.Render("not sent") + st.Dim.Render(" (dry run)"))
	default:
		b.raw(st.Error.Render("no response"))
	}
	b.raw(badge(t, st) + " " + st.Dim.Render("outcome: "+t.Outcome.Phrase()))
	if t.TransportError != "" {
		b.prose(st.Error, t.TransportError, 0)
		b.raw(st.Bold.Render("  What to do"))
		b.prose(st.Value, t.TransportHint(), 4)
	}
	for _, w := range t.Warnings {
		b.prose(st.Warn, "⚠ "+w, 0)
	}

	if e := t.Error; e != nil {
		errorSection(b, e, st)
	}
	if tk := t.Tokens; tk != nil {
		tokenSection(b, tk, st)
	}
	if t.Error == nil {
		decodedSection(b, v, st)
	}

	if v := t.Verification; v != nil {
		b.section("VERIFICATION")
		labels := []string{"status", "node", "key", "cert sn", "signature"}
		w := labelWidth(labels...)
		b.kv("status", w, st.Value, string(v.Status))
		if v.Node != "" {
			b.kv("node", w, st.Value, v.Node)
		}
		if v.Key != "" {
			b.kvWords("key", w, st.Value, v.Key)
		}
		if v.CertSN != "" {
			b.kv("cert sn", w, st.Value, v.CertSN)
		}
		if v.Sign != "" {
			b.kv("signature", w, st.Dim, v.Sign)
		}
		if v.Detail != "" {
			b.prose(st.Value, v.Detail, 2)
		}
	}

	if resp != nil {
		if t.Protocol == gateway.V3 {
			b.section("SIGNATURE HEADERS")
			w := labelWidth(v3SignatureHeaders...)
			for _, name := range v3SignatureHeaders {
				value := resp.Headers[name]
				if value == "" {
					value = "(absent)"
				}
				b.kv(name, w, st.Value, value)
			}
		}
		if resp.TraceID != "" {
			b.section("TRACE")
			b.kv("trace id", 9, st.Value, resp.TraceID)
			b.kv("diagnosis", 9, st.Value, resp.DiagnosisURL)
		}
		other := map[string]string{}
		for k, v := range resp.Headers {
			if !slices.Contains(v3SignatureHeaders, k) || t.Protocol != gateway.V3 {
				other[k] = v
			}
		}
		if len(other) > 0 {
			b.section("HEADERS")
			headers(b, other, nil)
		}
		b.section("RAW BODY (" + formatBytes(len(resp.Body)) + ")")
		if body.note != "" {
			b.prose(st.Dim, body.note, 0)
		}
		if len(resp.Body) == 0 {
			b.raw(st.Dim.Render("  (empty)"))
		} else {
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
			return st.BadgeWarn.Render("DRY RUN: NOT SENT")
		case t.TransportError != "":
			return st.BadgeFail.Render("✗ NO USABLE ANSWER")
		}
		return st.BadgeWarn.Render("? NOT CHECKED")
	}
	style := st.BadgeWarn
	switch v.Status.Mark() {
	case "✓":
		style = st.BadgeOK
	case "✗":
		style = st.BadgeFail
	}
	return style.Render(v.Status.Mark() + " " + strings.ToUpper(v.Status.Verdict()))
}

func errorSection(b *builder, e *gateway.APIError, st *Styles) {
	b.section("ERROR")
	w := labelWidth("code", "sub_code")
	b.kv("code", w, st.Error, strings.TrimSpace(e.Code+" "+e.Msg))
	if e.SubCode != "" || e.SubMsg != "" {
		b.kv("sub_code", w, st.Error, strings.TrimSpace(e.SubCode+" "+e.SubMsg))
	}
	if e.Meaning != "" {
		b.raw(st.Bold.Render("  What it means"))
		b.prose(st.Value, e.Meaning, 4)
		b.raw(st.Bold.Render("  What to do"))
		b.prose(st.Value, e.Hint, 4)
	} else {
		b.prose(st.Dim, "aliauth's catalog does not know this code; it is shown as the gateway sent it", 2)
	}
	for _, l := range e.Links {
		b.prose(st.Value, "→ "+strings.TrimSpace(l.Description+" "+l.Link), 2)
	}
	if d := e.SignatureDiff; d != nil {
		b.raw(st.Bold.Render("  Strings to sign compared"))
		b.prose(st.Value, d.Summary, 4)
		b.raw(st.Label.Render("    the gateway's"))
		b.raw(markedLines(d.Gateway, d.Offset, b.width-6, 6, st)...)
		b.raw(st.Label.Render("    aliauth's"))
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
		out = append(out, pad+st.DiffMark.Render("(ends here)"))
	}
	return out
}

func tokenSection(b *builder, tk *gateway.Tokens, st *Styles) {
	b.section("TOKENS")
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
		b.kv("auth_start", w, st.Value, tk.AuthStart+" (China Standard Time)")
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
}

func (b *expiryBlock) lineCount() int {
	n := 0
	for _, r := range b.rows {
		n += len(r.lines) + 1
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
	}
	return ""
}

func (r expiryRow) expiryLine(c *drawContext) string {
	st := c.styles
	e := r.expiry
	switch {
	case e.Permanent:
		return st.OK.Render("permanent (auth_token_type) · never expires")
	case !e.Known():
		return st.Dim.Render(e.When())
	}
	left := e.Left(c.now)
	style := st.OK
	switch {
	case left <= 0:
		style = st.Error
	case left < 10*time.Minute:
		style = st.Warn
	}
	return st.Dim.Render(e.When()+" · ") + style.Render(e.Countdown(c.now))
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
	b.section("DECODED")
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
	return s[:cut] + "… (" + formatBytes(len(s)) + " in all; the raw body has it whole)"
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
