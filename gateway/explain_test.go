package gateway_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

// otherKey is a key the emulator's apps do not have.
func otherKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, _, err := keys.LoadPrivateKey("emulator/testdata/other_app_private_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func apiError(t testing.TB, tr *gateway.Trace, err error) *gateway.APIError {
	t.Helper()
	var apiErr *gateway.APIError
	if !errors.As(err, &apiErr) || tr == nil || tr.Outcome != gateway.OutcomeGatewayError {
		t.Fatalf("want a gateway error, got %v", err)
	}
	return apiErr
}

// v3 spells gateway-level codes without v2's prefix; the catalog explains
// them under v2's name, and the links come through as sent.
func TestV3GatewayLevelCodesAreExplained(t *testing.T) {
	ctx := context.Background()

	p := newPeer(t, gateway.V3, func(pr *gateway.Profile) { pr.AppID = "2021009999999999" })
	tr, err := p.client.Exchange(ctx, "x")
	e := apiError(t, tr, err)
	want, _ := gateway.Explain("", "isv.invalid-app-id")
	if e.Code != "invalid-app-id" || e.Meaning != want.Meaning || tr.Verification.Status != gateway.Unsigned {
		t.Fatalf("unknown app: %+v, verification %s", e, tr.Verification.Status)
	}
	if len(e.Links) != 1 || e.Links[0].Description != "解决方案" || !strings.HasPrefix(e.Links[0].Link, "https://open.alipay.com/api/errCheck?traceId="+tr.Response.TraceID) {
		t.Fatalf("links %+v", e.Links)
	}

	p = newPeer(t, gateway.V3)
	p.through(rewriting{request: func(r *http.Request) { r.Header.Del("Authorization") }})
	tr, err = p.client.Exchange(ctx, "x")
	if e := apiError(t, tr, err); e.Code != "missing-timestamp" || !strings.Contains(e.Meaning, "authorization header") || tr.Response.Status != 400 {
		t.Fatalf("no authorization header: HTTP %d %+v", tr.Response.Status, e)
	}

	p = newPeer(t, gateway.V3)
	if err := p.emu.RegisterApp("2021000000000003", &otherKey(t).PublicKey, gateway.RSA); err != nil {
		t.Fatal(err)
	}
	p = newPeerOn(t, p, gateway.V3, func(pr *gateway.Profile) { pr.AppID, pr.PrivateKey = "2021000000000003", otherKey(t) })
	tr, err = p.client.Exchange(ctx, "x")
	if e := apiError(t, tr, err); e.Code != "missing-signature-config" || !strings.Contains(e.Hint, "接口加签方式") || tr.Verification.Status != gateway.Verified {
		t.Fatalf("legacy RSA app on v3: %+v", e)
	}
}

// newPeerOn is a second client on p's emulator.
func newPeerOn(t testing.TB, p *peer, protocol gateway.Protocol, edit ...func(*gateway.Profile)) *peer {
	t.Helper()
	prof := p.client.Profile()
	prof.Protocol = protocol
	for _, f := range edit {
		f(&prof)
	}
	c, err := gateway.NewClient(prof)
	if err != nil {
		t.Fatal(err)
	}
	return &peer{emu: p.emu, srv: p.srv, client: c}
}

// v3's invalid-signature quotes the gateway's string to sign on one line;
// the client compares it with its own, line by line.
func TestV3InvalidSignatureIsCompared(t *testing.T) {
	ctx := context.Background()
	p := newPeer(t, gateway.V3, func(pr *gateway.Profile) { pr.PrivateKey = otherKey(t) })
	tr, err := p.client.Exchange(ctx, p.code(t, "auth_user"))
	e := apiError(t, tr, err)
	d := e.SignatureDiff
	if e.Code != "invalid-signature" || d == nil || d.Offset != -1 || d.Gateway != tr.Request.StringToSign || !strings.Contains(d.Gateway, "\nPOST\n") {
		t.Fatalf("wrong key: %+v diff %+v", e, d)
	}

	// The body altered on its way: the first difference is in the body line.
	p = newPeer(t, gateway.V3)
	p.through(rewriting{request: func(r *http.Request) {
		setRequestBody(r, []byte(strings.Replace(string(readAll(t, r.Body)), `"grant_type"`, `"grant_type" `, 1)))
	}})
	tr, err = p.client.Exchange(ctx, p.code(t, "auth_user"))
	d = apiError(t, tr, err).SignatureDiff
	if d == nil || d.Offset < 0 || !strings.Contains(d.Summary, "the body line") {
		t.Fatalf("altered body: diff %+v", d)
	}
}

// A v3 error's links may come in another shape than the array real answers
// carry (Alipay's openapi.yaml declares a string); a signed 4xx is an error
// whatever its links or code look like, never a success.
func TestV3ErrorOfAnyShapeStaysAnError(t *testing.T) {
	alipay := loadKey(t, "alipay_private_key.pem")
	bodies := map[string]string{
		"links as the yaml declares":  `{"code":"invalid-app-id","links":"https://open.alipay.com/api/errCheck?traceId=0b1&source=openapi","message":"无效的AppID参数"}`,
		"one link object":             `{"code":"invalid-app-id","links":{"link":"https://example.com","desc":"解决方案"},"message":"m"}`,
		"links a number":              `{"code":"invalid-app-id","links":42,"message":"m"}`,
		"links of strings":            `{"code":"invalid-app-id","links":["https://example.com"],"message":"m"}`,
		"a numeric code":              `{"code":40002,"message":"m"}`,
		"no code at all":              `{"message":"m"}`,
		"links with description keys": `{"code":"invalid-app-id","links":[{"link":"https://example.com","description":"d"}],"message":"m"}`,
		"links that are not JSON":     `{"code":"invalid-app-id","links":[01],"message":"m"}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sign, err := gateway.SignBytes(alipay, gateway.RSA2, gateway.V3ResponseContent("1", "n", []byte(body)))
				if err != nil {
					t.Error(err)
				}
				w.Header().Set("alipay-timestamp", "1")
				w.Header().Set("alipay-nonce", "n")
				w.Header().Set("alipay-signature", sign)
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(body))
			}))
			defer srv.Close()
			c, err := gateway.NewClient(gateway.Profile{Protocol: gateway.V3, Endpoint: srv.URL, AppID: "2021", PrivateKey: loadKey(t, "app_private_key.pem"), AlipayPublicKey: &alipay.PublicKey})
			if err != nil {
				t.Fatal(err)
			}
			tr, err := c.Exchange(context.Background(), "x")
			if !json.Valid([]byte(body)) {
				// Not JSON at all: no usable answer, and never a success.
				if tr.Outcome != gateway.OutcomeTransportError || tr.Transport == nil || tr.Transport.Kind != gateway.TransportNotJSON {
					t.Fatalf("outcome %s, transport %+v", tr.Outcome, tr.Transport)
				}
				return
			}
			e := apiError(t, tr, err)
			if tr.Verification.Status != gateway.Verified || e.Code == "" || tr.Outcome != gateway.OutcomeGatewayError {
				t.Fatalf("verification %s, error %+v", tr.Verification.Status, e)
			}
			if strings.Contains(body, "https://example.com") && (len(e.Links) != 1 || e.Links[0].Link != "https://example.com") {
				t.Fatalf("links %+v", e.Links)
			}
			if name == "links as the yaml declares" && tr.Response.TraceID != "0b1" {
				t.Fatalf("trace id %q from the link", tr.Response.TraceID)
			}
		})
	}
}

// Production appends "，解决方案：<diagnosis link>" to a gateway-level sub_msg.
// It is not part of the quoted string to sign (no false difference at the
// end), and it gives the trace id when no header does.
func TestDiagnosisLinkInSubMsg(t *testing.T) {
	ctx := context.Background()
	p := newPeer(t, gateway.V2, func(pr *gateway.Profile) { pr.PrivateKey = otherKey(t) })
	p.through(rewriting{response: func(r *http.Response) { r.Header.Del("trace_id") }})
	tr, err := p.client.Exchange(ctx, p.code(t, "auth_user"))
	e := apiError(t, tr, err)
	text, link := gateway.SplitSolution(e.SubMsg)
	if link == "" || !strings.Contains(text, "验签字符串为") {
		t.Fatalf("sub_msg %q carries no diagnosis link", e.SubMsg)
	}
	if d := e.SignatureDiff; d == nil || d.Offset != -1 {
		t.Fatalf("the link made a difference: %+v", d)
	}
	u, _ := url.Parse(link)
	id := u.Query().Get("traceId")
	if id == "" || tr.Response.TraceID != id || tr.Response.DiagnosisURL != gateway.DiagnosisURL(id) {
		t.Fatalf("trace id %q (link %q), want %q from the sub_msg", tr.Response.TraceID, tr.Response.DiagnosisURL, id)
	}

	p = newPeer(t, gateway.V3, func(pr *gateway.Profile) { pr.AppID = "2021009999999999" })
	p.through(rewriting{response: func(r *http.Response) { r.Header.Del("alipay-trace-id") }})
	tr, err = p.client.Exchange(ctx, "x")
	if e := apiError(t, tr, err); tr.Response.TraceID == "" || !strings.Contains(e.Links[0].Link, tr.Response.TraceID) {
		t.Fatalf("v3 trace id %q from links %+v", tr.Response.TraceID, e.Links)
	}
}

// Some invalid-signature answers quote no string to sign but name a cause;
// the explanation follows the cause instead of offering a comparison.
func TestSignatureMessagesWithoutAQuotedString(t *testing.T) {
	ctx := context.Background()

	// charset moved from the URL query into the form body on its way.
	p := newPeer(t, gateway.V2, func(pr *gateway.Profile) { pr.PrivateKey = otherKey(t); pr.AlipayPublicKey = nil })
	p.through(rewriting{request: func(r *http.Request) {
		q := r.URL.Query()
		charset := q.Get("charset")
		q.Del("charset")
		r.URL.RawQuery = q.Encode()
		setRequestBody(r, []byte(string(readAll(t, r.Body))+"&charset="+charset))
	}})
	tr, err := p.client.Exchange(ctx, p.code(t, "auth_user"))
	e := apiError(t, tr, err)
	if e.SubCode != "isv.invalid-signature" || e.SignatureDiff != nil || !strings.Contains(e.Meaning, "charset") || !strings.Contains(e.Hint, "URL query") {
		t.Fatalf("charset answer explained as %q / %q (diff %v)", e.Meaning, e.Hint, e.SignatureDiff)
	}

	// Signed with SHA1 while sign_type says RSA2.
	app := loadKey(t, "app_private_key.pem")
	p = newPeer(t, gateway.V2)
	p.through(rewriting{request: func(r *http.Request) {
		body := readAll(t, r.Body)
		setRequestBody(r, body)
		params := map[string]string{}
		form, _ := url.ParseQuery(string(body))
		q := r.URL.Query()
		for _, vs := range []url.Values{form, q} {
			for k, v := range vs {
				params[k] = v[0]
			}
		}
		sum := sha1.Sum([]byte(gateway.StringToSign(params)))
		sig, err := rsa.SignPKCS1v15(rand.Reader, app, crypto.SHA1, sum[:])
		if err != nil {
			t.Error(err)
		}
		q.Set("sign", base64.StdEncoding.EncodeToString(sig))
		r.URL.RawQuery = q.Encode()
	}})
	tr, err = p.client.Exchange(ctx, p.code(t, "auth_user"))
	e = apiError(t, tr, err)
	if e.SignatureDiff != nil || !strings.Contains(e.Meaning, "algorithm sign_type names") || !strings.Contains(e.Hint, "RSA2") {
		t.Fatalf("sign type answer explained as %q / %q", e.Meaning, e.Hint)
	}
}

// Identical strings to sign mean the gateway checked with another key than
// this private key's. Without app_cert_sn, the app may be in certificate
// mode: that is said, with how to configure it, before the key pair is
// blamed.
func TestIdenticalStringsNameCertificateModeFirst(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		p := newPeer(t, protocol, func(pr *gateway.Profile) { pr.PrivateKey = otherKey(t) })
		tr, err := p.client.Exchange(context.Background(), p.code(t, "auth_user"))
		d := apiError(t, tr, err).SignatureDiff
		if d == nil || d.Offset != -1 {
			t.Fatalf("%s: diff %+v", protocol, d)
		}
		cert, wrong := strings.Index(d.Summary, "certificate mode (公钥证书)"), strings.Index(d.Summary, "the key is wrong")
		if cert < 0 || wrong < cert || !strings.Contains(d.Summary, "appCertPublicKey_") || !strings.Contains(d.Summary, "identical") {
			t.Fatalf("%s: summary %q", protocol, d.Summary)
		}
	}
}

// Both official SDKs' v3 calls carry alipay-request-id; so do aliauth's,
// a fresh one each call, shown among the request's headers.
func TestV3RequestIDIsSentAndShown(t *testing.T) {
	p := newPeer(t, gateway.V3)
	var sent []string
	p.through(rewriting{request: func(r *http.Request) { sent = append(sent, r.Header.Get("alipay-request-id")) }})
	var shown []string
	for range 2 {
		tr, err := p.client.Exchange(context.Background(), p.code(t, "auth_user"))
		if err != nil {
			t.Fatal(err)
		}
		shown = append(shown, tr.Request.Headers["alipay-request-id"])
	}
	for i, id := range sent {
		if _, err := strconv.ParseUint(id[:16], 16, 64); len(id) != 32 || err != nil || id != shown[i] {
			t.Fatalf("sent %q, shown %q", id, shown[i])
		}
	}
	if len(sent) != 2 || sent[0] == sent[1] {
		t.Fatalf("request ids %q", sent)
	}
}

// The explanation of a v2 auth_base token on user info puts the scope
// first; a v3 one is explained the same under its unprefixed code.
func TestUserInfoTokenErrorNamesTheScopeFirst(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		p := newPeer(t, protocol)
		tr, err := p.client.Exchange(context.Background(), p.code(t, emulator.ScopeAuthBase))
		if err != nil {
			t.Fatal(err)
		}
		info, err := p.client.UserInfo(context.Background(), tr.Tokens.AccessToken)
		e := apiError(t, info, err)
		if !strings.HasPrefix(e.Meaning, "this access token may not read the user's profile. Most often it was granted with scope auth_base") {
			t.Fatalf("%s: %s %s explained as %q", protocol, e.Code, e.SubCode, e.Meaning)
		}
	}
}
