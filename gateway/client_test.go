package gateway_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
	"aliauth/keys"
)

func loadKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	k, _, err := keys.LoadPrivateKey(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// peer is an emulator on real loopback HTTP and a client configured for it.
type peer struct {
	emu    *emulator.Emulator
	srv    *httptest.Server
	client *gateway.Client
}

func newPeer(t testing.TB, protocol gateway.Protocol, edit ...func(*gateway.Profile)) *peer {
	t.Helper()
	return newPeerWith(t, emulator.Config{}, protocol, edit...)
}

// newPeerWith is newPeer with an emulator set up by cfg.
func newPeerWith(t testing.TB, cfg emulator.Config, protocol gateway.Protocol, edit ...func(*gateway.Profile)) *peer {
	t.Helper()
	cfg.AlipayKey, cfg.DemoAppKey = loadKey(t, "alipay_private_key.pem"), loadKey(t, "app_private_key.pem")
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	p := gateway.Profile{
		Name:            "test",
		Protocol:        protocol,
		Gateway:         srv.URL + "/gateway.do",
		Endpoint:        srv.URL,
		AppID:           emulator.DemoAppID,
		PrivateKey:      emu.DemoApp().PrivateKey,
		AlipayPublicKey: emu.AlipayPublicKey(),
		AlipayKeySource: "the emulator",
	}
	for _, f := range edit {
		f(&p)
	}
	c, err := gateway.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	return &peer{emu: emu, srv: srv, client: c}
}

func (p *peer) code(t testing.TB, scope string) string {
	t.Helper()
	code, err := p.emu.MintCode(emulator.DemoAppID, scope, "")
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestExchangeRefreshUserInfoEndToEnd(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		t.Run(string(protocol), func(t *testing.T) {
			p := newPeer(t, protocol)
			ctx := context.Background()
			tr, err := p.client.Exchange(ctx, p.code(t, "auth_user"))
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if tr.Outcome != gateway.OutcomeSuccess || tr.Verification.Status != gateway.Verified {
				t.Fatalf("outcome %s, verification %s: %s", tr.Outcome, tr.Verification.Status, tr.Verification.Detail)
			}
			tk := tr.Tokens
			if !strings.HasPrefix(tk.AccessToken, "authusrB") || tk.RefreshToken == "" || tk.UserID == "" || tk.OpenID == "" {
				t.Fatalf("tokens %+v", tk)
			}
			if d := time.Until(tk.AccessExpiresAt); d < 14*24*time.Hour || d > 16*24*time.Hour {
				t.Errorf("access token expires in %v, want about 15 days", d)
			}
			if tr.Response.TraceID == "" || !strings.Contains(tr.Response.DiagnosisURL, tr.Response.TraceID) {
				t.Errorf("trace id %q, link %q", tr.Response.TraceID, tr.Response.DiagnosisURL)
			}

			ref, err := p.client.Refresh(ctx, tk.RefreshToken)
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if ref.Tokens.RefreshToken == tk.RefreshToken || ref.Tokens.UserID != tk.UserID {
				t.Fatalf("refresh did not rotate for the same user: %+v", ref.Tokens)
			}
			again, err := p.client.Refresh(ctx, tk.RefreshToken)
			var apiErr *gateway.APIError
			if !errors.As(err, &apiErr) || again.Outcome != gateway.OutcomeGatewayError {
				t.Fatalf("second use of a rotated refresh token: %v", err)
			}

			info, err := p.client.UserInfo(ctx, ref.Tokens.AccessToken)
			if err != nil {
				t.Fatalf("user info: %v", err)
			}
			if !strings.Contains(string(info.Result), `"nick_name"`) || info.Verification.Status != gateway.Verified {
				t.Fatalf("user info result %s (%s)", info.Result, info.Verification.Status)
			}
		})
	}
}

func TestAuthCodeIsSingleUse(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		p := newPeer(t, protocol)
		code := p.code(t, "auth_user")
		if _, err := p.client.Exchange(context.Background(), code); err != nil {
			t.Fatal(err)
		}
		tr, err := p.client.Exchange(context.Background(), code)
		var apiErr *gateway.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: second exchange error %v", protocol, err)
		}
		if got := apiErr.SubCode + apiErr.Code; !strings.Contains(got, "isv.code-invalid") {
			t.Fatalf("%s: error %+v", protocol, apiErr)
		}
		if apiErr.Hint == "" || tr.Outcome != gateway.OutcomeGatewayError || tr.Verification.Status != gateway.Verified {
			t.Fatalf("%s: hint %q outcome %s verification %s", protocol, apiErr.Hint, tr.Outcome, tr.Verification.Status)
		}
	}
}

func TestAuthBaseTokenCannotReadProfile(t *testing.T) {
	p := newPeer(t, gateway.V2)
	tr, err := p.client.Exchange(context.Background(), p.code(t, "auth_base"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tr.Tokens.AccessToken, "authbseB") {
		t.Fatalf("auth_base token %q", tr.Tokens.AccessToken)
	}
	info, err := p.client.UserInfo(context.Background(), tr.Tokens.AccessToken)
	var apiErr *gateway.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "20001" || apiErr.Hint == "" {
		t.Fatalf("user info with auth_base: %v", err)
	}
	if info.Verification.Node != "alipay_user_info_share_response" {
		t.Fatalf("user info errors come in the method's node, got %s", info.Verification.Node)
	}
}

func TestWrongPrivateKeyShowsSignatureDiff(t *testing.T) {
	p := newPeer(t, gateway.V2, func(pr *gateway.Profile) {
		pr.PrivateKey = loadKey(t, "alipay_private_key.pem")
		pr.AlipayPublicKey = nil
	})
	tr, err := p.client.Exchange(context.Background(), p.code(t, "auth_user"))
	var apiErr *gateway.APIError
	if !errors.As(err, &apiErr) || apiErr.SubCode != "isv.invalid-signature" {
		t.Fatalf("error %v", err)
	}
	d := apiErr.SignatureDiff
	if d == nil || d.Offset != -1 || d.Gateway != tr.Request.StringToSign || !strings.Contains(d.Summary, "key is wrong") {
		t.Fatalf("diff %+v", d)
	}
	if tr.Verification.Status != gateway.Skipped || tr.Outcome != gateway.OutcomeGatewayError {
		t.Fatalf("verification %s outcome %s", tr.Verification.Status, tr.Outcome)
	}
}

func TestAppPublicKeyAsAlipayKeyIsCaughtBeforeAnyCall(t *testing.T) {
	app := loadKey(t, "app_private_key.pem")
	_, err := gateway.NewClient(gateway.Profile{Protocol: gateway.V2, Gateway: "https://openapi.alipay.com/gateway.do", AppID: "1", PrivateKey: app, AlipayPublicKey: &app.PublicKey})
	if !errors.Is(err, gateway.ErrAppKeyAsAlipayKey) || !strings.Contains(err.Error(), "支付宝公钥") {
		t.Fatalf("error %v", err)
	}
}

func TestProfileValidationMessages(t *testing.T) {
	app := loadKey(t, "app_private_key.pem")
	base := gateway.Profile{Protocol: gateway.V2, Gateway: gateway.ProductionGateway, AppID: "2021", PrivateKey: app}
	cases := []struct {
		edit func(*gateway.Profile)
		want string
	}{
		{func(p *gateway.Profile) { p.Gateway = "openapi.alipay.com/gateway.do" }, "no scheme"},
		{func(p *gateway.Profile) { p.Gateway = "ftp://openapi.alipay.com/gateway.do" }, "use https"},
		{func(p *gateway.Profile) { p.Gateway = "" }, "no gateway URL"},
		{func(p *gateway.Profile) { p.AppID = "" }, "no app id"},
		{func(p *gateway.Profile) { p.PrivateKey = nil }, "no app private key"},
		{func(p *gateway.Profile) { p.Charset = "latin1" }, "utf-8 or GBK"},
		{func(p *gateway.Profile) { p.SignType = "SM2" }, "RSA2"},
		{func(p *gateway.Profile) {
			p.Protocol = gateway.V3
			p.Endpoint = gateway.ProductionEndpoint
			p.SignType = gateway.RSA
		}, "SHA256withRSA only"},
		{func(p *gateway.Profile) { p.AppCertSN = "x" }, "alipayCertPublicKey_RSA2.crt"},
	}
	for _, c := range cases {
		p := base
		c.edit(&p)
		_, err := gateway.NewClient(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to mention %q", err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "--") {
			t.Errorf("the library names a flag: %v", err)
		}
	}
}

func TestRetiredSandboxHostIsWarned(t *testing.T) {
	p := gateway.Profile{Protocol: gateway.V2, Gateway: "https://openapi.alipaydev.com/gateway.do"}
	w := strings.Join(p.Warnings(), "\n")
	if !strings.Contains(w, "retired") || !strings.Contains(w, gateway.SandboxGateway) {
		t.Fatalf("warnings %q", w)
	}
	if p.Environment() != gateway.EnvSandbox {
		t.Fatalf("environment %s", p.Environment())
	}
}

func TestV2RequestSplitsQueryAndBodyLikeTheSDKs(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 4096)
		n, _ := r.Body.Read(b)
		body, got = string(b[:n]), r
		http.Error(w, "no", http.StatusBadGateway)
	}))
	defer srv.Close()
	c, err := gateway.NewClient(gateway.Profile{Protocol: gateway.V2, Gateway: srv.URL + "/gateway.do", AppID: "2021", PrivateKey: loadKey(t, "app_private_key.pem")})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := c.Exchange(context.Background(), "abc")
	q := got.URL.Query()
	for _, k := range []string{"app_id", "method", "format", "charset", "sign_type", "sign", "timestamp", "version"} {
		if q.Get(k) == "" {
			t.Errorf("query lacks %s", k)
		}
	}
	if q.Get("code") != "" || q.Get("grant_type") != "" {
		t.Error("business parameters leaked into the query")
	}
	if body != "code=abc&grant_type=authorization_code" {
		t.Errorf("form body %q", body)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		t.Errorf("content type %q", ct)
	}
	if tr.Outcome != gateway.OutcomeTransportError || !strings.Contains(tr.TransportError, "HTTP 502") {
		t.Errorf("outcome %s: %s", tr.Outcome, tr.TransportError)
	}
}

func TestDryRunSignsWithoutSending(t *testing.T) {
	sent := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent = true }))
	defer srv.Close()
	c, err := gateway.NewClient(gateway.Profile{Protocol: gateway.V2, Gateway: srv.URL, AppID: "2021000000000001", PrivateKey: loadKey(t, "app_private_key.pem")})
	if err != nil {
		t.Fatal(err)
	}
	c.DryRun, c.Timestamp = true, "2026-11-24 23:19:10"
	tr, err := c.Exchange(context.Background(), "4b203fe6c11548bcabd8da5bb087a83b")
	if err != nil || sent || tr.Outcome != gateway.OutcomeDryRun {
		t.Fatalf("err %v sent %v outcome %s", err, sent, tr.Outcome)
	}
	// The same parameters and key as the first signing vector: the same bytes.
	want := "cuK8s/Pp0ON92KNegY8V1T7GlD5xSkGA9ohc3zjrC0EyRcCu02mAGYgls8LCMht5Srnol6GA0MFVzr05xtHfe1G90KyxSWwXbdyd+86fCF0aiIdenbTUBb5iiX00/fq4Mf+yDTrfxGYe4A3qzKNOTvwo8AKcHTGhFsyV8AkLF88RIhwiUY9Co0weRVyflOqOQOEIPnSEt2mrKkLJxhW7XqXPit8rDI0qSHrRqtR0/6A5QKUk0ie7W2ZOIgSGVKOrr2hOQbnlY7sdv253BMC/TE/Oq/mZt0u+UKiCSvVYOqQXSbrkAWrpugNRjhkHuAN7D7Q2L+jJ56i35bGO9rvFlg=="
	if tr.Request.Sign != want {
		t.Fatalf("pinned dry run signature differs from the openssl vector:\n%s", tr.Request.Sign)
	}
	if !strings.Contains(tr.Request.Clock, "pinned") {
		t.Errorf("clock %q does not say it was pinned", tr.Request.Clock)
	}
}

func TestGBKSignsAndVerifiesOverGBKBytesEndToEnd(t *testing.T) {
	p := newPeer(t, gateway.V2, func(pr *gateway.Profile) { pr.Charset = "GBK" })
	ctx := context.Background()
	tr, err := p.client.Exchange(ctx, p.code(t, "auth_user"))
	if err != nil {
		t.Fatalf("GBK exchange: %v", err)
	}
	if tr.Request.Params["charset"] != "GBK" || !strings.Contains(tr.Request.URL, "charset=GBK") {
		t.Fatalf("request charset: %v", tr.Request.Params["charset"])
	}
	info, err := p.client.UserInfo(ctx, tr.Tokens.AccessToken)
	if err != nil {
		t.Fatalf("GBK user info: %v", err)
	}
	if info.Verification.Status != gateway.Verified {
		t.Fatalf("verification %s", info.Verification.Status)
	}
	// The body is GBK on the wire; the trace shows it decoded.
	if strings.Contains(string(info.Response.Body), "市") {
		t.Fatal("the GBK body is UTF-8 on the wire")
	}
	if !strings.Contains(info.Response.BodyText(), "市") || !strings.Contains(string(info.Result), "市") {
		t.Fatalf("decoded body %q", info.Response.BodyText())
	}
	code := p.code(t, "auth_user")
	if _, err := p.client.Exchange(ctx, code); err != nil {
		t.Fatal(err)
	}
	tr, _ = p.client.Exchange(ctx, code)
	if tr.Error == nil || tr.Error.SubMsg != "授权码code无效" {
		t.Fatalf("GBK error sub_msg %+v", tr.Error)
	}
}

// A timestamp far from China time is accepted, as Alipay documents no
// window, and the trace says how far off it was; an emulator in strict mode
// refuses it, and the explanation names the UTC trap.
func TestTimestampFarFromTheClockIsWarnedOrRefusedWhenStrict(t *testing.T) {
	hourAgo := gateway.Timestamp(time.Now().Add(-time.Hour))

	p := newPeer(t, gateway.V2)
	p.client.Timestamp = hourAgo
	tr, err := p.client.Exchange(context.Background(), p.code(t, "auth_user"))
	if err != nil {
		t.Fatalf("a timestamp an hour off: %v", err)
	}
	if !strings.Contains(tr.Request.Clock, "pinned") {
		t.Fatalf("clock %q", tr.Request.Clock)
	}
	skewWarnings := 0
	for _, w := range tr.Warnings {
		if strings.Contains(w, "isv.invalid-timestamp") {
			skewWarnings++
			if !regexp.MustCompile(`1h0m[01]s behind this machine's clock`).MatchString(w) {
				t.Errorf("warning %q does not say how far and which way", w)
			}
		}
	}
	if skewWarnings != 1 {
		t.Fatalf("want one skew warning (the client's, not repeated from the emulator's note), got %q", tr.Warnings)
	}

	strict := newPeerWith(t, emulator.Config{TimestampWindow: 15 * time.Minute}, gateway.V2)
	strict.client.Timestamp = hourAgo
	_, err = strict.client.Exchange(context.Background(), strict.code(t, "auth_user"))
	var apiErr *gateway.APIError
	if !errors.As(err, &apiErr) || apiErr.SubCode != "isv.invalid-timestamp" || !strings.Contains(apiErr.Hint, "UTC+8") || !strings.Contains(apiErr.Hint, "server in UTC") {
		t.Fatalf("strict window: %v", err)
	}
}

// eightHoursBehind is the emulator's note of a clock eight hours behind,
// give or take the second the call takes.
var eightHoursBehind = regexp.MustCompile(`emulator read this request's timestamp as (8h0m[0-9]s|7h59m5[0-9]s) behind its clock`)

// A clock in the wrong zone reaches the trace through the emulator's note
// even when the client's own timestamp looks right to it: here the
// emulator's clock runs eight hours ahead.
func TestEmulatorNoteOfSkewReachesTheTrace(t *testing.T) {
	for _, protocol := range []gateway.Protocol{gateway.V2, gateway.V3} {
		p := newPeerWith(t, emulator.Config{Now: func() time.Time { return time.Now().Add(8 * time.Hour) }}, protocol)
		code, err := p.emu.MintCode(emulator.DemoAppID, "auth_user", "")
		if err != nil {
			t.Fatal(err)
		}
		tr, err := p.client.Exchange(context.Background(), code)
		if err != nil {
			t.Fatalf("%s: %v", protocol, err)
		}
		if !slices.ContainsFunc(tr.Warnings, eightHoursBehind.MatchString) {
			t.Fatalf("%s: warnings %q", protocol, tr.Warnings)
		}
	}
}

func TestCancelledCallIsATransportErrorWithATrace(t *testing.T) {
	p := newPeer(t, gateway.V2)
	p.emu.Arm(emulator.Fault{Kind: emulator.FaultDelay, Delay: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	tr, err := p.client.Exchange(ctx, p.code(t, "auth_user"))
	var te *gateway.TransportError
	if !errors.As(err, &te) || tr == nil || tr.Outcome != gateway.OutcomeTransportError || !strings.Contains(tr.TransportError, "cancelled") {
		t.Fatalf("err %v trace %+v", err, tr)
	}
}
