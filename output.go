package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"aliauth/gateway"
)

// printOptions say how much of a trace to show.
type printOptions struct {
	reveal  bool
	verbose bool
	// historyID is the trace's id in history, 0 when it was not recorded.
	historyID int64
	// historyNote says why it was not recorded, when it was not.
	historyNote string
	now         time.Time
	// masked is set when tokens were hidden.
	masked bool
}

// printJSON writes the trace in the one JSON shape, masked unless revealed.
func printJSON(w io.Writer, t *gateway.Trace, reveal bool) error {
	if !reveal {
		t = t.Redact(gateway.Mask)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// printTrace writes the human account of a call: outcome first, then the
// tokens with absolute expiry, then what to do; every step with verbose.
func printTrace(w io.Writer, t *gateway.Trace, o printOptions) {
	o.masked = !o.reveal && len(t.Secrets()) > 0
	if !o.reveal {
		t = t.Redact(gateway.Mask)
	}
	fmt.Fprintln(w, headline(t))
	fmt.Fprintln(w, "  "+contextLine(t))
	for _, warn := range t.Warnings {
		fmt.Fprintln(w, "  ! "+warn)
	}
	if o.verbose {
		printSteps(w, t)
	}
	switch {
	case t.Outcome == gateway.OutcomeDryRun && !o.verbose:
		printDryRun(w, t)
	case t.TransportError != "":
		fmt.Fprintln(w)
		field(w, "what to do", transportHint(t))
	case t.Error != nil:
		printAPIError(w, t)
	default:
		printResult(w, t, o.now)
	}
	if t.Outcome == gateway.OutcomeUntrusted && t.Verification != nil {
		fmt.Fprintln(w)
		field(w, "untrusted", t.Verification.Detail)
		field(w, "what to do", "do not use this answer; check that the Alipay public key is this app's (sandbox and production differ) and that nothing between you and the gateway rewrites responses")
	}
	fmt.Fprintln(w)
	if t.Response != nil && t.Response.TraceID != "" {
		field(w, "trace id", t.Response.TraceID+"  (Alipay's diagnosis: "+t.Response.DiagnosisURL+")")
	}
	footer(w, o)
}

func headline(t *gateway.Trace) string {
	v := verificationPhrase(t.Verification)
	switch t.Outcome {
	case gateway.OutcomeSuccess:
		return "✓ success · " + v
	case gateway.OutcomeGatewayError:
		code := t.Error.Code
		if t.Error.SubCode != "" {
			code += " " + t.Error.SubCode
		}
		return "✗ gateway error " + code + " · " + v
	case gateway.OutcomeTransportError:
		return "✗ no answer · " + oneLine(t.TransportError)
	case gateway.OutcomeUntrusted:
		return "✗ untrusted answer · " + v
	case gateway.OutcomeDryRun:
		return "· dry run: signed, not sent"
	}
	return string(t.Outcome)
}

func verificationPhrase(v *gateway.Verification) string {
	if v == nil {
		return "nothing to verify"
	}
	switch v.Status {
	case gateway.Verified:
		return "signature verified"
	case gateway.VerifiedUnescaped:
		return `signature verified once \/ is read as /`
	case gateway.VerifiedNormalized:
		return "verified after whitespace normalization: this is not the raw body"
	case gateway.VerifyFailed:
		return "SIGNATURE FAILED"
	case gateway.Unsigned:
		return "UNSIGNED response"
	case gateway.Skipped:
		return "NOT VERIFIED: no Alipay public key configured"
	}
	return string(v.Status)
}

// contextLine is the line that says where the call went and how it was made.
func contextLine(t *gateway.Trace) string {
	env := t.Environment
	if env == gateway.EnvEmulator {
		env = "emulator (not Alipay)"
	}
	parts := []string{env, "profile " + t.Profile, "app " + t.AppID, string(t.Protocol) + " " + string(t.SignType) + " " + t.Charset, t.Method}
	if t.GrantType != "" {
		parts = append(parts, t.GrantType)
	}
	if r := t.Response; r != nil {
		parts = append(parts, fmt.Sprintf("HTTP %d in %s", r.Status, r.Duration.Round(100*time.Microsecond)))
	}
	return strings.Join(parts, " · ")
}

// field prints one labelled value, continuation lines indented under it.
func field(w io.Writer, label, value string) {
	lines := strings.Split(value, "\n")
	fmt.Fprintf(w, "  %-14s %s\n", label, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "  %-14s %s\n", "", l)
	}
}

func printResult(w io.Writer, t *gateway.Trace, now time.Time) {
	fmt.Fprintln(w)
	if tk := t.Tokens; tk != nil {
		if tk.UserID != "" {
			field(w, "user_id", tk.UserID)
		}
		if tk.OpenID != "" {
			field(w, "open_id", tk.OpenID)
		}
		if tk.UnionID != "" {
			field(w, "union_id", tk.UnionID)
		}
		field(w, "access_token", tk.AccessToken+"   "+expiry(tk.AccessExpiresAt, tk.Permanent, now))
		if tk.RefreshToken != "" {
			field(w, "refresh_token", tk.RefreshToken+"   "+expiry(tk.RefreshExpiresAt, tk.Permanent, now))
		}
		if tk.AuthStart != "" {
			field(w, "auth_start", tk.AuthStart+" China Standard Time")
		}
		return
	}
	for _, f := range resultFields(t.Result) {
		field(w, f[0], f[1])
	}
}

// resultFields lists a result's members in the order the gateway wrote
// them, without code and msg, which the headline already gives.
func resultFields(raw json.RawMessage) [][2]string {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out [][2]string
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := keyTok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return out
		}
		if key == "code" || key == "msg" {
			continue
		}
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		out = append(out, [2]string{key, s})
	}
	return out
}

// expiry says when a token expires, absolutely and from now.
func expiry(at time.Time, permanent bool, now time.Time) string {
	switch {
	case permanent:
		return "never expires (auth_token_type permanent)"
	case at.IsZero():
		return "expiry unknown"
	}
	left := at.Sub(now)
	rel := "in " + humanDuration(left)
	if left <= 0 {
		rel = "EXPIRED " + humanDuration(-left) + " ago"
	}
	return "expires " + at.Local().Format("2006-01-02 15:04:05 MST") + " (" + rel + ")"
}

func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, d/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, (d%time.Hour)/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm %ds", d/time.Minute, (d%time.Minute)/time.Second)
	}
	return d.String()
}

func printAPIError(w io.Writer, t *gateway.Trace) {
	e := t.Error
	fmt.Fprintln(w)
	msg := e.SubMsg
	if msg == "" {
		msg = e.Msg
	} else if e.Msg != "" {
		msg += " (" + e.Msg + ")"
	}
	if d := e.SignatureDiff; d != nil {
		// The sub_msg quotes the gateway's whole string to sign, shown below.
		msg, _, _ = strings.Cut(msg, "网关生成的验签字符串为")
		msg = strings.TrimRight(msg, "，, ")
	}
	field(w, "gateway says", msg)
	if e.Meaning != "" {
		field(w, "what it means", e.Meaning)
		field(w, "what to do", e.Hint)
	} else {
		field(w, "what it means", "aliauth does not know this code; the gateway's words above are all there is")
	}
	for _, l := range e.Links {
		field(w, "see", l.Description+" "+l.Link)
	}
	if d := e.SignatureDiff; d != nil {
		fmt.Fprintln(w)
		field(w, "gateway signed", d.Gateway)
		field(w, "aliauth signed", d.Local)
		field(w, "difference", d.Summary)
	}
}

func printDryRun(w io.Writer, t *gateway.Trace) {
	fmt.Fprintln(w)
	field(w, "string to sign", t.Request.StringToSign)
	field(w, "sign", t.Request.Sign)
	field(w, "clock", t.Request.Clock)
	field(w, "request", t.Request.HTTPMethod+" "+t.Request.URL)
	if t.Request.Body != "" {
		field(w, "body", t.Request.Body)
	}
}

func transportHint(t *gateway.Trace) string {
	switch {
	case strings.Contains(t.TransportError, "cancelled"):
		return "the call was cancelled; a code that reached the gateway may already be spent, so mint a new one"
	case strings.Contains(t.TransportError, "timeout"):
		return "the gateway did not answer in time: retry with a longer --timeout, and check your network and the URL"
	case strings.Contains(t.TransportError, "HTML"):
		return "something other than the gateway answered: check --gateway/--endpoint (production " + gateway.ProductionGateway + ", sandbox " + gateway.SandboxGateway + ") and any proxy in between"
	case t.Response != nil:
		return "the answer is not the gateway's JSON: check the URL, retry, and look at the raw body with -v"
	}
	return "no answer arrived: check the URL, your network and any proxy (HTTPS_PROXY); retry"
}

func footer(w io.Writer, o printOptions) {
	var notes []string
	switch {
	case o.historyID > 0:
		notes = append(notes, fmt.Sprintf("recorded as history #%d (aliauth history show %d)", o.historyID, o.historyID))
	case o.historyNote != "":
		notes = append(notes, o.historyNote)
	}
	if !o.verbose {
		notes = append(notes, "-v shows every step")
	}
	if o.masked {
		notes = append(notes, "tokens masked: --reveal shows them")
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "  "+strings.Join(notes, " · "))
	}
}

// printSteps shows everything: what was signed and sent, what came back,
// what was verified with which key.
func printSteps(w io.Writer, t *gateway.Trace) {
	r := t.Request
	section(w, "request")
	field(w, "method", r.HTTPMethod+" "+r.URL)
	field(w, "clock", r.Clock)
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var params []string
	for _, k := range keys {
		params = append(params, k+"="+r.Params[k])
	}
	field(w, "parameters", strings.Join(params, "\n"))
	for _, h := range sortedKeys(r.Headers) {
		field(w, "header", h+": "+r.Headers[h])
	}
	field(w, "string to sign", strings.TrimSuffix(r.StringToSign, "\n"))
	field(w, "sign", r.Sign)
	if r.Body != "" {
		field(w, "body", r.Body)
	}
	if resp := t.Response; resp != nil {
		section(w, "response")
		field(w, "status", fmt.Sprintf("HTTP %d in %s", resp.Status, resp.Duration))
		for _, h := range sortedKeys(resp.Headers) {
			field(w, "header", h+": "+resp.Headers[h])
		}
		field(w, "raw body", resp.BodyText())
	}
	if v := t.Verification; v != nil {
		section(w, "verification")
		field(w, "outcome", string(v.Status)+": "+v.Detail)
		if v.Node != "" {
			field(w, "node", fmt.Sprintf("%s, bytes %d to %d of the body", v.Node, v.Start, v.End))
		}
		if v.Key != "" {
			field(w, "key", v.Key)
		}
		if v.CertSN != "" {
			field(w, "cert SN", v.CertSN)
		}
		field(w, "signed content", strings.TrimSuffix(v.SignedContent, "\n"))
		if v.Sign != "" {
			field(w, "their sign", v.Sign)
		}
	}
	section(w, "result")
}

func section(w io.Writer, name string) {
	fmt.Fprintf(w, "\n── %s %s\n", name, strings.Repeat("─", max(3, 60-len(name))))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
