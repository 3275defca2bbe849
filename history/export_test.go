package history

import (
	"bytes"
	"context"
	"encoding/json"
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

// checkExportLine stores tr as Record does and checks that exportLine
// writes exactly what decoding and encoding writes, or declines. It
// reports whether exportLine took the trace. exportLine never masks: a
// masked export redacts a trace with secrets the long way.
func checkExportLine(t testing.TB, tr *gateway.Trace, storeSecrets bool) bool {
	t.Helper()
	r, err := newRow(tr, storeSecrets)
	if err != nil {
		// Fingerprinting a token replaced inside the result's syntax: Record
		// refuses the trace, so there is nothing stored to export.
		return false
	}
	want, encodes := slowExportLine(t, 42, r.json, true)
	got, ok := exportLine([]byte("previous line\n"), 42, r.json)
	if ok && !encodes {
		t.Fatalf("exportLine wrote a line the slow path fails to encode: %q", got)
	}
	if !ok {
		if string(got) != "previous line\n" {
			t.Fatalf("exportLine declined but changed its buffer: %q", got)
		}
		return false
	}
	got = bytes.TrimPrefix(got, []byte("previous line\n"))
	if !bytes.Equal(got, want) {
		t.Fatalf("exportLine differs from decoding and encoding:\n got %s\nwant %s", got, want)
	}
	return true
}

func TestExportLineIsByteFaithful(t *testing.T) {
	g := newGenerator(11)
	traces := g.traces(3000)
	for _, tr := range sampleTraces() {
		traces = append(traces, tr)
	}
	// What the generator does not make: text that JSON escapes, secrets in
	// fields Redact leaves alone, results that hold tokens under other keys.
	odd := sampleTraces()
	hostile := odd["exchange"]
	hostile.Warnings = []string{"a <b> & c", "line\nbreak \u2028", `quote " and \ backslash`}
	hostile.Request.URL += "&x=<y>"
	hostile.Request.Params["biz"] = "\"quoted\" <tag> & \\n" + hostile.Tokens.AccessToken
	hostile.Response.Headers["x-note"] = "a&b " + hostile.Tokens.AccessToken
	hostile.Error = &gateway.APIError{Code: "40002", SubMsg: "<b>bad</b> & worse", Links: []gateway.Link{{Description: "doc & <more>", Link: "https://x/?a=1&b=2"}},
		SignatureDiff: &gateway.SignatureDiff{Gateway: "a=1&b=<2>", Local: "a=1", Offset: 3, Summary: "differs"}}
	hostile.TransportError = "Post \"https://x/?auth_token=" + hostile.Tokens.AccessToken + "\": refused"
	traces = append(traces, hostile)
	v3 := odd["v3"]
	v3.Request.Body = `{"grant_type":"refresh_token","refresh_token":"` + v3.Tokens.RefreshToken + `","note":"\n<&>"}`
	traces = append(traces, v3)
	upper := odd["refresh"]
	upper.Result = json.RawMessage(`{"ACCESS_TOKEN":"authusrBupperCASEkey0123456789","refresh_token":"authusrB\u0041escaped0123456789"}`)
	traces = append(traces, upper)
	notObject := odd["userinfo"]
	notObject.Result = json.RawMessage(`["a<b"]`)
	traces = append(traces, notObject)
	escaped := odd["exchange"]
	escaped.Tokens.AccessToken = "nabcdefghijklmnop"
	escaped.Request.StringToSign = "x=1\nabcdefghijklmnop&y=\\nabcdefghijklmnop"
	traces = append(traces, escaped)

	took := 0
	for _, tr := range traces {
		for _, storeSecrets := range []bool{true, false} {
			if checkExportLine(t, tr, storeSecrets) {
				took++
			}
		}
	}
	// The common case must take the fast path, or it is not worth having.
	if min := len(traces) * 2 * 9 / 10; took < min {
		t.Errorf("exportLine took %d of %d lines, want at least %d", took, len(traces)*2, min)
	}
}

// FuzzExportLine puts arbitrary text in the fields a trace carries from the
// user and the gateway, and checks exportLine against decoding and
// encoding.
func FuzzExportLine(f *testing.F) {
	f.Add("a <b> & c", "authusrB0123456789abcdef", "line\nbreak", true)
	f.Add("\\n\"", "nabcdefgh", "\u2028 \x01", false)
	f.Add("", "sha256:0123", "…", false)
	base := sampleTraces()["exchange"]
	f.Fuzz(func(t *testing.T, text, token, other string, storeSecrets bool) {
		tr := *base
		tk := *base.Tokens
		tr.Tokens = &tk
		tr.Request.Params = map[string]string{"grant_type": "refresh_token", "refresh_token": token, "x": text}
		tr.Request.URL = "https://x/?a=" + text + "&t=" + token
		tr.Request.StringToSign = "refresh_token=" + token + "&x=" + other
		tr.Tokens.AccessToken = token + other
		tr.Warnings = []string{text, other}
		tr.TransportError = other + token
		resp := *base.Response
		resp.Body = []byte(`{"alipay_system_oauth_token_response":{"access_token":"` + token + `","x":"` + strings.ReplaceAll(text, `"`, "") + `"}}`)
		tr.Response = &resp
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
