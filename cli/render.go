package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"aliauth/gateway"
	"aliauth/internal/safetext"
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

// printTrace writes the human account of a call: outcome first, then the
// tokens with absolute expiry, then what to do; every step with verbose.
func printTrace(w io.Writer, t *gateway.Trace, o printOptions) {
	// Say tokens were masked only where a masked one is shown: the tokens
	// of a result, or anything with every step.
	o.masked = !o.reveal && len(t.Secrets()) > 0 && (t.Tokens != nil || (t.AppAuth != nil && t.AppAuth.AppAuthToken != "") || o.verbose)
	if !o.reveal {
		t = t.Redact(gateway.Mask)
	}
	say(w, headline(t))
	say(w, "  "+contextLine(t))
	for _, warn := range t.Warnings {
		say(w, "  ! "+warn)
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
		field(w, "trace id", safetext.Line(t.Response.TraceID)+"  (Alipay's diagnosis: "+safetext.Line(t.Response.DiagnosisURL)+")")
	}
	footer(w, o)
}

// headline is the outcome and the verdict in one line.
func headline(t *gateway.Trace) string {
	out := t.Outcome.Mark() + " " + t.Outcome.Phrase()
	switch t.Outcome {
	case gateway.OutcomeDryRun:
		return out
	case gateway.OutcomeTransportError:
		return out + " · " + oneLine(t.TransportError)
	case gateway.OutcomeGatewayError:
		out += " " + t.Error.Code
		if t.Error.SubCode != "" {
			out += " " + t.Error.SubCode
		}
	}
	return out + " · " + t.Verdict()
}

// contextLine is the line that says where the call went and how it was made.
func contextLine(t *gateway.Trace) string {
	env := t.Environment
	if env == gateway.EnvEmulator {
		env = "emulator (not Alipay)"
	}
	parts := []string{env, "profile " + t.Profile, "app " + t.AppID, string(t.Protocol) + " " + string(t.SignType) + " " + t.Charset, t.CallName()}
	if r := t.Response; r != nil {
		parts = append(parts, fmt.Sprintf("HTTP %d in %s", r.Status, r.Duration.Round(100*time.Microsecond)))
	}
	return strings.Join(parts, " · ")
}

// say prints one line of output. Whatever in it came from elsewhere (the
// gateway, a stored trace, a file) is shown, never obeyed by the terminal,
// and cannot start a line of its own.
func say(w io.Writer, s string) {
	fmt.Fprintln(w, safetext.Line(s))
}

// field prints one labelled value, continuation lines indented under it.
// Like say, it shows control characters as visible stand-ins; a value that
// must stay on one line (an id, a token, a header) is passed through
// safetext.Line first.
func field(w io.Writer, label, value string) {
	label = safetext.Line(label)
	lines := strings.Split(safetext.Text(value), "\n")
	fmt.Fprintf(w, "  %-14s %s\n", label, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "  %-14s %s\n", "", l)
	}
}

func printResult(w io.Writer, t *gateway.Trace, now time.Time) {
	fmt.Fprintln(w)
	if tk := t.Tokens; tk != nil {
		if tk.UserID != "" {
			field(w, "user_id", safetext.Line(tk.UserID))
		} else if tk.OpenID != "" {
			field(w, "user_id", gateway.Identity(t)[0].Meaning)
		}
		if tk.OpenID != "" {
			field(w, "open_id", safetext.Line(tk.OpenID))
		}
		if tk.UnionID != "" {
			field(w, "union_id", safetext.Line(tk.UnionID))
		}
		field(w, "access_token", safetext.Line(tk.AccessToken)+"   "+tk.AccessExpiry().Phrase(now))
		if tk.RefreshToken != "" {
			field(w, "refresh_token", safetext.Line(tk.RefreshToken)+"   "+tk.RefreshExpiry().Phrase(now))
		}
		if tk.AuthStart != "" {
			field(w, "auth_start", safetext.Line(tk.AuthStart)+" China Standard Time")
		}
		return
	}
	if t.AppAuth != nil {
		printAppAuth(w, t.AppAuth, now)
		return
	}
	for _, f := range gateway.ResultFields(t.Result) {
		// The headline already gives code and msg.
		if f.Name != "code" && f.Name != "msg" {
			field(w, f.Name, safetext.Line(f.Value))
		}
	}
}

// errorWords is what an error says in its own words: sub_msg, with msg
// after it.
func errorWords(e *gateway.APIError) string {
	switch {
	case e.SubMsg == "":
		return e.Msg
	case e.Msg != "":
		return e.SubMsg + " (" + e.Msg + ")"
	}
	return e.SubMsg
}

// printMeaning says what an error means and what to do, from the catalog;
// whose names who said the words printed above.
func printMeaning(w io.Writer, e *gateway.APIError, whose string) {
	if e.Meaning == "" {
		field(w, "what it means", "aliauth does not know this code; "+whose+" words above are all there is")
		return
	}
	field(w, "what it means", e.Meaning)
	field(w, "what to do", e.Hint)
}

func printAPIError(w io.Writer, t *gateway.Trace) {
	e := t.Error
	fmt.Fprintln(w)
	msg := errorWords(e)
	if d := e.SignatureDiff; d != nil {
		// The sub_msg quotes the gateway's whole string to sign, shown below.
		msg, _, _ = strings.Cut(msg, "网关生成的验签字符串为")
		msg = strings.TrimRight(msg, "，, ")
	}
	msg, solution := gateway.SplitSolution(msg)
	field(w, "gateway says", msg)
	printMeaning(w, e, "the gateway's")
	if solution != "" {
		field(w, "see", "解决方案 "+solution)
	}
	for _, l := range e.Links {
		field(w, "see", safetext.Line(l.Description)+" "+safetext.Line(l.Link))
	}
	if d := e.SignatureDiff; d != nil {
		fmt.Fprintln(w)
		field(w, "gateway signed", safetext.Line(d.Gateway))
		field(w, "aliauth signed", safetext.Line(d.Local))
		field(w, "difference", d.Summary)
	}
}

func printDryRun(w io.Writer, t *gateway.Trace) {
	fmt.Fprintln(w)
	field(w, "string to sign", t.Request.StringToSign)
	field(w, "sign", t.Request.Sign)
	field(w, "clock", t.Request.Clock)
	field(w, "request", t.Request.HTTPMethod+" "+safetext.Line(t.Request.URL))
	if t.Request.Body != "" {
		field(w, "body", t.Request.Body)
	}
}

// transportHint is the trace's advice, with the flags that act on it.
func transportHint(t *gateway.Trace) string {
	hint := t.TransportHint()
	if t.Transport == nil {
		return hint
	}
	switch t.Transport.Kind {
	case gateway.TransportTimeout:
		hint += " (--timeout sets how long to wait)"
	case gateway.TransportDNS, gateway.TransportRefused, gateway.TransportHTML, gateway.TransportTLS:
		hint += " (--gateway, --endpoint or the profile set the URL)"
	case gateway.TransportNotJSON, gateway.TransportEmpty:
		hint += " (-v shows the raw body)"
	}
	return hint
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
		say(w, "  "+strings.Join(notes, " · "))
	}
}

// printSteps shows everything: what was signed and sent, what came back,
// what was verified with which key.
func printSteps(w io.Writer, t *gateway.Trace) {
	if r := t.Request; r.URL != "" {
		section(w, "request")
		field(w, "method", r.HTTPMethod+" "+safetext.Line(r.URL))
		field(w, "clock", r.Clock)
		var params []string
		for _, k := range sortedKeys(r.Params) {
			params = append(params, safetext.Line(k+"="+r.Params[k]))
		}
		field(w, "parameters", strings.Join(params, "\n"))
		for _, h := range sortedKeys(r.Headers) {
			field(w, "header", safetext.Line(h+": "+r.Headers[h]))
		}
		field(w, "string to sign", strings.TrimSuffix(r.StringToSign, "\n"))
		field(w, "sign", r.Sign)
		if r.Body != "" {
			field(w, "body", r.Body)
		}
	}
	if resp := t.Response; resp != nil {
		section(w, "response")
		if resp.Status != 0 {
			field(w, "status", fmt.Sprintf("HTTP %d in %s", resp.Status, resp.Duration))
		}
		for _, h := range sortedKeys(resp.Headers) {
			field(w, "header", safetext.Line(h+": "+resp.Headers[h]))
		}
		field(w, "raw body", resp.BodyText())
	}
	if v := t.Verification; v != nil {
		section(w, "verification")
		printVerificationFields(w, v)
	}
	section(w, "result")
}

// printVerificationFields says what was verified, with which key, and how.
func printVerificationFields(w io.Writer, v *gateway.Verification) {
	field(w, "outcome", string(v.Status)+": "+v.Detail)
	if v.Node != "" {
		field(w, "node", fmt.Sprintf("%s, bytes %d to %d of the body", v.Node, v.Start, v.End))
	}
	if v.Key != "" {
		field(w, "key", v.Key)
	}
	if v.CertSN != "" {
		field(w, "cert SN", safetext.Line(v.CertSN))
	}
	field(w, "signed content", strings.TrimSuffix(v.SignedContent, "\n"))
	if v.Sign != "" {
		field(w, "their sign", safetext.Line(v.Sign))
	}
}

// printVerification is verify's account of a response checked offline: the
// verification first, then what the response says.
func printVerification(w io.Writer, t *gateway.Trace) {
	v := t.Verification
	say(w, fmt.Sprintf("%s %s · %s", v.Status.Mark(), v.Status, v.Node))
	field(w, "verdict", t.Verdict())
	printVerificationFields(w, v)
	if t.Error != nil {
		printAPIError(w, t)
	} else {
		printResult(w, t, time.Now())
	}
}

func section(w io.Writer, name string) {
	fmt.Fprintf(w, "\n── %s %s\n", name, strings.Repeat("─", max(3, 60-len(name))))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
