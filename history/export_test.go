package history

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
)

// slowExportLine is the line Export writes for a stored trace the long way:
// decoded, redacted unless reveal, encoded.
func slowExportLine(t testing.TB, id int64, js []byte, reveal bool) ([]byte, bool) {
	t.Helper()
	var tr gateway.Trace
	if err := json.Unmarshal(js, &tr); err != nil {
		t.Fatal(err)
	}
	tr.ID = id
	out := &tr
	if !reveal {
		out = tr.Redact(gateway.Mask)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, false // a secret replaced inside the result's syntax
	}
	return b.Bytes(), true
}

// checkExportLine stores tr as Record does and checks that the line the
// export makes from the stored JSON (liner.stored), revealed and masked, is
// exactly what decoding, redacting and encoding makes, or that it declines.
// It reports whether it took the trace, revealed and masked.
func checkExportLine(t testing.TB, tr *gateway.Trace, storeSecrets bool) (took [2]bool) {
	t.Helper()
	r, err := newRow(tr, storeSecrets)
	if err != nil {
		// Fingerprinting a token replaced inside the result's syntax: Record
		// refuses the trace, so there is nothing stored to export.
		return took
	}
	for i, reveal := range []bool{true, false} {
		want, encodes := slowExportLine(t, 42, r.json, reveal)
		l := newLiner(nil, reveal)
		l.out = append(l.out, "previous line\n"...)
		ok := l.stored(42, r.json)
		got, _ := bytes.CutPrefix(l.out, []byte("previous line\n"))
		switch {
		case ok && !encodes:
			t.Fatalf("reveal=%v: the stored JSON made a line the slow path fails to encode: %q", reveal, got)
		case !ok && len(got) > 0:
			t.Fatalf("reveal=%v: the stored JSON was declined but a line was made: %q", reveal, got)
		case ok && !bytes.Equal(got, want):
			t.Fatalf("reveal=%v: the line made from the stored JSON differs from decoding and encoding:\n got %s\nwant %s", reveal, got, want)
		}
		took[i] = ok
	}
	return took
}

// hostileTraces hold what the generator does not make: text that JSON
// escapes, tokens in fields Redact leaves alone or rewrites otherwise,
// tokens escaping changes, results that hold tokens under other keys, a
// third-party app's tokens.
func hostileTraces() []*gateway.Trace {
	var out []*gateway.Trace
	odd := sampleTraces()
	hostile := odd["exchange"]
	hostile.Warnings = []string{"a <b> & c", "line\nbreak \u2028", `quote " and \ backslash`}
	hostile.Request.URL += "&x=<y>"
	hostile.Request.Params["biz"] = "\"quoted\" <tag> & \\n" + hostile.Tokens.AccessToken
	hostile.Response.Headers["x-note"] = "a&b " + hostile.Tokens.AccessToken
	hostile.Error = &gateway.APIError{Code: "40002", SubMsg: "<b>bad</b> & worse", Links: []gateway.Link{{Description: "doc & <more>", Link: "https://x/?a=1&b=2"}},
		SignatureDiff: &gateway.SignatureDiff{Gateway: "a=1&b=<2>", Local: "a=1", Offset: 3, Summary: "differs"}}
	hostile.TransportError = "Post \"https://x/?auth_token=" + hostile.Tokens.AccessToken + "\": refused"
	out = append(out, hostile)
	odd = sampleTraces()
	v3 := odd["v3"]
	v3.Request.Body = `{"grant_type":"refresh_token","refresh_token":"` + v3.Tokens.RefreshToken + `","note":"\n<&>"}`
	out = append(out, v3)
	upper := odd["refresh"]
	upper.Result = json.RawMessage(`{"ACCESS_TOKEN":"authusrBupperCASEkey0123456789","refresh_token":"authusrB\u0041escaped0123456789"}`)
	out = append(out, upper)
	notObject := odd["userinfo"]
	notObject.Result = json.RawMessage(`["a<b"]`)
	out = append(out, notObject)
	escaped := odd["exchange"]
	escaped.Tokens.AccessToken = "nabcdefghijklmnop"
	escaped.Request.StringToSign = "x=1\nabcdefghijklmnop&y=\\nabcdefghijklmnop"
	out = append(out, escaped)
	odd = sampleTraces()
	detail := odd["exchange"]
	detail.Tokens.RefreshToken = "authusrBkeptInTheDetail0123456789"
	detail.Verification.Detail = "checked " + detail.Tokens.RefreshToken
	out = append(out, detail)
	diff := odd["refresh"]
	diff.Error = &gateway.APIError{Code: "40002", SignatureDiff: gateway.DiffStringToSign("refresh_token="+diff.Tokens.RefreshToken+"&x=1", "refresh_token="+diff.Tokens.RefreshToken+"&x=2")}
	out = append(out, diff)
	odd = sampleTraces()
	weird := odd["exchange"]
	weird.Tokens.AccessToken = "authusrB+weird/tok&en<é>"
	weird.Response.Body = []byte(`{"alipay_system_oauth_token_response":{"access_token":"authusrB+weird\/tok\u0026en\u003cé\u003e"}}`)
	weird.Request.URL += "&echo=" + url.QueryEscape(weird.Tokens.AccessToken)
	out = append(out, weird)
	app := odd["refresh"]
	app.Method = gateway.MethodAppAuthToken
	app.Tokens = nil
	app.Request.Params = map[string]string{"biz_content": `{"grant_type":"refresh_token","refresh_token":"202612BBrefresh0123456789abcdef"}`}
	app.Request.StringToSign = "biz_content=" + app.Request.Params["biz_content"]
	app.Request.Body = "biz_content=" + url.QueryEscape(app.Request.Params["biz_content"])
	app.Response.Body = []byte(`{"alipay_open_auth_token_app_response":{"code":"10000","tokens":[{"app_auth_token":"202612BB0123456789abcdef0123456789ab","app_refresh_token":"202612BBfedcba9876543210fedcba98765"}]}}`)
	app.Result = json.RawMessage(`{"code":"10000","tokens":[{"app_auth_token":"202612BB0123456789abcdef0123456789ab"}]}`)
	app.Verification.SignedContent = `{"code":"10000","tokens":[{"app_auth_token":"202612BB0123456789abcdef0123456789ab","app_refresh_token":"202612BBfedcba9876543210fedcba98765"}]}`
	app.AppAuth = &gateway.AppAuth{Tokens: []gateway.AppAuth{{AuthAppID: "2021000000000009", AppAuthToken: "202612BB0123456789abcdef0123456789ab", AppRefreshToken: "202612BBfedcba9876543210fedcba98765"}}}
	out = append(out, app)
	return out
}

func TestExportLineIsByteFaithful(t *testing.T) {
	g := newGenerator(11)
	traces := g.traces(3000)
	for _, tr := range sampleTraces() {
		traces = append(traces, tr)
	}
	traces = append(traces, hostileTraces()...)
	var took [2]int
	for _, tr := range traces {
		for _, storeSecrets := range []bool{true, false} {
			for i, ok := range checkExportLine(t, tr, storeSecrets) {
				if ok {
					took[i]++
				}
			}
		}
	}
	// The common case must take the fast path, or it is not worth having.
	for i, mode := range []string{"revealed", "masked"} {
		if min := len(traces) * 2 * 9 / 10; took[i] < min {
			t.Errorf("%s: the stored JSON made %d of %d lines, want at least %d", mode, took[i], len(traces)*2, min)
		}
	}
}

// FuzzExportLine puts arbitrary text in the fields a trace carries from the
// user and the gateway, and arbitrary tokens where tokens go and inside
// that text, and checks the lines made from the stored JSON, revealed and
// masked, against decoding, redacting and encoding.
func FuzzExportLine(f *testing.F) {
	f.Add("a <b> & c", "authusrB0123456789abcdef", "line\nbreak", true)
	f.Add("\\n\"", "nabcdefgh", "\u2028 \x01", false)
	f.Add("", "sha256:0123", "…", false)
	f.Add("x\\u0041", "authusrB0123456789abcdef", "authusrB0123456789", true)
	base := sampleTraces()["exchange"]
	f.Fuzz(func(t *testing.T, text, token, other string, storeSecrets bool) {
		tr := *base
		tk := *base.Tokens
		tr.Tokens = &tk
		tr.Request.Params = map[string]string{"grant_type": "refresh_token", "refresh_token": token, "x": text}
		tr.Request.URL = "https://x/?a=" + text + "&t=" + token
		tr.Request.StringToSign = "refresh_token=" + token + "&x=" + other
		tr.Tokens.AccessToken = other
		tr.Warnings = []string{text, other + token}
		tr.TransportError = other + token
		resp := *base.Response
		resp.Body = []byte(`{"alipay_system_oauth_token_response":{"access_token":"` + other + `","x":"` + strings.ReplaceAll(text, `"`, "") + `"}}`)
		tr.Response = &resp
		ver := *base.Verification
		ver.SignedContent = text + other
		ver.Detail = text
		tr.Verification = &ver
		tr.Error = &gateway.APIError{Code: "40002", SubMsg: text + token, Hint: other}
		tr.Time = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
		checkExportLine(t, &tr, storeSecrets)
	})
}

// A masked export hides every secret a trace holds, wherever the trace
// keeps it: a third-party app's tokens too, which live in fields the fast
// path knows nothing of.
func TestMaskedExportHidesAppAuthTokens(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	tr := sampleTraces()["exchange"]
	tr.Method = gateway.MethodAppAuthToken
	tr.Tokens = nil
	tr.AppAuth = &gateway.AppAuth{AuthAppID: "2021000000000009", AppAuthToken: "202612BB0123456789abcdef0123456789ab", AppRefreshToken: "202612BBfedcba9876543210fedcba98765"}
	mustRecord(t, s, tr, true)
	var out bytes.Buffer
	if _, err := s.Export(ctx, &out, Filter{}, false); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{tr.AppAuth.AppAuthToken, tr.AppAuth.AppRefreshToken} {
		if bytes.Contains(out.Bytes(), []byte(secret)) {
			t.Errorf("masked export holds %s", secret)
		}
	}
}

// A masked export holds no token of any exchange, in any form a token
// takes: as itself, percent-encoded, HTML-escaped, JSON-escaped with and
// without HTML-safe escapes and with / as \/, in any string or key it
// holds. Exchanges of every kind the generator makes and hostile ones,
// those the stored JSON serves and those that are decoded. (One hostile
// exchange holds a token in its verification's detail, which aliauth writes
// and Redact leaves alone.)
func TestMaskedExportHidesEverySecretInEveryForm(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	traces := append(newGenerator(5).traces(400), hostileTraces()...)
	type token struct {
		secret string
		kept   bool // where Redact leaves it
	}
	var tokens []token
	for _, tr := range traces {
		for _, secret := range tr.Secrets() {
			kept := tr.Verification != nil && strings.Contains(tr.Verification.Detail, secret)
			tokens = append(tokens, token{secret, kept})
		}
		mustRecord(t, s, tr, true)
	}
	var out bytes.Buffer
	n, err := s.Export(ctx, &out, Filter{}, false)
	if err != nil || n != len(traces) {
		t.Fatalf("exported %d of %d: %v", n, len(traces), err)
	}
	if len(tokens) < len(traces) {
		t.Fatalf("only %d tokens in %d exchanges", len(tokens), len(traces))
	}
	// The text of every string and key the export holds (JSON's own escapes
	// undone: a newline written \n before a token that starts with n is not
	// the token).
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				texts = append(texts, k)
				walk(e)
			}
		}
	}
	for _, line := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatalf("an exported line is not JSON: %v", err)
		}
		walk(v)
	}
	// One replacer finds every form of every token at once: what it marks
	// is there.
	var forms []string
	for _, tk := range tokens {
		if !tk.kept {
			for _, form := range tokenForms(tk.secret) {
				forms = append(forms, form, "\x00found "+strconv.Itoa(len(forms)/2)+"\x00")
			}
		}
	}
	marked := strings.NewReplacer(forms...).Replace(strings.Join(texts, "\x00"))
	for _, m := range regexp.MustCompile("\x00found ([0-9]+)\x00").FindAllStringSubmatch(marked, 10) {
		i, _ := strconv.Atoi(m[1])
		t.Errorf("the masked export holds %q", forms[2*i])
	}
}

func tokenForms(s string) []string {
	htmlSafe, _ := json.Marshal(s)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	jsonText := []string{string(htmlSafe[1 : len(htmlSafe)-1]), strings.TrimSuffix(b.String(), "\n")}
	jsonText[1] = jsonText[1][1 : len(jsonText[1])-1]
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s)}
	for _, j := range jsonText {
		forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
	}
	return forms
}
